"""Every API error as one JSON shape, in the language asked for, naming the parameter at fault.

{"status": 400, "errors": [{"parameter": "as_of", "code": "invalid", "message": "…"}]}
"""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler


def _flatten(detail, codes, parameter=None):
    """(parameter, message, code) of DRF's nested error details."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else key
            yield from _flatten(value, codes.get(key, {}), name if parameter is None else parameter)
    elif isinstance(detail, list):
        codes = codes if isinstance(codes, list) else [codes] * len(detail)
        for value, code in zip(detail, codes, strict=False):
            yield from _flatten(value, code, parameter)
    else:
        yield parameter, str(detail), codes if isinstance(codes, str) else "invalid"


def json_error_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # as DRF's handler does, but kept to read its detail
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        errors = [
            {
                "parameter": None,
                "code": "throttled",
                "message": gettext(
                    "Too many requests from your address: at most %(rate)s a minute. "
                    "Try again in %(seconds)s s."
                )
                % {"rate": settings.API_REQUESTS_PER_MINUTE, "seconds": wait},
            }
        ]
    else:
        errors = [
            {"parameter": parameter, "code": code, "message": message}
            for parameter, message, code in _flatten(exc.detail, exc.get_codes())
        ]
    response.data = {"status": response.status_code, "errors": errors}
    return response


ErrorSerializer = inline_serializer(
    "Error",
    {
        "status": serializers.IntegerField(),
        "errors": inline_serializer(
            "ErrorItem",
            {
                "parameter": serializers.CharField(allow_null=True),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
            },
            many=True,
        ),
    },
)
