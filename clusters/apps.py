from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    # Its rows are registry data: public pages show them and the staff roles keep them.
    registry_data = True
    verbose_name = _("Clusters and competitions")

    def ready(self):
        from core.pagecache import register_scheduled_change

        from . import signals  # noqa: F401  (connects the receivers)
        from .models import Round

        register_scheduled_change(Round.objects.next_publication)
