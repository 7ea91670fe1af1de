"""Drawings as vectors: strokes in the QuickDraw style, checked and rendered to an image.

    strokes = [[xs, ys, ts], ...]      # one entry per pen-down..pen-up; x, y in canvas pixels, t in ms
    strokes = check_strokes(strokes, width=384, height=384)     # validated copy, or InvalidStrokesError
    image = render_strokes(strokes, width=384, height=384)      # uint8 HxW, black ink on white

The app's drawing pad sends its strokes as these lists (a few hundred bytes per rune) and the server
renders them here, then reads the image with the same `preprocess()` as every other image. `t` counts
milliseconds from the drawing's first point, as in QuickDraw's raw format. Library code: no gradio.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from runes.preprocess import MAX_SIDE

__all__ = [
    "InvalidStrokesError",
    "Strokes",
    "check_strokes",
    "render_strokes",
    "DEFAULT_STROKE_WIDTH",
    "MAX_STROKES",
    "MAX_POINTS",
]

Strokes = list[list[list[float]]]  # [[xs, ys, ts], ...]
DEFAULT_STROKE_WIDTH = 8  # pen width in canvas pixels; the pad draws with the same width
MAX_STROKES = 500  # more is not a rune (or an inscription) anybody draws by hand
MAX_POINTS = 20_000  # points over all strokes: minutes of drawing; a rune has a few hundred


class InvalidStrokesError(ValueError):
    """Strokes that are not a drawing; the message says what was wrong, for the person who sent them."""


def _number_list(values: Any, what: str) -> list[float]:
    if not isinstance(values, (list, tuple)):
        raise InvalidStrokesError(f"{what} must be a list of numbers, got {type(values).__name__}.")
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidStrokesError(f"{what} must hold finite numbers, got {str(value)[:20]!r}.")
        out.append(float(value))
    return out


def check_strokes(strokes: Any, width: int, height: int) -> Strokes:
    """A validated copy of `strokes` ([[xs, ys, ts], ...] or [[xs, ys], ...]) for a width x height canvas.

    Points may lie a little outside the canvas (a pen leaving the pad); they are clipped when drawn.
    `ts` is optional per stroke and filled with zeros when missing. Raises InvalidStrokesError.
    """
    whole = all(isinstance(side, numbers.Integral) and not isinstance(side, bool) for side in (width, height))
    if not whole or not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise InvalidStrokesError(
            f"The canvas must be 1 to {MAX_SIDE} whole pixels a side, got {str(width)[:20]}x{str(height)[:20]}."
        )
    width, height = int(width), int(height)  # numpy integers too
    if not isinstance(strokes, (list, tuple)):
        raise InvalidStrokesError(f"Strokes must be a list of [xs, ys, ts] lists, got {type(strokes).__name__}.")
    if len(strokes) > MAX_STROKES:
        raise InvalidStrokesError(f"That drawing has {len(strokes)} strokes; at most {MAX_STROKES} are read.")
    checked: Strokes = []
    points = 0
    for index, stroke in enumerate(strokes):
        what = f"stroke {index + 1}"
        if not isinstance(stroke, (list, tuple)) or len(stroke) not in (2, 3):
            raise InvalidStrokesError(f"{what.capitalize()} must be [xs, ys, ts], got {str(stroke)[:40]!r}.")
        if isinstance(stroke[0], (list, tuple)) and points + len(stroke[0]) > MAX_POINTS:  # before reading them
            raise InvalidStrokesError(f"That drawing has over {MAX_POINTS} points; draw it with fewer strokes.")
        xs = _number_list(stroke[0], f"{what}: xs")
        ys = _number_list(stroke[1], f"{what}: ys")
        ts = _number_list(stroke[2], f"{what}: ts") if len(stroke) == 3 else [0.0] * len(xs)
        if not xs or not (len(xs) == len(ys) == len(ts)):
            raise InvalidStrokesError(
                f"{what.capitalize()} needs as many xs, ys and ts and at least one point "
                f"(got {len(xs)}, {len(ys)}, {len(ts)})."
            )
        points += len(xs)
        if points > MAX_POINTS:
            raise InvalidStrokesError(f"That drawing has over {MAX_POINTS} points; draw it with fewer strokes.")
        margin = max(width, height)  # far outside the canvas is not a pen that slipped: refuse
        if min(xs) < -margin or max(xs) > width + margin or min(ys) < -margin or max(ys) > height + margin:
            raise InvalidStrokesError(f"{what.capitalize()} lies far outside the {width}x{height} canvas.")
        checked.append([xs, ys, ts])
    return checked


def render_strokes(strokes: Strokes, width: int, height: int, stroke_width: float = DEFAULT_STROKE_WIDTH) -> np.ndarray:
    """The strokes drawn with a round pen: uint8 (height, width), black (0) ink on white (255).

    `strokes` must already be checked (`check_strokes`); an empty list gives a blank image.
    """
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    pen = max(1, round(stroke_width))
    before, after = (pen - 1) // 2, pen // 2  # PIL's wide line covers rows int(y) - before .. int(y) + after
    for xs, ys, *_ in strokes:
        points = list(zip(xs, ys, strict=True))
        if len(points) > 1:
            draw.line(points, fill=0, width=pen, joint="curve")
        for x, y in (points[0], points[-1]):  # round caps as wide as the pen (and a dot for a single tap)
            x, y = math.floor(x), math.floor(y)
            if pen == 1:
                draw.point((x, y), fill=0)
            else:
                draw.ellipse((x - before, y - before, x + after, y + after), fill=0)
    return np.asarray(image)
