"""The learned line reader: a CNN with CTC reads a whole line of runes, no segmentation rules.

`LineReader.load(folder)` reads `lines.keras` and `lines.json` from a model folder (written by
`python -m runes.train_lines`), and `lines-2.keras` when there is one (a second network trained apart), without
Keras or TensorFlow, and `reader.read(image, row)` returns a `runes.inscription.Inscription` (`Recognizer.read` is
this reader). How it reads:

1. Ink that is no part of a line of runes (a tap of the pen, a blob, dust far above or below:
   `runes.components.stray_ink`) is left out, and ink that is only specks or noise reads as no runes
   (`runes.components.line_ink_left_out`).
   `line_input`: the ink is cropped to its box and scaled so the line is LINE_INK pixels tall in an input
   LINE_HEIGHT pixels tall (any width, at most MAX_LINE_WIDTH), with PAD blank columns before it and TAIL after;
   the line is read at its own width and stretched along the line by each of READ_WIDTHS.
2. The network (`runes.train_lines.build_line_model`: the rune CNN slid along the line, then convolutions along
   it; run in numpy by `runes.line_inference`) scores every STRIDE input columns (a window WINDOW wide) for
   each of its labels: the blank, every shape of `runes.rows.SHAPES`, the word separator (a dot, two dots or a
   wide gap) and a short lone stroke high or low in the line (LONE_STROKE_LABELS).
3. CTC decoding over the row's own labels (`runes.ctc`): the likeliest label sequence summed over its paths
   (prefix beam search; with two networks or several widths, the sequence whose likelihood by the networks
   together is highest at the width where it is highest, among those their beam searches kept), then the likeliest
   path that spells it in the first network at the line's own width (Viterbi) gives each label its columns. A rune's
   confidence is its label's probability in the column where it is likeliest (step 5 may replace it). A short
   lone stroke is ᛌ sól (high) or ᛧ yr (low) in a row that writes them, ᛁ íss elsewhere.
4. A light pass for the boxes: a label fires about `fire_offset` input columns after its rune's centre (measured
   in training). Each label read is given a group of ink (ink between blank columns) in order, the closest to where
   it fired, so that no group is left without one (`runes.line_boxes`; a separator read in a gap gets none); a rune
   alone in its group gets the group, runes that share one (they touch) split it halfway between their centres;
   each box is cropped to its ink.
5. Given the rune CNN of the same folder (`Recognizer.read` passes it), a rune with blank columns either side (no
   neighbour touches it: what the rune CNN was trained on) is read by both networks: its shape is the likeliest by
   their probabilities multiplied, and its confidence that product's share of all the row's shapes. Runes that
   touch keep the line network's reading (a crop of one would hold part of its neighbour).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from PIL import Image

from runes.components import line_ink_left_out
from runes.ctc import Token, decode, softmax
from runes.folder import LINE_FILES, SECOND_LINES_FILENAME, ModelLoadError
from runes.inscription import Box, Inscription, RuneReading, inscription
from runes.kerasfile import read_keras_file
from runes.line_boxes import rune_bounds
from runes.line_inference import LineForward
from runes.preprocess import (
    FAINT_INK,
    GLYPH_SIZE,
    INPUT_SIZE,
    _shrink_factor,
    ink_input,
    ink_mask,
    mask_box,
    scale_ink,
    to_ink,
)
from runes.rows import SHAPE_IDS, get_row

if TYPE_CHECKING:
    from runes.model import Recognizer

__all__ = [
    "LINE_HEIGHT",
    "STRIDE",
    "WINDOW",
    "READ_WIDTHS",
    "LINES_MODEL_FILENAME",
    "LINES_CONFIG_FILENAME",
    "LINE_FILES",
    "SECOND_LINES_FILENAME",
    "SEPARATOR_LABEL",
    "LONE_STROKE_LABELS",
    "LinePlacement",
    "LineTokens",
    "LineReader",
    "line_input",
    "reading_input",
    "stretched_input",
    "fired_column",
]

LINE_HEIGHT = INPUT_SIZE  # rows of the network's input: the rune CNN's, whose layers it starts from
LINE_INK = GLYPH_SIZE  # the line's ink is scaled to this many rows, as preprocess scales a rune
WINDOW = INPUT_SIZE  # each output column reads this many input columns (the rune CNN's input, slid along)...
STRIDE = 4  # ...and the next output column reads from this many columns further on
PAD = WINDOW // 2  # blank columns before the ink (the first window is centred on the ink's start)...
TAIL = 2 * WINDOW  # ...and after it: a label fires after its rune (fire_offset), the last one too
# Columns of the input at most: a longer line is read scaled down to fit, which bounds the work of one request (the
# worst line 0.12-0.15 s of CPU, 5.5-6.5 times a line of six runes) and still reads 40 runes as at 4096 columns (more than the
# Inscription pad holds at a legible size). Measured by `python benchmarks/measure_line_cap.py`.
MAX_LINE_WIDTH = 1024
# The widths a line is read at, as stretches along the line of its own (the first, where boxes come from): real
# hands draw runes narrower than the generated sketches the networks learned from, and the reading kept is the one
# likeliest at the width where it is likeliest. Measured by `python benchmarks/measure_widths.py`.
READ_WIDTHS = (1.0, 1.15, 1.3)
LINES_MODEL_FILENAME, LINES_CONFIG_FILENAME = LINE_FILES  # optional in a model folder: the line reader
SEPARATOR_LABEL = "separator"  # the label of a word separator (᛫, : or a wide gap)
# The labels of a short lone stroke high and low in the line: ᛌ sól and ᛧ yr in a row with short-twig forms,
# ᛁ íss elsewhere (the network tells the place, the row what it means).
LONE_STROKE_LABELS = ("lone-stroke-high", "lone-stroke-low")
Found = tuple[str, float, Box]  # a rune read: label, confidence, box in the ink map


@dataclass(frozen=True)
class LinePlacement:
    """Where `line_input` put the ink: to carry the input's columns back onto the image."""

    image_shape: tuple[int, int]  # (height, width) of the image read
    shrink: int  # the ink map is the image averaged over shrink x shrink blocks (large images only)
    box: tuple[int, int, int, int]  # (top, left, bottom, right) of the ink in the ink map
    scale: float  # input pixels per ink-map pixel
    mask: np.ndarray  # the ink map's ink pixels (bool)
    ink: np.ndarray  # the ink map: the image's ink in [0, 1] (to_ink)

    def ink_column(self, column: float) -> float:
        """The ink map's column for an input column."""
        return self.box[1] + (column - PAD) / self.scale


