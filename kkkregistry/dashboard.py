"""What the admin's first page shows: the registry in numbers and what needs attention."""

import datetime

from clusters.models import (
    Application,
    Cluster,
    Coordinator,
    ExpertAssignment,
    Round,
    StatusAward,
)
from core.dates import today
from events.models import Event
from pages.models import REVIEW_DEADLINE, AccessibilityStatement
from transfer.admin import IMPORT_PERMISSION
from transfer.jobs import fail_stale_jobs
from transfer.models import RECENT_JOBS, ImportJob

# The lists on the dashboard are reminders, not reports; the full list is one click away.
DASHBOARD_ROWS = 10


def dashboard(user, on=None):
    """Counts and to-do lists for `user`, limited to what they may view; None without access."""
    on = on or today()
    if not user.has_perm("clusters.view_cluster"):
        return None
    expiring = Cluster.objects.expiring_on(on).order_by("status_end", "name")
    drafts = Cluster.objects.filter(published=False)
    board = {
        "on": on,
        "counts": {
            "clusters": Cluster.objects.count(),
            "with_status": Cluster.objects.with_status_on(on).count(),
            "coordinators": Coordinator.objects.count(),
            "rounds": Round.objects.count(),
            "awards": StatusAward.objects.count(),
        },
        "expiring": list(expiring[:DASHBOARD_ROWS]),
        "expiring_count": expiring.count(),
        "draft_clusters": list(drafts[:DASHBOARD_ROWS]),
        "draft_clusters_count": drafts.count(),
        # None: the user may not see these; the page leaves them out.
        "waiting_applications_count": None,
        "draft_events_count": None,
    }
    board["counts"]["events"] = None
    if user.has_perm("clusters.view_application"):
        waiting = Application.objects.without_results().select_related("cluster", "round")
        board["waiting_applications"] = list(waiting[:DASHBOARD_ROWS])
        board["waiting_applications_count"] = waiting.count()
    if user.has_perm("clusters.change_expertassignment"):
        # Experts who declared a conflict in a round still running: each needs a stand-in.
        board["conflicts"] = list(
            ExpertAssignment.objects.filter(
                impartiality=ExpertAssignment.Impartiality.CONFLICT,
                application__round__closed_at=None,
            ).select_related("application__cluster", "application__round", "stage", "expert")
        )
    if user.has_perm("events.view_event"):
        board["counts"]["events"] = Event.objects.count()
        draft_events = Event.objects.filter(published=False)
        board["draft_events"] = list(draft_events[:DASHBOARD_ROWS])
        board["draft_events_count"] = draft_events.count()
    if user.has_perm(IMPORT_PERMISSION):
        # None when there is nothing to show: the page leaves the section out.
        running = list(ImportJob.objects.unfinished().select_related("user"))
        if any(job.is_stale() for job in running):
            # A job whose worker died is listed as failed, not running (swept only then).
            fail_stale_jobs()
            running = list(ImportJob.objects.unfinished().select_related("user"))
        board["running_imports"] = running
        board["recent_imports"] = list(
            ImportJob.objects.finished().select_related("user")[:RECENT_JOBS]
        )
    if user.has_perm("pages.view_accessibilitystatement"):
        board["statement"] = statement_reminder(on)
    return board


def statement_reminder(on):
    """What the accessibility statement needs from staff on day `on`; None when nothing."""
    statement = AccessibilityStatement.objects.current()
    if statement is None:
        return {"state": "unpublished"}
    state = statement.review_state(on)
    if state is None:
        return None
    return {
        "state": state,
        "statement": statement,
        "deadline": datetime.date(on.year, *REVIEW_DEADLINE),
    }
