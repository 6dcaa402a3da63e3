"""The clusters kind's hooks into the import engine (transfer.engine).

Staff load multi-year spreadsheets of thousands of clusters, each with its
coordinator, specialisations and former names, so this kind does more than
the defaults: every row is checked in memory against indexes of the
registry's names, slugs, coordinators and specialisations (one query each a
file), and new clusters, their specialisations, coordinators, terms and
history are written with bulk inserts a batch at a time. An existing cluster
whose row changes something is saved one by one, as an edit in the admin
would be, signals and all: updates are few.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.dates import today
from core.text import slug_for
from transfer.bulk import insert_rows
from transfer.engine import convert_fields
from transfer.resources import cell

from .models import (
    Cluster,
    ClusterFormerName,
    ClusterLabel,
    Coordinator,
    MemberCount,
    Representation,
    Specialisation,
)
from .validators import validate_nip

# Related columns holding rows that belong to the cluster alone: their model, the
# fields a cell item lists, and what must be unique among one cluster's rows.
CHILDREN = {
    "former_names": (
        ClusterFormerName,
        ("name", "used_from_year", "used_until_year", "source_url"),
        lambda child: child.name.lower(),
    ),
    "member_counts": (
        MemberCount,
        ("year", "firms", "strategic_partners", "approximate"),
        lambda child: child.year,
    ),
    "labels": (
        ClusterLabel,
        ("level", "awarded_on", "valid_until", "reported_year"),
        lambda child: (child.level, child.awarded_on, child.valid_until, child.reported_year),
    ),
}

LEGAL_FORM_HINTS = [
    (re.compile(r"\bsp\.?\s*z\s*o\.?\s*o\.?", re.IGNORECASE), Coordinator.LegalForm.LLC),
    (re.compile(r"\bS\.\s?A\.?$"), Coordinator.LegalForm.JSC),
    (re.compile(r"^stowarzyszenie\b", re.IGNORECASE), Coordinator.LegalForm.ASSOCIATION),
    (re.compile(r"^fundacja\b", re.IGNORECASE), Coordinator.LegalForm.FOUNDATION),
]


def guess_legal_form(name):
    """A coordinator first named in a clusters file: its legal form as its name says."""
    for pattern, form in LEGAL_FORM_HINTS:
        if pattern.search(name):
            return form
    return Coordinator.LegalForm.OTHER


class ClusterImportHooks:
    """Mixed into ClusterResource: the engine's hooks for the clusters kind."""

    def duplicate_message(self, row_number, instance=None):
        return _("This cluster is already in row %(row)d of the file.") % {"row": row_number}

    def same_record_message(self, row_number):
        return _("Row %(row)d of the file is about the same cluster.") % {"row": row_number}

    # --- indexes -----------------------------------------------------------------
    def load_indexes(self, engine):
        """Everything a row is checked against, one query per kind for the whole file."""
        # `find` maps a slug or any name, current or former, to a cluster; `names`
        # and `slugs` hold what the uniqueness rules forbid a second cluster to use.
        # Values are primary keys, or ("row", number) for a new cluster of this file.
        self.find, self.names, self.slugs = {}, {}, {}
        for pk, name, slug in Cluster.objects.values_list("pk", "name", "slug"):
            self.find["slug:" + slug] = self.slugs[slug] = pk
            self.find[name.lower()] = self.names[name.lower()] = pk
        for pk, name in ClusterFormerName.objects.values_list("cluster_id", "name"):
            self.find.setdefault(name.lower(), pk)
        self.coordinators, self.coordinator_slugs = {}, set()
        for coordinator in Coordinator.objects.all():
            self.remember_coordinator(coordinator)
        self.specialisations = {s.name.lower(): s for s in Specialisation.objects.all()}
        self.specialisation_slugs = {s.slug for s in self.specialisations.values()}
        # Read but not yet written: inserted before the batch's clusters refer to them.
        self.new_coordinators, self.new_specialisations, self.coordinators_given_nip = [], [], []
        given = {f.attribute for _n, f in engine.columns if f.attribute}
        # Fields the file does not set hold defaults or the registry's values: valid already.
        self.not_given = [f.name for f in Cluster._meta.fields if f.name not in given | {"slug"}]

    def remember_coordinator(self, coordinator):
        self.coordinators[coordinator.name.lower()] = coordinator
        if coordinator.nip:
            self.coordinators["nip:" + coordinator.nip] = coordinator
        self.coordinator_slugs.add(coordinator.slug)

    def find_key(self, engine, record):
        slug, name = cell(record, "Identyfikator"), cell(record, "Nazwa")
        return (slug and self.find.get("slug:" + slug)) or self.find.get(name.lower())

    def fetch(self, pks, field_names):
        # Former names always: a row naming a cluster by one does not rename it (read_row).
        queryset = self.with_related(Cluster.objects.all(), [*field_names, "former_names"])
        return queryset.in_bulk(pks)

    # --- reading -----------------------------------------------------------------
    def read_row(self, engine, row, record, values, found):
        row.instance = cluster = found or Cluster()
        old_keys = (cluster.name.lower(), cluster.slug) if found else ()
        # A row that found the cluster by a former name does not rename it back.
        keep_name = found and values.get("name", "").lower() in {
            f.name.lower() for f in cluster.listed_former_names
        }
        for name, column in engine.columns:
            if column.attribute is None or (name == "name" and keep_name):
                continue
            setattr(cluster, column.attribute, values[name])
        if not cluster.slug:
            cluster.slug = slug_for(Cluster, cluster.name)
        if engine.validating:
            self.validate(engine, row, record)
        else:
            convert_fields(cluster, self.not_given)
        self.read_related(engine, row, record)
        if not row.errors:
            self.claim_names(row, old_keys)

    def validate(self, engine, row, record):
        """The cluster's own checks: its fields, clean() and its unique name and slug."""
        cluster = row.instance
        try:
            cluster.clean_fields(exclude=self.not_given)
            cluster.clean()
        except ValidationError as error:
            engine.add_errors(row, record, error)
        owner = self.names.get(cluster.name.lower())
        if owner is not None and owner != cluster.pk:
            engine.add_error(row, record, "name", _unique_name_message())
        owner = self.slugs.get(cluster.slug)
        if owner is not None and owner != cluster.pk:
            message = _(
                "The identifier “%(slug)s” belongs to another cluster; give this row its own."
            ) % {"slug": cluster.slug}
            column = "slug" if cell(record, "Identyfikator") else "name"
            engine.add_error(row, record, column, message)

    def read_related(self, engine, row, record):
        """The coordinator, specialisations and child rows the row names, found or made."""
        self.read_coordinator(engine, row, record)
        self.read_specialisations(engine, row, record)
        for name in CHILDREN:
            if name in row.related:
                self.read_children(engine, row, record, name)

    def read_coordinator(self, engine, row, record):
        name = row.related.get("coordinator")
        nip = row.related.get("coordinator_nip", "")
        if nip and not name:
            engine.add_error(
                row, record, "coordinator", _("Give the coordinator's name with its NIP.")
            )
            return
        if nip:
            try:
                validate_nip(nip)
            except ValidationError as error:
                engine.add_errors(row, record, error, "coordinator_nip")
                return
        if not name:
            return
        # By NIP, else by name, else a new coordinator.
        coordinator = (nip and self.coordinators.get("nip:" + nip)) or self.coordinators.get(
            name.lower()
        )
        if coordinator is None:
            coordinator = Coordinator(name=name, nip=nip, legal_form=guess_legal_form(name))
            coordinator.slug = slug_for(Coordinator, name)
            if coordinator.slug in self.coordinator_slugs:
                message = _(
                    "A coordinator with a name this close already exists (identifier "
                    "“%(slug)s”); write its name as the registry has it."
                ) % {"slug": coordinator.slug}
                engine.add_error(row, record, "coordinator", message)
                return
            # Its name and NIP were not found in the index: its unique constraints hold.
            if not valid_new(engine, row, record, "coordinator", coordinator, constraints=False):
                return
            self.new_coordinators.append(coordinator)
        elif nip and not coordinator.nip:
            coordinator.nip = nip
            self.coordinators_given_nip.append(coordinator)
        self.remember_coordinator(coordinator)
        row.extra["coordinator"] = coordinator

    def read_specialisations(self, engine, row, record):
        found = row.extra["specialisations"] = []
        for name in row.related.get("specialisations") or []:
            specialisation = self.specialisations.get(name.lower())
            if specialisation is None:
                specialisation = Specialisation(name=name, slug=slug_for(Specialisation, name))
                if specialisation.slug in self.specialisation_slugs:
                    message = _(
                        "A specialisation with a name this close already exists: “%(name)s”."
                    ) % {"name": name}
                    engine.add_error(row, record, "specialisations", message)
                    continue
                if not valid_new(
                    engine, row, record, "specialisations", specialisation, constraints=False
                ):
                    continue
                self.specialisations[name.lower()] = specialisation
                self.specialisation_slugs.add(specialisation.slug)
                self.new_specialisations.append(specialisation)
            found.append(specialisation)

    def read_children(self, engine, row, record, name):
        model, fields, unique = CHILDREN[name]
        children, seen = [], set()
        for item in row.related[name]:
            child = model(**dict(zip(fields, item, strict=True)))
            if unique(child) in seen:
                message = _("“%(item)s” is given twice.") % {"item": item[0]}
                engine.add_error(row, record, name, message)
                continue
            seen.add(unique(child))
            # The cluster may be unsaved: its own uniqueness is the check above.
            if valid_new(engine, row, record, name, child, exclude=["cluster"]):
                children.append(child)
        row.extra.setdefault("children", {})[name] = children

    def claim_names(self, row, old_keys):
        """The row's name and slug are taken: a later row may not reuse them."""
        cluster = row.instance
        for index, key in zip((self.names, self.slugs), old_keys, strict=False):
            if index.get(key) == cluster.pk:
                del index[key]
        owner = cluster.pk or ("row", row.number)
        self.names[cluster.name.lower()] = self.slugs[cluster.slug] = owner
        if not cluster.pk:
            self.find[cluster.name.lower()] = self.find["slug:" + cluster.slug] = owner
        # A former name the row gives finds this cluster in later rows too, as it will
        # in the registry once written.
        for former in row.extra.get("children", {}).get("former_names", []):
            self.find.setdefault(former.name.lower(), owner)

    # --- writing -----------------------------------------------------------------
    def write_names(self, engine):
        """Coordinators and specialisations first named in this batch."""
        engine.insert_with_history(Specialisation, self.new_specialisations)
        engine.insert_with_history(Coordinator, self.new_coordinators)
        for coordinator in self.coordinators_given_nip:
            self.save_child(coordinator)
        self.new_specialisations, self.new_coordinators, self.coordinators_given_nip = [], [], []

    def write_new(self, engine, rows):
        self.write_names(engine)
        for row in rows:
            names = [child.name for child in row.extra.get("children", {}).get("former_names", [])]
            if row.extra.get("coordinator") is not None:
                names.append(row.extra["coordinator"].name)
            row.instance.fill_derived_fields(names)
        _clusters, history_ids = engine.insert_with_history(Cluster, [row.instance for row in rows])
        links = [
            (row.instance.pk, specialisation.pk)
            for row in rows
            for specialisation in row.extra.get("specialisations", [])
        ]
        link_ids = insert_rows(
            Cluster.specialisations.through, ["cluster_id", "specialisation_id"], links, True
        )
        # The specialisations belong to the cluster's first history record, as they do
        # when staff add a cluster with its specialisations in the admin.
        history_of = dict(zip((row.instance.pk for row in rows), history_ids, strict=True))
        insert_rows(
            Cluster.history.model._meta.get_field(
                "historicalcluster_specialisations"
            ).related_model,
            ["history_id", "id", "cluster_id", "specialisation_id"],
            [
                (history_of[cluster_id], link_id, cluster_id, specialisation_id)
                for link_id, (cluster_id, specialisation_id) in zip(link_ids, links, strict=True)
            ],
        )
        terms = [
            Representation(
                cluster=row.instance,
                coordinator=row.extra["coordinator"],
                since=row.related.get("coordinator_since"),
            )
            for row in rows
            if row.extra.get("coordinator") is not None
        ]
        engine.insert_with_history(Representation, terms)
        for name, (model, _fields, _unique) in CHILDREN.items():
            children = []
            for row in rows:
                for child in row.extra.get("children", {}).get(name, []):
                    child.cluster = row.instance
                    children.append(child)
            engine.insert_with_history(model, children)

    def write_changed_rows(self, engine, rows):
        """The clusters in one UPDATE a batch, then what each row changes around them."""
        self.write_names(engine)
        names = self.search_names([row.instance.pk for row in rows])
        engine.update_with_history(
            Cluster,
            [
                (row, engine.merge_before_save(row, lambda c: c.fill_derived_fields(names[c.pk])))
                for row in rows
            ],
        )
        for row in rows:
            self.write_related_changes(row)

    @staticmethod
    def search_names(pks):
        """Each cluster's former and coordinators' names, as its search text lists them."""
        names = {pk: [] for pk in pks}
        for pk, name in ClusterFormerName.objects.filter(cluster__in=pks).values_list(
            "cluster_id", "name"
        ):
            names[pk].append(name)
        for pk, name in Representation.objects.filter(cluster__in=pks).values_list(
            "cluster_id", "coordinator__name"
        ):
            names[pk].append(name)
        return names

    def write_related_changes(self, row):
        cluster = row.instance
        wanted = row.extra.get("specialisations", [])
        # The cluster's specialisations as the batch read them (with_related).
        if "specialisations" in row.related and set(cluster.listed_specialisations) != set(wanted):
            cluster.specialisations.set(wanted)
        if row.extra.get("coordinator") is not None:
            self.write_coordinator_change(row)
        for name, (model, fields, _unique) in CHILDREN.items():
            if name in row.related:
                self.sync_related(
                    getattr(cluster, name).all(),
                    row.related[name],
                    key=lambda child, fields=fields: tuple(getattr(child, f) for f in fields),
                    make=lambda item, model=model, fields=fields: model(
                        cluster=cluster, **dict(zip(fields, item, strict=True))
                    ),
                )

    def write_coordinator_change(self, row):
        """A coordinator other than today's ends the current term and starts a new one."""
        cluster, coordinator = row.instance, row.extra["coordinator"]
        since_given = "coordinator_since" in row.related
        since = row.related.get("coordinator_since")
        current = self.current_representation(cluster)
        if current and current.coordinator_id == coordinator.pk:
            if since_given and current.since != since:
                current.since = since
                self.save_child(current)
            return
        start = since if since is not None else (today() if current else None)
        if current:
            current.until = start - datetime.timedelta(days=1) if start else today()
            self.save_child(current)
        # A new open-ended term satisfies every constraint: no validation queries needed.
        self.save_child(
            Representation(cluster=cluster, coordinator=coordinator, since=start), validate=False
        )


def valid_new(engine, row, record, column_field, obj, exclude=None, constraints=True):
    """Field checks (and constraints) of an object the row creates, errors on its column.

    Uniqueness is checked against the indexes, not by a query an object; nothing is
    checked again when a preview checked the file against the registry as it is.
    """
    if not engine.validating:
        convert_fields(obj, exclude or ())
        return True
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=constraints)
    except ValidationError as error:
        engine.add_errors(row, record, error, column_field)
        return False
    return True


def _unique_name_message():
    constraint = next(c for c in Cluster._meta.constraints if c.name == "cluster_name_unique_ci")
    return constraint.get_violation_error_message()
