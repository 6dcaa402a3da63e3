"""The house's arrows: each package imports only the packages beneath it.

core is shared by all, transfer (spreadsheets) builds on core alone and never
on an app, the domain apps build on both, and kkkregistry (settings, urls, the
admin site, roles, built-in data) sits on top where nothing imports it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package and the project packages it may import.
BENEATH = {
    "core": set(),
    "transfer": {"core"},
    "clusters": {"core", "transfer"},
    "events": {"core", "transfer", "clusters"},
    "pages": {"core", "transfer", "clusters", "events"},
    "api": {"core", "transfer", "clusters", "events"},
    "kkkregistry": {"core", "transfer", "clusters", "events", "pages", "api"},
}


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in BENEATH:
                yield top, node.lineno


@pytest.mark.parametrize("package", sorted(BENEATH))
def test_a_package_imports_only_the_packages_beneath_it(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for imported, line in imported_packages(path)
        if imported != package and imported not in BENEATH[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_arrows_form_no_loop():
    # A loop would need some package to be beneath itself.
    def below(package, seen=()):
        for lower in BENEATH[package]:
            assert lower not in seen, f"{lower} is beneath itself"
            yield lower
            yield from below(lower, (*seen, package))

    for package in BENEATH:
        assert package not in set(below(package))
