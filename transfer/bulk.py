"""Plain inserts for the rows a bulk import writes by the thousand.

QuerySet.bulk_create() passes every value of every object through the field's
pre_save() and the SQL compiler; for the clusters, audit records and link rows
of a clusters import that cost more than the database's own work
(bench/import_bench.py measures it). These rows hold plain values, so here they
are converted by their fields' get_db_prep_save() where needed and sent as
multi-row INSERT statements, or through COPY on PostgreSQL.
"""

from django.db import connections, router
from django.utils import timezone

# Their values are what the database driver takes (str, int or None): converting
# them through the field would return them unchanged, at a cost per value.
PASSED_AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def insert_rows(model, columns, rows, returning=False):
    """Insert `rows`, tuples of values in the order of `columns` (attribute names).

    Returns the new primary keys in the order of `rows` when `returning` is true.
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [meta.get_field(column) for column in columns]
    by_column = _prepared(connection, fields, rows)
    write = _copy if connection.vendor == "postgresql" else _insert
    return write(connection, meta, fields, by_column, returning)


def update_rows(model, columns, objects):
    """Write `columns` (attribute names) of saved `objects`: one UPDATE statement, many rows.

    executemany() sends the statement once and the rows after it (SQLite reuses the
    prepared statement, psycopg pipelines them), without bulk_update's CASE per column.
    """
    if not objects or not columns:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [meta.get_field(column) for column in columns]
    by_column = _prepared(
        connection, [*fields, meta.pk], [[*(getattr(o, c) for c in columns), o.pk] for o in objects]
    )
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*by_column, strict=True)))


def _prepared(connection, fields, rows):
    """The rows' values by column, as the database driver takes them."""
    by_column = [list(values) for values in zip(*rows, strict=True)]
    for number, field in enumerate(fields):
        # A third-party field (a CountryField is a CharField) may hold an object of its own.
        plain = type(field).__module__.startswith("django.db.models.")
        if not plain or field.get_internal_type() not in PASSED_AS_THEY_ARE:
            by_column[number] = _converted(field, by_column[number], connection)
    return by_column


def _converted(field, values, connection):
    """Each value through the field's conversion once: a column repeats a few values.

    An audit record's time, a timestamp set on every row, a flag, a date: converting
    the same value thousands of times was a fifth of a clusters import.
    """
    prepare = field.get_db_prep_save
    done = {}
    converted = []
    for value in values:
        try:
            converted.append(done[value])
        except KeyError:
            done[value] = prepared = prepare(value, connection)
            converted.append(prepared)
        except TypeError:  # unhashable (a list, a dict): converted each time
            converted.append(prepare(value, connection))
    return converted


def _copy(connection, meta, fields, by_column, returning):
    """PostgreSQL's COPY: about three times faster than INSERT for thousands of rows.

    COPY returns nothing, so new keys are drawn from the table's sequence first.
    """
    quote = connection.ops.quote_name
    keys = []
    with connection.cursor() as cursor:
        if returning:
            sequence = f"pg_get_serial_sequence('{quote(meta.db_table)}', '{meta.pk.column}')"
            cursor.execute(
                f"SELECT nextval({sequence}) FROM generate_series(1, %s)", [len(by_column[0])]
            )
            keys = [key for (key,) in cursor.fetchall()]
            fields, by_column = [meta.pk, *fields], [keys, *by_column]
        columns = ", ".join(quote(field.column) for field in fields)
        # Binary: no text to format and parse for each value.
        copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        # The driver's own cursor: its errors are made Django's (IntegrityError…) here.
        with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            copy.set_types([_binary_type(field, connection) for field in fields])
            for row in zip(*by_column, strict=True):
                copy.write_row(row)
    return keys


# PostgreSQL's column types as psycopg's binary dumpers name them.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "text": "text",
    "varchar": "varchar",
    "numeric": "numeric",
}


def _binary_type(field, connection):
    db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return BINARY_TYPES[db_type.split("(")[0].strip()]


def _insert(connection, meta, fields, by_column, returning):
    """Multi-row INSERTs, as many rows a statement as the database takes parameters."""
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    returns = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = list(zip(*by_column, strict=True))
    batch = max(connection.ops.bulk_batch_size(fields, values), 1)
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            sql = f"{insert} VALUES {', '.join([one_row] * len(chunk))}{returns}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                keys += [key for (key,) in cursor.fetchall()]
    return keys


def create_objects(model, objects):
    """bulk_create() for new objects whose fields hold plain values: sets their keys.

    Timestamps with auto_now or auto_now_add get the same moment, as in bulk_create().
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    keys = insert_rows(
        model,
        [field.attname for field in fields],
        [tuple(getattr(obj, field.attname) for field in fields) for obj in objects],
        returning=True,
    )
    database = router.db_for_write(model)
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, database
    return objects


def insert_history(model, objects, user=None, reason="", history_type="+"):
    """django-simple-history's records of saved `objects`, as its post_save would write them.

    Returns the records' primary keys in the order of `objects`.
    """
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    stamp = (timezone.now(), reason, history_type, getattr(user, "pk", None))
    return insert_rows(
        history,
        tracked + ["history_date", "history_change_reason", "history_type", "history_user_id"],
        [tuple(getattr(obj, attname) for attname in tracked) + stamp for obj in objects],
        returning=True,
    )
