"""A broken built-in data file loads nothing: into an empty registry, checked on its own."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from clusters.models import Cluster
from kkkregistry.builtin_data import DATA_DIR

pytestmark = pytest.mark.django_db


def test_a_broken_data_file_loads_nothing(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    rounds = folder / "rounds.toml"
    rounds.write_text(rounds.read_text().replace('"klaster-ltpp", kind', '"no-such-cluster", kind'))
    with pytest.raises(CommandError, match="no-such-cluster"):
        call_command("load_registry_data", directory=folder)
    assert not Cluster.objects.exists()
