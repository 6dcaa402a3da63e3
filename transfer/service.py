"""Import and export of whole files: the one service the admin and the commands call.

An import is all or nothing: one invalid row and nothing in the file is
written. Every error names the row as the spreadsheet numbers it (the
header is row 1), the column and the value.
"""

import functools
from dataclasses import dataclass, field
from importlib import import_module

import tablib
from django.apps import apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from .engine import RowError
from .spreadsheets import ImportFileError, read_table, write_csv, write_xlsx

FORMATS = {"csv": write_csv, "xlsx": write_xlsx}


@functools.cache
def resources():
    """Every kind's resource class, as each app's `resources.py` lists them in RESOURCES.

    Found in INSTALLED_APPS order, the way the admin finds each app's admin.py;
    within an app, in the order a whole registry is restored (each kind refers
    only to earlier ones).
    """
    found = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "resources"):
            module = import_module(f"{app_config.name}.resources")
            found.extend(getattr(module, "RESOURCES", []))
    return found


def kinds():
    return {resource.file_kind: resource for resource in resources()}


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    errors: list = field(default_factory=list)

    @property
    def accepted(self):
        return not self.errors

    @property
    def written(self):
        return self.accepted and not self.dry_run


def resource_for(kind, **kwargs):
    try:
        return kinds()[kind](**kwargs)
    except KeyError:
        raise ImportFileError(
            _("Unknown kind “%(kind)s”; choose one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(kinds())}
        ) from None


def check_headers(resource, headers):
    expected = resource.template_headers()
    unknown = [h for h in headers if h and h not in expected]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(unknown)s. The columns of this kind are: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": ", ".join(expected)}
        )
    required = [resource.fields[name].column_name for name in resource.required_columns]
    missing = [column for column in required if column not in headers]
    if missing:
        raise ImportFileError(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})


def import_file(kind, data, *, user=None, source="", dry_run=False, on_row=None):
    """Import the bytes of a CSV or XLSX file of `kind`; raises ImportFileError for the file."""
    resource = resource_for(kind, user=user, source=source, on_row=on_row)
    dataset = read_table(data)
    check_headers(resource, dataset.headers)
    return import_dataset(resource, dataset, dry_run=dry_run)


def import_dataset(resource, dataset, dry_run=False, checked_at_version=None):
    """`checked_at_version`: a preview found the file valid at this data version."""
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        checked_at_version=checked_at_version,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    report = ImportReport(
        kind=resource.file_kind,
        dry_run=dry_run,
        new=result.totals["new"],
        updated=result.totals["update"],
        unchanged=result.totals["skip"],
        invalid=result.totals["invalid"] + result.totals["error"],
    )
    report.errors = result.spreadsheet_errors + [
        RowError(None, "", "", str(error.error)) for error in result.base_errors
    ]
    return report


def export_file(kind, queryset=None, file_format="csv"):
    """The bytes of a file of `kind` in the format import_file reads back."""
    dataset = resource_for(kind).export(queryset)
    return FORMATS[file_format](dataset)


def template_file(kind, file_format="csv"):
    """An empty file with the column headers of `kind`, for staff to fill in."""
    return FORMATS[file_format](tablib.Dataset(headers=resource_for(kind).template_headers()))
