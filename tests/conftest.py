import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Validation messages in English, the language the model tests match them in.

    Outside a request Django speaks LANGUAGE_CODE, Polish; requests still pick
    their language from the URL through LocaleMiddleware.
    """
    with translation.override("en"):
        yield
