import datetime
import os

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import translation


@pytest.fixture(autouse=True)
def language_of_the_site():
    """Each test starts in the site's language: a request in English (the admin follows
    Accept-Language) leaves English active in the thread, and the next test's messages
    and reversed URLs would depend on the order tests ran in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture(scope="module")
def builtin_registry(django_db_setup, django_db_blocker):
    """The built-in data, loaded once for a module's tests: the load report.

    It lives in a transaction around the module's tests, each of which runs in a
    savepoint of its own as usual, so a test's changes never reach the next one,
    and the whole is rolled back when the module ends. Not for transactional tests.
    """
    from kkkregistry.builtin_data import load_registry_data

    with django_db_blocker.unblock(), transaction.atomic():
        yield load_registry_data()
        transaction.set_rollback(True)


def pytest_collection_modifyitems(config, items):
    """Load tests measure answers under load: never beside other tests on other cores.

    `make test` runs them alone afterwards (`pytest -m load -n 0`).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    kept = [item for item in items if item.get_closest_marker("load") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
