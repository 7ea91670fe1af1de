"""Training lines for the line reader, composed from the package's own generated sketches (`runes.sketches`).

    pool = sketch_pool(per_shape=40, seed=1)          # ink crops of every shape, drawn by hand or printed
    line = compose_line(np.random.default_rng(0), pool)
    line.image, line.labels, line.boxes               # ink map, label ids (1 + LABELS index), rune boxes

A line holds 1-10 runes of one row (Younger with both forms, long-branch, short-twig or Elder), with words
split by one dot (᛫), two stacked dots (:), drawn or as the bundled font prints them, or a gap wider than
WORD_GAP line heights. Runes within a word sit up to WITHIN_GAP line heights apart or touch and overlap (by up to
a quarter of the narrower one), at uneven heights and baselines; the whole line may be slanted. Some ísa strokes
are short and high or low in the line (labelled LONE_STROKE_LABELS: ᛌ sól and ᛧ yr in a row with short-twig
forms; ᛁ when no taller rune stands beside them), and the runes the font writes small (ᚲ ᛃ ᛜ, FONT_PLACES) are
often as small and placed as there.
Never the real drawings: those are for evaluation only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from runes.line_reader import LONE_STROKE_LABELS, SEPARATOR_LABEL, line_input
from runes.rows import ROW_IDS, SHAPE_IDS, WORD_SEPARATOR, get_row, get_shape, shape_glyphs
from runes.sketches import SketchStyle, render_glyph, render_template
from runes.writing import render_runes

__all__ = ["LABELS", "Line", "sketch_pool", "compose_line", "line_batch"]

LABELS: tuple[str, ...] = (*SHAPE_IDS, SEPARATOR_LABEL, *LONE_STROKE_LABELS)  # the network's outputs after the blank
MAX_RUNES = 10  # runes in a line at most
WITHIN_GAP = 0.3  # runes of a word sit at most this many line heights apart...
WORD_GAP = (0.7, 1.3)  # ...and a gap between words is this wide (line heights)
TOUCHING = 0.6  # a line's share of touching neighbours is drawn from 0 to this
SHORT_STROKE = 0.15  # chance that an ísa is a short stroke high or low in the line (ᛌ or ᛧ in a short-twig row)
REPEAT = 0.1  # chance that a rune is the shape of the one before (CTC needs a blank between the two to read both)
FONT_PLACE = 0.5  # chance that a rune the bundled font writes small (ᚲ ᛃ ᛜ), or a separator, is as printed there


@dataclass(frozen=True)
class Line:
    """A composed line: the ink map (float32, ink 1), its labels and the true box of every rune."""

    image: np.ndarray
    labels: tuple[int, ...]  # 1 + index in LABELS, the separators included
    boxes: tuple[tuple[int, int, int, int], ...]  # (top, left, bottom, right) per rune, bottom/right exclusive


def _font_place(glyph: str) -> tuple[np.ndarray, float, float]:
    """A glyph printed in the bundled font: its ink (cropped) and its top and bottom as fractions of a stave's."""
    ink = render_runes(f"{get_shape('isa').glyph} {glyph}", font_size=100, margin=4) < 128
    rows = np.flatnonzero(ink.any(axis=1))
    top, height = rows[0], rows[-1] + 1 - rows[0]
    columns = np.asarray(ink.any(axis=0), bool)
    stave_end = int(np.flatnonzero(columns)[0] + np.argmin(columns[np.flatnonzero(columns)[0] :]))
    glyph_ink = ink[:, stave_end:]
    glyph_rows, glyph_columns = np.flatnonzero(glyph_ink.any(axis=1)), np.flatnonzero(glyph_ink.any(axis=0))
    crop = glyph_ink[glyph_rows[0] : glyph_rows[-1] + 1, glyph_columns[0] : glyph_columns[-1] + 1]
    return crop.astype(np.float32), float((glyph_rows[0] - top) / height), float((glyph_rows[-1] + 1 - top) / height)


def _font_places() -> dict[str, tuple[float, float]]:
    """shape id -> (top, bottom) of its glyph in the bundled font as fractions of a full stave's height, for the
    shapes the font writes smaller than a stave (ᚲ kaunan, ᛃ jera, ᛜ ingwaz)."""
    places = {shape_id: _font_place(get_shape(shape_id).glyph)[1:] for shape_id in SHAPE_IDS}
    return {shape_id: (high, low) for shape_id, (high, low) in places.items() if low - high < 0.9}