class LineTokens(NamedTuple):
    """What `LineReader.tokens` reads in a line."""

    tokens: list[Token]  # the labels read, each with the first network's columns at the line's own width
    probabilities: list[np.ndarray]  # each network's per-column probabilities at the line's own width
    placement: LinePlacement | None  # where `reading_input` put the ink at the line's own width (None: no runes)


def line_input(image: np.ndarray | Image.Image, stretch: float = 1.0) -> tuple[np.ndarray, LinePlacement]:
    """The network's input for a line: float32 (LINE_HEIGHT, width, 1), ink bright, width a multiple of STRIDE; the
    ink `stretch` times as wide as its height makes it (within MAX_LINE_WIDTH).

    Raises EmptySketchError when nothing is drawn."""
    shape, ink, mask = _ink_of(image)
    box = mask_box(mask)
    assert box is not None, "ink_mask found ink"
    return _placed(ink, mask, box, shape, stretch)


def reading_input(image: np.ndarray | Image.Image) -> tuple[np.ndarray, LinePlacement] | None:
    """`line_input` of the ink of the line (stray ink left out: `runes.components.line_ink_left_out`), or None when
    nothing rune-like is there. Raises EmptySketchError when nothing is drawn."""
    shape, ink, mask = _ink_of(image)
    stray = line_ink_left_out(mask)
    if stray is None:
        return None
    if stray.any():
        ink, mask = np.where(stray, 0.0, ink).astype(ink.dtype), mask & ~stray
    box = mask_box(mask)
    assert box is not None, "line_ink_left_out found ink"
    return _placed(ink, mask, box, shape, 1.0)


