"""The learned line reader: a CNN with CTC reads a whole line of runes, no segmentation rules.

`LineReader.load(folder)` reads `lines.keras` and `lines.json` from a model folder (written by
`python -m runes.train_lines`) without Keras or TensorFlow, and `reader.read(image, row)` returns the same
`runes.inscription.Inscription` as the rule reader. How it reads:

1. Ink that is only specks or noise reads as no runes (`runes.inscription.nothing_to_read`, as the rule reader).
   `line_input`: the ink is cropped to its box and scaled so the line is LINE_INK pixels tall in an input
   LINE_HEIGHT pixels tall (any width, at most MAX_LINE_WIDTH), with PAD blank columns either side.
2. The network (`runes.line_model`, run in numpy by `runes.line_inference`) gives every STRIDE columns a score
   for each of its labels: the blank, every shape of `runes.rows.SHAPES`, and the word separator (a dot, two
   dots or a wide gap).
3. Greedy CTC decoding over the row's own shapes: the best label of each column, repeats merged, blanks
   dropped. A rune's confidence is its label's highest probability over the columns where it fires.
4. Each rune's box is the ink between the points BOUNDARY of the way from its neighbours' columns to its own
   (or from its own to the next's), cropped to that ink.
   A short lone stroke read as ísa (under SHORT_TWIG of the line's height) is ᛌ sól high in the line, ᛧ yr low,
   in a row that writes them, as in the rule reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from runes.folder import LINE_FILES
from runes.inscription import SHORT_TWIG, Inscription, RuneReading, _inscription, nothing_to_read
from runes.kerasfile import read_keras_file
from runes.line_inference import LineForward
from runes.preprocess import _shrink_factor, ink_mask, mask_box, to_ink
from runes.rows import SHAPE_IDS, get_row

__all__ = [
    "LINE_HEIGHT",
    "LINES_MODEL_FILENAME",
    "LINES_CONFIG_FILENAME",
    "LINE_FILES",
    "SEPARATOR_LABEL",
    "LinePlacement",
    "LineReader",
    "line_input",
    "greedy_decode",
]

LINE_HEIGHT = 32  # rows of the network's input
LINE_INK = 28  # the line's ink is scaled to this many rows, leaving a margin above and below
PAD = 4  # blank columns before the ink...
TAIL = 32  # ...and after it: the network's labels fire at or after a rune's right end, the last needs room
# A rune's box starts this far from the previous label's columns to its own: measured by
# benchmarks/measure_line_boxes.py (the labels fire at a rune's right end, so its box starts early).
BOUNDARY = 0.2
STRIDE = 2  # input columns per output column of the network
MAX_LINE_WIDTH = 4096  # columns of the input at most: a longer line is scaled down to fit (bounds the work)
LINES_MODEL_FILENAME, LINES_CONFIG_FILENAME = LINE_FILES  # optional in a model folder: the line reader
SEPARATOR_LABEL = "separator"  # the label of a word separator (᛫, : or a wide gap)
BLANK = 0  # CTC's blank is output 0; output i + 1 is labels[i]
Found = tuple[str, float, tuple[int, int, int, int]]  # a rune read: shape, confidence, box in the ink map


@dataclass(frozen=True)
class LinePlacement:
    """Where `line_input` put the ink: to carry the input's columns back onto the image."""

    image_shape: tuple[int, int]  # (height, width) of the image read
    shrink: int  # the ink map is the image averaged over shrink x shrink blocks (large images only)
    box: tuple[int, int, int, int]  # (top, left, bottom, right) of the ink in the ink map
    scale: float  # input pixels per ink-map pixel
    mask: np.ndarray  # the ink map's ink pixels (bool)

    def ink_column(self, column: float) -> float:
        """The ink map's column for an input column."""
        return self.box[1] + (column - PAD) / self.scale


