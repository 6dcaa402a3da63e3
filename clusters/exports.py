"""The public list as downloads: rows are defined once, rendered for machines and people.

Open data (CSV with commas, JSON) keeps stable codes and ISO dates; the spreadsheets
for people (XLSX, CSV as Polish Excel opens it) give the same rows with labels and
headers in the page's language.
"""

import datetime

import tablib
from django.utils.translation import gettext, pgettext_lazy
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

from core.dates import today
from core.language import english_wanted
from core.text import polish_slugify
from transfer.spreadsheets import escape_formula, write_csv, write_xlsx

from .models import Cluster, StatusState

EXPORT_FIELDS = [
    "name",
    "short_name",
    "url",
    "kind",
    "city",
    "voivodeship",
    "specialisations",
    "specialisations_en",
    "coordinator",
    "coordinator_nip",
    "coordinator_regon",
    "coordinator_krs",
    "status",
    "status_expiring",
    "status_valid_until",
    "last_status_end",
    # The award the status fields come from (held or uncertain on the day, else the
    # last one ended): whether its dates are estimated, what the sources prove and allow.
    "dates_estimated",
    "status_proven_from",
    "status_proven_until",
    "status_possible_from",
    "status_possible_until",
    "website",
]


def iso(day):
    return day.isoformat() if day else ""


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as written: formulae neutralised as in staff exports.

    Yes/no values are written as JSON writes them, `true` and `false`.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_formula(value)


def export_rows(clusters, on, request, for_spreadsheet=False):
    """One dict per cluster with EXPORT_FIELDS; status fields refer to `on`.

    Expects `clusters` with prefetched specialisations, awards and representations
    and annotated `last_status_end` (ClusterFilter does both).
    """
    for cluster in clusters:
        coordinator = cluster.coordinator_on(on)
        until = cluster.status_valid_until(on)
        award = cluster.award_told_on(on)
        row = {
            "name": cluster.name,
            "short_name": cluster.short_name,
            "url": request.build_absolute_uri(cluster.get_absolute_url()),
            "kind": cluster.kind,
            "city": cluster.city,
            "voivodeship": cluster.voivodeship,
            "specialisations": "; ".join(s.name for s in cluster.specialisations.all()),
            # In the same order, each the Polish name where no English one is given.
            "specialisations_en": "; ".join(s.english_name for s in cluster.specialisations.all()),
            "coordinator": coordinator.name if coordinator else "",
            "coordinator_nip": coordinator.nip if coordinator else "",
            "coordinator_regon": coordinator.regon if coordinator else "",
            "coordinator_krs": coordinator.krs if coordinator else "",
            "status": cluster.status_on(on),
            "status_expiring": cluster.is_status_expiring_on(on),
            "status_valid_until": iso(until),
            "last_status_end": iso(cluster.last_status_end),
            "dates_estimated": bool(award and award.dates_estimated),
            "status_proven_from": iso(award and award.valid_from),
            "status_proven_until": iso(award and award.valid_until),
            "status_possible_from": iso(award and award.possible_from),
            "status_possible_until": iso(award and award.possible_until),
            "website": cluster.website,
        }
        if for_spreadsheet:
            row = {key: spreadsheet_safe(value) for key, value in row.items()}
        yield row


# Column headers of the spreadsheets for people, one for each of EXPORT_FIELDS.
SPREADSHEET_HEADERS = {
    "name": pgettext_lazy("spreadsheet column", "Name"),
    "short_name": pgettext_lazy("spreadsheet column", "Short name"),
    "url": pgettext_lazy("spreadsheet column", "Page in the registry"),
    "kind": pgettext_lazy("spreadsheet column", "Kind"),
    "city": pgettext_lazy("spreadsheet column", "City"),
    "voivodeship": pgettext_lazy("spreadsheet column", "Voivodeship"),
    "specialisations": pgettext_lazy("spreadsheet column", "Specialisations"),
    "coordinator": pgettext_lazy("spreadsheet column", "Coordinator"),
    "coordinator_nip": pgettext_lazy("spreadsheet column", "Coordinator's NIP"),
    "coordinator_regon": pgettext_lazy("spreadsheet column", "Coordinator's REGON"),
    "coordinator_krs": pgettext_lazy("spreadsheet column", "Coordinator's KRS"),
    "status": pgettext_lazy("spreadsheet column", "KKK status on %(day)s"),
    "status_expiring": pgettext_lazy("spreadsheet column", "Status expiring"),
    "status_valid_until": pgettext_lazy("spreadsheet column", "Status valid until"),
    "last_status_end": pgettext_lazy("spreadsheet column", "End of the last status"),
    "dates_estimated": pgettext_lazy("spreadsheet column", "Estimated dates"),
    "status_proven_from": pgettext_lazy("spreadsheet column", "Status proven from"),
    "status_proven_until": pgettext_lazy("spreadsheet column", "Status proven until"),
    "status_possible_from": pgettext_lazy("spreadsheet column", "Status possibly from"),
    "status_possible_until": pgettext_lazy("spreadsheet column", "Status possibly until"),
    "website": pgettext_lazy("spreadsheet column", "Website"),
}
SPREADSHEET_FIELDS = [field for field in EXPORT_FIELDS if field != "specialisations_en"]
DATE_FIELDS = {
    "status_valid_until",
    "last_status_end",
    "status_proven_from",
    "status_proven_until",
    "status_possible_from",
    "status_possible_until",
}
_LABELS = {
    "kind": dict(Cluster.Kind.choices),
    "voivodeship": dict(VOIVODESHIP_CHOICES),
    "status": dict(StatusState.choices),
}


