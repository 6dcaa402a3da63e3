import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Tests match the source (English) messages; Polish is the site's default language.

    Requests still pick their language from the URL through LocaleMiddleware.
    """
    with translation.override("en"):
        yield
