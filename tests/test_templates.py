"""Public templates stay ready for a strict Content-Security-Policy: no inline scripts or styles."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(
    path
    for folder in ["templates", "clusters/templates", "events/templates", "pages/templates"]
    for path in (Path(settings.BASE_DIR) / folder).rglob("*.html")
    # The admin's own templates load Django's admin scripts; the rule is for the public site.
    if "admin" not in path.parts
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_template_has_no_inline_script_or_style(template):
    source = template.read_text()
    assert "<script" not in source
    assert "style=" not in source
    assert "<style" not in source
