"""Measure a model on a labelled folder: `python -m runes.evaluate DIR [--model SOURCE] [--nonrunes DIR2] [--row ID]`.

DIR holds DIR/<rune id>/*.png, rune ids of the row read (`--row`, default younger; `--row all` reports every
row the model reads, one after the other). Prints per-rune precision and recall, the most confused
pairs, top-1 and top-3 accuracy among the runes, the share of DIR's runes the model accepts
as runes, and as its last line `accuracy: 0.XXXX (n=N)`. With `--nonrunes DIR2` (images of
anything but runes, in any sub-folders) the line before it is
`rejection: 0.XXXX (n=N) at acceptance 0.XXXX`. Images with no ink are counted (as misses)
and reported, never crashed on.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from runes.preprocess import EmptySketchError, preprocess
from runes.rows import get_row

__all__ = ["EvaluationReport", "RejectionReport", "evaluate_folder", "evaluate_nonrunes", "main"]


@dataclass
class EvaluationReport:
    labels: list[str]
    true: list[int] = field(default_factory=list)  # label index per evaluated image
    ranked: list[list[int]] = field(default_factory=list)  # label indices by falling probability
    empty: list[str] = field(default_factory=list)  # files with no ink (counted as misses)
    unreadable: list[str] = field(default_factory=list)  # files that are not images (not counted)
    accepted: list[bool] = field(default_factory=list)  # per evaluated image: did the model call it a rune?

    @property
    def acceptance(self) -> float:
        """Share of the (inked) rune drawings the model accepts as runes."""
        return sum(self.accepted) / len(self.accepted) if self.accepted else 0.0

    @property
    def total(self) -> int:
        return len(self.true) + len(self.empty)

    def _top_k(self, k: int) -> float:
        hits = sum(t in r[:k] for t, r in zip(self.true, self.ranked, strict=True))
        return hits / self.total if self.total else 0.0

    @property
    def accuracy(self) -> float:
        return self._top_k(1)

    @property
    def top3_accuracy(self) -> float:
        return self._top_k(3)

    def metrics(self, folder: str | os.PathLike) -> dict:
        """The figures a model folder's metrics.json keeps under "real_drawings" (runes.train, runes.teach)."""
        return {
            "accuracy": self.accuracy,
            "top3_accuracy": self.top3_accuracy,
            "acceptance": self.acceptance,
            "n": self.total,
            "folder": Path(folder).name,
        }

    def per_label(self) -> list[tuple[str, float, float, int]]:
        """(label, precision, recall, support) for every label with support or predictions."""
        predicted = [r[0] for r in self.ranked]
        rows = []
        for index, label in enumerate(self.labels):
            support = self.true.count(index) + sum(1 for name in self.empty if name.split("/")[0] == label)
            guessed = predicted.count(index)
            correct = sum(1 for t, p in zip(self.true, predicted, strict=True) if t == p == index)
            if support or guessed:
                rows.append(
                    (label, correct / guessed if guessed else 0.0, correct / support if support else 0.0, support)
                )
        return rows

    def confused_pairs(self, most: int = 5) -> list[tuple[str, str, int]]:
        """(true label, predicted label, count) for the most frequent mistakes."""
        mistakes = Counter((t, r[0]) for t, r in zip(self.true, self.ranked, strict=True) if t != r[0])
        return [(self.labels[t], self.labels[p], n) for (t, p), n in mistakes.most_common(most)]


