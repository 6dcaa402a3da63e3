"""Rendered public pages, cached until staff change what they show.

Every save, delete and many-to-many change of a registry model bumps, in the same
transaction as the change, the counter of its family of data (PageVersion
`family:<name>`: clusters, rounds, reference, events, pages, declared by each app)
and, for a record pages are about (a cluster) and the rows that are its own (its
former names, terms, awards), that record's counter; a bulk import, whose rows are
not known one by one, bumps `all`. A page's cache key holds the counters of what it
declares it shows (`cached_public_page(view, families=..., records=...)`), so the
first request after a change renders afresh the pages that show it, and pages
rendered before it are never served again (they expire unused); an edit to one
cluster leaves the other clusters' pages and the events pages cached. A hit costs
one small query reading the counters (two on a record's page: its id by slug).

The one DataVersion counter still goes up with every change: the API and the import
previews read it.

The key also holds everything a page varies by besides the data: the day,
language (from the URL), the display-preference cookies, scheme, host and path.
Pages embed a per-visitor CSRF token (the display switch form), so the cached
copy holds a placeholder that each response fills with the visitor's own token.
The CSP has no nonce, so nothing else in a page is per-request.
"""

import functools
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
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

from .apps import registry_apps
from .display import display_classes

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"\x00csrf-token\x00"
# Headers of a view's own that a page served from the cache keeps.
_KEPT_HEADERS = ("X-Robots-Tag", "Last-Modified")


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


ALL = "all"


def family_key(name):
    return f"family:{name}"


def record_key(model, pk):
    return f"record:{model._meta.label_lower}:{pk}"


# Models whose records have pages of their own (a cluster), registered by their app.
_record_models = set()


def register_page_record(model):
    """Pages about one `model` record may be keyed on it (records=... below): a change to
    the record, or to a row with a foreign key to it, bumps that record's counter."""
    _record_models.add(model)


def _family(model):
    """The family a registry model's rows belong to: its app's `page_families`, else the app.

    A history model (django-simple-history) is of its model's family.
    """
    model = getattr(model, "instance_type", model)
    config = apps.get_app_config(model._meta.app_label)
    return getattr(config, "page_families", {}).get(model.__name__, model._meta.app_label)


