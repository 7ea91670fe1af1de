"""Read an inscription: several runes drawn left to right on one line, words split by dots or gaps.

`read_inscription(recognizer, image)` accepts anything `runes.preprocess` accepts (numpy array or PIL
image, any mode and polarity) and returns an `Inscription`: the runes with their boxes, the words, the
runic text (words joined by "᛫", the runic word separator) and the Latin transliteration (words joined
by a space), e.g. "ᚦᚢᚱ᛫ᚴᚢᚾ" and "þur kun".

How it reads: the ink is split into 8-connected components; the line height is the median height
of the tall ones (at least half the ink's extent, or the tallest when scattered specks stretch the
extent). Small components (both sides under 0.3 line heights) that do not sit in a rune's columns are
word separators, one dot ("᛫") or two stacked (":"); a gap wider than 0.6 line heights also
ends a word. Small strokes inside a rune's columns belong to that rune; tall components are never
merged. A rune's stem is a near-vertical stroke at least 0.6 line heights long (found column by column,
one pixel of slant allowed either side). A component wider than 0.5 line heights, or with two stems, may
be runes that touch or overlap: it is cut into candidate pieces (each at least 0.7 line heights tall) at
low-ink columns and at every 0.05 line heights between two neighbouring stems (from the start of the
first to the end of the second, and inside a stem band wider than 0.25 line heights: overlapping runes
meet inside a stem band). A piece is the ink between its two cuts plus the ink up to 0.1 line heights
beyond each cut that reaches one of its own stems before any other along the ink (a breadth-first walk
from every stem band no wider than 0.25 line heights): the arm of an overlapping rune that reaches past
the cut stays with its rune (the neighbour keeps that ink as well). Every candidate of the whole
drawing is classified in one batch, and dynamic programming picks the tiling (the whole component
included) with the highest summed score: the log-probability of a piece's rune (in the full softmax, so
a model's "other" and "bluetooth" labels count against a crop of two runes), plus a log-prior on its
width (each rune's width/height range measured on generated sketches), minus 2 per stem beyond what the
rune has (two for ᚢ ᚱ ᛋ ᛒ, one for the rest), minus 1 per piece (a split must read clearly better than
fewer pieces).
The classifier alone is overconfident on crops of two runes or of part of a rune; the priors keep ᚴᛅ
from reading as one wide rune and ᛋ from reading as two. Labels that are not rune ids (e.g. "other")
are never chosen.

Short-twig sól and yr: a lone stroke (read as ísa, or narrower than 0.35 of its height) shorter than
0.6 line heights is read as ᛌ (sól) when its centre lies in the upper half of the line, as ᛧ (yr) in
the lower half. Its confidence is the model's probability for ísa. A lone stroke with no taller rune beside it
stays ísa, as in `Recognizer.predict`.

Nothing rune-like (`runes.components`): components all shorter than MIN_LINE_HEIGHT pixels (specks, a 1-pixel line), noise
(more than NOISE_SPECKS dot-sized specks per tall component) or only units not drawn with strokes (under
STROKE_LENGTH pen widths tall: a lone dot, a blob; such units are left out of a line of runes too) read
as an Inscription without runes, text "".
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from runes.components import DOT_SIZE, components, line_height, nothing_to_read, run_lengths
from runes.preprocess import ink_input, ink_mask, mask_box, to_ink
from runes.reading import Box, Inscription, RuneReading, inscription
from runes.rows import SHAPE_IDS, WORD_SEPARATOR, get_row

if TYPE_CHECKING:
    from runes.model import Recognizer

__all__ = ["WORD_SEPARATOR", "Inscription", "RuneReading", "read_inscription", "nothing_to_read"]

WORD_GAP = 0.6  # a gap wider than this many line heights ends a word
MIN_PIECE_HEIGHT = 0.7  # a piece cut out of a component must be at least this tall (in line heights)
SHORT_TWIG = 0.6  # a lone ísa-like stroke shorter than this (in line heights) is short-twig sól or yr
SPLIT_WIDTH = 0.5  # a component wider than this (in line heights), or with two stems, may hold touching runes
MAX_WIDTH = 1.2  # no piece cut from a component is wider than this many line heights
WIDTH_SIGMA = 0.15  # how fast a rune becomes implausible outside its width range (log scale)
PIECE_COST = 1.0  # log-odds against each extra piece: a split must read clearly better than fewer pieces
STEM = 0.6  # a stem: a near-vertical stroke at least this many line heights long
WIDE_STEM = 0.25  # a stem band wider than this (in line heights) may be two overlapping stems
CUT_STEP = 0.05  # between two stems, cuts are tried every this many line heights
STEM_COST = 2.0  # log-odds against each stem a piece has beyond what its rune has
STROKE_LENGTH = 2.5  # a rune is at least this many pen widths tall (see _is_strokes); a dot or blob about 1.3
SHARE = 0.1  # ink this close (in line heights) beyond a cut still joins a piece when it reaches the piece's stem first
_Piece = tuple[Box, np.ndarray]  # a candidate rune: its box in the image, and its ink mask inside that box


@dataclass
class _Unit:
    """A group of connected components read as one or more runes, in the box (top, left, bottom, right).

    Its mask covers only that box's rows and the columns from mask_left on (a small stroke joined to a rune may
    reach past the rune's columns), so the work on a unit scales with its ink, not with the image."""

    mask: np.ndarray  # bool, rows top..bottom, columns mask_left..mask_left + mask.shape[1]
    mask_left: int
    top: int
    left: int
    bottom: int
    right: int

    def columns(self, start: int, end: int) -> np.ndarray:
        """The mask's image columns start..end (a view)."""
        return self.mask[:, start - self.mask_left : end - self.mask_left]


