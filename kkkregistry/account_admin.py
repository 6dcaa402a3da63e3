"""Django's admins of staff accounts with the registry's Polish ("Dodaj użytkownika").

Registered in place of Django's by KkkRegistryConfig.ready(); not in admin.py, which
holds the admin site that django.contrib.auth's admin module needs when imported.
"""

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from core.admin import PolishAdminMixin
from core.grammar import FEMININE, MASCULINE, PolishNoun, register_nouns

register_nouns(
    {
        User: PolishNoun("użytkownik", "użytkownika", "użytkowników", "użytkowników", MASCULINE),
        Group: PolishNoun("grupa", "grupę", "grupy", "grup", FEMININE),
    }
)


class WithoutHistoryPermissions:
    """Permission pickers without the history models' ("historical klaster | Can add
    historical cluster", four a model): history is written by the records themselves
    and simple-history asks for the records' permissions, so these grant nothing
    (the roles leave them out too, kkkregistry/roles.py)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.exclude(content_type__model__startswith="historical")
        return field


class RegistryUserAdmin(PolishAdminMixin, WithoutHistoryPermissions, UserAdmin):
    pass


class RegistryGroupAdmin(PolishAdminMixin, WithoutHistoryPermissions, GroupAdmin):
    pass
