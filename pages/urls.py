from django.urls import path

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
    path("deklaracja-dostepnosci/", views.accessibility_statement, name="accessibility"),
    path("wyswietlanie/", views.toggle_display, name="display"),
]
