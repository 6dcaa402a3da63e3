from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import pgettext_lazy
from django.views.generic import RedirectView

from pages.sitemaps import sitemap_index, sitemap_section
from pages.views import former_english_address

# Inside the admin a refusal keeps the admin's layout and says why.
handler403 = "kkkregistry.views.permission_denied"


class FaviconView(RedirectView):
    # Not permanent: the hashed name of the icon changes when the icon does.
    def get_redirect_url(self, *args, **kwargs):
        return static("kkk/favicon.ico")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Open data: one address for every language (Accept-Language picks the messages).
    path("api/v1/", include("api.urls")),
    path("dane/", include("api.data_urls")),
    # One sitemap for both languages: each entry lists its Polish and English address.
    # An index of files of each section, streamed and kept in the cache (pages/sitemaps.py).
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    # Where browsers look for an icon on pages that name none (the admin, files).
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]

# Polish at the root, English under /en/, each with addresses in its own language.
urlpatterns += i18n_patterns(
    path("", include("clusters.urls")),
    path(pgettext_lazy("URL", "events/"), include("events.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)
# English pages once had Polish addresses (/en/klastry/…): whatever still matches none of
# the English ones above moves permanently to its English address, or is a 404.
urlpatterns += [re_path(r"^en/(?P<polish_path>.+)$", former_english_address)]
