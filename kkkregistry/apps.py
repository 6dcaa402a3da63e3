from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KkkRegistryConfig(AppConfig):
    """The project itself: its roles migration and the built-in data commands."""

    name = "kkkregistry"
    verbose_name = "KKK registry"

    def ready(self):
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        # Staff follow imports on their jobs' pages and the dashboard; the worker's raw
        # task records (arguments, tracebacks) are for the server's operators only.
        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

        from django.contrib.auth.models import Group, User

        from .account_admin import RegistryGroupAdmin, RegistryUserAdmin

        # Django's own admins of staff accounts, with the registry's Polish titles.
        for model, model_admin in [(User, RegistryUserAdmin), (Group, RegistryGroupAdmin)]:
            if admin.site.is_registered(model):
                admin.site.unregister(model)
            admin.site.register(model, model_admin)


class RegistryAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the registry's site: its dashboard and its title."""

    default = False  # kkkregistry itself is KkkRegistryConfig
    default_site = "kkkregistry.admin.RegistryAdminSite"
