from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .text import slug_for, squash_spaces


class NaturalKeyQuerySet(models.QuerySet):
    """Rows found by what staff write in a spreadsheet: the slug, else the name.

    `get_by_natural_key` is Django's name for the lookup loaddata uses too.
    """

    def by_current_name(self, name):
        """Rows whose name today is `name`, ignoring case."""
        return self.alias(lowered=Lower("name")).filter(lowered=name.lower())

    def by_name(self, name):
        """Rows called `name`, ignoring case (a model with former names widens this).

        Lower() rather than iexact: SQLite's LIKE folds only ASCII, and the registry's
        lower() (core.apps) folds Ł and Ś as PostgreSQL does and as natural_key_index.
        """
        return self.by_current_name(name)

    def natural_key_index(self):
        """({slug: row}, {lowered name: row}) of every row, for lookups by the thousand.

        The same answers as get_by_natural_key, with one query (a model with former
        names adds them in `extra_names`).
        """
        has_slug = any(f.name == "slug" for f in self.model._meta.fields)
        by_slug, by_name = {}, {}
        rows = {row.pk: row for row in self.all()}
        for row in rows.values():
            if has_slug:
                by_slug.setdefault(row.slug, row)
            if hasattr(row, "name"):
                by_name.setdefault(row.name.lower(), row)
        for pk, name in self.extra_names():
            if pk in rows:
                by_name.setdefault(name.lower(), rows[pk])
        return by_slug, by_name

    def extra_names(self):
        """(primary key, name) of the names rows are also known by (none by default)."""
        return []

    def get_by_natural_key(self, key, create=False, history_user=None, change_reason=""):
        """The row whose slug or name is `key`; raises DoesNotExist unless `create`.

        With `create`, a missing row is added under that name, checked as a form
        would and recorded in its history as made by `history_user`.
        """
        key = squash_spaces(str(key or ""))
        names = {f.name for f in self.model._meta.fields}
        # The slug, then a current name, then any other (a former one): the order
        # natural_key_index() answers in, so the size of a file never changes a match.
        found = key and (
            ("slug" in names and self.filter(slug=key).first())
            or ("name" in names and self.by_current_name(key).first())
            or self.by_name(key).first()
        )
        if found:
            return found
        if not (create and key):
            raise self.model.DoesNotExist(key)
        new = self.model(name=key)
        if "slug" in names:
            new.slug = slug_for(self.model, key)
        new.full_clean()
        new._history_user, new._change_reason = history_user, change_reason
        new.save()
        return new


class DataVersion(models.Model):
    """One row whose counter goes up with every change to registry data.

    Cached public pages carry the counter in their keys (core/pagecache.py).
    It lives in the database, not in the cache, so the change and the new counter
    commit together and every process sees both at once, whatever cache it has.
    """

    counter = models.PositiveBigIntegerField(_("counter"), default=0)
    # When the counter last went up: the API's Last-Modified.
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        # Created by the kkkregistry app before the page cache moved to core.
        db_table = "kkkregistry_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.counter)


class PageVersion(models.Model):
    """A counter per kind of registry data and per record a page is about.

    A cached page's key holds the counters of what it shows (core/pagecache.py), so
    a change renders again the pages that show it and leaves the others cached:
    `family:events` goes up with any event, `record:clusters.cluster:7` with cluster
    7 or a row of its own (a former name, a status award), `all` with a bulk write
    whose rows are not known one by one (an import).
    """

    key = models.CharField(_("key"), max_length=100, primary_key=True)
    counter = models.PositiveBigIntegerField(_("counter"), default=0)

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")

    def __str__(self):
        return f"{self.key}: {self.counter}"


class Summary(models.Model):
    """Figures computed from much registry data, kept until that data changes (core/summaries.py).

    Stamped with the counters of the families they were computed from, the day and
    the next scheduled change: figures whose stamp no longer holds are never read.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    versions = models.TextField(_("data versions"))
    day = models.DateField(_("day"))
    good_until = models.DateTimeField(_("good until"), null=True, blank=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self):
        return self.name
