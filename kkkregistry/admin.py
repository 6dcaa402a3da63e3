"""The ministry's admin site: its dashboard and its titles."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .dashboard import dashboard


class RegistryAdminSite(admin.AdminSite):
    site_header = _("KKK registry administration")
    site_title = _("KKK registry")
    index_title = _("Registry at a glance")

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "dashboard": dashboard(request.user)}
        return super().index(request, extra_context)