def line_input(image: np.ndarray | Image.Image) -> tuple[np.ndarray, LinePlacement]:
    """The network's input for a line: float32 (LINE_HEIGHT, width, 1), ink bright, width a multiple of STRIDE.

    Raises EmptySketchError when nothing is drawn."""
    shape = image.size[::-1] if isinstance(image, Image.Image) else np.shape(image)[:2]
    ink = to_ink(image)
    mask = ink_mask(ink)
    box = mask_box(mask)
    assert box is not None, "ink_mask found ink"
    top, left, bottom, right = box
    crop = ink[top:bottom, left:right]
    height, width = crop.shape
    scale = min(LINE_INK / height, (MAX_LINE_WIDTH - PAD - TAIL) / width)
    new_height, new_width = max(1, round(height * scale)), max(1, round(width * scale))
    resized = np.asarray(
        Image.fromarray(crop.astype(np.float32), mode="F").resize(
            (new_width, new_height), Image.Resampling.BILINEAR if scale > 1 else Image.Resampling.BOX
        ),
        dtype=np.float32,
    )
    resized = np.clip(resized / max(float(resized.max()), 1e-6), 0.0, 1.0)
    columns = -(-(new_width + PAD + TAIL) // STRIDE) * STRIDE
    out = np.zeros((LINE_HEIGHT, columns), np.float32)
    y0 = (LINE_HEIGHT - new_height) // 2
    out[y0 : y0 + new_height, PAD : PAD + new_width] = resized
    placement = LinePlacement((shape[0], shape[1]), _shrink_factor(*shape), box, new_width / width, mask)
    return out[..., None], placement


def greedy_decode(logits: np.ndarray, allowed: np.ndarray | None = None) -> list[tuple[int, int, int, float]]:
    """Greedy CTC decoding of one line's logits (columns, outputs): [(output, first column, last column,
    confidence)] of every label read, left to right. `allowed` (outputs, bool) limits the labels (the blank is
    always allowed); probabilities are the softmax over the allowed outputs."""
    logits = np.asarray(logits, np.float64)
    if allowed is not None:
        logits = np.where(allowed[None, :] | (np.arange(logits.shape[1]) == BLANK)[None, :], logits, -np.inf)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    tokens: list[tuple[int, int, int, float]] = []
    previous = BLANK
    for column, label in enumerate(best.tolist()):
        if label != BLANK and label == previous:
            output, first, _, confidence = tokens[-1]
            tokens[-1] = (output, first, column, max(confidence, float(probabilities[column, label])))
        elif label != BLANK:
            tokens.append((label, column, column, float(probabilities[column, label])))
        previous = label
    return tokens


class LineReader:
    """A loaded line reader: `LineReader.load(folder).read(image, row)`."""

    def __init__(self, forward: LineForward, labels: list[str], source: str = "in memory") -> None:
        unknown = [label for label in labels if label not in SHAPE_IDS and label != SEPARATOR_LABEL]
        if unknown:
            raise ValueError(f"{source}: the line reader's labels {unknown} are neither shapes nor {SEPARATOR_LABEL!r}")
        self.forward, self.labels, self.source = forward, list(labels), source

    @classmethod
    def load(cls, folder: Path) -> LineReader:
        """Read lines.keras and lines.json from a model folder (no Keras: zipfile and h5py)."""
        config = json.loads((Path(folder) / LINES_CONFIG_FILENAME).read_text(encoding="utf-8"))
        stored = read_keras_file(Path(folder) / LINES_MODEL_FILENAME)
        return cls(LineForward.from_layers(stored.layers), config["labels"], str(folder))

    @classmethod
    def from_keras(cls, model, labels: list[str] | tuple[str, ...]) -> LineReader:
        """A reader of a Keras model in memory (as `runes.train_lines` builds it), run in numpy all the same."""
        return cls(LineForward.from_layers(model.layers), list(labels), "in memory")

    def logits(self, tensor: np.ndarray) -> np.ndarray:
        """The network's outputs for one line input (LINE_HEIGHT, width, 1): (width / STRIDE, outputs)."""
        return self.forward(tensor[None])[0, 0]

    def read(self, image: np.ndarray | Image.Image, row: str, boundary: float = BOUNDARY) -> Inscription:
        """Read a line of runes of `row` (a row id, already checked) written left to right.
        `boundary`: where between two labels' columns one rune's box ends and the next one's starts (0 to 1)."""
        tensor, placement = line_input(image)
        if nothing_to_read(placement.mask):  # specks or noise, as the rule reader says
            return _inscription([])
        the_row = get_row(row)
        shapes = the_row.shapes
        allowed = np.array([False] + [label in shapes or label == SEPARATOR_LABEL for label in self.labels])
        tokens = greedy_decode(self.logits(tensor), allowed)
        centres = [STRIDE * (first + last + 1) / 2 for _, first, last, _ in tokens]
        bounds = [
            0.0,
            *(a + boundary * (b - a) for a, b in zip(centres, centres[1:], strict=False)),
            float(tensor.shape[1]),
        ]
        found: list[Found | None] = []  # each rune; None at a separator
        for index, (output, _, _, confidence) in enumerate(tokens):
            label = self.labels[output - 1]
            if label == SEPARATOR_LABEL:
                found.append(None)
                continue
            start, end = (max(0, round(placement.ink_column(b))) for b in bounds[index : index + 2])
            columns = placement.mask[:, start : max(end, start + 1)]
            box = mask_box(columns)
            if box is None:  # no ink between the neighbours: its columns, the line's rows
                box = (placement.box[0], 0, placement.box[2], max(end, start + 1) - start)
            top, left, bottom, right = box
            found.append((label, confidence, (top, start + left, bottom, start + right)))
        return self._inscription(found, the_row.id, placement)

    @staticmethod
    def _inscription(found: list[Found | None], row: str, placement: LinePlacement) -> Inscription:
        the_row = get_row(row)
        runes = [item for item in found if item is not None]
        heights = np.array([box[2] - box[0] for _, _, box in runes] or [1])
        tall = heights >= 0.5 * heights.max()
        line = float(np.median(heights[tall]))
        middle = (np.median([b[0] for _, _, b in runes] or [0]) + np.median([b[2] for _, _, b in runes] or [0])) / 2
        factor = placement.shrink
        height, width = placement.image_shape
        words: list[list[RuneReading]] = [[]]
        for item in found:
            if item is None:
                words.append([])
                continue
            shape, confidence, (top, left, bottom, right) = item
            rune = the_row.shapes[shape]
            glyph = the_row.form_glyph(rune, shape)
            lone = the_row.lone_stroke(0.0 if (top + bottom) / 2 < middle else 1.0)
            if lone and shape == "isa" and bottom - top < SHORT_TWIG * line:  # a lone short stroke: ᛌ or ᛧ
                rune, glyph = lone, str(the_row.rune(lone).short_twig_glyph)
            box = (top * factor, left * factor, min(height, bottom * factor), min(width, right * factor))
            words[-1].append(RuneReading(rune, glyph, confidence, box, row))
        return _inscription(words)
