"""Drawings as vectors: strokes in the QuickDraw style, checked and rendered to an image.

    strokes = [[xs, ys, ts], ...]      # one entry per pen-down..pen-up; x, y in canvas pixels, t in ms
    strokes = check_strokes(strokes, width=384, height=384)     # validated copy, or InvalidStrokesError
    image = render_strokes(strokes, width=384, height=384)      # uint8 HxW, black ink on white
    strokes, width, height, pen = fit_strokes(strokes, 4096, 4096, max_side=1024)   # bounded work: scaled down

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
    "fit_strokes",
    "DEFAULT_STROKE_WIDTH",
    "MAX_STROKES",
    "MAX_POINTS",
    "MAX_TIME_MS",
]

Strokes = list[list[list[float]]]  # [[xs, ys, ts], ...]
DEFAULT_STROKE_WIDTH = 8  # pen width in canvas pixels; the pad draws with the same width
MAX_STROKES = 500  # more is not a rune (or an inscription) anybody draws by hand
MAX_POINTS = 20_000  # points over all strokes: minutes of drawing; a rune has a few hundred
MAX_TIME_MS = 86_400_000  # t counts ms from the first point: a drawing takes seconds, never more than a day


class InvalidStrokesError(ValueError):
    """Strokes that are not a drawing; the message says what was wrong, for the person who sent them."""


def _number_list(values: Any, what: str) -> list[float]:
    if not isinstance(values, (list, tuple)):
        raise InvalidStrokesError(f"{what} must be a list of numbers, got {_kind(values)}.")
    out = []
    for value in values:
        number = math.nan
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)  # a 400-digit integer does not fit a float: OverflowError
            except OverflowError:
                number = math.inf
        if not math.isfinite(number):
            raise InvalidStrokesError(f"{what} must hold finite numbers, got {_short(value)}.")
        out.append(number)
    return out


def _plain(value: float) -> str:
    """-5.0 as "-5", 1e300 as "1e+300"."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.3g}"


def _kind(value: Any) -> str:
    """What a JSON value is, in words ("text", not "str")."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    for kinds, word in (((int, float), "a number"), (str, "text"), (dict, "an object"), ((list, tuple), "a list")):
        if isinstance(value, kinds):
            return word
    return "something else"


def _short(value: Any) -> str:
    """A value as a visitor can read it, however long: 'a', 'inf', a 400-digit number."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        return f"a {len(str(abs(value)))}-digit number"
    return repr(str(value)[:20])


def _times(values: Any, what: str) -> list[float]:
    times = _number_list(values, what)
    for value in times:
        if not 0 <= value <= MAX_TIME_MS:
            raise InvalidStrokesError(
                f"{what} must be milliseconds from the first point, 0 to {MAX_TIME_MS} (a day), got {_plain(value)}."
            )
    return times


def check_strokes(
    strokes: Any,
    width: int,
    height: int,
    *,
    max_side: int = MAX_SIDE,
    max_strokes: int = MAX_STROKES,
    max_points: int = MAX_POINTS,
) -> Strokes:
    """A validated copy of `strokes` ([[xs, ys, ts], ...] or [[xs, ys], ...]) for a width x height canvas.

    Points may lie a little outside the canvas (a pen leaving the pad); they are clipped when drawn.
    `ts` is optional per stroke and filled with zeros when missing; t is 0 to MAX_TIME_MS. A caller may set
    lower caps than the defaults on the canvas side, strokes and points. Raises InvalidStrokesError.
    """
    whole = all(isinstance(side, numbers.Integral) and not isinstance(side, bool) for side in (width, height))
    if not whole or not (0 < width <= max_side and 0 < height <= max_side):
        raise InvalidStrokesError(
            f"The canvas must be 1 to {max_side} whole pixels a side, got {str(width)[:20]}x{str(height)[:20]}."
        )
    width, height = int(width), int(height)  # numpy integers too
    if not isinstance(strokes, (list, tuple)):
        raise InvalidStrokesError(f"Strokes must be a list of [xs, ys, ts] lists, got {_kind(strokes)}.")
    if len(strokes) > max_strokes:
        raise InvalidStrokesError(f"That drawing has {len(strokes)} strokes; at most {max_strokes} are read.")
    checked: Strokes = []
    points = 0
    for index, stroke in enumerate(strokes):
        what = f"stroke {index + 1}"
        if not isinstance(stroke, (list, tuple)) or len(stroke) not in (2, 3):
            raise InvalidStrokesError(f"{what.capitalize()} must be [xs, ys, ts], got {str(stroke)[:40]!r}.")
        if isinstance(stroke[0], (list, tuple)) and points + len(stroke[0]) > max_points:  # before reading them
            raise InvalidStrokesError(f"That drawing has over {max_points} points; draw it with fewer strokes.")
        xs = _number_list(stroke[0], f"{what}: xs")
        ys = _number_list(stroke[1], f"{what}: ys")
        ts = _times(stroke[2], f"{what}: ts") if len(stroke) == 3 else [0.0] * len(xs)
        if not xs or not (len(xs) == len(ys) == len(ts)):
            raise InvalidStrokesError(
                f"{what.capitalize()} needs as many xs, ys and ts and at least one point "
                f"(got {len(xs)}, {len(ys)}, {len(ts)})."
            )
        points += len(xs)
        if points > max_points:
            raise InvalidStrokesError(f"That drawing has over {max_points} points; draw it with fewer strokes.")
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


def fit_strokes(strokes: Strokes, width: int, height: int, max_side: int) -> tuple[Strokes, int, int, float]:
    """(strokes, width, height, pen width) scaled down so the canvas's longer side is at most `max_side`.

    Rendering the result draws the same picture as `render_strokes` at full size, shrunk: what reading needs,
    at a bounded cost (pixels and pen). A canvas that fits already is returned as it is, with the default pen.
    """
    scale = max_side / max(width, height)
    if scale >= 1:
        return strokes, width, height, DEFAULT_STROKE_WIDTH
    scaled = [[[x * scale for x in xs], [y * scale for y in ys], list(ts)] for xs, ys, ts in strokes]
    return scaled, max(1, round(width * scale)), max(1, round(height * scale)), DEFAULT_STROKE_WIDTH * scale