def _for_people(field, value, date_cell):
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field in _LABELS:
        return str(_LABELS[field].get(value, value))
    if field in DATE_FIELDS:
        return date_cell(datetime.date.fromisoformat(value)) if value else ""
    return value


def spreadsheet_dataset(clusters, on, request, date_cell):
    """The rows of export_rows for people: headers and labels in the active language.

    `date_cell` turns a date into what the format holds: a date for XLSX, text for CSV.
    Formulae are escaped by the writers.
    """
    headers = [str(SPREADSHEET_HEADERS[field]) for field in SPREADSHEET_FIELDS]
    status_column = SPREADSHEET_FIELDS.index("status")
    headers[status_column] = headers[status_column] % {"day": on.strftime("%d.%m.%Y")}
    dataset = tablib.Dataset(headers=headers)
    # People read one specialisations column, in the page's language.
    english = english_wanted()
    for row in export_rows(clusters, on, request):
        if english:
            row["specialisations"] = row["specialisations_en"]
        dataset.append([_for_people(field, row[field], date_cell) for field in SPREADSHEET_FIELDS])
    return dataset


def excel_csv(clusters, on, request):
    """Bytes of a CSV as Polish Excel opens it: semicolons, UTF-8 with BOM, dd.mm.yyyy."""
    return write_csv(spreadsheet_dataset(clusters, on, request, lambda d: d.strftime("%d.%m.%Y")))


def xlsx(clusters, on, request):
    return write_xlsx(spreadsheet_dataset(clusters, on, request, lambda d: d))


FILE_NAME_START = pgettext_lazy("file name", "clusters")
# The part of a download's file name each filter gives, in the order they are named:
# a word for the filter (None: the value says it alone) and the value.
FILE_NAME_WORDS = {
    "status": None,
    "as_of": pgettext_lazy("file name", "on"),
    "voivodeship": pgettext_lazy("file name", "voivodeship"),
    "specialisation": pgettext_lazy("file name", "specialisation"),
    "kind": None,
    "round": pgettext_lazy("file name", "round"),
    "q": pgettext_lazy("file name", "search"),
}
# Room left for the date and extension within the 255 bytes a file name may take.
MAX_FILTER_PART = 180


def _value_words(filterset, name, value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "slug"):
        return value.slug
    choices = dict(filterset.filters[name].extra.get("choices") or ())
    return str(choices.get(value, value))


def download_name(filterset, extension, variant=""):
    """'klastry-posiada-status-wojewodztwo-mazowieckie-2026-12-03.xlsx': filters and today.

    Folded to ASCII like slugs, so every browser and disk keeps it; two downloads of
    different filters or days never share a name. Ignored (invalid) values are left out,
    as they are from the file.
    """
    filterset.is_valid()  # cleaned_data then holds the valid values only, as applied
    cleaned = filterset.form.cleaned_data
    parts = []
    for name, word in FILE_NAME_WORDS.items():
        value = cleaned.get(name)
        if value in (None, ""):
            continue
        if word is not None:
            parts.append(str(word))
        parts.append(_value_words(filterset, name, value))
    filters = polish_slugify(" ".join(parts))[:MAX_FILTER_PART].strip("-")
    pieces = [polish_slugify(FILE_NAME_START), filters, variant, today().isoformat()]
    return "-".join(piece for piece in pieces if piece) + "." + extension
