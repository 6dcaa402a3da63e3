"""Public templates stay ready for a strict Content-Security-Policy: no inline scripts or styles."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.utils import get_app_template_dirs

# The project's folders and every one of its apps' (found through the app registry),
# not the third-party apps' whose templates are not ours to keep.
OUR_FOLDERS = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]] + [
    Path(folder)
    for folder in get_app_template_dirs("templates")
    if Path(folder).is_relative_to(settings.BASE_DIR)
    and ".venv" not in Path(folder).relative_to(settings.BASE_DIR).parts
]
TEMPLATES = sorted(
    path
    for folder in OUR_FOLDERS
    for path in folder.rglob("*.html")
    # The admin's own templates load Django's admin scripts; the rule is for the public site.
    if "admin" not in path.parts
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_template_has_no_inline_script_or_style(template):
    source = template.read_text()
    assert "<script" not in source
    assert "style=" not in source
    assert "<style" not in source
