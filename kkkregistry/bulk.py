"""Plain multi-row INSERTs for the rows a bulk import writes by the thousand.

QuerySet.bulk_create() passes every value of every object through the field's
pre_save() and the SQL compiler; for the audit records and link rows of a
clusters import that cost more than the database's own work (bench/import_bench.py
measures it). Those rows are plain values with nothing to compute, so here they
are converted by their fields' get_db_prep_save() and sent as multi-row INSERT
statements.
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
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    returns = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    by_column = [list(values) for values in zip(*rows, strict=True)]
    for number, field in enumerate(fields):
        if field.get_internal_type() not in PASSED_AS_THEY_ARE:
            prepare = field.get_db_prep_save
            by_column[number] = [prepare(value, connection) for value in by_column[number]]
    keys = []
    with connection.cursor() as cursor:
        for sql, params in _statements(connection, fields, insert, returns, by_column):
            cursor.execute(sql, params)
            if returning:
                keys += [key for (key,) in cursor.fetchall()]
    return keys


def _statements(connection, fields, insert, returns, by_column):
    if connection.vendor == "postgresql":
        # One array a column, as Django's bulk_create does there: thousands of
        # placeholders cost psycopg and PostgreSQL more to parse than the rows to write.
        types = [field.db_type(connection).split("(")[0] for field in fields]
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
        yield f"{insert} SELECT * FROM UNNEST({arrays}){returns}", by_column
        return
    values = list(zip(*by_column, strict=True))
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(connection.ops.bulk_batch_size(fields, values), 1)
    for start in range(0, len(values), batch):
        chunk = values[start : start + batch]
        sql = f"{insert} VALUES {', '.join([one_row] * len(chunk))}{returns}"
        yield sql, [value for row in chunk for value in row]


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
