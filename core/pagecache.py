"""Rendered public pages, cached until staff change registry data.

Every save, delete and many-to-many change of a registry model, and every
bulk import, bumps one counter (DataVersion) in the same transaction as the
change. A page's cache key includes the counter, so the first request after a
change renders the page afresh and pages rendered before it are never served
again (they expire unused). A hit costs one small query, reading the counter.

The key also holds everything a page varies by besides the data: the day,
language (from the URL), the display-preference cookies, scheme, host and path.
Pages embed a per-visitor CSRF token (the display switch form), so the cached
copy holds a placeholder that each response fills with the visitor's own token.
The CSP has no nonce, so nothing else in a page is per-request.
"""

import hashlib
import re
import threading
from contextlib import contextmanager
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language

from .apps import registry_apps
from .display import display_classes

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"\x00csrf-token\x00"


def data_version():
    from .models import DataVersion

    # Read on every cached page: plain SQL, because building the ORM query cost
    # several times what the database takes to answer it.
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


_deferred = threading.local()


@contextmanager
def one_bump_for_all():
    """Saves inside do not bump the data version one by one: the caller bumps once after.

    An import saves thousands of rows in one transaction; every save bumping the
    counter row cost a statement each, and the pages cannot see them before the
    commit anyway.
    """
    outer = getattr(_deferred, "active", False)
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = outer


def _bump_on_change(**kwargs):
    if not getattr(_deferred, "active", False):
        bump_data_version()


def bump_data_version():
    """A row the public pages may show changed (saves, deletes and imports call it)."""
    from .models import DataVersion

    if not DataVersion.objects.filter(pk=1).update(counter=F("counter") + 1, changed_at=Now()):
        # The row is gone (flush): a missing row reads as 0, so start past it.
        DataVersion.objects.get_or_create(
            pk=1, defaults={"counter": 1, "changed_at": timezone.now()}
        )


def data_version_stamp():
    """(counter, when it last changed or None), in one query: what a response is as new as.

    Plain SQL, as data_version(): it is read on every API request, 304s included.
    """
    from .models import DataVersion

    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter, changed_at FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if not row:
        return 0, None
    # The backend's own conversion (SQLite stores the time naive, in UTC).
    changed_at = row[1]
    column = DataVersion._meta.get_field("changed_at").get_col(DataVersion._meta.db_table)
    for converter in connection.ops.get_db_converters(column):
        changed_at = converter(changed_at, column, connection)
    return row[0], changed_at


def _bump_after_m2m_change(sender, action, **kwargs):
    # The sender is the through model; group permissions and the like are not registry data.
    if action.startswith("post_") and sender._meta.app_label in _registry_labels:
        _bump_on_change()


_registry_labels = set()


def connect_signals():
    _registry_labels.update(config.label for config in registry_apps())
    for model in apps.get_models():
        if model._meta.app_label in _registry_labels:
            uid = f"kkk-data-version-{model._meta.label}"
            post_save.connect(_bump_on_change, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(_bump_on_change, sender=model, dispatch_uid=uid + "-delete")
    # Many-to-many changes (a cluster's specialisations, an event's clusters) come
    # from the auto-created through models, sent with any sender: catch them all.
    m2m_changed.connect(_bump_after_m2m_change, dispatch_uid="kkk-data-version-m2m")


# Pages that change at a set moment with no save: results published for later. Apps
# register a function of `now` giving the next such moment, or None; a page is cached
# no longer than until then. Asked only when a page is rendered, never on a hit.
_scheduled_changes = []


def register_scheduled_change(next_moment):
    _scheduled_changes.append(next_moment)


def cache_seconds(seconds, now=None):
    """How long a page rendered now may be served: at most until the next scheduled change."""
    now = now or timezone.now()
    moments = [m for m in (f(now) for f in _scheduled_changes) if m is not None]
    if moments:
        seconds = min(seconds, max(int((min(moments) - now).total_seconds()), 1))
    return seconds


def page_key(request):
    parts = [
        str(data_version()),
        # Statuses begin and lapse at midnight: a page is only good for the day it shows.
        timezone.localdate().isoformat(),
        get_language(),
        display_classes(request),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    ]
    return "kkk-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_public_page(view):
    """Serve the view's rendered page from the cache while registry data is unchanged.

    Staff who are logged in always get a fresh page: they check what they just saved.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = page_key(request) if seconds else None
        cached = cache.get(key) if key else None
        if cached is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.cookies:
                return response
            content = _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
            if key:
                cache.set(key, (content, response["Content-Type"]), cache_seconds(seconds))
        else:
            content, content_type = cached
            page = content
            if _PLACEHOLDER in page:
                page = page.replace(_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(page, content_type=content_type)
        return _revalidated(request, response, content)

    return wrapper


def _revalidated(request, response, content):
    """The page with an ETag a browser sends back, answered 304 while the page is unchanged.

    `content` holds the token placeholder: the masked token differs on every response,
    while any of them is good for the visitor's CSRF secret, which the ETag includes.
    Browsers keep the page but ask each time (no-cache): data changes show at once.
    """
    secret = request.META.get("CSRF_COOKIE") or ""
    etag = quote_etag(hashlib.sha256(content + secret.encode()).hexdigest()[:32])
    response.headers["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=etag, response=response)
