from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerAddressThrottle(SimpleRateThrottle):
    """At most API_REQUESTS_PER_MINUTE requests a minute from one client address.

    Counted in the default cache, which every process shares when REDIS_URL is set.
    """

    scope = "address"

    def get_rate(self):
        # Read at each request, not once at import: the setting is the registry's own.
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
