"""One step of the shared-cache test, run as a process of its own.

    python -m tests.page_cache_process setup|show PATH|rename NAME|rename-quietly NAME

The environment names the database (DATABASE_URL) and the shared cache (REDIS_URL).
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kkkregistry.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from clusters.models import Cluster  # noqa: E402


def main(command, argument=None):
    if command == "setup":
        call_command("migrate", verbosity=0)
        Cluster.objects.create(name=argument, voivodeship="silesia")
    elif command == "show":
        response = Client(HTTP_HOST="localhost").get(argument)
        assert response.status_code == 200, response.status_code
        sys.stdout.write(response.content.decode())
    elif command == "rename":
        # As the admin's change form does: save() and its signals.
        cluster = Cluster.objects.get()
        cluster.name = argument
        cluster.save()
    elif command == "rename-quietly":
        # No signals: shows whether a page came from the cache rather than the database.
        Cluster.objects.update(name=argument)


if __name__ == "__main__":
    main(*sys.argv[1:])
