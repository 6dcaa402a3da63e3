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


class RegistryUserAdmin(PolishAdminMixin, UserAdmin):
    pass


class RegistryGroupAdmin(PolishAdminMixin, GroupAdmin):
    pass
