from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KkkRegistryConfig(AppConfig):
    """The project itself: its roles migration and the built-in data commands."""

    name = "kkkregistry"
    verbose_name = "KKK registry"


class RegistryAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the registry's site: its dashboard and its title."""

    default = False  # kkkregistry itself is KkkRegistryConfig
    default_site = "kkkregistry.admin.RegistryAdminSite"
