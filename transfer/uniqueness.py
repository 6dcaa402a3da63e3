"""A model's uniqueness rules checked in memory, for a whole file at once.

Django's validate_unique() asks the database once per rule per row; a file of
ten thousand rows would ask tens of thousands of times, and would still miss
two new rows of the same file that clash with each other. Here the values of
every unique field and every unconditional unique constraint (plain fields
or Lower(field)) are read once, and each row is checked against them and
against the rows before it. Conditional constraints and check constraints
are left to Django's own validation of each row (`per_row_constraints`).
"""

from dataclasses import dataclass

from django.db.models import F, UniqueConstraint
from django.db.models.functions import Lower


# Compared by identity: a rule is one of the model's rules, held as a dictionary key.
@dataclass(frozen=True, eq=False)
class Rule:
    attnames: tuple  # the columns whose values together must be unique
    lowered: tuple  # for each, whether compared ignoring case
    field_name: str  # the field an error is reported on
    constraint: UniqueConstraint | None = None
    field: object = None

    def key(self, instance):
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
            return instance.unique_error_message(type(instance), self.attnames_as_fields(instance))
        return instance.unique_error_message(type(instance), (self.field.name,))

    def attnames_as_fields(self, instance):
        by_attname = {f.attname: f.name for f in instance._meta.concrete_fields}
        return tuple(by_attname[attname] for attname in self.attnames)


def _rule_for(model, constraint):
    meta = model._meta
    if constraint.condition is not None:
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


class UniqueIndex:
    """Every unique value of `model`'s rows, and of the rows a file adds, by rule."""

    def __init__(self, model):
        self.model = model
        meta = model._meta
        self.rules = [
            Rule((f.attname,), (False,), f.name, field=f)
            for f in meta.concrete_fields
            if f.unique and not f.primary_key
        ]
        self.per_row_constraints = []
        for constraint in meta.constraints:
            rule = (
                _rule_for(model, constraint) if isinstance(constraint, UniqueConstraint) else None
            )
            if rule is None:
                self.per_row_constraints.append(constraint)
            else:
                self.rules.append(rule)
        attnames = sorted({a for rule in self.rules for a in rule.attnames})
        self.owners = {rule: {} for rule in self.rules}  # rule -> key -> owner
        self.keys_of = {rule: {} for rule in self.rules}  # rule -> owner -> key
        if not self.rules:
            return
        for row in model._default_manager.values("pk", *attnames).iterator():
            instance = model(**{a: row[a] for a in attnames})
            self.take(instance, row["pk"])

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
