"""Constraints checked in memory give the database's verdict, without its queries."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from clusters.models import Round, StatusAward
from events.models import Event
from transfer.constraints import UNSUPPORTED, ConstraintIndex, evaluate

pytestmark = pytest.mark.django_db
D = datetime.date
DATES = [None, D(2020, 1, 1), D(2021, 1, 1)]


def database_verdict(constraint, instance):
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


def instances():
    for opens, closes in itertools.product(DATES, DATES):
        for kind, number in itertools.product(["regular", "renewal"], [None, 3]):
            yield Round(
                call_opens=opens,
                call_closes=closes,
                kind=kind,
                number=number,
                max_points=140,
                pass_threshold=150,
                awards_reported=4,
                applications_reported=7,
            )
    for start, end in itertools.product(DATES[1:], DATES):
        yield Event(start_date=start, end_date=end)
    for start, end in itertools.product(DATES[1:], DATES[1:]):
        yield StatusAward(valid_from=start, valid_until=end)


def test_every_check_constraint_is_judged_in_python_as_the_database_judges_it():
    judged = 0
    for instance in instances():
        for constraint in instance._meta.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            verdict = evaluate(constraint.condition, instance)
            assert verdict is not UNSUPPORTED, constraint.name
            assert (verdict is not False) == database_verdict(constraint, instance), (
                constraint.name,
                instance.__dict__,
            )
            judged += 1
    assert judged > 50


def test_checks_and_conditional_unique_rules_run_without_a_query(django_assert_num_queries):
    index = ConstraintIndex(Round)
    assert index.per_row_constraints == []
    broken = Round(kind="regular", number=None, call_opens=D(2021, 1, 1), call_closes=D(2020, 1, 1))
    with django_assert_num_queries(0):
        messages = [error.messages[0] for error in index.check(broken, exclude=set())]
    assert len(messages) == 2


def test_a_conditional_unique_rule_applies_only_where_its_condition_holds(
    django_assert_num_queries,
):
    from tests.factories import RoundFactory

    RoundFactory(kind="regular", number=6)
    index = ConstraintIndex(Round)
    with django_assert_num_queries(0):
        clashing = index.clashes(Round(kind="regular", number=6, name="X", slug="x"), ("row", 2))
        renewal = index.clashes(Round(kind="renewal", number=None, name="Y", slug="y"), ("row", 3))
    assert [field for field, _message, _holder in clashing] == ["number"]
    assert renewal == []
