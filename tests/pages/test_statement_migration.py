"""The move to template 2.0 keeps what staff had written in the old statement."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("pages", "0001_public_accessibility_statement")]
AFTER = [("pages", "0002_statement_template_2_0")]
D = datetime.date


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_issue_lines_become_items_and_only_complete_statements_stay_published():
    old = migrate(BEFORE)
    Statement = old.get_model("pages", "AccessibilityStatement")
    contacts = {
        "contact_person": "Ewa Dostępna",
        "contact_email": "dostepnosc@example.gov.pl",
        "contact_phone": "22 123 45 67",
    }
    complete = Statement.objects.create(
        **contacts,
        status="partial",
        issues_pl="Mapa bez opisu.\n\n  Wykres bez tabeli.  ",
        issues_en="Map without a description.",
        reviewed_on=D(2027, 3, 2),
    )
    dashes = Statement.objects.create(status="partial", issues_pl="Mapa bez opisu.")
    nothing_listed = Statement.objects.create(**contacts, status="partial")
    try:
        new = migrate(AFTER)
        Statement = new.get_model("pages", "AccessibilityStatement")
        items = new.get_model("pages", "InaccessibleContent").objects.order_by("pk")
        assert [
            (i.description_pl, i.description_en) for i in items.filter(statement=complete.pk)
        ] == [
            ("Mapa bez opisu.", "Map without a description."),
            ("Wykres bez tabeli.", ""),
        ]
        published = dict(Statement.objects.values_list("pk", "published"))
        assert published == {complete.pk: True, dashes.pk: False, nothing_listed.pk: False}
        # The old default repeated the preparation date as a review: not a review.
        assert Statement.objects.get(pk=dashes.pk).reviewed_on is None
        assert Statement.objects.get(pk=complete.pk).reviewed_on == D(2027, 3, 2)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
