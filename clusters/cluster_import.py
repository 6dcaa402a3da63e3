"""A clusters file imported in bulk: read against indexes loaded once, written in batches.

django-import-export imports row by row: for each new cluster about twenty SQL
statements (uniqueness and constraint queries, the cluster and two history
records, the representation and its history, a search-text refresh, a
data-version bump for every save). Staff load multi-year spreadsheets, so this
importer validates each row in memory against indexes of the registry's names,
slugs, coordinators and specialisations (one query each per file) and writes
new clusters, their specialisations, coordinators, terms and history with bulk
inserts, a batch at a time, in one transaction.

It keeps the row-by-row importer's contract: the same columns and messages,
all or nothing, errors by spreadsheet row and column, a row equal to the
registry reported unchanged and not written, audit history naming who or what
imported it. An existing cluster whose row changes something is saved one by
one, as an edit in the admin would be, signals and all: updates are few.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from import_export.results import Error, InvalidRow, Result, RowResult

from core.dates import today
from core.pagecache import bump_data_version
from core.text import polish_slugify
from transfer.bulk import create_objects, insert_history, insert_rows
from transfer.resources import HEADER_ROW, RelatedColumn, RowError, cell

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

#: Rows read, then written, at a time: bounds the memory a file of any size needs.
BATCH_ROWS = 1000
#: Rows the admin's preview shows; the rest are counted, not kept.
PREVIEW_ROWS = 100

# Related columns holding rows that belong to the cluster alone: their model, the
# fields a cell item lists, and what must be unique among one cluster's rows.
CHILDREN = {
    "former_names": (
        ClusterFormerName,
        ("name", "used_from_year", "used_until_year"),
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


@dataclass
class Row:
    """One data row of the file as read: what it is and what writing it takes."""

    number: int  # as the spreadsheet numbers it (the header is row 1)
    import_type: str = RowResult.IMPORT_TYPE_NEW
    cluster: Cluster | None = None
    related: dict = field(default_factory=dict)  # cleaned related columns, by field name
    specialisations: list = field(default_factory=list)
    coordinator: Coordinator | None = None
    children: dict = field(default_factory=dict)  # field name -> unsaved child rows
    errors: list = field(default_factory=list)
    diff: list | None = None


class ClusterImport:
    """One clusters file: `run()` returns django-import-export's Result, as the admin expects."""

    def __init__(self, resource, dataset, *, dry_run=False, retain_instances=False):
        self.resource = resource
        self.dataset = dataset
        self.dry_run = dry_run
        self.retain_instances = retain_instances
        present = set(dataset.headers or [])
        self.columns = [(n, f) for n, f in resource.fields.items() if f.column_name in present]
        # Fields the file does not set hold defaults or the registry's values: valid already.
        given = {f.attribute for _n, f in self.columns if not isinstance(f, RelatedColumn)}
        self.not_given = [f.name for f in Cluster._meta.fields if f.name not in given | {"slug"}]
        self.result = Result()
        self.result.diff_headers = [f.column_name for _n, f in self.columns]
        self.result.total_rows = len(dataset)
        self.errors = []
        self.written = False

    # --- the whole file ----------------------------------------------------------
    def run(self):
        with transaction.atomic():
            self.load_indexes()
            headers = self.dataset.headers
            for start in range(0, len(self.dataset), BATCH_ROWS):
                records = [
                    dict(zip(headers, values, strict=True))
                    for values in self.dataset[start : start + BATCH_ROWS]
                ]
                rows = self.read_batch(start, records)
                if not self.failed and not self.dry_run:
                    self.write_batch(rows)
            if self.failed or self.dry_run:
                transaction.set_rollback(True)
            elif self.written:
                bump_data_version()
        self.result.spreadsheet_errors = sorted(self.errors, key=lambda e: e.row)
        return self.result

    def load_indexes(self):
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
        self.claimed = {}  # cluster pk -> the row number about it
        self.coordinators, self.coordinator_slugs = {}, set()
        for coordinator in Coordinator.objects.all():
            self.remember_coordinator(coordinator)
        self.specialisations = {s.name.lower(): s for s in Specialisation.objects.all()}
        self.specialisation_slugs = {s.slug for s in self.specialisations.values()}
        # Read but not yet written: inserted before the batch's clusters refer to them.
        self.new_coordinators, self.new_specialisations, self.coordinators_given_nip = [], [], []

    def remember_coordinator(self, coordinator):
        self.coordinators[coordinator.name.lower()] = coordinator
        if coordinator.nip:
            self.coordinators["nip:" + coordinator.nip] = coordinator
        self.coordinator_slugs.add(coordinator.slug)

    @property
    def failed(self):
        return bool(self.errors or self.result.base_errors)

    # --- reading -----------------------------------------------------------------
    def read_batch(self, start, records):
        keys = [self.find_key(record) for record in records]
        clusters = self.resource.with_related(Cluster.objects.all(), [n for n, _c in self.columns])
        originals = clusters.in_bulk([key for key in keys if isinstance(key, int)])
        rows = []
        for offset, record in enumerate(records):
            row = Row(number=start + offset + 1 + HEADER_ROW)
            # Looked up again: an earlier row of this batch may have claimed the name.
            key = self.find_key(record)
            self.read_row(row, record, originals.get(key) if isinstance(key, int) else key)
            self.account(row, record)
            rows.append(row)
            if self.resource.on_row is not None:
                self.resource.on_row()
        return rows

    def find_key(self, record):
        slug, name = cell(record, "Identyfikator"), cell(record, "Nazwa")
        return (slug and self.find.get("slug:" + slug)) or self.find.get(name.lower())

    def read_row(self, row, record, found):
        values = {}
        for name, column in self.columns:
            try:
                if isinstance(column, RelatedColumn):
                    values[name] = column.widget.clean(record[column.column_name], row=record)
                else:
                    values[name] = column.clean(record)
            except ValueError as error:
                self.add_error(row, record, name, str(error))
        if isinstance(found, tuple):
            message = _("This cluster is already in row %(row)d of the file.") % {"row": found[1]}
            self.add_error(row, record, "name", message)
        elif found is not None and found.pk in self.claimed:
            message = _("Row %(row)d of the file is about the same cluster.") % {
                "row": self.claimed[found.pk]
            }
            self.add_error(row, record, "name", message)
        if row.errors:
            return
        if found is not None:
            self.claimed[found.pk] = row.number
            row.import_type = RowResult.IMPORT_TYPE_UPDATE
            if self.unchanged(found, values):
                row.import_type, row.cluster = RowResult.IMPORT_TYPE_SKIP, found
                return
        if row.number - HEADER_ROW <= PREVIEW_ROWS:
            row.diff = self.preview(found, values)
        row.cluster = found or Cluster()
        row.related = {
            n: v for n, v in values.items() if isinstance(self.resource.fields[n], RelatedColumn)
        }
        old_keys = (row.cluster.name.lower(), row.cluster.slug) if found else ()
        self.apply(row.cluster, values)
        self.validate(row, record)
        if not row.errors:
            self.claim(row, old_keys)

    def unchanged(self, cluster, values):
        """Every cell renders as the registry's value does (what an export writes)."""
        return all(
            column.widget.render(values[name]) == self.resource.export_field(column, cluster)
            for name, column in self.columns
        )

    def preview(self, cluster, values):
        cells = []
        for name, column in self.columns:
            new = column.widget.render(values[name])
            old = self.resource.export_field(column, cluster) if cluster else new
            cells.append(new if old == new else f"{old} → {new}")
        return cells

    def apply(self, cluster, values):
        # A row that found the cluster by a former name does not rename it back.
        keep_name = cluster.pk and values.get("name", "").lower() in {
            f.name.lower() for f in cluster.former_names.all()
        }
        for name, column in self.columns:
            if isinstance(column, RelatedColumn) or (name == "name" and keep_name):
                continue
            setattr(cluster, column.attribute, values[name])
        if not cluster.slug:
            cluster.slug = polish_slugify(cluster.name)[:250]

    def validate(self, row, record):
        cluster = row.cluster
        try:
            cluster.clean_fields(exclude=self.not_given)
            cluster.clean()
        except ValidationError as error:
            self.add_errors(row, record, error)
        owner = self.names.get(cluster.name.lower())
        if owner is not None and owner != cluster.pk:
            self.add_error(row, record, "name", _unique_name_message())
        owner = self.slugs.get(cluster.slug)
        if owner is not None and owner != cluster.pk:
            message = _(
                "The identifier “%(slug)s” belongs to another cluster; give this row its own."
            ) % {"slug": cluster.slug}
            self.add_error(
                row, record, "slug" if cell(record, "Identyfikator") else "name", message
            )
        self.read_coordinator(row, record)
        self.read_specialisations(row, record)
        for name in CHILDREN:
            if name in row.related:
                self.read_children(row, record, name)

    def read_coordinator(self, row, record):
        name = row.related.get("coordinator")
        nip = row.related.get("coordinator_nip", "")
        if nip and not name:
            self.add_error(
                row, record, "coordinator", _("Give the coordinator's name with its NIP.")
            )
            return
        if nip:
            try:
                validate_nip(nip)
            except ValidationError as error:
                self.add_errors(row, record, error, "coordinator_nip")
                return
        if not name:
            return
        # By NIP, else by name, else a new coordinator.
        coordinator = (nip and self.coordinators.get("nip:" + nip)) or self.coordinators.get(
            name.lower()
        )
        if coordinator is None:
            coordinator = Coordinator(name=name, nip=nip, legal_form=guess_legal_form(name))
            coordinator.slug = polish_slugify(name)[:250]
            if coordinator.slug in self.coordinator_slugs:
                message = _(
                    "A coordinator with a name this close already exists (identifier "
                    "“%(slug)s”); write its name as the registry has it."
                ) % {"slug": coordinator.slug}
                self.add_error(row, record, "coordinator", message)
                return
            # Its name and NIP were not found in the index: its unique constraints hold.
            if not self.valid_new(row, record, "coordinator", coordinator, constraints=False):
                return
            self.new_coordinators.append(coordinator)
        elif nip and not coordinator.nip:
            coordinator.nip = nip
            self.coordinators_given_nip.append(coordinator)
        self.remember_coordinator(coordinator)
        row.coordinator = coordinator

    def read_specialisations(self, row, record):
        for name in row.related.get("specialisations") or []:
            specialisation = self.specialisations.get(name.lower())
            if specialisation is None:
                specialisation = Specialisation(name=name, slug=polish_slugify(name)[:120])
                if specialisation.slug in self.specialisation_slugs:
                    message = _(
                        "A specialisation with a name this close already exists: “%(name)s”."
                    ) % {"name": name}
                    self.add_error(row, record, "specialisations", message)
                    continue
                if not self.valid_new(
                    row, record, "specialisations", specialisation, constraints=False
                ):
                    continue
                self.specialisations[name.lower()] = specialisation
                self.specialisation_slugs.add(specialisation.slug)
                self.new_specialisations.append(specialisation)
            row.specialisations.append(specialisation)

    def read_children(self, row, record, name):
        model, fields, unique = CHILDREN[name]
        children, seen = [], set()
        for item in row.related[name]:
            child = model(**dict(zip(fields, item, strict=True)))
            if unique(child) in seen:
                message = _("“%(item)s” is given twice.") % {"item": item[0]}
                self.add_error(row, record, name, message)
                continue
            seen.add(unique(child))
            # The cluster may be unsaved: its own uniqueness is the check above.
            if self.valid_new(row, record, name, child, exclude=["cluster"]):
                children.append(child)
        row.children[name] = children

    def valid_new(self, row, record, column_field, obj, exclude=None, constraints=True):
        """Field checks (and constraints) of an object the row creates, errors on its column.

        Uniqueness is checked against the indexes, not by a query an object.
        """
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=constraints)
        except ValidationError as error:
            self.add_errors(row, record, error, column_field)
            return False
        return True

    def claim(self, row, old_keys):
        """The row's name and slug are taken: a later row may not reuse them."""
        cluster = row.cluster
        for index, key in zip((self.names, self.slugs), old_keys, strict=False):
            if index.get(key) == cluster.pk:
                del index[key]
        owner = cluster.pk or ("row", row.number)
        self.names[cluster.name.lower()] = self.slugs[cluster.slug] = owner
        if not cluster.pk:
            self.find[cluster.name.lower()] = self.find["slug:" + cluster.slug] = owner

    def add_errors(self, row, record, error, column_field=None):
        if hasattr(error, "error_dict"):
            by_key = error.message_dict
        else:
            by_key = {NON_FIELD_ERRORS: error.messages}
        for key, messages in by_key.items():
            for message in messages:
                self.add_error(row, record, column_field or key, message)

    def add_error(self, row, record, key, message):
        column = self.resource.column_for(key) if key != NON_FIELD_ERRORS else ""
        value = record.get(column, "") if column else ""
        row.errors.append(RowError(row.number, column, str(value or ""), str(message)))

    def account(self, row, record):
        """Count the row; keep its result for the preview, or for the admin's log."""
        result = self.result
        if row.errors:
            row.import_type = RowResult.IMPORT_TYPE_INVALID
            self.errors.extend(row.errors)
            result.invalid_rows.append(
                InvalidRow(
                    number=row.number - HEADER_ROW,
                    validation_error=ValidationError([e.message for e in row.errors]),
                    values=tuple(record.get(column, "") for column in result.diff_headers),
                )
            )
        result.totals[row.import_type] += 1
        if self.retain_instances or row.number - HEADER_ROW <= PREVIEW_ROWS:
            row_result = RowResult()
            row_result.import_type = row.import_type
            row_result.diff = row.diff or [record.get(c, "") for c in result.diff_headers]
            if self.retain_instances and row.import_type != RowResult.IMPORT_TYPE_INVALID:
                row_result.instance = row.cluster
            result.append_row_result(row_result)

    # --- writing -----------------------------------------------------------------
    def write_batch(self, rows):
        try:
            # A savepoint: after a failed write the rest of the file is still checked.
            with transaction.atomic():
                self.write_names()
                new = [row for row in rows if row.import_type == RowResult.IMPORT_TYPE_NEW]
                if new:
                    self.write_new_clusters(new)
                for row in rows:
                    if row.import_type == RowResult.IMPORT_TYPE_UPDATE:
                        self.write_changed_cluster(row)
        except (DatabaseError, ValidationError) as error:
            # A clashing row another session wrote since the file was read, a full disk.
            message = _("The database refused the import (%(error)s); nothing was written.") % {
                "error": error
            }
            self.result.append_base_error(Error(message))

    def write_names(self):
        """Coordinators and specialisations first named in this batch."""
        self.bulk_create_with_history(Specialisation, self.new_specialisations)
        self.bulk_create_with_history(Coordinator, self.new_coordinators)
        for coordinator in self.coordinators_given_nip:
            self.resource.save_child(coordinator)
        self.new_specialisations, self.new_coordinators, self.coordinators_given_nip = [], [], []

    def write_new_clusters(self, rows):
        for row in rows:
            names = [child.name for child in row.children.get("former_names", [])]
            if row.coordinator is not None:
                names.append(row.coordinator.name)
            row.cluster.fill_derived_fields(names)
        _clusters, history_ids = self.bulk_create_with_history(
            Cluster, [row.cluster for row in rows]
        )
        links = [
            (row.cluster.pk, specialisation.pk)
            for row in rows
            for specialisation in row.specialisations
        ]
        link_ids = insert_rows(
            Cluster.specialisations.through, ["cluster_id", "specialisation_id"], links, True
        )
        # The specialisations belong to the cluster's first history record, as they do
        # when staff add a cluster with its specialisations in the admin.
        history_of = dict(zip((row.cluster.pk for row in rows), history_ids, strict=True))
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
                cluster=row.cluster,
                coordinator=row.coordinator,
                since=row.related.get("coordinator_since"),
            )
            for row in rows
            if row.coordinator is not None
        ]
        self.bulk_create_with_history(Representation, terms)
        for name, (model, _fields, _unique) in CHILDREN.items():
            children = []
            for row in rows:
                for child in row.children.get(name, []):
                    child.cluster = row.cluster
                    children.append(child)
            self.bulk_create_with_history(model, children)
        self.written = True

    def write_changed_cluster(self, row):
        """As an edit in the admin: the model's save, its signals and history."""
        cluster = self.resource.attribute(row.cluster)
        cluster.save()
        wanted = row.specialisations
        if "specialisations" in row.related and set(cluster.specialisations.all()) != set(wanted):
            cluster.specialisations.set(wanted)
        if row.coordinator is not None:
            self.write_coordinator_change(row)
        for name, (model, fields, _unique) in CHILDREN.items():
            if name in row.related:
                self.resource.sync_related(
                    getattr(cluster, name).all(),
                    row.related[name],
                    key=lambda child, fields=fields: tuple(getattr(child, f) for f in fields),
                    make=lambda item, model=model, fields=fields: model(
                        cluster=cluster, **dict(zip(fields, item, strict=True))
                    ),
                )
        self.written = True

    def write_coordinator_change(self, row):
        """A coordinator other than today's ends the current term and starts a new one."""
        cluster, coordinator = row.cluster, row.coordinator
        since_given = "coordinator_since" in row.related
        since = row.related.get("coordinator_since")
        current = self.resource.current_representation(cluster)
        if current and current.coordinator_id == coordinator.pk:
            if since_given and current.since != since:
                current.since = since
                self.resource.save_child(current)
            return
        start = since if since is not None else (today() if current else None)
        if current:
            current.until = start - datetime.timedelta(days=1) if start else today()
            self.resource.save_child(current)
        # A new open-ended term satisfies every constraint: no validation queries needed.
        self.resource.save_child(
            Representation(cluster=cluster, coordinator=coordinator, since=start), validate=False
        )

    def bulk_create_with_history(self, model, objects):
        """Insert the rows, then their audit records naming who or what imported them."""
        if not objects:
            return [], []
        created = create_objects(model, objects)
        history_ids = insert_history(model, created, self.resource.user, self.resource.source)
        return created, history_ids


def _unique_name_message():
    constraint = next(c for c in Cluster._meta.constraints if c.name == "cluster_name_unique_ci")
    return constraint.get_violation_error_message()
