from django.urls import path
from django.utils.translation import pgettext_lazy

from core.pagecache import cached_public_page

from . import views

app_name = "pages"

urlpatterns = [
    # Everything but the site's own pages (the accessibility statement).
    path(
        "",
        cached_public_page(views.home, families=["clusters", "rounds", "reference", "events"]),
        name="home",
    ),
    path(
        pgettext_lazy("URL", "accessibility-statement/"),
        views.accessibility_statement,
        name="accessibility",
    ),
    # A form's target, not a page: one address in both languages.
    path("wyswietlanie/", views.toggle_display, name="display"),
]
