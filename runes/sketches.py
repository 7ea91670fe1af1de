"""Synthetic hand-drawn sketches of runes, drawn from the stroke templates in `runes.alphabet` and `runes.rows`.

Every sketch is a deterministic function of its seed: the same seed gives the same image.
A hand is imitated with template-point jitter, smooth wobble along each stroke, slant,
rotation, scale and aspect changes, varied stroke width, overshoot and small gaps where
strokes join, and a random position on the canvas. Sketches are never mirrored or flipped:
several runes are mirror images of each other (ᚾ/ᛅ, ᛘ/ᛦ, ᛚ/ᛐ).

    draw_sketch("tyr", seed=1)                        # a Younger rune, by id
    draw_sketch(ROWS["elder"].runes[6], seed=1)       # any Rune, e.g. ᚷ gebo of the Elder Futhark
    draw_templates(templates, seed=1)                 # one of any templates

    python -m runes.sketches --preview sketches.png
    python -m runes.sketches --preview elder.png --row elder --glyphs   # Elder runes, the font's glyph first
    python -m runes.sketches --preview forms.png --forms                # every form of every rune, once each
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from runes.alphabet import Rune, Template, get_rune
from runes.preprocess import INPUT_SIZE, ink_box, preprocess
from runes.rows import DEFAULT_ROW, ROW_IDS, SHAPE_IDS, get_row, get_shape, shape_glyphs

__all__ = [
    "SketchStyle",
    "STEADY_HAND",
    "draw_sketch",
    "draw_templates",
    "render_template",
    "hand_strokes",
    "TOP_GAPS",
    "top_gap",
    "sketch_drawing",
    "generate_shape_sketches",
    "render_glyph",
    "preview_grid",
    "forms_grid",
]


@dataclass(frozen=True)
class SketchStyle:
    """How wild the hand is. Distances are fractions of the glyph's height."""

    canvas_size: int = 96  # side of the square canvas, in pixels
    point_jitter: float = 0.05  # random shift of each template point (moves branch ends and joins)
    wobble: float = 0.025  # amplitude of the smooth sideways wobble along a stroke
    max_rotation_deg: float = 10.0
    max_slant: float = 0.25  # horizontal shear, x += slant * y
    aspect_range: tuple[float, float] = (0.65, 1.3)  # width multiplier of the glyph
    height_range: tuple[float, float] = (0.35, 0.9)  # glyph height as a fraction of the canvas
    stroke_width_range: tuple[float, float] = (0.02, 0.14)  # stroke width, fraction of glyph height
    bold_probability: float = 0.06  # chance of a bold pen instead: a small glyph in a font, a thick marker
    bold_width_range: tuple[float, float] = (0.14, 0.4)  # its stroke width, fraction of glyph height
    font_probability: float = 0.05  # share of a shape's training sketches that are its glyph in the bundled font
    overshoot: float = 0.07  # strokes may run on past their ends by up to this much...
    gap: float = 0.05  # ...or stop short of them by up to this much
    low_resolution_probability: float = 0.45  # chance of shrinking the canvas to 20-40 px, like small datasets
    branch_turn_deg: float = 12.0  # a straight branch (a later 2-point stroke) turns about its start by up to this
    branch_stretch: tuple[float, float] = (0.8, 1.2)  # ...and its length is scaled within this range


# A steady hand: the template as it is, straight and unslanted (size and pen width still vary).
STEADY_HAND = SketchStyle(
    point_jitter=0,
    wobble=0,
    max_rotation_deg=0,
    max_slant=0,
    aspect_range=(1, 1),
    low_resolution_probability=0,
    branch_turn_deg=0,
    branch_stretch=(1, 1),
    overshoot=0,
    gap=0,
)


def _resample(points: np.ndarray, spacing: float) -> np.ndarray:
    """Points evenly spaced along a polyline (keeps both ends)."""
    segments = np.diff(points, axis=0)
    lengths = np.hypot(segments[:, 0], segments[:, 1])
    total = float(lengths.sum())
    if total < 1e-9:
        return points[:1]
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    count = max(2, int(math.ceil(total / spacing)) + 1)
    distances = np.linspace(0.0, total, count)
    return np.stack(
        [np.interp(distances, cumulative, points[:, 0]), np.interp(distances, cumulative, points[:, 1])], axis=1
    )


