"""Addresses of pages named by a slug, reversed once a process instead of once a row.

A page listing thousands of records (a round's awards at 100 000 clusters, the
sitemap) spent more time in reverse() than in anything else. A slug is made of
letters, digits, hyphens and underscores, which reverse() leaves as they are, so
the address is the reversed one's prefix + slug + suffix.
"""

import functools

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, override

_MARK = "slug-of-the-page"


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
