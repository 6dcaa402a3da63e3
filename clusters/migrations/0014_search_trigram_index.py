"""A trigram index on clusters' search text, so `?q=` no longer reads every row.

PostgreSQL: pg_trgm's GIN index, which `LIKE '%word%'` uses by itself. SQLite: an
FTS5 table with the trigram tokenizer over clusters_cluster.search_text (external
content, so the text is not stored twice), kept by triggers on every insert, update
and delete however the row is written. A later migration that rebuilds
clusters_cluster on SQLite drops these triggers with the table: lift them around it
with `drop` and `create` below, as 0006 does for 0005's.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

FTS_TABLE = "clusters_cluster_search"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='clusters_cluster', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON clusters_cluster BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON clusters_cluster BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    # A save writes every column: the text is indexed again only when it changed.
    f"""CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, search_text ON clusters_cluster
    WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    # Index the rows already there.
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS cluster_search_trigram "
    "ON clusters_cluster USING gin (search_text gin_trgm_ops)"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS cluster_search_trigram"]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("clusters", "0013_round_count_indexes")]

    operations = [
        # A no-op off PostgreSQL; pg_trgm is a trusted extension, so the database's
        # owner may create it without being a superuser (PostgreSQL 13+).
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