def _ink_of(image: np.ndarray | Image.Image) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """The image's (height, width), its ink (`to_ink`) and the ink's mask. Raises EmptySketchError when nothing is
    drawn."""
    shape = image.size[::-1] if isinstance(image, Image.Image) else np.shape(image)[:2]
    ink = to_ink(image)
    return (shape[0], shape[1]), ink, ink_mask(ink)


def stretched_input(placement: LinePlacement, stretch: float) -> tuple[np.ndarray, LinePlacement]:
    """`line_input` of the same image `stretch` times as wide, from the ink `placement` already holds."""
    return _placed(placement.ink, placement.mask, placement.box, placement.image_shape, stretch)


def _placed(
    ink: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int], shape: tuple[int, int], stretch: float
) -> tuple[np.ndarray, LinePlacement]:
    top, left, bottom, right = box
    crop = ink[top:bottom, left:right]
    height, width = crop.shape
    widest = (MAX_LINE_WIDTH - PAD - TAIL) / width
    scale = min(LINE_INK / height, widest)
    resized = scale_ink(crop, scale, min(scale * stretch, widest))
    new_height, new_width = resized.shape
    columns = -(-(new_width + PAD + TAIL) // STRIDE) * STRIDE
    out = np.zeros((LINE_HEIGHT, columns), np.float32)
    y0 = (LINE_HEIGHT - new_height) // 2
    out[y0 : y0 + new_height, PAD : PAD + new_width] = resized
    placement = LinePlacement(shape, _shrink_factor(*shape), box, new_width / width, mask, ink)
    return out[..., None], placement


def fired_column(first: int, last: int) -> float:
    """The input column where a label fired over output columns first..last: the middle of their windows."""
    return STRIDE * (first + last) / 2 + WINDOW / 2


class LineReader:
    """A loaded line reader: `LineReader.load(folder).read(image, row)`."""

    def __init__(
        self,
        forward: LineForward,
        labels: list[str],
        source: str = "in memory",
        fire_offset: float = 0.0,
        second: LineForward | None = None,
        widths: tuple[float, ...] = READ_WIDTHS,
    ) -> None:
        """`fire_offset`: how many input columns after a rune's centre its label fires (measured on validation
        lines by `runes.train_lines`, kept in lines.json): the box pass looks for a rune where it fired, less this.
        `second`: another network over the same labels, trained apart: the line is read as the sequence likeliest
        by both (`runes.ctc.combined_decode`); columns, boxes and confidences come from the first. `widths`: the
        stretches of the line it is read at (READ_WIDTHS), the first 1 (its columns give the boxes)."""
        unknown = [label for label in labels if label not in (*SHAPE_IDS, SEPARATOR_LABEL, *LONE_STROKE_LABELS)]
        if unknown:
            raise ValueError(f"{source}: the line reader's labels {unknown} are not shapes, separators or strokes")
        self.forward, self.labels, self.source, self.fire_offset = forward, list(labels), source, fire_offset
        self.second, self.widths = second, widths

    @property
    def widths(self) -> tuple[float, ...]:
        """The stretches of the line it is read at: 1.0 (the line's own width) first, then other positive ones."""
        return self._widths

    @widths.setter
    def widths(self, widths: tuple[float, ...]) -> None:
        finite = all(isinstance(w, (int, float)) and math.isfinite(w) and w > 0 for w in widths)
        if not widths or widths[0] != 1.0 or not finite or len(set(widths)) < len(widths):
            raise ValueError(
                f"read widths must start at 1.0 (the line's own) and be other positive numbers, not {widths}"
            )
        self._widths = tuple(widths)

    @classmethod
    def load(cls, folder: Path) -> LineReader:
        """Read lines.keras and lines.json from a model folder, and lines-2.keras when it has one (no Keras: zipfile
        and h5py)."""
        folder = Path(folder)
        config = json.loads((folder / LINES_CONFIG_FILENAME).read_text(encoding="utf-8"))
        forward = LineForward.from_layers(read_keras_file(folder / LINES_MODEL_FILENAME).layers)
        second = None
        if (folder / SECOND_LINES_FILENAME).is_file():
            second = LineForward.from_layers(read_keras_file(folder / SECOND_LINES_FILENAME).layers)
            blank = np.zeros((1, LINE_HEIGHT, 4 * WINDOW, 1), np.float32)
            ours, theirs = forward(blank).shape, second(blank).shape
            if ours != theirs:  # another stride or other labels: their columns or outputs would not match
                raise ModelLoadError(
                    f"{folder / SECOND_LINES_FILENAME} gives outputs of shape {theirs} where {LINES_MODEL_FILENAME} "
                    f"gives {ours}: retrain both with `python -m runes.train_lines`, or delete {SECOND_LINES_FILENAME}."
                )
        return cls(forward, config["labels"], str(folder), float(config.get("fire_offset", 0.0)), second)

    @classmethod
    def from_keras(cls, model, labels: list[str] | tuple[str, ...]) -> LineReader:
        """A reader of a Keras model in memory (as `runes.train_lines` builds it), run in numpy all the same."""
        return cls(LineForward.from_layers(model.layers), list(labels), "in memory")

    def logits(self, tensor: np.ndarray) -> np.ndarray:
        """The (first) network's outputs for one line input (LINE_HEIGHT, width, 1): ((width - WINDOW) / STRIDE + 1,
        outputs)."""
        return self.forward(tensor[None])[0, 0]

    def probabilities(self, tensor: np.ndarray, allowed: np.ndarray | None = None) -> list[np.ndarray]:
        """Each network's per-column probabilities (over the `allowed` outputs), the first network's first."""
        outputs = [softmax(self.logits(tensor), allowed)]
        if self.second is not None:
            outputs.append(softmax(self.second(tensor[None])[0, 0], allowed))
        return outputs

    def tokens(self, image: np.ndarray | Image.Image, allowed: np.ndarray | None = None) -> LineTokens:
        """The labels read in a line (`runes.ctc.decode` of every network's probabilities over the `allowed` outputs,
        at each of `self.widths`), the networks' probabilities at the line's own width, and where `reading_input` put
        its ink. No labels, no probabilities and no placement when nothing rune-like is there (`reading_input`)."""
        read = reading_input(image)
        if read is None:
            return LineTokens([], [], None)
        tensor, placement = read
        views, scales = [self.probabilities(tensor, allowed)], {placement.scale}
        for stretch in self.widths[1:]:
            stretched, placed = stretched_input(placement, stretch)
            if placed.scale not in scales:  # a line at MAX_LINE_WIDTH already cannot be stretched further
                views.append(self.probabilities(stretched, allowed))
                scales.add(placed.scale)
        return LineTokens(decode(views), views[0], placement)

    def read(self, image: np.ndarray | Image.Image, row: str, runes: Recognizer | None = None) -> Inscription:
        """Read a line of runes of `row` (a row id, already checked) written left to right. Given `runes` (the
        rune CNN of the same folder), a rune that stands alone in the line is read by both networks."""
        the_row = get_row(row)
        known = (*the_row.shapes, SEPARATOR_LABEL, *LONE_STROKE_LABELS)
        read = self.tokens(image, np.array([False] + [label in known for label in self.labels]))
        if read.placement is None:
            return inscription([])
        tokens, placement = read.tokens, read.placement
        probabilities = read.probabilities[0]  # the first network's: columns, boxes and confidences
        width = placement.mask.shape[1]
        centres = [
            min(max(placement.ink_column(fired_column(first, last) - self.fire_offset), 0.0), width - 1.0)
            for _, first, last, _ in tokens
        ]  # a label that fires in the blank columns after the ink: its rune ends the ink
        is_rune = [self.labels[output - 1] != SEPARATOR_LABEL for output, _, _, _ in tokens]
        bounds = rune_bounds(placement.mask, centres, is_rune) if tokens else [0, width]
        found: list[Found | None] = []  # each rune; None at a separator
        peaks: list[np.ndarray] = []  # each label's probabilities (all outputs) in the column where it is likeliest
        for index, (output, first, last, _) in enumerate(tokens):
            peaks.append(probabilities[first + int(probabilities[first : last + 1, output].argmax())])
            label = self.labels[output - 1]
            if label == SEPARATOR_LABEL:
                found.append(None)
                continue
            start = min(bounds[index], width - 1)
            end = max(bounds[index + 1], start + 1)
            box = mask_box(placement.mask[:, start:end])
            if box is None:  # no ink between the neighbours: its columns, the line's rows
                box = (placement.box[0], 0, placement.box[2], end - start)
            top, left, bottom, right = box
            found.append((label, float(peaks[-1][output]), (top, start + left, bottom, start + right)))
        if runes is not None:
            found = self._second_reading(found, peaks, bounds, placement, the_row.shapes, runes)
        return self._inscription(found, the_row.id, placement)

    def _second_reading(
        self,
        found: list[Found | None],
        peaks: list[np.ndarray],
        bounds: list[int],
        placement: LinePlacement,
        shapes: dict[str, str],
        runes: Recognizer,
    ) -> list[Found | None]:
        """A rune with empty columns either side of it (no neighbour touches it) is what the rune CNN was trained on:
        its shape is the likeliest by both networks (their probabilities multiplied, over the row's shapes). A short
        lone stroke keeps the line reader's reading (the line tells its place)."""
        mask = placement.mask
        alone = [not (0 < bound < mask.shape[1] and mask[:, bound].any()) for bound in bounds]
        common = [shape for shape in shapes if shape in self.labels and shape in runes.labels]
        drawn: dict[int, tuple[Box, np.ndarray]] = {}  # each rune standing alone: its box, its ink there
        for index, item in enumerate(found):
            if item is not None and item[0] in common and alone[index] and alone[index + 1]:
                top, left, bottom, right = item[2]
                ink = np.where(mask[top:bottom, left:right], placement.ink[top:bottom, left:right], 0.0)
                if ink.max(initial=0.0) >= FAINT_INK:
                    drawn[index] = (item[2], ink)
        if not drawn or len(common) < 2:
            return found
        crops = [ink_input(ink) for _, ink in drawn.values()]
        theirs = runes.predict_tensors(np.stack(crops)).astype(np.float64)[:, [runes.labels.index(s) for s in common]]
        ours = np.stack([peaks[index] for index in drawn])[:, [self.labels.index(s) + 1 for s in common]]
        both = ours / ours.sum(axis=1, keepdims=True) * theirs / np.maximum(theirs.sum(axis=1, keepdims=True), 1e-12)
        both /= np.maximum(both.sum(axis=1, keepdims=True), 1e-300)
        result = list(found)
        for (index, (box, _)), probabilities in zip(drawn.items(), both, strict=True):
            best = int(probabilities.argmax())
            result[index] = (common[best], float(probabilities[best]), box)
        return result

    @staticmethod
    def _inscription(found: list[Found | None], row: str, placement: LinePlacement) -> Inscription:
        the_row = get_row(row)
        factor = placement.shrink
        height, width = placement.image_shape
        words: list[list[RuneReading]] = [[]]
        for item in found:
            if item is None:
                words.append([])
                continue
            label, confidence, (top, left, bottom, right) = item
            lone = the_row.lone_stroke(float(LONE_STROKE_LABELS.index(label))) if label in LONE_STROKE_LABELS else None
            if lone:  # ᛌ or ᛧ
                rune, glyph = lone, str(the_row.rune(lone).short_twig_glyph)
            else:
                shape = "isa" if label in LONE_STROKE_LABELS else label
                rune = the_row.shapes[shape]
                glyph = the_row.form_glyph(rune, shape)
            box = (top * factor, left * factor, min(height, bottom * factor), min(width, right * factor))
            words[-1].append(RuneReading(rune, glyph, confidence, box, row))
        return inscription(words)