def _smooth_noise(rng: np.random.Generator, count: int, amplitude: float) -> np.ndarray:
    """A slowly varying random signal of `count` samples (sum of two random sinusoids)."""
    t = np.linspace(0.0, 1.0, count)
    signal = np.zeros(count)
    for _ in range(2):
        frequency = rng.uniform(0.3, 2.0)
        signal += rng.uniform(-1, 1) * np.sin(2 * math.pi * (frequency * t + rng.uniform()))
    return amplitude * signal / 2.0


def _hand_stroke(stroke: np.ndarray, rng: np.random.Generator, style: SketchStyle) -> np.ndarray:
    """One template stroke as a hand would draw it, still in glyph units."""
    points = _resample(stroke, spacing=0.02)
    if len(points) < 2:
        return points
    # Overshoot or stop short at each end.
    for end, neighbour in ((0, 1), (-1, -2)):
        direction = points[end] - points[neighbour]
        direction /= max(float(np.hypot(*direction)), 1e-9)
        change = rng.uniform(-style.gap, style.overshoot) if rng.random() < 0.6 else 0.0
        if change > 0:
            points = (
                np.concatenate([points, [points[-1] + direction * change]])
                if end == -1
                else np.concatenate([[points[0] + direction * change], points])
            )
        elif change < 0 and len(points) > 4:
            cut = min(len(points) - 3, int(-change / 0.02))
            points = points[cut:] if end == 0 else points[: len(points) - cut]
    tangent = np.gradient(points, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-9)[:, None]
    wobble = _smooth_noise(rng, len(points), style.wobble * rng.uniform(0.3, 1.5))
    points = points + normal * wobble[:, None] + rng.normal(0.0, 0.003, points.shape)
    return points


# Look-alike forms told apart by one trait the hand must keep: how far below the top of the stem (the first stroke)
# the highest branch ends, as a fraction of the glyph's height (negative: above it). ᚠ's branches reach the top of
# the stem, ᛓ's twigs stop well short of it; a jittered sketch outside its range is drawn again.
TOP_GAPS: dict[str, tuple[float, float]] = {"fe": (-math.inf, 0.02), "bjork-short": (0.1, math.inf)}
TRAIT_TRIES = 20  # draws of one sketch's strokes before the last is kept as it is
_TOP_GAP_OF_TEMPLATE = {template: gap for shape, gap in TOP_GAPS.items() for template in get_shape(shape).templates}


def top_gap(strokes: Sequence[np.ndarray]) -> float:
    """How far below the top of the first stroke (the stem) the highest later stroke ends (glyph units, y down)."""
    return float(min(stroke[:, 1].min() for stroke in strokes[1:]) - strokes[0][:, 1].min())


def hand_strokes(template: Template, rng: np.random.Generator, style: SketchStyle = SketchStyle()) -> list[np.ndarray]:
    """One template as a hand draws it: its strokes as (N, 2) point arrays in glyph units, centred on 0 (jittered,
    branches turned, wobbled, then aspect, slant and rotation). `render_template` draws them on a canvas.
    A form with a trait in TOP_GAPS is drawn again (up to TRAIT_TRIES times) until its strokes keep it."""
    gap = _TOP_GAP_OF_TEMPLATE.get(template)
    for _ in range(TRAIT_TRIES):
        strokes = _jittered_strokes(template, rng, style)
        if gap is None or gap[0] <= top_gap(strokes) <= gap[1]:
            break
    return _placed(strokes, rng, style)


def _jittered_strokes(template: Template, rng: np.random.Generator, style: SketchStyle) -> list[np.ndarray]:
    """The template's strokes as a hand draws them, before the sketch's aspect, slant and rotation."""
    strokes = [np.array(stroke, dtype=np.float64) for stroke in template]
    # Jitter template points: one shared offset per distinct point, so joins stay joined.
    unique = {tuple(p) for stroke in strokes for p in stroke}
    offsets = {p: rng.normal(0.0, style.point_jitter / 2, 2) for p in unique}
    strokes = [stroke + np.array([offsets[tuple(p)] for p in stroke]) for stroke in strokes]
    # Branches (straight strokes after the first) vary in angle and length; they stay attached at their start.
    for index, stroke in enumerate(strokes[1:], start=1):
        if len(stroke) == 2:
            turn = math.radians(rng.uniform(-style.branch_turn_deg, style.branch_turn_deg))
            direction = (stroke[1] - stroke[0]) * rng.uniform(*style.branch_stretch)
            rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
            strokes[index] = np.stack([stroke[0], stroke[0] + rotation @ direction])
    return [_hand_stroke(stroke, rng, style) for stroke in strokes]


