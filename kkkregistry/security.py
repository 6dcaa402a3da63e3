import ipaddress

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """What Django does not do itself: refuse TRACE, and the headers below on every response.

    TRACE echoes a request back (cross-site tracing) and no page needs it. Other sites
    may not embed our responses (Cross-Origin-Resource-Policy); no admin page is stored
    by a browser or proxy, whichever view answered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "TRACE":
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path_info.startswith(reverse("admin:index")):
            patch_cache_control(response, no_store=True, private=True)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out page: says for how long, in the visitor's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def _trusted(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.FORWARDED_ALLOW_IPS:
        if allowed == "*":
            return True
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or behind a trusted proxy what it saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so
    the list is read from the right, past the proxies in FORWARDED_ALLOW_IPS; the
    entries left of the first untrusted one are whatever the client wrote.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([hop.strip() for hop in forwarded.split(",") if hop.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a header no proxy of ours wrote: believe only the socket
        address = hop
        if not _trusted(hop):
            break
    return address
