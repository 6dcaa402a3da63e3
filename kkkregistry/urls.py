from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from pages.sitemaps import SITEMAPS

# Inside the admin a refusal keeps the admin's layout and says why.
handler403 = "kkkregistry.views.permission_denied"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # One sitemap for both languages: each entry lists its Polish and English address.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Polish at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("clusters.urls")),
    path("wydarzenia/", include("events.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)
