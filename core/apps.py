from django.apps import AppConfig, apps
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _unicode_case_functions(sender, connection, **kwargs):
    """SQLite's lower()/upper() fold only ASCII; PostgreSQL folds Ł and Ś too.

    Replacing them per connection makes case-insensitive uniqueness and lookups
    (Lower("name") constraints, matching by name) behave the same on both databases.
    """
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function(
        "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
    )
    raw.create_function(
        "upper", 1, lambda s: s.upper() if isinstance(s, str) else s, deterministic=True
    )


def registry_apps():
    """The apps whose rows are registry data (AppConfig.registry_data), in INSTALLED_APPS order.

    The page cache watches their models; the editors and viewers roles are given them.
    """
    return [config for config in apps.get_app_configs() if getattr(config, "registry_data", False)]


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Registry core")

    def ready(self):
        connection_created.connect(_unicode_case_functions, dispatch_uid="kkk-sqlite-unicode-case")
        from . import pagecache

        pagecache.connect_signals()