def _placed(strokes: list[np.ndarray], rng: np.random.Generator, style: SketchStyle) -> list[np.ndarray]:
    """The sketch's aspect, slant and rotation applied to its strokes, centred on 0."""
    # Global shape: aspect, slant, rotation (never a mirror).
    aspect = rng.uniform(*style.aspect_range)
    slant = rng.uniform(-style.max_slant, style.max_slant)
    angle = math.radians(rng.uniform(-style.max_rotation_deg, style.max_rotation_deg))
    cos, sin = math.cos(angle), math.sin(angle)
    transform = np.array([[cos, -sin], [sin, cos]]) @ np.array([[aspect, slant], [0.0, 1.0]])
    return [(stroke - 0.5) @ transform.T for stroke in strokes]


def render_template(template: Template, rng: np.random.Generator, style: SketchStyle = SketchStyle()) -> np.ndarray:
    """Draw one template by hand: a uint8 canvas, black ink (0) on white (255)."""
    strokes = hand_strokes(template, rng, style)

    # Place on the canvas.
    size = style.canvas_size
    height = rng.uniform(*style.height_range) * size
    all_points = np.concatenate(strokes)
    low, high = all_points.min(axis=0), all_points.max(axis=0)
    extent = max(float((high - low).max()), 1e-6)
    scale = min(height, 0.92 * size / extent)
    widths = style.bold_width_range if rng.random() < style.bold_probability else style.stroke_width_range
    stroke_width = max(1.0, rng.uniform(*widths) * scale)
    margin = stroke_width / 2 + 1
    span = (high - low) * scale
    origin = np.array(
        [
            rng.uniform(margin, max(margin, size - margin - span[0])),
            rng.uniform(margin, max(margin, size - margin - span[1])),
        ]
    )
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    ink = int(rng.integers(0, 60))
    radius = stroke_width / 2
    for stroke in strokes:
        pixels = (stroke - low) * scale + origin
        draw.line([tuple(p) for p in pixels], fill=ink, width=int(round(stroke_width)), joint="curve")
        for x, y in (pixels[0], pixels[-1]):
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=ink)
    small = int(rng.integers(20, 41))
    if rng.random() < style.low_resolution_probability and stroke_width * small / size >= 0.7:
        image = image.resize((small, small), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.uint8)


