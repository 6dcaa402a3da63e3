from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .models import Cluster, Representation, Round, StatusAward, today


def home(request):
    on = today()
    clusters = (
        Cluster.objects.published()
        .with_status_on(on)
        .with_status_until(on)
        .prefetch_related(
            Prefetch(
                "representations", queryset=Representation.objects.select_related("coordinator")
            )
        )
        .order_by("status_valid_until", "name")
    )
    return render(request, "clusters/home.html", {"clusters": clusters, "on": on})


def cluster_detail(request, slug):
    cluster = get_object_or_404(
        Cluster.objects.published().prefetch_related(
            "specialisations",
            "former_names",
            "member_counts",
            "labels",
            Prefetch(
                "representations", queryset=Representation.objects.select_related("coordinator")
            ),
            Prefetch("status_awards", queryset=StatusAward.objects.select_related("round")),
        ),
        slug=slug,
    )
    return render(request, "clusters/cluster_detail.html", {"cluster": cluster, "on": today()})


def round_detail(request, slug):
    round_ = get_object_or_404(
        Round.objects.select_related("organiser", "co_organiser").prefetch_related(
            "stages",
            "organiser__names",
            Prefetch(
                "status_awards",
                queryset=StatusAward.objects.filter(cluster__published=True)
                .select_related("cluster")
                .order_by("cluster__name"),
            ),
        ),
        slug=slug,
    )
    return render(request, "clusters/round_detail.html", {"round": round_})