def _unit(pixels: list[tuple[np.ndarray, np.ndarray]], boxes: np.ndarray) -> _Unit:
    """The unit of the components with these pixels ((rows, cols) index arrays) and boxes (components, 4): its box
    is the first component's columns and all their rows (a small stroke joins a rune in the rune's columns)."""
    top, bottom = int(boxes[:, 0].min()), int(boxes[:, 2].max())
    mask_left, mask_right = int(boxes[:, 1].min()), int(boxes[:, 3].max())
    mask = np.zeros((bottom - top, mask_right - mask_left), bool)
    for rows, cols in pixels:
        mask[rows - top, cols - mask_left] = True
    return _Unit(mask, mask_left, top, int(boxes[0, 1]), bottom, int(boxes[0, 3]))


def _is_strokes(unit: _Unit) -> bool:
    """Whether a unit is drawn with strokes: at least STROKE_LENGTH times as tall as its pen is wide.

    The pen width is the median, over the ink, of the shorter of the horizontal and vertical runs through
    each pixel. Measured on ink maps: 2400 generated sketches (fattest pens included) are at least 4.3 pen
    widths tall, the 138 real drawings in ../shared/real-runes/dev at least 5.3; a dot or a filled blob
    1.2-1.7."""
    ink = unit.columns(unit.left, unit.right)
    across = np.minimum(run_lengths(ink), run_lengths(ink.T).T)[ink]
    return unit.bottom - unit.top >= STROKE_LENGTH * float(np.median(across))


