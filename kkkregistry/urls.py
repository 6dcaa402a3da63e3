from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Polish at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("clusters.urls")),
    path("wydarzenia/", include("events.urls")),
    prefix_default_language=False,
)
