import pytest

from kkkregistry.roles import EDITORS
from tests.factories import staff_in


@pytest.fixture
def editor(client):
    """A client logged in as an editor, reading the admin in English."""
    client.force_login(staff_in(EDITORS))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
