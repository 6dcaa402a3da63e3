"""A schematic map of Poland: each voivodeship is one square tile in its rough place.

No package available here ships voivodeship boundaries, and a tile map keeps
every region equally large and easy to hit with a finger or a pointer.
"""

from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

# (column, row) on a 5 × 4 grid, north at the top.
GRID = {
    "west_pomerania": (1, 0),
    "pomerania": (2, 0),
    "warmia-masuria": (3, 0),
    "lubusz": (0, 1),
    "greater_poland": (1, 1),
    "kuyavia-pomerania": (2, 1),
    "masovia": (3, 1),
    "podlasie": (4, 1),
    "lower_silesia": (1, 2),
    "lodz": (2, 2),
    "swietokrzyskie": (3, 2),
    "lublin": (4, 2),
    "opole": (1, 3),
    "silesia": (2, 3),
    "lesser_poland": (3, 3),
    "subcarpatia": (4, 3),
}
COLUMNS, ROWS = 5, 4
# SVG units per tile, gap included; wide enough for "warmińsko-mazurskie" at 12px.
TILE_WIDTH, TILE_HEIGHT = 140, 90
GAP = 4
# Names longer than this many characters are squeezed to fit the tile (SVG textLength).
LONG_NAME = 14
# Counts at or above each bound get the next darker shade (shade-0 means none).
SHADE_BOUNDS = [1, 2, 4, 7]
# Shades dark enough to carry light text (--shade-ink-light in site.css); the others carry
# dark text. tests/pages/test_tilemap_contrast.py checks every pair meets 4.5:1.
LIGHT_INK_SHADES = {3, 4}


def shade(count):
    return sum(count >= bound for bound in SHADE_BOUNDS)


def tiles(counts, estimated=None):
    """One dict per voivodeship, in the order of the localflavor choices.

    `estimated` says how many of each count rest on estimated dates only.
    """
    estimated = estimated or {}
    result = []
    for key, label in VOIVODESHIP_CHOICES:
        column, row = GRID[key]
        count = counts.get(key, 0)
        long_name = len(str(label)) > LONG_NAME
        result.append(
            {
                "key": key,
                "name": label,
                "count": count,
                "estimated": estimated.get(key, 0),
                "shade": shade(count),
                "ink": "light" if shade(count) in LIGHT_INK_SHADES else "dark",
                "x": column * TILE_WIDTH + GAP // 2,
                "y": row * TILE_HEIGHT + GAP // 2,
                "width": TILE_WIDTH - GAP,
                "height": TILE_HEIGHT - GAP,
                "cx": column * TILE_WIDTH + TILE_WIDTH // 2,
                "count_y": row * TILE_HEIGHT + 42,
                "name_y": row * TILE_HEIGHT + 70,
                "name_length": TILE_WIDTH - 3 * GAP if long_name else None,
            }
        )
    return result
