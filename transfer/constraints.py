"""A model's constraints checked in memory, for a whole file at once.

Django's validate_unique() and validate_constraints() ask the database once
per rule per row; a file of ten thousand rows would ask tens of thousands of
times, and would still miss two new rows of the same file that clash with
each other. Here the values of every unique field and unique constraint
(plain fields or Lower(field), with or without a condition) are read once,
and each row is checked against them and against the rows before it; check
constraints and conditions are evaluated in Python, as SQL would (a NULL
comparison is unknown, and a check fails only when false). A constraint this
cannot evaluate is left to Django's validation of each row.
"""

import operator
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.db.models.functions import Lower

UNSUPPORTED = object()
COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def evaluate(condition, instance):
    """True, False or None (unknown, as SQL's NULL) for a Q on `instance`'s own fields.

    UNSUPPORTED for lookups across relations or other than exact, comparisons and isnull.
    """
    results = []
    for child in condition.children:
        result = evaluate(child, instance) if isinstance(child, Q) else _lookup(instance, *child)
        if result is UNSUPPORTED:
            return UNSUPPORTED
        results.append(result)
    if condition.connector == Q.AND:
        value = False if False in results else (None if None in results else True)
    else:
        value = True if True in results else (None if None in results else False)
    if condition.negated and value is not None:
        value = not value
    return value


def _value(instance, name):
    meta = instance._meta
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:
        return UNSUPPORTED
    if not field.concrete or field.many_to_many:
        return UNSUPPORTED
    return getattr(instance, field.attname)


def _lookup(instance, lookup, expected):
    name, _sep, kind = lookup.partition("__")
    kind = kind or "exact"
    value = _value(instance, name)
    if value is UNSUPPORTED or "__" in kind:
        return UNSUPPORTED
    if kind == "isnull":
        return (value is None) == bool(expected)
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
        if expected is UNSUPPORTED:
            return UNSUPPORTED
    elif not isinstance(expected, str | int | float | bool | type(None)) and not hasattr(
        expected, "isoformat"
    ):
        return UNSUPPORTED
    if kind == "in":
        return None if value is None else value in expected
    compare = COMPARISONS.get(kind)
    if compare is None:
        return UNSUPPORTED
    if value is None or expected is None:
        return None
    return compare(value, expected)


# Compared by identity: a rule is one of the model's rules, held as a dictionary key.
@dataclass(frozen=True, eq=False)
class Rule:
    attnames: tuple  # the columns whose values together must be unique
    lowered: tuple  # for each, whether compared ignoring case
    field_name: str  # the field an error is reported on
    constraint: UniqueConstraint | None = None
    field: object = None

    def key(self, instance):
        condition = self.constraint.condition if self.constraint is not None else None
        if condition is not None and evaluate(condition, instance) is not True:
            return None  # the constraint does not apply to this row
        values = []
        for attname, lowered in zip(self.attnames, self.lowered, strict=True):
            value = getattr(instance, attname)
            if value is None:
                return None  # NULLs never clash
            values.append(value.lower() if lowered and isinstance(value, str) else value)
        return tuple(values)

    def message(self, instance):
        if self.constraint is not None:
            own = self.constraint.violation_error_message
            if own and own != self.constraint.default_violation_error_message:
                return self.constraint.get_violation_error_message()
            fields = self.attnames_as_fields(instance)
        else:
            fields = (self.field.name,)
        return instance.unique_error_message(type(instance), fields).messages[0]

    def attnames_as_fields(self, instance):
        by_attname = {f.attname: f.name for f in instance._meta.concrete_fields}
        return tuple(by_attname[attname] for attname in self.attnames)


def _rule_for(model, constraint):
    meta = model._meta
    if constraint.condition is not None and evaluate(constraint.condition, model()) is UNSUPPORTED:
        return None
    if constraint.fields:
        fields = [meta.get_field(name) for name in constraint.fields]
        # Reported on the last field: (round, kind) clashes on the kind within the round.
        return Rule(
            tuple(f.attname for f in fields),
            (False,) * len(fields),
            fields[-1].name,
            constraint=constraint,
        )
    attnames, lowered = [], []
    for expression in constraint.expressions:
        if isinstance(expression, Lower) and isinstance(expression.source_expressions[0], F):
            field = meta.get_field(expression.source_expressions[0].name)
            attnames.append(field.attname)
            lowered.append(True)
        elif isinstance(expression, F):
            field = meta.get_field(expression.name)
            attnames.append(field.attname)
            lowered.append(False)
        else:
            return None
    last = next(f for f in meta.concrete_fields if f.attname == attnames[-1])
    return Rule(tuple(attnames), tuple(lowered), last.name, constraint=constraint)


class ConstraintIndex:
    """Every unique value of `model`'s rows and of the rows a file adds, by rule; and the
    model's check constraints."""

    def __init__(self, model):
        self.model = model
        meta = model._meta
        self.rules = [
            Rule((f.attname,), (False,), f.name, field=f)
            for f in meta.concrete_fields
            if f.unique and not f.primary_key
        ]
        self.checks, self.per_row_constraints = [], []
        for constraint in meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                rule = _rule_for(model, constraint)
                if rule is not None:
                    self.rules.append(rule)
                    continue
            elif (
                isinstance(constraint, CheckConstraint)
                and evaluate(constraint.condition, model()) is not UNSUPPORTED
            ):
                self.checks.append(constraint)
                continue
            self.per_row_constraints.append(constraint)
        attnames = {a for rule in self.rules for a in rule.attnames}
        for rule in self.rules:
            if rule.constraint is not None and rule.constraint.condition is not None:
                names = _fields_of(rule.constraint.condition)
                attnames |= {meta.get_field(name).attname for name in names}
        attnames = sorted(attnames)
        self.owners = {rule: {} for rule in self.rules}  # rule -> key -> owner
        self.keys_of = {rule: {} for rule in self.rules}  # rule -> owner -> key
        if not self.rules:
            return
        for row in model._default_manager.values("pk", *attnames).iterator():
            instance = model(**{a: row[a] for a in attnames})
            self.take(instance, row["pk"])

    def check(self, instance, exclude):
        """ValidationErrors of the check constraints `instance` breaks, as Django reports them.

        Constraints this cannot evaluate are validated by Django, a query each.
        """
        errors = []
        excluded = set(exclude or ())
        for constraint in self.checks:
            if excluded & _fields_of(constraint.condition):
                continue
            if evaluate(constraint.condition, instance) is False:
                message = constraint.get_violation_error_message()
                errors.append(ValidationError(message, code=constraint.violation_error_code))
        for constraint in self.per_row_constraints:
            try:
                constraint.validate(type(instance), instance, exclude=exclude)
            except ValidationError as error:
                errors.append(error)
        return errors

    def clashes(self, instance, owner):
        """(field name, message) for each rule `instance` would break."""
        found = []
        for rule in self.rules:
            key = rule.key(instance)
            holder = self.owners[rule].get(key) if key is not None else None
            if holder is not None and holder != owner:
                found.append((rule.field_name, rule.message(instance), holder))
        return found

    def take(self, instance, owner):
        """`instance`'s values now belong to `owner` (a primary key, or ("row", n))."""
        for rule in self.rules:
            old = self.keys_of[rule].pop(owner, None)
            if old is not None and self.owners[rule].get(old) == owner:
                del self.owners[rule][old]
            key = rule.key(instance)
            if key is not None:
                self.owners[rule][key] = owner
                self.keys_of[rule][owner] = key


def _fields_of(condition):
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _fields_of(child)
        else:
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names