FONT_PLACES = _font_places()
FONT_SEPARATORS = {"dot": _font_place(WORD_SEPARATOR), "colon": _font_place("᛬")}  # as the font prints them


def _crop(image: np.ndarray) -> np.ndarray:
    """A uint8 sketch (dark ink on white) as an ink map cropped to its ink."""
    ink = (255 - image.astype(np.float32)) / 255
    ink /= max(float(ink.max()), 1e-6)
    rows, cols = np.flatnonzero((ink >= 0.25).any(axis=1)), np.flatnonzero((ink >= 0.25).any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def sketch_pool(per_shape: int, seed: int, style: SketchStyle | None = None) -> dict[str, list[np.ndarray]]:
    """shape id -> `per_shape` ink crops of it: drawn from its templates, a share printed in the bundled font
    (`style`: the sketches' hand, the default SketchStyle when None)."""
    style = style or SketchStyle()
    pool = {}
    for index, shape_id in enumerate(SHAPE_IDS):
        shape, glyphs = get_shape(shape_id), shape_glyphs(shape_id)
        crops = []
        for number in range(per_shape):
            rng = np.random.default_rng([seed, index, number])
            if rng.random() < style.font_probability:
                crops.append(_crop(render_glyph(glyphs[int(rng.integers(len(glyphs)))], rng, style)))
            else:
                crops.append(
                    _crop(render_template(shape.templates[int(rng.integers(len(shape.templates)))], rng, style))
                )
        pool[shape_id] = crops
    return pool


def _resized(ink: np.ndarray, height: int, width: int) -> np.ndarray:
    """The ink resized, its strongest ink brought back to 1 (a small rune's thin strokes stay as dark as the rest)."""
    image = Image.fromarray(ink, mode="F").resize((max(1, width), max(1, height)), Image.Resampling.BILINEAR)
    resized = np.clip(np.asarray(image, np.float32), 0.0, 1.0)
    return resized / max(float(resized.max()), 1e-6)


def _dot(rng: np.random.Generator, size: int) -> np.ndarray:
    radius = size / 2
    y, x = np.mgrid[:size, :size] + 0.5 - radius
    return np.clip(radius + 0.5 - np.hypot(y, x), 0.0, 1.0).astype(np.float32) * rng.uniform(0.8, 1.0)


def compose_line(rng: np.random.Generator, pool: dict[str, list[np.ndarray]], touching: float | None = None) -> Line:
    """One random line (see the module doc); `touching` fixes the share of touching neighbours within words."""
    row = get_row(ROW_IDS[int(rng.integers(len(ROW_IDS)))])
    shapes = [shape for shape in row.shapes if shape in pool]
    count = int(rng.integers(1, MAX_RUNES + 1))
    size = int(rng.integers(20, 64))  # the line's height in pixels
    touch = rng.uniform(0, TOUCHING) if touching is None else touching
    words_end = rng.random(count) < rng.uniform(0.0, 0.4)
    pieces, labels, x, previous = [], [], int(rng.integers(2, 8)), 0  # (ink, top, left, is a rune)
    for index in range(count):
        if not index or rng.random() >= REPEAT:
            shape = shapes[int(rng.integers(len(shapes)))]
        crop = pool[shape][int(rng.integers(len(pool[shape])))]
        height = size * rng.uniform(0.65, 1.1)
        top = size * rng.uniform(-0.08, 0.08)
        label = LABELS.index(shape) + 1
        if shape == "isa" and rng.random() < SHORT_STROKE:
            height = size * rng.uniform(0.3, 0.5)
            place = int(rng.integers(2))  # 0 high, 1 low
            top = place * (size - height) + size * rng.uniform(-0.05, 0.05)
            label = LABELS.index(LONE_STROKE_LABELS[place]) + 1
        elif shape in FONT_PLACES and rng.random() < FONT_PLACE:
            high, low = FONT_PLACES[shape]
            height *= low - high
            top += size * high
        width = max(1, round(crop.shape[1] * height / crop.shape[0]))
        ink = _resized(crop, round(height), width)
        if index and words_end[index - 1]:
            kind = rng.choice(["dot", "colon", "gap"])
            if kind == "gap":
                x += round(size * rng.uniform(*WORD_GAP))
            elif rng.random() < FONT_PLACE:
                printed, high, low = FONT_SEPARATORS[str(kind)]
                tall = max(2, round(size * (low - high) * rng.uniform(0.8, 1.25)))
                mark = _resized(printed, tall, max(1, round(printed.shape[1] * tall / printed.shape[0])))
                x += max(1, round(size * rng.uniform(0.04, 0.2)))
                pieces.append((mark, round(size * (high + rng.uniform(-0.06, 0.06))), x, False))
                x += mark.shape[1] + max(1, round(size * rng.uniform(0.04, 0.2)))
            else:
                dot = max(2, round(size * rng.uniform(0.08, 0.2)))
                x += max(1, round(size * rng.uniform(0.06, 0.2)))
                centres = [0.5] if kind == "dot" else [0.3, 0.7]
                for centre in centres:
                    jitter = rng.uniform(-0.06, 0.06)
                    pieces.append((_dot(rng, dot), round(size * (centre + jitter) - dot / 2), x, False))
                x += dot + max(1, round(size * rng.uniform(0.06, 0.2)))
            labels.append(LABELS.index(SEPARATOR_LABEL) + 1)
        elif index:
            if rng.random() < touch:
                x -= int(rng.integers(0, max(1, min(previous, width) // 4) + 1))
            else:
                x += max(1, round(size * rng.uniform(0.03, WITHIN_GAP)))
        pieces.append((ink, round(top), x, True))
        labels.append(label)
        x += width
        previous = width
    low = min(0, *(top for _, top, _, _ in pieces))
    high = max(top + ink.shape[0] for ink, top, _, _ in pieces)
    margin = int(rng.integers(2, 8))
    image = np.zeros((high - low + 2 * margin, x + int(rng.integers(2, 8))), np.float32)
    boxes = []
    for ink, top, left, is_rune in pieces:
        y = top - low + margin
        view = image[y : y + ink.shape[0], left : left + ink.shape[1]]
        np.maximum(view, ink[: view.shape[0], : view.shape[1]], out=view)
        if is_rune:
            boxes.append((y, left, y + ink.shape[0], left + ink.shape[1]))
    if rng.random() < 0.5:  # slant the whole line: column x of row y moves to x - slant * y - shift
        image, boxes = _slanted(image, boxes, rng.uniform(-0.2, 0.2))
    strokes = {LABELS.index(label) + 1 for label in LONE_STROKE_LABELS}
    if all(label in strokes for label in labels if label != LABELS.index(SEPARATOR_LABEL) + 1):
        labels = [LABELS.index("isa") + 1 if label in strokes else label for label in labels]  # no taller rune: ᛁ
    return Line(image, tuple(labels), tuple(boxes))


def _slanted(image: np.ndarray, boxes: list, slant: float) -> tuple[np.ndarray, list]:
    """The line sheared by `slant` (columns per row, rows counted from the top) and its boxes, moved along."""
    height = image.shape[0]
    shift = -max(slant, 0.0) * height  # keeps every column at 0 or more
    wide = np.zeros((height, image.shape[1] + int(np.ceil(abs(slant) * height))), np.float32)
    wide[:, : image.shape[1]] = image
    sheared = Image.fromarray(wide, mode="F").transform(
        wide.shape[::-1], Image.Transform.AFFINE, (1, slant, shift, 0, 1, 0), Image.Resampling.BILINEAR
    )
    moved = [
        (
            top,
            round(left - slant * (bottom if slant > 0 else top) - shift),
            bottom,
            round(right - slant * (top if slant > 0 else bottom) - shift),
        )
        for top, left, bottom, right in boxes
    ]
    return np.clip(np.asarray(sheared, np.float32), 0.0, 1.0), moved


def line_batch(lines: list[Line]) -> tuple[np.ndarray, np.ndarray]:
    """Network inputs padded to the widest (blank columns on the right) and labels padded with 0 (the blank)."""
    tensors = [line_input(line.image)[0] for line in lines]
    width = max(t.shape[1] for t in tensors)
    x = np.zeros((len(tensors), tensors[0].shape[0], width, 1), np.float32)
    for index, tensor in enumerate(tensors):
        x[index, :, : tensor.shape[1]] = tensor
    y = np.zeros((len(lines), max(len(line.labels) for line in lines)), np.int32)
    for index, line in enumerate(lines):
        y[index, : len(line.labels)] = line.labels
    return x, y
