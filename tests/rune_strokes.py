"""Clean, hand-sized strokes of a rune's first long-branch template, for the app tests."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from runes import get_rune

# The runes the app tests draw (issue 3 asks for at least isa, tyr and hagall).
TEST_RUNES = ("isa", "tyr", "hagall", "fe", "kaun")


def strokes_in_box(rune_id: str, left: float, top: float, size: float) -> list[list[tuple[float, float]]]:
    """The rune's long-branch strokes scaled into a square box (glyph 80% of the box height, centred)."""
    template = get_rune(rune_id).long_branch_templates[0]
    height = 0.8 * size
    x0 = left + (size - height) / 2
    y0 = top + 0.1 * size
    return [[(x0 + x * height, y0 + y * height) for x, y in stroke] for stroke in template]


def draw_png(rune_id: str, path, size: int = 256, width: int = 10, transparent: bool = False) -> None:
    """Black ink on white (or on a fully transparent background) PNG of a rune."""
    if transparent:
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ink = (0, 0, 0, 255)
    else:
        image = Image.new("L", (size, size), 255)
        ink = 0
    draw = ImageDraw.Draw(image)
    for stroke in strokes_in_box(rune_id, 0, 0, size):
        draw.line(stroke, fill=ink, width=width, joint="curve")
    image.save(path)


def save_array(array: np.ndarray, path) -> None:
    Image.fromarray(array).save(path)


def rune_drawing(rune_id: str, width: int = 384, height: int = 384, size: float | None = None) -> dict:
    """A stroke pad value (QuickDraw style) of the rune, as the pad sends it: {"width", "height", "strokes"}."""
    size = 0.7 * min(width, height) if size is None else size
    strokes = strokes_in_box(rune_id, (width - size) / 2, (height - size) / 2, size)
    return {
        "width": width,
        "height": height,
        "strokes": [as_quickdraw(stroke, 40 * index) for index, stroke in enumerate(strokes)],
    }


def as_quickdraw(points: list[tuple[float, float]], start_ms: int = 0) -> list[list[float]]:
    """[(x, y), ...] -> [xs, ys, ts], 10 ms between points."""
    return [
        [round(x, 1) for x, _ in points],
        [round(y, 1) for _, y in points],
        [start_ms + 10 * i for i in range(len(points))],
    ]


def mouse_strokes(page, strokes, steps: int = 8) -> None:
    """Draw strokes (lists of page points) with a Playwright page's mouse: down, move in `steps` per segment, up."""
    for stroke in strokes:
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*point, steps=steps)
        page.mouse.up()
