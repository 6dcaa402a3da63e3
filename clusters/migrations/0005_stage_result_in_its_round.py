"""A stage result's stage belongs to its application's round, in the database too.

The rule spans three tables, which no CHECK constraint can see, so triggers keep
it: on writing a result, and on moving an application or a stage to another round
while results join them. StageResult.clean() says the same to a form or an import.
"""

from django.db import migrations

MESSAGE = "stage_result_stage_in_application_round"

SQLITE = [
    f"""
    CREATE TRIGGER clusters_stage_result_in_round_{event}
    BEFORE {event} ON clusters_stageresult
    WHEN (SELECT round_id FROM clusters_evaluationstage WHERE id = NEW.stage_id)
         IS NOT (SELECT round_id FROM clusters_application WHERE id = NEW.application_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER clusters_{table}_round_keeps_results
    BEFORE UPDATE OF round_id ON clusters_{table}
    WHEN EXISTS (
        SELECT 1 FROM clusters_stageresult r
        JOIN clusters_evaluationstage s ON s.id = r.stage_id
        JOIN clusters_application a ON a.id = r.application_id
        WHERE r.{column} = NEW.id
          AND (CASE WHEN '{table}' = 'application' THEN s.round_id ELSE a.round_id END)
              IS NOT NEW.round_id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
    for table, column in (("application", "application_id"), ("evaluationstage", "stage_id"))
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION clusters_stage_result_in_round() RETURNS trigger AS $$
    BEGIN
        IF (SELECT round_id FROM clusters_evaluationstage WHERE id = NEW.stage_id)
           IS DISTINCT FROM (SELECT round_id FROM clusters_application WHERE id = NEW.application_id)
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER clusters_stage_result_in_round
    BEFORE INSERT OR UPDATE ON clusters_stageresult
    FOR EACH ROW EXECUTE FUNCTION clusters_stage_result_in_round()
    """,
    f"""
    CREATE FUNCTION clusters_round_keeps_results() RETURNS trigger AS $$
    BEGIN
        IF NEW.round_id IS DISTINCT FROM OLD.round_id AND EXISTS (
            SELECT 1 FROM clusters_stageresult r
            JOIN clusters_evaluationstage s ON s.id = r.stage_id
            JOIN clusters_application a ON a.id = r.application_id
            WHERE (TG_TABLE_NAME = 'clusters_application' AND a.id = NEW.id
                   AND s.round_id IS DISTINCT FROM NEW.round_id)
               OR (TG_TABLE_NAME = 'clusters_evaluationstage' AND s.id = NEW.id
                   AND a.round_id IS DISTINCT FROM NEW.round_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER clusters_application_round_keeps_results
    BEFORE UPDATE OF round_id ON clusters_application
    FOR EACH ROW EXECUTE FUNCTION clusters_round_keeps_results()
    """,
    """
    CREATE TRIGGER clusters_evaluationstage_round_keeps_results
    BEFORE UPDATE OF round_id ON clusters_evaluationstage
    FOR EACH ROW EXECUTE FUNCTION clusters_round_keeps_results()
    """,
]

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS clusters_stage_result_in_round_INSERT",
        "DROP TRIGGER IF EXISTS clusters_stage_result_in_round_UPDATE",
        "DROP TRIGGER IF EXISTS clusters_application_round_keeps_results",
        "DROP TRIGGER IF EXISTS clusters_evaluationstage_round_keeps_results",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS clusters_stage_result_in_round ON clusters_stageresult",
        "DROP TRIGGER IF EXISTS clusters_application_round_keeps_results ON clusters_application",
        "DROP TRIGGER IF EXISTS clusters_evaluationstage_round_keeps_results"
        " ON clusters_evaluationstage",
        "DROP FUNCTION IF EXISTS clusters_stage_result_in_round()",
        "DROP FUNCTION IF EXISTS clusters_round_keeps_results()",
    ],
}


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0004_perf_indexes")]

    operations = [migrations.RunPython(create, drop)]
