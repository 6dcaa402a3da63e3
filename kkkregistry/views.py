"""Error pages that need the admin site: a refusal inside the admin keeps its layout."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults


def permission_denied(request, exception):
    """A staff member refused an admin page reads why, in the admin's layout."""
    in_admin = request.path.startswith(reverse("admin:index"))
    if not (in_admin and request.user.is_authenticated and request.user.is_staff):
        return defaults.permission_denied(request, exception)
    reason = str(exception) or _(
        "Your role does not give access to this page. Experts see only the applications "
        "assigned to them; viewers read the registry but do not change it."
    )
    context = {**admin.site.each_context(request), "title": _("No access"), "reason": reason}
    response = TemplateResponse(request, "admin/403.html", context, status=403)
    return response.render()