def _dilate(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    grown = out.copy()
    grown[:, 1:] |= out[:, :-1]
    grown[:, :-1] |= out[:, 1:]
    return grown


def _stems(unit: _Unit, line: float) -> list[tuple[int, int]]:
    """Column bands (image columns, end exclusive) holding a long near-vertical stroke: a rune's stem."""
    mask = unit.columns(unit.left, unit.right)
    wide = mask.copy()
    wide[:, 1:] |= mask[:, :-1]
    wide[:, :-1] |= mask[:, 1:]
    longest, current = np.zeros(mask.shape[1], int), np.zeros(mask.shape[1], int)
    for row in wide:
        current = np.where(row, current + 1, 0)
        np.maximum(longest, current, out=longest)
    tall = np.concatenate([[False], longest >= STEM * line, [False]]).astype(np.int8)
    starts, ends = np.flatnonzero(np.diff(tall) == 1), np.flatnonzero(np.diff(tall) == -1)
    return [(unit.left + int(a), unit.left + int(b)) for a, b in zip(starts, ends, strict=True)]


def _cuts(unit: _Unit, line: float, stems: list[tuple[int, int]]) -> list[int]:
    """Columns inside a unit where two touching runes may meet: low-ink columns, and the columns
    between two stems."""
    profile = unit.columns(unit.left, unit.right).sum(axis=0).astype(float)
    margin = max(1, round(0.08 * line))
    spacing = max(1, round(0.1 * line))
    inner = range(margin, len(profile) - margin + 1)
    minima = [
        x for x in inner if profile[x] <= profile[x - 1] and (x + 1 >= len(profile) or profile[x] <= profile[x + 1])
    ]
    kept: list[int] = []
    for x in sorted(minima, key=lambda x: profile[x]):
        if all(abs(x - k) >= spacing for k in kept):
            kept.append(x)
    cuts = {unit.left + x for x in kept}
    step = max(1, round(CUT_STEP * line))
    for (first, _), (_, last) in itertools.pairwise(stems):
        cuts.update(range(first + 1, last, step))  # overlapping runes may meet inside either stem band
    for first, last in stems:  # a wide band: two stems overlapping
        if last - first > WIDE_STEM * line:
            cuts.update(range(first + 1, last, step))
    return sorted(c for c in cuts if unit.left + margin <= c <= unit.right - margin)


# Width / height of each rune's ink: 2nd and 98th percentile over the first 150 sketches of each rune drawn by
# runes.sketches (slant, wobble and pen width included): what a plausible rune is. Measured, never edited by
# hand: `python benchmarks/measure_aspect.py --write` regenerates this table (tests/test_inscription.py checks
# that it is what the script measures).
_ASPECT_RANGES: dict[str, tuple[float, float]] = {
    "fe": (0.23, 0.85),
    "ur": (0.47, 1.01),
    "thurs": (0.35, 0.74),
    "as": (0.41, 0.96),
    "reith": (0.3, 0.85),
    "kaun": (0.3, 0.87),
    "hagall": (0.56, 1.13),
    "nauthr": (0.29, 0.76),
    "isa": (0.07, 0.46),
    "ar": (0.31, 0.71),
    "sol": (0.42, 1.09),
    "tyr": (0.45, 0.99),
    "bjork": (0.37, 0.78),
    "mathr": (0.53, 1.02),
    "logr": (0.27, 0.68),
    "yr": (0.56, 0.98),
    "as-short": (0.33, 0.74),
    "hagall-short": (0.21, 0.48),
    "nauthr-short": (0.29, 0.71),
    "ar-short": (0.32, 0.71),
    "tyr-short": (0.25, 0.67),
    "bjork-short": (0.22, 0.7),
    "mathr-short": (0.17, 0.49),
    "ansuz": (0.38, 0.87),
    "kaunan": (0.35, 1.03),
    "gebo": (0.55, 1.32),
    "wunjo": (0.35, 0.83),
    "hagalaz": (0.56, 1.15),
    "jera": (0.43, 1.06),
    "eihwaz": (0.38, 0.94),
    "perth": (0.39, 0.88),
    "sowilo": (0.37, 0.86),
    "ehwaz": (0.55, 1.13),
    "mannaz": (0.56, 1.14),
    "ingwaz": (0.52, 1.12),
    "dagaz": (0.54, 1.21),
    "othala": (0.56, 1.13),
}


def _aspect_table() -> np.ndarray:
    """_ASPECT_RANGES as an array in SHAPE_IDS order, shape (shapes, 2)."""
    missing = [shape for shape in SHAPE_IDS if shape not in _ASPECT_RANGES]
    if missing:
        raise RuntimeError(
            f"runes/inscription.py has no width range for {', '.join(missing)}: run "
            "`python benchmarks/measure_aspect.py --write` to measure the table again."
        )
    return np.array([_ASPECT_RANGES[shape] for shape in SHAPE_IDS])


_ASPECT = _aspect_table()

_TWO_STEMS = ("ur", "reith", "sol", "bjork", "hagalaz", "ehwaz", "mannaz", "dagaz")  # shapes with two stems
_STEMS = np.array([2 if shape in _TWO_STEMS else 1 for shape in SHAPE_IDS])  # most stems a shape has


def _nearest_stem(unit: _Unit, line: float, stems: list[tuple[int, int]]) -> np.ndarray:
    """For each ink pixel of the unit, 1 + the index of the stem it reaches first along the ink (8-connected
    steps from the stem band's ink); 0 for ink no stem reaches and for background. The unit's box (top, left) on.
    Bands wider than WIDE_STEM line heights (two overlapping stems) seed nothing."""
    ink = unit.columns(unit.left, unit.right)
    label: np.ndarray = np.zeros(ink.shape, np.int16)
    for k, (first, last) in enumerate(stems):
        if last - first <= WIDE_STEM * line:
            band = label[:, first - unit.left : last - unit.left]
            band[ink[:, first - unit.left : last - unit.left]] = k + 1
    while True:
        grown = label.copy()
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)):
            shifted = np.zeros_like(label)
            shifted[max(dy, 0) : label.shape[0] + min(dy, 0), max(dx, 0) : label.shape[1] + min(dx, 0)] = label[
                max(-dy, 0) : label.shape[0] + min(-dy, 0), max(-dx, 0) : label.shape[1] + min(-dx, 0)
            ]
            take = (grown == 0) & ink & (shifted > 0)
            grown[take] = shifted[take]
        if (grown == label).all():
            break
        label = grown
    return label


