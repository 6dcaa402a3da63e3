from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import pgettext_lazy
from django.views.generic import RedirectView

from core.pagecache import cached_public_page
from pages.sitemaps import SITEMAPS
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
    # Kept in the page cache until the data change (it is long to write for a big registry).
    path("sitemap.xml", cached_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
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
