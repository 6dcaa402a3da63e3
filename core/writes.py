"""Writes that must not queue behind another connection's: SQLite has one writer, and an
import may hold it for minutes."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def refused_while_another_writes():
    """SQLite: a write here fails at once (OperationalError) when another connection is
    writing, instead of waiting up to SQLITE_BUSY_TIMEOUT_SECONDS. Other databases lock
    rows, not the whole database: there it changes nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
