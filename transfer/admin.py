"""django-import-export in the admin, reading files the way the commands do.

One import format accepts CSV in any of the Polish encodings and delimiters
or XLSX (detected, never chosen by staff); exports are our CSV (UTF-8 with
BOM, semicolons, formulae neutralised) and XLSX. Errors show spreadsheet row
numbers, and every admin offers an empty template of its file.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import Format
from import_export.forms import SelectableFieldsExportForm

from .jobs import JobRefused, check_upload, confirm_preview, fail_stale_jobs
from .models import ImportJob
from .service import check_headers, template_file
from .spreadsheets import ImportFileError, read_table, write_csv, write_xlsx

IMPORT_PERMISSION = "clusters.import_data"
#: A running job's page reloads itself this often (a meta refresh: the CSP forbids inline script).
JOB_PAGE_REFRESH_SECONDS = 2


class SpreadsheetImport(Format):
    """CSV (UTF-8, UTF-8 with BOM, Windows-1250, ISO-8859-2; ; , or tab) or XLSX."""

    def __init__(self, encoding=None):
        # Accepted for django-import-export's calls; the encoding is detected from the bytes.
        self.encoding = None

    def get_title(self):
        return "CSV / XLSX"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True

    def can_export(self):
        return False


class CSVExport(Format):
    CONTENT_TYPE = "text/csv; charset=utf-8"

    def get_title(self):
        return "CSV"

    def export_data(self, dataset, **kwargs):
        return write_csv(dataset)

    def is_binary(self):
        return True

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return self.CONTENT_TYPE

    def can_export(self):
        return True


class XLSXExport(CSVExport):
    CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def get_title(self):
        return "XLSX"

    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset)

    def get_extension(self):
        return "xlsx"


class ColumnsExportForm(SelectableFieldsExportForm):
    """The export's columns named as the file's headers (Polish), not as the model's
    attributes in title case ("Gala Date (Gala)")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class RegistryImportExportMixin(ImportExportMixin):
    """Import needs the role's import permission; export of a kind follows its view permission."""

    import_template_name = "transfer/import.html"
    export_formats = [CSVExport, XLSXExport]
    export_form_class = ColumnsExportForm

    def get_import_formats(self):
        return [SpreadsheetImport]

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user, "source": f"admin import ({request.user.get_username()})"}

    def import_action(self, request, **kwargs):
        """The upload's size, format, encoding and headers are checked here, at once; its
        rows by the worker (check_upload), whose preview the job's page shows."""
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if form.is_valid():
            upload = form.cleaned_data["import_file"]
            data = b"".join(upload.chunks())
            try:
                headers = read_table(data, head_only=True).headers
                check_headers(self.resource_classes[0](), headers)
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                job = check_upload(request.user, self.file_kind, upload.name, data)
                return redirect(job.admin_url())
        return self.import_page(request, form)

    def import_page(self, request, form, status=200):
        """The import form as django-import-export renders it, with `form`'s errors."""
        resource_kwargs = self.get_import_resource_kwargs(request=request, form=form)
        resources = [cls(**resource_kwargs) for cls in self.get_import_resource_classes(request)]
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (r.get_display_name(), [f.column_name for f in r.get_user_visible_fields()])
                for r in resources
            ],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            job = confirm_preview(
                request.POST.get("import_file_name", ""), request.user, self.file_kind
            )
        except JobRefused as refusal:
            messages.error(request, str(refusal))
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            return self.import_page(request, form, status=400)
        return redirect(job.admin_url())

    def import_job_view(self, request, pk):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=pk, kind=self.file_kind)
        if job.is_stale():  # its worker died: shown failed (a sweep only when one is seen)
            fail_stale_jobs()
            job.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": job.file_name},
            "opts": self.model._meta,
            "job": job,
            "preview": job.preview,
            # Only the uploader may confirm: the token is theirs (confirm_preview).
            "may_confirm": job.state == ImportJob.State.PREVIEWED and job.user == request.user,
            "seconds_left": job.seconds_left(),
            "refresh_seconds": JOB_PAGE_REFRESH_SECONDS,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, ["transfer/import_job.html"], context)

    @property
    def file_kind(self):
        return self.resource_classes[0].file_kind

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/template.<str:file_format>",
                self.admin_site.admin_view(self.template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            ),
            path(
                "import/job/<int:pk>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{info[0]}_{info[1]}_import_job",
            ),
        ] + super().get_urls()

    def template_view(self, request, file_format):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if file_format not in ("csv", "xlsx"):
            raise Http404
        kind = self.resource_classes[0].file_kind
        content_type = CSVExport.CONTENT_TYPE if file_format == "csv" else XLSXExport.CONTENT_TYPE
        response = HttpResponse(template_file(kind, file_format), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{kind}-szablon.{file_format}"'
        return response
