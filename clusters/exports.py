"""The public list as open data: rows are defined once, rendered as CSV and JSON."""

from transfer.spreadsheets import escape_formula

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
