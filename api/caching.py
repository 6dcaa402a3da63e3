"""ETag and Last-Modified from the data version; answers cached until registry data change.

The tag covers what an answer varies by: the data version, the day (statuses begin and
lapse at midnight), the language, the format and the full address. A request whose
If-None-Match holds it is answered 304 after one query, reading the data version.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from rest_framework import status
from rest_framework.response import Response

from core.dates import today
from core.pagecache import data_version_stamp


def _entity_tag(request, counter):
    parts = [
        str(counter),
        today().isoformat(),
        get_language(),
        request.accepted_renderer.format,
        request.get_full_path(),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40] + '"'


def _matches(request, tag):
    asked = request.headers.get("If-None-Match", "")
    return any(candidate.strip().removeprefix("W/") in (tag, "*") for candidate in asked.split(","))


class DataVersionCache:
    """For API views: `answer(handler, request, …)` serves the handler's data, cached."""

    def answer(self, handler, request, *args, **kwargs):
        counter, changed_at = data_version_stamp()
        tag = _entity_tag(request, counter)
        if _matches(request, tag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = self._cached_or_fresh(tag, handler, request, *args, **kwargs)
            if response.status_code != status.HTTP_200_OK:
                return response
        response["ETag"] = tag
        if changed_at:
            response["Last-Modified"] = http_date(changed_at.timestamp())
        # Any cache may keep an answer, and must ask again (with the tag) before reusing it.
        response["Cache-Control"] = "public, no-cache"
        patch_vary_headers(response, ["Accept", "Accept-Language"])
        return response

    def _cached_or_fresh(self, tag, handler, request, *args, **kwargs):
        # JSON only: the browsable HTML pages are for people trying the API out.
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if request.accepted_renderer.format != "json":
            seconds = 0
        key = "kkk-api:" + tag
        cached = cache.get(key) if seconds else None
        if cached is not None:
            # Kept rendered: serialising the data again cost more than the rest of a hit.
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = handler(request, *args, **kwargs)
        if seconds and response.status_code == status.HTTP_200_OK:
            response = self.finalize_response(request, response, *args, **kwargs)
            response.render()
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response
