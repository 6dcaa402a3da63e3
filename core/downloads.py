"""Whole-registry downloads: streamed as they are written, kept in the cache until a change.

A file of 100 000 clusters is tens of megabytes and takes seconds to write. It is
sent as it is written (StreamingHttpResponse, rows read a chunk at a time), so its
first byte leaves at once and a worker's memory holds one part of it, never the
whole; meanwhile the parts are stored in the cache, under a key holding the
counters of the data it shows (as the page cache's, core/pagecache.py), and the
next request for it streams them from there until the data change.
"""

from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils import translation

from .pagecache import all_families, cache_seconds, family_key, page_key

# A part of a file kept in the cache: big enough to be few, small to hold in memory.
PART_BYTES = 512 * 1024


class DownloadResponse(StreamingHttpResponse):
    """A streamed file whose `content` may still be read whole (small files, tests)."""

    @property
    def content(self):
        if not hasattr(self, "_whole"):
            self._whole = b"".join(self.streaming_content)
        return self._whole


def _cached_parts(key):
    """The cached parts' keys, when every one of them is still there; else None."""
    count = cache.get(key)
    if count is None:
        return None
    keys = [f"{key}:{index}" for index in range(count)]
    return keys if all(cache.has_key(part) for part in keys) else None


def _from_cache(keys):
    for part_key in keys:
        part = cache.get(part_key)
        if part is None:  # evicted while being sent: better a cut file than a wrong one
            raise RuntimeError(f"the cached download part {part_key} is gone")
        yield part


def _written_and_kept(key, chunks, seconds):
    """The file's chunks, sent as they come, kept in parts; the count is stored last, so
    a file cut short (the visitor left) is never served from the cache."""
    buffer, count = [], 0
    size = 0
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        yield chunk
        buffer.append(chunk)
        size += len(chunk)
        if size >= PART_BYTES:
            cache.set(f"{key}:{count}", b"".join(buffer), seconds)
            buffer, size, count = [], 0, count + 1
    if buffer:
        cache.set(f"{key}:{count}", b"".join(buffer), seconds)
        count += 1
    cache.set(key, count, seconds)


def _in_language(chunks, language):
    """`chunks` written in `language`: a stream is read after its view has returned,
    when the request's language (of the rows' addresses and labels) is no longer active."""

    def written():
        with translation.override(language):
            yield from chunks()

    return written


def download(request, chunks, *, content_type, disposition=None, families=None):
    """A streamed response of `chunks()` (str or bytes), kept in the cache between changes.

    `families`: what the file shows (default: every family of registry data).
    """
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    chunks = _in_language(chunks, translation.get_language())
    if not seconds:
        stream = chunks()
    else:
        keys = [family_key(name) for name in (families or all_families())]
        key = page_key(request, keys, kind="kkk-download", display=False)
        keys = _cached_parts(key)
        stream = (
            _from_cache(keys)
            if keys is not None
            else _written_and_kept(key, chunks(), cache_seconds(seconds))
        )
    response = DownloadResponse(stream, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def in_chunks(queryset, size):
    """The queryset's rows read `size` at a time with their prefetched rows, as
    QuerySet.iterator(chunk_size) would, each chunk let go of once passed on.

    A row and its prefetched rows point at each other (the related manager's cache,
    the back reference to the row): left so, every chunk waits for the garbage
    collector's rare full pass, and memory grows with the file.
    """
    lookups = queryset._prefetch_related_lookups
    rows = queryset.prefetch_related(None).iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        prefetch_related_objects(chunk, *lookups)
        yield from chunk
        for row in chunk:
            row._prefetched_objects_cache = {}
            row._state.fields_cache = {}


class Lines:
    """A file for csv.writer whose write() gives back the line instead of keeping it."""

    def write(self, line):
        return line


def lines(rows, write, *, chunk_chars=32 * 1024):
    """The rows written by `write(row) -> str`, in chunks of about `chunk_chars`:
    fewer, bigger writes to the socket than one a row, and never many rows in memory."""
    batch, size = [], 0
    for row in rows:
        line = write(row)
        batch.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)
