from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose counter goes up with every change to registry data.

    Cached public pages carry the counter in their keys (core/pagecache.py).
    It lives in the database, not in the cache, so the change and the new counter
    commit together and every process sees both at once, whatever cache it has.
    """

    counter = models.PositiveBigIntegerField(_("counter"), default=0)

    class Meta:
        # Created by the kkkregistry app before the page cache moved to core.
        db_table = "kkkregistry_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.counter)