def _piece(
    unit: _Unit,
    line: float,
    stems: list[tuple[int, int]],
    nearest: np.ndarray,
    start: int,
    end: int,
    first: bool,
    last: bool,
) -> _Piece | None:
    """The ink of the piece between columns start and end, plus the ink up to SHARE line heights beyond a
    cut (not the unit's edges) that reaches one of the piece's own stems first along the ink: the arm of
    an overlapping rune that reaches past the cut into its neighbour's columns. The neighbour keeps it too.
    None when there is no ink."""
    share = round(SHARE * line)
    own = [k + 1 for k, (a, b) in enumerate(stems) if start <= (a + b) / 2 < end]
    low, high = start, end  # the columns the piece may take ink from
    if share > 0 and own:
        low = start if first else max(unit.left, start - share)
        high = end if last else min(unit.right, end + share)
    region = unit.columns(low, high)
    mask = np.zeros_like(region)
    mask[:, start - low : end - low] = region[:, start - low : end - low]
    if (low, high) != (start, end):
        mask |= region & np.isin(nearest[:, low - unit.left : high - unit.left], own)
    return _crop(mask, unit.top, low)


def _crop(mask: np.ndarray, top: int, left: int) -> _Piece | None:
    """A mask whose pixel (0, 0) is the image's (top, left), cut to its ink: (box in the image, mask in the box)."""
    box = mask_box(mask)
    if box is None:
        return None
    t, left_edge, b, r = box
    return (top + t, left + left_edge, top + b, left + r), mask[t:b, left_edge:r]


def _read_unit(unit: _Unit, line: float) -> tuple[list[tuple[int, int]], list[_Piece], list[int]]:
    """Candidate pieces of one unit: ([(start bound, end bound)], [(box, mask)], [stems in each]). A unit no
    wider than SPLIT_WIDTH line heights with at most one stem is one rune; any other may be cut (or stay whole)."""
    stems = _stems(unit, line)
    whole = _crop(unit.mask, unit.top, unit.mask_left)
    assert whole is not None, "a unit always holds ink"
    if unit.right - unit.left <= SPLIT_WIDTH * line and len(stems) < 2:
        return [(0, 1)], [whole], [len(stems)]
    bounds = [unit.left, *_cuts(unit, line, stems), unit.right]
    nearest = _nearest_stem(unit, line, stems)
    spans, pieces, counts = [], [], []
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > MAX_WIDTH * line and (i, j) != (0, len(bounds) - 1):
                continue
            piece = _piece(unit, line, stems, nearest, bounds[i], bounds[j], i == 0, j == len(bounds) - 1)
            if piece is not None and piece[0][2] - piece[0][0] >= MIN_PIECE_HEIGHT * line:
                spans.append((i, j))
                pieces.append(piece)
                counts.append(sum(bounds[i] <= (a + b) / 2 < bounds[j] for a, b in stems))
    return (spans, pieces, counts) if spans else ([(0, 1)], [whole], [len(stems)])


def _best_path(spans: list[tuple[int, int]], scores: np.ndarray) -> list[int]:
    """Indices of the spans that tile bound 0 to the last bound with the highest total score."""
    end = max(j for _, j in spans)
    best, back = [0.0] + [-math.inf] * end, [-1] * (end + 1)
    for s in sorted(range(len(spans)), key=lambda s: spans[s]):
        i, j = spans[s]
        if best[i] + scores[s] > best[j]:
            best[j], back[j] = best[i] + scores[s], s
    if back[end] < 0:  # no tiling (a cut left an empty piece): read the whole unit
        return []
    path, j = [], end
    while j > 0:
        path.append(back[j])
        j = spans[back[j]][0]
    return path[::-1]


