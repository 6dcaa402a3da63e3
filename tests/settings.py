"""Test settings: the development defaults of kkkregistry.settings, nothing else.

The environment is read once, in kkkregistry/settings.py; this only supplies
DEBUG=1 so that no real secret key is needed. Production settings are tested
separately, in a subprocess with production variables.
"""

import os

os.environ.setdefault("DEBUG", "1")

from kkkregistry.settings import *  # noqa: E402,F403

# Hashing passwords slowly is the point in production and only a cost in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Page tests count queries and change data with bulk_create between requests; the
# page cache has its own tests (tests/test_page_cache.py), which switch it on.
PUBLIC_PAGE_CACHE_SECONDS = 0

# The API's per-address limit would count every test's requests from 127.0.0.1 in one
# shared cache; its own test lowers it.
API_REQUESTS_PER_MINUTE = 1_000_000

# A confirmed import runs within the request, so a test sees its end at once; the
# worker's own path (django-tasks-db) has tests of its own that switch this back.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
