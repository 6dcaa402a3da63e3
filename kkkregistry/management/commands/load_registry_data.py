from django.core.management.base import BaseCommand, CommandError

from kkkregistry.builtin_data import DATA_DIR, DataError, load_registry_data


class Command(BaseCommand):
    help = "Load the registry's built-in data (data/*.toml). Safe to run again: nothing duplicates."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=DATA_DIR, help="Folder with the data files.")

    def handle(self, *args, directory, **options):
        try:
            report = load_registry_data(directory)
        except DataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Built-in data: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('unchanged')} unchanged."
            )
        )