def render_glyph(glyph: str, rng: np.random.Generator, style: SketchStyle = SketchStyle()) -> np.ndarray:
    """The glyph as the bundled font (Noto Sans Runic) prints it, at a random size, slant, turn and weight, in a
    random place: uint8, black ink on white. For training to read the glyphs the page itself shows."""
    from PIL import ImageFilter, ImageFont

    from runes.writing import FONT_PATH  # only training needs the font here

    size = style.canvas_size
    font = ImageFont.truetype(str(FONT_PATH), int(rng.integers(size // 4, size)))
    image = Image.new("L", (2 * size, 2 * size), 255)
    ImageDraw.Draw(image).text((size // 2, size // 4), glyph, font=font, fill=int(rng.integers(0, 60)))
    slant = rng.uniform(-style.max_slant, style.max_slant)
    image = image.transform(
        image.size,
        Image.Transform.AFFINE,
        (1, slant, -slant * size, 0, 1, 0),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
    ).rotate(
        rng.uniform(-style.max_rotation_deg, style.max_rotation_deg), resample=Image.Resampling.BILINEAR, fillcolor=255
    )
    for _ in range(int(rng.integers(0, 2)) if font.size >= 40 else 0):  # bolder (and below, thinner)
        image = image.filter(ImageFilter.MinFilter(3))
    if font.size >= 40 and rng.random() < 0.25:
        image = image.filter(ImageFilter.MaxFilter(3))
    ink = np.argwhere(np.asarray(image) < 128)
    if len(ink):
        (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0) + 1
        span = max(bottom - top, right - left)
        margin = int(rng.integers(2, max(3, span // 2)))
        image = image.crop(
            (left - margin, top - margin, left - margin + span + 2 * margin, top - margin + span + 2 * margin)
        )
    image = image.resize((size, size), Image.Resampling.BILINEAR)
    small = int(rng.integers(20, 41))
    if rng.random() < style.low_resolution_probability:
        image = image.resize((small, small), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.uint8)


def draw_templates(templates: Sequence[Template], seed: int, style: SketchStyle = SketchStyle()) -> np.ndarray:
    """A hand-drawn-looking sketch of one of `templates` (the seed picks which): uint8, black ink on white."""
    if not templates:
        raise ValueError("No templates to draw.")
    rng = np.random.default_rng(seed)
    template = templates[int(rng.integers(len(templates)))]
    return render_template(template, rng, style)


def draw_sketch(rune: str | Rune, seed: int, style: SketchStyle = SketchStyle()) -> np.ndarray:
    """A hand-drawn-looking sketch of one rune (any of its forms): uint8, black ink on white.

    `rune` is a Younger rune id ("tyr") or any `Rune`, e.g. one of `runes.rows.ELDER_RUNES`.
    """
    if isinstance(rune, str):
        rune = get_rune(rune)
    if not rune.templates:
        raise ValueError(f"{rune.label} has no stroke templates to draw.")
    return draw_templates(rune.templates, seed, style)


def generate_shape_sketches(
    shape_id: str, seed: int, start: int, count: int, style: SketchStyle = SketchStyle(), size: int = INPUT_SIZE
) -> np.ndarray:
    """Preprocessed sketches start..start+count-1 of one shape (`runes.rows.SHAPES`): float32 (count, size, size, 1).

    A share of them (`style.font_probability`) are the shape's glyphs as the bundled font prints them
    (`render_glyph`), so the glyphs the page shows are read too; the rest are drawn from its templates.

    Sketch i of the shape with index s in SHAPE_IDS uses the seed (seed, s, i): reproducible, and a larger
    dataset starts with the sketches of a smaller one.
    """
    shape, glyphs = get_shape(shape_id), shape_glyphs(shape_id)
    label = SHAPE_IDS.index(shape_id)
    images = []
    for index in range(start, start + count):
        rng = np.random.default_rng([seed, label, index])
        if rng.random() < style.font_probability:
            images.append(preprocess(render_glyph(glyphs[int(rng.integers(len(glyphs)))], rng, style), size))
            continue
        template = shape.templates[int(rng.integers(len(shape.templates)))]
        images.append(preprocess(render_template(template, rng, style), size))
    return np.stack(images) if images else np.zeros((0, size, size, 1), np.float32)


def _glyph_cell(glyph: str, cell: int) -> Image.Image:
    """The glyph as the bundled font draws it, cropped to its ink and fitted into a cell (black on white)."""
    from runes.writing import render_runes  # only the preview needs the font

    return _fit_cell(render_runes(glyph, font_size=2 * cell, margin=2), cell)


def _fit_cell(drawing: np.ndarray, cell: int) -> Image.Image:
    """A drawing (dark ink on white, uint8) cropped to its ink and fitted into the middle of a cell."""
    ink = 255 - drawing
    box = ink_box(ink / 255.0)  # cropped to its ink, as the model sees it
    assert box is not None, "a preview cell without ink"
    top, left, bottom, right = box
    image = Image.fromarray(255 - ink[top:bottom, left:right])
    image.thumbnail((int(cell * 0.8), int(cell * 0.8)), Image.Resampling.LANCZOS)
    out = Image.new("L", (cell, cell), 255)
    out.paste(image, ((cell - image.width) // 2, (cell - image.height) // 2))
    return out


def preview_grid(
    samples_per_rune: int = 10,
    seed: int = 0,
    style: SketchStyle = SketchStyle(),
    row: str = DEFAULT_ROW,
    glyphs: bool = False,
) -> Image.Image:
    """A grid image: one row per rune of `row`, `samples_per_rune` raw sketches across.

    With `glyphs`, each row starts with the rune's glyph in the bundled font (Noto Sans Runic), to compare.
    The Younger rows draw every form of a rune (`Rune.templates`), as training does.
    """
    the_row = get_row(row)
    cell = style.canvas_size
    first = 1 if glyphs else 0
    grid = Image.new("L", (cell * (samples_per_rune + first), cell * len(the_row.runes)), 200)
    for index, rune in enumerate(the_row.runes):
        if glyphs:
            grid.paste(_glyph_cell(the_row.glyph(rune.id), cell - 2), (1, index * cell + 1))
        for column in range(samples_per_rune):
            sketch = Image.fromarray(draw_sketch(rune, seed * 1_000_003 + index * 1000 + column, style))
            grid.paste(
                sketch.resize((cell - 2, cell - 2), Image.Resampling.NEAREST),
                ((column + first) * cell + 1, index * cell + 1),
            )
    return grid


# How `forms_grid` draws each form: a steady hand, one pen, large in its cell.
FORM_HAND = dataclasses.replace(
    STEADY_HAND, height_range=(0.8, 0.8), stroke_width_range=(0.07, 0.07), bold_probability=0
)


def forms_grid(row: str = DEFAULT_ROW, seed: int = 0, style: SketchStyle = FORM_HAND) -> Image.Image:
    """A grid image of every form the generator draws: one line per rune of `row`, its glyphs in the bundled font
    (both forms in a Younger row), then each of its stroke templates once, drawn by a steady hand."""
    the_row = get_row(row)
    cell = style.canvas_size
    lines = []
    for rune in the_row.runes:
        glyphs = [the_row.glyph(rune.id)]
        if the_row.forms == "both" and rune.short_twig_glyph:
            glyphs.append(rune.short_twig_glyph)
        lines.append((glyphs, rune.templates))
    columns = max(len(glyphs) + len(templates) for glyphs, templates in lines)
    grid = Image.new("L", (cell * columns, cell * len(lines)), 200)
    for index, (glyphs, templates) in enumerate(lines):
        for column, glyph in enumerate(glyphs):
            grid.paste(_glyph_cell(glyph, cell - 2), (column * cell + 1, index * cell + 1))
        for column, template in enumerate(templates, start=len(glyphs)):
            sketch = render_template(template, np.random.default_rng([seed, index, column]), style)
            grid.paste(_fit_cell(sketch, cell - 2), (column * cell + 1, index * cell + 1))
    return grid


def sketch_drawing(template: Template, seed: int, width: int = 384, height: int = 384) -> dict:
    """A hand-drawn-looking sketch of one template as a stroke pad sends it (QuickDraw style, runes.strokes):
    `{"width", "height", "strokes": [[xs, ys, ts], ...]}`, at a random size and place on the pad."""
    rng = np.random.default_rng(seed)
    strokes = hand_strokes(template, rng)
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    side = min(width, height)
    scale = rng.uniform(0.3, 0.85) * side / max(float((high - low).max()), 1e-6)
    span = (high - low) * scale
    origin = np.array([rng.uniform(8, max(8.0, width - 8 - span[0])), rng.uniform(8, max(8.0, height - 8 - span[1]))])
    drawn, clock = [], 0.0
    for stroke in strokes:
        pixels = np.round((stroke - low) * scale + origin, 1)
        times = clock + 8.0 * np.arange(len(pixels))
        clock = float(times[-1]) + 120.0
        drawn.append([pixels[:, 0].tolist(), pixels[:, 1].tolist(), times.tolist()])
    return {"width": width, "height": height, "strokes": drawn}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runes.sketches", description="Draw synthetic rune sketches.")
    parser.add_argument("--preview", metavar="OUT.png", required=True, help="write a grid of samples here")
    parser.add_argument("--per-rune", type=int, default=10, help="samples per rune (columns)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--row", choices=ROW_IDS, default=DEFAULT_ROW, help="which rune row (default: %(default)s)")
    parser.add_argument("--glyphs", action="store_true", help="start each row with the glyph in the bundled font")
    parser.add_argument(
        "--forms", action="store_true", help="each form (stroke template) of each rune once, after its glyphs"
    )
    args = parser.parse_args(argv)
    if args.forms:
        forms_grid(args.row, args.seed).save(args.preview)
    else:
        preview_grid(args.per_rune, args.seed, row=args.row, glyphs=args.glyphs).save(args.preview)
    print(f"wrote {args.preview}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
