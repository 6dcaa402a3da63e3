from django.shortcuts import get_object_or_404, render

from .models import Event


def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.published()
        .select_related("organiser", "round", "project", "part_of")
        .prefetch_related("participations__person", "participations__cluster", "clusters"),
        slug=slug,
    )
    return render(request, "events/event_detail.html", {"event": event})
