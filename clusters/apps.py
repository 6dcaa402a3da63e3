from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    # Its rows are registry data: public pages show them and the staff roles keep them.
    registry_data = True
    verbose_name = _("Clusters and competitions")
    # The families of data the page cache tells apart (core/pagecache.py); a model not
    # named here is of `clusters`, whose rows must each be a cluster's own (a foreign
    # key to it: tests/test_page_cache_keys.py checks), since a cluster's page is keyed
    # on its own record and not on the family.
    page_families = {
        **dict.fromkeys(
            [
                "Round",
                "EvaluationStage",
                "Criterion",
                "Application",
                "StageResult",
                "ExpertAssignment",
                "ScoreCard",
                "CriterionScore",
                "ExpertScore",
                "StatusAward",
            ],
            "rounds",
        ),
        **dict.fromkeys(
            [
                "Coordinator",
                "Specialisation",
                "Institution",
                "InstitutionName",
                "Person",
                "ReportedStatusCount",
            ],
            "reference",
        ),
    }

    def ready(self):
        from core.pagecache import register_page_record, register_scheduled_change

        from . import signals, statistics  # noqa: F401  (signals connects the receivers)
        from .models import Cluster, Round

        register_scheduled_change(Round.objects.next_publication)
        register_page_record(Cluster)
        statistics.register()
