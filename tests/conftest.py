import datetime

import pytest
import time_machine
from django.utils import translation


@pytest.fixture
def english():
    """Validation messages in English, the language the model tests match them in.

    Outside a request Django speaks LANGUAGE_CODE, Polish; requests still pick
    their language from the URL through LocaleMiddleware.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def frozen_today():
    """Today is 24 November 2026 (the registry's dates are read against it), at noon."""
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, 0), tick=False):
        yield