def _scale(image: np.ndarray | Image.Image, ink: np.ndarray) -> int:
    """How many input pixels one ink pixel spans (to_ink shrinks huge images by an integer factor)."""
    height, width = (image.size[1], image.size[0]) if isinstance(image, Image.Image) else np.shape(image)[:2]
    return max(1, max(height, width) // max(ink.shape))


def read_inscription(recognizer: Recognizer, image: np.ndarray | Image.Image, row: str | None = None) -> Inscription:
    """Read a line of runes of `row` (None: the recognizer's default row) written left to right.

    Raises EmptySketchError when nothing is drawn, ValueError for a row the recognizer does not read.

    An image in which nothing rune-like is found (noise, specks, a lone dot or blob) gives an Inscription
    with no runes and empty text."""
    row = recognizer.check_row(row)
    ink = to_ink(image)
    mask = ink_mask(ink)
    parts, spans = components(mask)
    line, is_tall, nothing = line_height(spans)
    if nothing:  # specks or noise: nothing to read
        return inscription([])
    tall = np.flatnonzero(is_tall)
    line_middle = (np.median(spans[tall, 0]) + np.median(spans[tall, 2])) / 2
    members = {int(index): [int(index)] for index in tall}  # unit -> its components, the unit's own first
    dots = []  # (left, right) of each separator dot
    for index in np.flatnonzero(~is_tall).tolist():
        top, left, bottom, right = spans[index].tolist()
        overlaps = np.minimum(right, spans[tall, 3]) - np.maximum(left, spans[tall, 1])
        host = int(np.argmax(overlaps))
        if overlaps[host] >= 0.5 * (right - left):  # inside a rune's columns: part of it
            members[int(tall[host])].append(index)
        elif max(bottom - top, right - left) <= DOT_SIZE * line:
            dots.append((left, right))
        else:
            members[index] = [index]
    units = [_unit([parts[i] for i in group], spans[group]) for group in members.values()]
    units = [unit for unit in units if _is_strokes(unit)]  # a lone dot or a blob is not a rune
    if not units:
        return inscription([])
    units.sort(key=lambda u: u.left)
    words: list[list[_Unit]] = []
    reach = -math.inf  # right edge of the ink read so far
    for unit in units:
        separated = any(reach <= (left + right) / 2 <= unit.left for left, right in dots)
        if not words or separated or unit.left - reach > WORD_GAP * line:
            words.append([])
        words[-1].append(unit)
        reach = max(reach, unit.right)
    factor = _scale(image, ink)
    height, width = np.shape(image)[:2] if not isinstance(image, Image.Image) else image.size[::-1]
    the_row = get_row(row)
    shapes = [(shape, rune) for shape, rune in the_row.shapes.items() if shape in recognizer.labels]
    columns = [recognizer.labels.index(shape) for shape, _ in shapes]
    table = [SHAPE_IDS.index(shape) for shape, _ in shapes]
    pieces = [_read_unit(unit, line) for word in words for unit in word]
    candidates = [piece for _, unit_pieces, _ in pieces for piece in unit_pieces]
    stems = np.array([count for _, _, counts in pieces for count in counts])[:, None]
    boxes = [box for box, _ in candidates]
    crops = [np.where(_dilate(m), ink[t:b, left:r], 0.0) for (t, left, b, r), m in candidates]
    probabilities = recognizer.predict_tensors(np.stack([ink_input(c) for c in crops])).astype(np.float64)
    probabilities = probabilities[:, columns]
    aspect = np.array([(r - left) / max(b - t, MIN_PIECE_HEIGHT * line) for t, left, b, r in boxes])[:, None]
    low, high = _ASPECT[table, 0], _ASPECT[table, 1]
    outside = np.maximum(np.log(low / aspect), 0) + np.maximum(np.log(aspect / high), 0)
    joint = np.log(np.maximum(probabilities, 1e-12)) - outside**2 / (2 * WIDTH_SIGMA**2)
    joint -= STEM_COST * np.maximum(stems - _STEMS[None, table], 0)
    readings: list[list[RuneReading]] = []
    start = 0
    unit_pieces = iter(pieces)
    for word in words:
        readings.append([])
        for unit_spans, _, _ in (next(unit_pieces) for _ in word):
            chosen = list(range(start, start + len(unit_spans)))
            if len(unit_spans) > 1:  # pieces of a wide unit: the best tiling by classifier and width
                path = _best_path(unit_spans, joint[chosen].max(axis=1) - PIECE_COST)
                chosen = [start + s for s in path] if path else chosen[:1]
            for index in chosen:
                label = int(joint[index].argmax() if len(unit_spans) > 1 else probabilities[index].argmax())
                (shape, rune), (top, left, bottom, right) = shapes[label], boxes[index]
                glyph = the_row.form_glyph(rune, shape)
                short = bottom - top < SHORT_TWIG * line
                lone = the_row.lone_stroke(0.0 if (top + bottom) / 2 < line_middle else 1.0)
                if (
                    lone
                    and "isa" in the_row.shapes
                    and short
                    and (shape == "isa" or right - left <= 0.35 * (bottom - top))
                ):
                    rune, label = lone, [s for s, _ in shapes].index("isa")  # a lone short stroke: ᛌ or ᛧ
                    glyph = str(the_row.rune(rune).short_twig_glyph)
                box = (top * factor, left * factor, min(height, bottom * factor), min(width, right * factor))
                readings[-1].append(RuneReading(rune, glyph, float(probabilities[index, label]), box, row))
            start += len(unit_spans)
    return inscription(readings)
