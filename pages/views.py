from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from .display import COOKIE_MAX_AGE, SWITCHES, is_on
from .models import AccessibilityStatement


def accessibility_statement(request):
    statement = AccessibilityStatement.objects.current()
    return render(
        request,
        "pages/accessibility_statement.html",
        {
            "statement": statement,
            "issues": statement.issues(get_language()),
            "site_url": request.build_absolute_uri(reverse("clusters:home")),
        },
    )


@require_POST
def toggle_display(request):
    """Flip one display switch and go back to the page the visitor came from."""
    switch = request.POST.get("switch")
    if switch not in SWITCHES:
        return HttpResponseBadRequest()
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    # Not shortcuts.redirect: it would try a bare word such as "home" as a URL name.
    response = HttpResponseRedirect(back)
    if is_on(request, switch):
        response.delete_cookie(SWITCHES[switch])
    else:
        response.set_cookie(
            SWITCHES[switch], "1", max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
        )
    return response
