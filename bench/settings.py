"""The production settings plus a trivial view, for the pages benchmark only.

The trivial view is the yardstick every public page is compared with: the same
middleware stack and the same gunicorn, no database and no template.
"""

from kkkregistry.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
