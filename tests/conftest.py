import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code run outside a request speaks English in tests, so messages read the same
    everywhere; requests still choose their language through LocaleMiddleware, and tests
    of Polish texts say so with translation.override("pl")."""
    with translation.override("en"):
        yield
