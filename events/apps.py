from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    # Its rows are registry data: public pages show them and the staff roles keep them.
    registry_data = True
    verbose_name = _("Events")
