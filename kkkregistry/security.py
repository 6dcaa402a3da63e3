import ipaddress

from django.conf import settings
from django.shortcuts import render


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
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
