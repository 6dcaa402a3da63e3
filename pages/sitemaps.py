from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clusters.models import Cluster, Round
from events.models import Event


class PublicSitemap(Sitemap):
    # Every page exists in Polish and English; the sitemap names both.
    i18n = True
    alternates = True
    x_default = True


class FixedPagesSitemap(PublicSitemap):
    priority = 0.8

    def items(self):
        return [
            "pages:home",
            "clusters:list",
            "clusters:round-list",
            "events:list",
            "pages:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class ClusterSitemap(PublicSitemap):
    def items(self):
        return Cluster.objects.published().order_by("slug")

    def lastmod(self, cluster):
        return cluster.updated_at


class RoundSitemap(PublicSitemap):
    def items(self):
        return Round.objects.order_by("slug")


class EventSitemap(PublicSitemap):
    def items(self):
        return Event.objects.published().order_by("slug")


SITEMAPS = {
    "pages": FixedPagesSitemap,
    "clusters": ClusterSitemap,
    "rounds": RoundSitemap,
    "events": EventSitemap,
}
