"""Every shade the tile map can draw meets WCAG 2.1 contrast (4.5:1) with the text it carries.

The colours come from the stylesheet itself, so a new shade or ink is checked too, in
the ordinary palette and in the site's high contrast one.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from clusters import tilemap

STYLESHEET = Path(settings.BASE_DIR) / "kkkregistry" / "static" / "kkk" / "site.css"
PALETTES = {"ordinary": ":root", "high contrast": "html.contrast"}
SHADES = range(len(tilemap.SHADE_BOUNDS) + 1)


def palette(selector):
    """The custom properties set by the stylesheet's first rule for `selector`."""
    css = STYLESHEET.read_text()
    body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", body))


def relative_luminance(colour):
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    darker, lighter = sorted([relative_luminance(first), relative_luminance(second)])
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_matches_the_wcag_examples():
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # The shade the issue found wanting: white on #3c7fc0.
    assert contrast_ratio("#3c7fc0", "#ffffff") == pytest.approx(4.21, abs=0.01)


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("shade", SHADES)
def test_every_shade_meets_4_5_to_1_with_its_text(name, shade):
    colours = palette(PALETTES[name])
    ink = "light" if shade in tilemap.LIGHT_INK_SHADES else "dark"
    background, text = colours[f"shade-{shade}"], colours[f"shade-ink-{ink}"]
    assert contrast_ratio(background, text) >= 4.5, (name, shade, background, text)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 6, 7, 40])
def test_each_tile_says_which_ink_its_shade_carries(count):
    (tile,) = [t for t in tilemap.tiles({"silesia": count}) if t["key"] == "silesia"]
    assert tile["shade"] == tilemap.shade(count)
    assert tile["ink"] == ("light" if tile["shade"] in tilemap.LIGHT_INK_SHADES else "dark")
