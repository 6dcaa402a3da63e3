from django.urls import reverse
from django.utils import translation


class AdminLocaleMiddleware:
    """The admin and the API speak the language the browser or client asks for.

    The public site is Polish unless its URL says /en/, so LocaleMiddleware gives
    every unprefixed path Polish. The admin and the API have one URL for both
    languages; there the language cookie, then Accept-Language, decides (Polish
    when neither does).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith((reverse("admin:index"), reverse("api:api-root"))):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
