"""docs/csv-formats.md names exactly the columns each kind reads and writes, keys in bold."""

import re
from pathlib import Path

import pytest

from transfer.service import kinds

DOC = Path(__file__).resolve().parents[2] / "docs" / "csv-formats.md"


def documented_columns():
    """{kind: [(column, is_key), …]} from each '### `kind`' section's table."""
    sections = re.split(r"^### `([a-z_]+)`\n", DOC.read_text(encoding="utf-8"), flags=re.M)
    tables = {}
    for kind, body in zip(sections[1::2], sections[2::2], strict=True):
        rows = [line for line in body.splitlines() if line.startswith("| ")]
        columns = []
        for row in rows[2:]:  # after the header and the |---| line
            cell = row.split(" | ")[0].removeprefix("| ").strip()
            columns.append((cell.strip("*"), cell.startswith("**")))
        tables[kind] = columns
    return tables


def test_every_kind_has_its_table_and_no_other():
    assert sorted(documented_columns()) == sorted(kinds())


@pytest.mark.parametrize("kind", sorted(kinds()))
def test_the_table_names_exactly_the_columns_of_the_kind(kind):
    resource = kinds()[kind]
    documented = documented_columns()[kind]
    assert [column for column, _key in documented] == resource.template_headers()
    keys = {resource().fields[name].column_name for name in resource.required_columns}
    assert {column for column, is_key in documented if is_key} == keys
