from django.core.management.base import BaseCommand

from kkkregistry.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the editors, viewers and experts groups. Safe to run again."

    def handle(self, *args, **options):
        for group in setup_roles():
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