@functools.cache
def _owners(model):
    """The foreign keys of `model` to a record model: whose pages its rows are part of."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in _record_models
    ]


def _record_keys(instance):
    model = type(instance)
    if model in _record_models:
        return {record_key(model, instance.pk)}
    keys = set()
    for field in _owners(model):
        # Before the save, the record the row belonged to (a row moved to another
        # record leaves the first one's page as well); see _remember_owners.
        for pk in {
            getattr(instance, field.attname),
            *getattr(instance, "_page_owners", {}).get(field.attname, ()),
        }:
            if pk is not None:
                keys.add(record_key(field.related_model, pk))
    return keys


def _remember_owners(sender, instance, raw=False, **kwargs):
    """Before a row with a foreign key to a record is saved, the records it belongs to now."""
    if getattr(_deferred, "active", False):
        return  # an import: every page goes at its end
    fields = _owners(sender)
    if fields and instance.pk is not None and not instance._state.adding:
        before = (
            sender._default_manager.filter(pk=instance.pk)
            .values(*(f.attname for f in fields))
            .first()
            or {}
        )
        instance._page_owners = {name: (value,) for name, value in before.items()}


def _bump_on_change(sender, instance, **kwargs):
    if not getattr(_deferred, "active", False):
        bump_page_versions({family_key(_family(sender)), *_record_keys(instance)})


def bump_page_versions(keys):
    """The rows behind `keys` changed: the pages that show them are rendered again.

    The one data version goes up too (the API and the import previews read it).
    """
    from .models import PageVersion

    _bump_data_version_counter()
    table = connection.ops.quote_name(PageVersion._meta.db_table)
    key = connection.ops.quote_name("key")
    keys = sorted(keys)  # one order for every transaction: no deadlock between two
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, counter) VALUES {', '.join(['(%s, 1)'] * len(keys))} "
            f"ON CONFLICT ({key}) DO UPDATE SET counter = {table}.counter + 1",
            keys,
        )
    from .summaries import refresh_after_commit

    refresh_after_commit(keys)


def bump_data_version():
    """Registry rows changed that are not known one by one (an import): every page goes."""
    bump_page_versions({ALL})


def _bump_data_version_counter():
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


def _bump_after_m2m_change(sender, instance, action, model, pk_set, **kwargs):
    # The sender is the through model; group permissions and the like are not registry data.
    if (
        not action.startswith("post_")
        or sender._meta.app_label not in _registry_labels
        or getattr(_deferred, "active", False)
    ):
        return
    keys = {family_key(_family(type(instance))), family_key(_family(model))}
    if type(instance) in _record_models:
        keys.add(record_key(type(instance), instance.pk))
    if model in _record_models:
        # A clear from the other side does not say which records lost the link.
        keys.update([ALL] if pk_set is None else (record_key(model, pk) for pk in pk_set))
    bump_page_versions(keys)


_registry_labels = set()


@functools.cache
def all_families():
    """Every family of registry data: what a page shows unless it says less."""
    return sorted(
        {_family(model) for model in apps.get_models() if model._meta.app_label in _registry_labels}
    )


def connect_signals():
    _registry_labels.update(config.label for config in registry_apps())
    for model in apps.get_models():
        # A history row is written with the save it records, which bumps already.
        if model._meta.app_label in _registry_labels and not issubclass(model, HistoricalChanges):
            uid = f"kkk-data-version-{model._meta.label}"
            pre_save.connect(_remember_owners, sender=model, dispatch_uid=uid + "-owners")
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


def next_scheduled_change(now):
    """The next moment after `now` at which pages change with no save, or None."""
    return min((m for m in (f(now) for f in _scheduled_changes) if m is not None), default=None)


def cache_seconds(seconds, now=None):
    """How long a page rendered now may be served: at most until the next scheduled change."""
    now = now or timezone.now()
    moment = next_scheduled_change(now)
    if moment is not None:
        seconds = min(seconds, max(int((moment - now).total_seconds()), 1))
    return seconds


def page_versions(keys):
    """The counters of `keys` (and of `all`), as one string: the data part of a page's key.

    Plain SQL: read on every cached page, and building the ORM query cost several
    times what the database takes to answer it.
    """
    from .models import PageVersion

    keys = [ALL, *keys]
    table = connection.ops.quote_name(PageVersion._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, counter FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(keys))})",
            keys,
        )
        found = dict(cursor.fetchall())
    return " ".join(f"{name}={found.get(name, 0)}" for name in keys)


def page_key(request, keys, *, kind="kkk-page", display=True):
    """The cache key of what `request` gets while the counters of `keys` are unchanged.

    `display=False` for files, which the display-preference cookies do not change.
    """
    parts = [
        page_versions(keys),
        # Statuses begin and lapse at midnight: a page is only good for the day it shows.
        timezone.localdate().isoformat(),
        get_language(),
        display_classes(request) if display else "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    ]
    return f"{kind}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_public_page(view, *, families=None, records=None):
    """Serve the view's rendered page from the cache while what it shows is unchanged.

    `families`: the families of data the page shows (default: every family);
    `records(request, *args, **kwargs)`: the record keys (record_key) of the page's
    own records, whose changes it shows besides the families'. A page that shows a
    row must name its family or its record: else a change to it is never seen.
    Staff who are logged in always get a fresh page: they check what they just saved.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = None
        if seconds:
            keys = [family_key(name) for name in (families or all_families())]
            if records:
                keys += records(request, *args, **kwargs)
            key = page_key(request, keys)
        cached = cache.get(key) if key else None
        if cached is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.cookies:
                return response
            content = _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
            if key:
                kept = {name: response[name] for name in _KEPT_HEADERS if name in response}
                cache.set(key, (content, response["Content-Type"], kept), cache_seconds(seconds))
        else:
            content, content_type, kept = cached
            page = content
            if _PLACEHOLDER in page:
                page = page.replace(_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(page, content_type=content_type, headers=kept)
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
