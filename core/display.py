"""High contrast and larger text, remembered in cookies so they work without JavaScript."""

# Cookie name for each switch; the value "1" means on.
SWITCHES = {"contrast": "kkk_contrast", "large_text": "kkk_large_text"}
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def is_on(request, switch):
    return request.COOKIES.get(SWITCHES[switch]) == "1"


def display_classes(request):
    """CSS classes for <html>: `contrast`, `large-text`."""
    return " ".join(name.replace("_", "-") for name in SWITCHES if is_on(request, name))
