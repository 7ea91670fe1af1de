"""What a model's outputs mean: `Prediction`, one sketch read in one rune row, and `Outputs`, which reads them.

The outputs are glyph shapes (`runes.rows.SHAPES`), then "bluetooth" and "other" (runes.nonrunes), then any
symbols taught by `runes.teach`. Reading a sketch in a row sums the probabilities of the row's shapes per rune:
ᛏ and ᛐ are both týr in the Younger row; ᛘ is maðr there and ᛉ algiz in the Elder. A sketch is a rune of the
row when all shapes together reach the row's rune_threshold (calibrated by runes.train) and the likeliest shape
is one of the row's: a clear shape of another row is "not a rune" of this one, and `Prediction.elsewhere` says
which rune it is there. A drawing torn between a shape of the row and a like shape of another row (ᚴ and ᚲ)
stays a rune of the row when the row's shape leads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from runes.folder import OLD_MODEL_ROWS, ROWS_KEY, TAUGHT_KEY
from runes.labels import BLUETOOTH, EXTRA_LABELS
from runes.preprocess import Placement
from runes.rows import DEFAULT_ROW, ROWS, get_row, row_of_shape

__all__ = [
    "Prediction",
    "Outputs",
    "lone_stroke_place",
    "LONE_STROKE",
    "LONE_WIDTH",
    "LONE_SHAPE",
    "BLUETOOTH_THRESHOLD",
]

BLUETOOTH_THRESHOLD = 0.5  # the Bluetooth output at least this: the sketch is the logo, not a rune

# In the short-twig row, which writes ᛌ sól and ᛧ yr as a lone short stroke, a narrow mark (at most LONE_WIDTH
# as wide as tall) spanning less than LONE_STROKE of the image's height, that the row reads best as ᛁ íss, is one
# of them: sól in the upper half, yr in the lower (benchmarks/bench_font.py draws them in such a frame).
LONE_SHAPE = "isa"  # the shape a lone short stroke is read as (ᛁ) until its place makes it ᛌ or ᛧ
LONE_STROKE = 0.5
LONE_WIDTH = 0.8


@dataclass(frozen=True)
class Prediction:
    """What the model thinks one sketch is, read in one rune row."""

    rune: str  # id of the row's most likely rune (even when the sketch is probably not a rune of the row)
    confidence: float  # its probability among the row's runes
    probabilities: dict[str, float] = field(repr=False)  # every rune id of the row -> probability, row order, sums to 1
    is_rune: bool = True  # the shapes of all rows together reach the row's threshold and the likeliest is the row's
    rune_probability: float = 1.0  # the probability the model gives the row's shapes together
    bluetooth: bool = False  # the sketch looks like the Bluetooth logo, the bind rune of ᚼ and ᛒ
    symbol: str | None = None  # the taught symbol (runes.teach) the sketch is, if any; is_rune is then False
    symbols: dict[str, float] = field(default_factory=dict, repr=False)  # taught symbol -> probability (of all outputs)
    row: str = DEFAULT_ROW  # the row it was read in (runes.rows)
    shape: str = ""  # the most likely of the row's shapes (runes.rows.SHAPES), e.g. "tyr-short" for ᛐ
    elsewhere: tuple[str, str] | None = None  # (row id, rune id) when it is a rune of another row: ("elder", "gebo")

    @property
    def glyph(self) -> str:
        """The rune's glyph in the row, in the form drawn: ᛐ for a short-twig týr read in the Younger row."""
        return get_row(self.row).form_glyph(self.rune, self.shape)

    @property
    def name(self) -> str:
        return get_row(self.row).rune(self.rune).name

    @property
    def label(self) -> str:
        """Glyph and name as shown to people: "ᚷ gebō"."""
        return f"{self.glyph} {self.name}"

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The k most likely (rune id, probability) pairs, most likely first."""
        return sorted(self.probabilities.items(), key=lambda item: -item[1])[:k]


def lone_stroke_place(placement: Placement, row: str) -> float | None:
    """Where a short narrow mark sits in the image (0 = top, 1 = bottom) when the row reads one as ᛌ or ᛧ; else None."""
    top, left, bottom, right = placement.box
    lone = (
        get_row(row).forms == "short"
        and bottom - top < LONE_STROKE * placement.ink_height
        and right - left <= LONE_WIDTH * (bottom - top)
    )
    return (top + bottom) / 2 / placement.ink_height if lone else None


class Outputs:
    """A model's labels and config read as runes of rows: `outputs.prediction(probabilities, row)`."""

    def __init__(self, labels: list[str], config: dict) -> None:
        self.labels = list(labels)
        taught = set(config.get(TAUGHT_KEY, ()))
        self.taught_labels = [label for label in self.labels if label in taught]
        self.rune_labels = [label for label in self.labels if label not in EXTRA_LABELS and label not in taught]
        self._rune_indices = np.array([self.labels.index(label) for label in self.rune_labels])
        self.rows = list(config.get(ROWS_KEY, OLD_MODEL_ROWS))
        self.default_row = DEFAULT_ROW if DEFAULT_ROW in self.rows else self.rows[0]
        # Per row: the output index of each of its shapes the model has, and the rune each is read as.
        self._rows = {
            row: [
                (self.labels.index(shape), shape, rune)
                for shape, rune in get_row(row).shapes.items()
                if shape in self.labels
            ]
            for row in self.rows
        }
        self._row_shapes = {row: {shape for _, shape, _ in shapes} for row, shapes in self._rows.items()}
        self._row_runes = {
            row: [rune.id for rune in get_row(row).runes if any(r == rune.id for _, _, r in shapes)]
            for row, shapes in self._rows.items()
        }
        # Per row, made once for the hot path: the columns of its shapes, and a 0/1 matrix that sums them per rune.
        self._row_columns = {row: np.array([index for index, _, _ in shapes]) for row, shapes in self._rows.items()}
        self._row_sums = {
            row: np.array([[float(r == rune) for rune in self._row_runes[row]] for _, _, r in shapes])
            for row, shapes in self._rows.items()
        }
        self._taught_indices = [self.labels.index(label) for label in self.taught_labels]
        # "other" and "bluetooth": a taught symbol must beat them (and the runes together) to win.
        self._extra_indices = [index for index, label in enumerate(self.labels) if label in EXTRA_LABELS]
        self._bluetooth_index = self.labels.index(BLUETOOTH) if BLUETOOTH in self.labels else None
        # A sketch is a rune of a row when the row's shapes hold at least this much probability together
        # (calibrated on generated sketches by runes.train and stored in config.json, per row and overall).
        self.rune_threshold = float(config.get("rune_threshold", 0.5))
        self._row_thresholds = {row: float(value) for row, value in config.get("row_thresholds", {}).items()}

    def check_row(self, row: str | None) -> str:
        """The row id to read in: `row`, or the default row for None or "". A ValueError in plain words (saying
        which rows there are) for an unknown row or one the model does not read.

        The one check of a row: the Recognizer's methods call it where a row comes in, and pass the checked id on."""
        if row is None or row == "":
            return self.default_row
        if not isinstance(row, str) or row not in ROWS:
            raise ValueError(f"There is no rune row {str(row)[:40]!r} here: choose one of {', '.join(self.rows)}.")
        if row not in self.rows:
            raise ValueError(
                f"This model reads the rows {', '.join(self.rows)}, not {row!r}: it was trained before "
                "that row was added. Retrain it (python -m runes.train) or load the bundled model."
            )
        return row

    def threshold(self, row: str) -> float:
        """The row's rune_threshold: calibrated for the row, else the model's overall one."""
        return self._row_thresholds.get(row, self.rune_threshold)

    def row_runes(self, row: str | None = None) -> list[str]:
        """The ids of the row's runes this model reads (it has a shape for), in row order."""
        return list(self._row_runes[self.check_row(row)])  # (a public question: checks its row)

    def prediction(self, probabilities: np.ndarray, row: str, frame: float | None = None) -> Prediction:
        """The Prediction for one output vector, read in `row` (a row id `check_row` passed); `frame` is where a
        lone stroke sits (lone_stroke_place)."""
        probabilities = probabilities.astype(np.float64)
        probabilities /= probabilities.sum()
        shapes = self._rows[row]
        shape_probabilities = probabilities[self._row_columns[row]]
        rune_probability = float(shape_probabilities.sum())
        per_rune = shape_probabilities @ self._row_sums[row] / max(rune_probability, 1e-12)
        by_rune = dict(zip(self._row_runes[row], per_rune.tolist(), strict=True))
        best_shape = shapes[int(np.argmax(shape_probabilities))]
        rune = best_shape[2]
        threshold = self.threshold(row)
        bluetooth = self._bluetooth_index is not None and probabilities[self._bluetooth_index] >= BLUETOOTH_THRESHOLD
        # Is it a rune at all (all shapes together), and is its most likely shape one of this row's?
        all_shapes = probabilities[self._rune_indices]
        total = float(all_shapes.sum())
        strongest = self.rune_labels[int(np.argmax(all_shapes))]
        in_row = strongest in self._row_shapes[row]
        symbol, symbols = None, {}
        if self._taught_indices:
            # A taught symbol wins when its output beats the runes together and every other output.
            taught = probabilities[self._taught_indices]
            symbols = {label: float(p) for label, p in zip(self.taught_labels, taught, strict=True)}
            best = int(np.argmax(taught))
            rivals = [total, *probabilities[self._extra_indices], *np.delete(taught, best)]
            if taught[best] > max(rivals):
                symbol = self.taught_labels[best]
        plain = not bluetooth and symbol is None
        is_rune = total >= threshold and in_row and plain
        # A short narrow mark in a row that writes ᛌ and ᛧ so: one of them, when the row reads it best as ᛁ or
        # the model calls it no rune at all (a short stroke cut square reads as a blob); another rune stays so.
        lone = (
            get_row(row).lone_stroke(frame)
            if frame is not None and plain and (best_shape[1] == LONE_SHAPE or not is_rune)
            else None
        )
        if lone:  # ᛌ or ᛧ: the stroke takes íss's probability
            rune, is_rune = lone, True
            by_rune = {(lone if label == LONE_SHAPE else label): p for label, p in by_rune.items()}
            by_rune.setdefault(lone, 0.0)
        elsewhere = None
        if not is_rune and not in_row and total >= threshold and plain:  # a clear rune of another row: which
            other_row, other_rune = row_of_shape(strongest)
            elsewhere = (other_row.id, other_rune)
        return Prediction(
            rune=rune,
            confidence=float(by_rune[rune]),
            probabilities={label: float(p) for label, p in by_rune.items()},
            is_rune=is_rune,
            rune_probability=rune_probability,
            bluetooth=bool(bluetooth),
            symbol=symbol,
            symbols=symbols,
            row=row,
            shape=best_shape[1],
            elsewhere=elsewhere,
        )
