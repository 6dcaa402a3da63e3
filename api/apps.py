from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The registry as a data source: the read-only open-data API at /api/v1/."""

    name = "api"
    verbose_name = _("Open-data API")
