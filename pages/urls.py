from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("deklaracja-dostepnosci/", views.accessibility_statement, name="accessibility"),
    path("wyswietlanie/", views.toggle_display, name="display"),
]
