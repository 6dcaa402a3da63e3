"""Production settings refuse to start without a real secret key."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_with(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean |= {"DJANGO_SETTINGS_MODULE": "kkkregistry.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_with({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60])
def test_production_refuses_a_weak_secret_key(key):
    result = run_with({"SECRET_KEY": key})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_with({"SECRET_KEY": "k" * 20 + "Q9v!t2#Lm8@pZ4&sR7*wX1^yB6" + "j" * 10})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