def evaluate_folder(
    folder: str | os.PathLike,
    recognizer,
    row: str | None = None,
    shape_folders_only: bool = False,
    transform: Callable[[Image.Image], Image.Image] | None = None,
) -> EvaluationReport:
    """Run the recognizer on every DIR/<rune id>/*.png for the runes of `row` (None: its default row) it reads.

    A folder named after a shape the row reads counts as that shape's rune: DIR/fe/*.png are fehu in the Elder row,
    DIR/tyr-short/*.png týr in the Younger row. With `shape_folders_only`, only folders named after a shape the row
    reads are read (drawings of a known form: DIR/as/ holds ᚬ, a long-branch shape the short-twig row does not read).
    `transform`, when given, changes each image before it is read (benchmarks/bench_slant.py turns and slants them)."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"Evaluation folder {str(root)!r} does not exist (expected DIR/<rune id>/*.png).")
    row = recognizer.check_row(row)
    report = EvaluationReport(labels=recognizer.row_runes(row))
    tensors, targets = [], []
    shapes = get_row(row).shapes
    for index, label in enumerate(report.labels):
        # DIR/<rune id of the row>, and DIR/<shape id> for each shape the row reads as this rune ("fe" is fehu)
        folders = [label] + [shape for shape, rune in shapes.items() if rune == label and shape != label]
        folders = [name for name in folders if name in shapes] if shape_folders_only else folders
        for path in sorted(path for folder in folders for path in (root / folder).glob("*.png")):
            name = f"{path.parent.name}/{path.name}"
            try:
                with Image.open(path) as image:
                    tensors.append(preprocess(transform(image) if transform else image))
                targets.append(index)
            except EmptySketchError:
                report.empty.append(name)
            except (UnidentifiedImageError, OSError, ValueError):
                report.unreadable.append(name)
    predictions = recognizer.predict_preprocessed(tensors, row)
    report.true = targets
    report.ranked = [[report.labels.index(label) for label, _ in p.top(len(report.labels))] for p in predictions]
    report.accepted = [p.is_rune for p in predictions]
    return report


@dataclass
class RejectionReport:
    rejected: int = 0
    total: int = 0  # images with ink
    empty: int = 0  # images with no ink (not counted)
    unreadable: int = 0
    accepted_as: Counter = field(default_factory=Counter)  # rune id -> non-runes accepted as it

    @property
    def rejection(self) -> float:
        return self.rejected / self.total if self.total else 0.0


def evaluate_nonrunes(
    folder: str | os.PathLike, recognizer, batch_size: int = 512, row: str | None = None
) -> RejectionReport:
    """How many images under `folder` (any depth, *.png) the recognizer rejects as "not a rune" of `row`."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"Non-rune folder {str(root)!r} does not exist.")
    report = RejectionReport()
    tensors = []
    for path in sorted(root.rglob("*.png")):
        try:
            with Image.open(path) as image:
                tensors.append(preprocess(image))
        except EmptySketchError:
            report.empty += 1
        except (UnidentifiedImageError, OSError, ValueError):
            report.unreadable += 1
    for start in range(0, len(tensors), batch_size):
        for prediction in recognizer.predict_preprocessed(tensors[start : start + batch_size], row):
            report.total += 1
            if prediction.is_rune:
                report.accepted_as[prediction.rune] += 1
            else:
                report.rejected += 1
    return report


def format_report(report: EvaluationReport, rejection: RejectionReport | None = None) -> str:
    lines = [f"{'rune':<8} {'precision':>9} {'recall':>7} {'n':>4}"]
    lines += [
        f"{label:<8} {precision:>9.3f} {recall:>7.3f} {support:>4}"
        for label, precision, recall, support in report.per_label()
    ]
    pairs = report.confused_pairs()
    lines.append(
        "most confused (true -> predicted): "
        + (", ".join(f"{t} -> {p} x{n}" for t, p, n in pairs) if pairs else "none")
    )
    if report.empty:
        lines.append(f"no ink in {len(report.empty)} image(s), counted as misses: {', '.join(report.empty[:10])}")
    if report.unreadable:
        lines.append(f"skipped {len(report.unreadable)} unreadable file(s): {', '.join(report.unreadable[:10])}")
    lines.append(f"top-3 accuracy: {report.top3_accuracy:.4f}")
    lines.append(f"accepted as runes: {report.acceptance:.4f} ({sum(report.accepted)} of {len(report.accepted)})")
    if rejection is not None:
        common = ", ".join(f"{rune} x{n}" for rune, n in rejection.accepted_as.most_common(5)) or "none"
        lines.append(f"non-runes accepted, read as: {common}")
        if rejection.empty or rejection.unreadable:
            lines.append(f"non-runes skipped: {rejection.empty} without ink, {rejection.unreadable} unreadable")
        lines.append(
            f"rejection: {rejection.rejection:.4f} (n={rejection.total}) at acceptance {report.acceptance:.4f}"
        )
    lines.append(f"accuracy: {report.accuracy:.4f} (n={report.total})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m runes.evaluate", description="Evaluate a rune model on a labelled folder DIR/<rune id>/*.png."
    )
    parser.add_argument("folder", help="labelled folder, e.g. ../shared/real-runes/dev")
    parser.add_argument(
        "--model",
        default=os.environ.get("RUNES_MODEL") or None,
        help="model folder (default: $RUNES_MODEL, else the bundled model)",
    )
    parser.add_argument("--nonrunes", metavar="DIR", help="folder of non-rune images (any depth) to measure rejection")
    parser.add_argument(
        "--row",
        default=None,
        help="rune row to read in: younger (default), long-branch, short-twig, "
        "elder, or all (every row the model reads)",
    )
    args = parser.parse_args(argv)
    from runes.model import ModelLoadError, Recognizer

    try:
        recognizer = Recognizer.load(args.model)
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"model: {recognizer.source}")
    rows = recognizer.rows if args.row == "all" else [args.row]
    for row in rows:
        try:
            row = recognizer.check_row(row)
        except (KeyError, ValueError) as error:
            print(f"error: {error.args[0]}", file=sys.stderr)
            return 2
        if len(rows) > 1:
            print(f"\n== row: {row}")
        rejection = evaluate_nonrunes(args.nonrunes, recognizer, row=row) if args.nonrunes else None
        print(format_report(evaluate_folder(args.folder, recognizer, row), rejection))
    return 0


if __name__ == "__main__":
    sys.exit(main())
