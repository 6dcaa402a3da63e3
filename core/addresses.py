"""Addresses of pages named by a slug, reversed once a process instead of once a row.

A page listing thousands of records (a round's awards at 100 000 clusters, the
sitemap) spent more time in reverse() than in anything else. A slug is made of
letters, digits, hyphens and underscores, which reverse() leaves as they are, so
the address is the reversed one's prefix + slug + suffix.
"""

import functools
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from django.urls import NoReverseMatch, get_script_prefix, reverse, translate_url
from django.utils.translation import get_language, override

_MARK = "slug-of-the-page"
# What the slug converter matches: characters reverse() leaves as they are.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.cache
def _around_slug(url_name, language, script_prefix):
    with override(language):
        prefix, suffix = reverse(url_name, kwargs={"slug": _MARK}).split(_MARK)
    return prefix, suffix


def slug_address(url_name, language=None):
    """A function of a slug giving the address of `url_name`'s page in `language`
    (default: the active one), as reverse(url_name, kwargs={"slug": slug}) would."""
    prefix, suffix = _around_slug(url_name, language or get_language(), get_script_prefix())
    return lambda slug: prefix + slug + suffix


@functools.cache
def _page_address(url_name, language, script_prefix):
    with override(language):
        return reverse(url_name)


def page_address(url_name):
    """reverse(url_name) of a page taking no arguments, in the active language: reversed
    once a process, as an address changes only with the code."""
    return _page_address(url_name, get_language(), get_script_prefix())


def translated_path(request, language):
    """translate_url(request.get_full_path(), language): the same page in `language`.

    translate_url resolves the path again and reverses it, which every page's layout paid
    twice (once a language). The request's own match is used instead, its address reversed
    once a process as above. A page with arguments other than a slug (or a slug the slug
    converter would not match), and a path that translate_url would read as another (under
    a script prefix, or parsed as having a host), are left to translate_url itself.
    """
    path = request.get_full_path()
    match = request.resolver_match
    if (
        match is None
        or match.url_name is None
        or match.args
        or not set(match.kwargs) <= {"slug"}
        # The API's routes take any slug but a slash or dot, which reverse() may quote.
        or ("slug" in match.kwargs and not _SLUG.fullmatch(match.kwargs["slug"]))
    ):
        return translate_url(path, language)
    parsed = urlsplit(path)
    if parsed.scheme or parsed.netloc or unquote(parsed.path) != request.path_info:
        return translate_url(path, language)
    try:
        if "slug" in match.kwargs:
            address = slug_address(match.view_name, language)(match.kwargs["slug"])
        else:
            address = _page_address(match.view_name, language, get_script_prefix())
    except NoReverseMatch:
        return translate_url(path, language)
    return urlunsplit(("", "", address, parsed.query, parsed.fragment))
