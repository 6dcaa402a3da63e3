from django.conf import settings

from core.addresses import page_address, translated_path
from core.display import display_classes


def public_site(request):
    """What every public page's layout needs: display preferences and its other languages."""
    language_urls = [
        # Absolute, as hreflang alternates and shared links need.
        (code, name, request.build_absolute_uri(translated_path(request, code)))
        for code, name in settings.LANGUAGES
    ]
    return {
        "display_classes": display_classes(request),
        "language_urls": language_urls,
        # For a visitor whose language is neither: the Polish page, the registry's own.
        "x_default_url": {code: url for code, _name, url in language_urls}[settings.LANGUAGE_CODE],
        # The <meta name="deklaracja-dostępności"> the ministry's template recommends.
        "statement_url": request.build_absolute_uri(page_address("pages:accessibility")),
    }
