import pytest

from kkkregistry.roles import EDITORS
from tests.factories import staff_in


@pytest.fixture
def editor_user():
    return staff_in(EDITORS)


@pytest.fixture
def editor(client, editor_user):
    """A client logged in as `editor_user`."""
    client.force_login(editor_user)
    return client
