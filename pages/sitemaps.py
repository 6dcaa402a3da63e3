"""The sitemap: an index at /sitemap.xml naming files of at most FILE_PAGES pages each.

The protocol allows 50 000 addresses in a file, and every page is listed in Polish
and in English: two <url> entries, each naming both addresses and the x-default
(hreflang alternates), exactly as Django's i18n sitemaps write them. A file is
streamed as it is written, its rows read a chunk at a time (the first byte leaves
at once, a worker holds one chunk), and kept in the cache between changes as the
downloads are (core/downloads.py). Django's own sitemap view builds every entry of
a section as objects before writing a byte, and puts at most 50 000 in one file.
"""

from functools import partial

from django.conf import settings
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from clusters.models import Cluster, Round
from core.addresses import slug_address
from core.downloads import download, lines
from events.models import Event

# Pages a file lists: each is two addresses, 40 000 of the protocol's 50 000.
FILE_PAGES = 20_000
# Rows read from the database at a time.
CHUNK = 2_000
# Characters of entries sent at a time.
CHUNK_CHARS = 64 * 1024
# As Django's sitemap view: a sitemap is for crawlers, not a page to show in results.
ROBOTS = "noindex, noodp, noarchive"
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
INDEX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


def languages():
    return [code for code, _name in settings.LANGUAGES]


class FixedPages:
    """The pages that are always there: lists, the home page, the statement."""

    names = [
        "pages:home",
        "clusters:list",
        "clusters:round-list",
        "events:list",
        "pages:accessibility",
    ]

    def count(self):
        return len(self.names)

    def latest_change(self):
        return None

    def pages(self, first, last):
        for name in self.names[first:last]:
            paths = {}
            for language in languages():
                with translation.override(language):
                    paths[language] = reverse(name)
            yield paths, None, "0.8"


class RecordPages:
    """The pages of records, by slug: `rows()` gives them in the order the files list them."""

    def __init__(self, url_name, rows, changed_at=None):
        self.url_name, self.rows, self.changed_at = url_name, rows, changed_at

    def count(self):
        return self.rows().count()

    def latest_change(self):
        if not self.changed_at:
            return None
        return self.rows().aggregate(latest=Max(self.changed_at))["latest"]

    def pages(self, first, last):
        addresses = {language: slug_address(self.url_name, language) for language in languages()}
        columns = ["slug", self.changed_at] if self.changed_at else ["slug"]
        rows = self.rows().values_list(*columns)[first:last].iterator(chunk_size=CHUNK)
        for slug, *changed_at in rows:
            paths = {language: address(slug) for language, address in addresses.items()}
            lastmod = timezone.localtime(changed_at[0]).date().isoformat() if changed_at else None
            yield paths, lastmod, None


SECTIONS = {
    "pages": FixedPages(),
    "clusters": RecordPages(
        "clusters:detail", lambda: Cluster.objects.published().order_by("slug"), "updated_at"
    ),
    "rounds": RecordPages("clusters:round-detail", lambda: Round.objects.order_by("slug")),
    "events": RecordPages("events:detail", lambda: Event.objects.published().order_by("slug")),
}


def _site(request):
    return escape(f"{request.scheme}://{request.get_host()}")


def _page_entries(site, page):
    """A page's <url> entries, one a language, as Django's sitemap.xml template writes them."""
    paths, lastmod, priority = page
    about = (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + (
        f"<priority>{priority}</priority>" if priority else ""
    )
    alternates = "".join(
        f'<xhtml:link rel="alternate" hreflang="{language}" href="{site}{path}"/>'
        for language, path in [*paths.items(), ("x-default", paths[settings.LANGUAGE_CODE])]
    )
    return "".join(
        f"<url><loc>{site}{path}</loc>{about}{alternates}</url>" for path in paths.values()
    )


def _xml(request, chunks):
    response = download(request, chunks, content_type="application/xml")
    response["X-Robots-Tag"] = ROBOTS
    return response


def _file_count(section):
    return max(-(-section.count() // FILE_PAGES), 1)


def sitemap_index(request):
    """/sitemap.xml: the files of every section, with a section's last change if known."""
    site = _site(request)

    def chunks():
        yield INDEX
        for name, section in SECTIONS.items():
            address = f"{site}{reverse('sitemap-section', kwargs={'section': name})}"
            changed = section.latest_change()
            lastmod = (
                f"<lastmod>{timezone.localtime(changed).isoformat()}</lastmod>" if changed else ""
            )
            for number in range(1, _file_count(section) + 1):
                page = f"?p={number}" if number > 1 else ""
                yield f"<sitemap><loc>{address}{page}</loc>{lastmod}</sitemap>"
        yield "\n</sitemapindex>\n"

    return _xml(request, chunks)


def sitemap_section(request, section):
    """One file of a section: ?p=2 and on for the pages after the first FILE_PAGES."""
    if section not in SECTIONS:
        raise Http404
    number = request.GET.get("p", "1")
    if not number.isdecimal() or not 1 <= int(number) <= _file_count(SECTIONS[section]):
        raise Http404
    first = (int(number) - 1) * FILE_PAGES
    site = _site(request)

    def chunks():
        yield URLSET
        pages = SECTIONS[section].pages(first, first + FILE_PAGES)
        yield from lines(pages, partial(_page_entries, site), chunk_chars=CHUNK_CHARS)
        yield "\n</urlset>\n"

    return _xml(request, chunks)
