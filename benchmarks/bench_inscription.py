"""Reading inscriptions: the learned line reader (`Recognizer.read`) on lines of real drawings and of the font.

    python benchmarks/bench_inscription.py [--lines 300] [--seed 7 2024 99] [--row long-branch]
        [--sets mixed spaced touching font] [--model FOLDER]

Sets (each seed composes its own --lines lines; 900 by default):
- mixed: lines of 2-6 drawings from ../shared/real-runes/dev (random gaps, separators; 35% of the
  neighbours within a word touch or overlap; see tests/test_inscription.py), as this benchmark always read;
- spaced: the same drawings, no neighbours touching; touching: the same with 40% touching;
- font: lines typed in the bundled font (Noto Sans Runic), 2-6 runes of the row in words split by ᛫ or ᛬,
  in every row (--lines lines per row, for the first seed only).

For each set: sequence accuracy (every rune and word split right), per-rune accuracy (the runes read in the right
order, a longest common subsequence, the same on every set), the share of boxes that overlap the true box by IoU >=
0.5 (on lines read with the right number of runes), and the median time per line (wall clock, and this process's CPU
time: the machine may be shared). The baseline, measured in the same run: the rune CNN predicting the same drawings
one by one (`Recognizer.predict`), the work a reader of the runes alone would do; the ratio is the line's time over
that. The model folder needs its line reader (lines.keras, `python -m runes.train_lines`). The rule reader the
learned one replaced was measured beside it in docs/line-reader.md before it was deleted.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np
from PIL import Image
from test_inscription import REAL_RUNES, _matched, compose_inscriptions, load_drawings, score

from runes import Recognizer
from runes.rows import ROW_IDS, WORD_SEPARATOR, get_row
from runes.writing import render_runes

TOUCHING = {"mixed": 0.35, "spaced": 0.0, "touching": 0.4}


@dataclass(frozen=True)
class FontLine:
    """A line typed in the bundled font and what it says."""

    image: np.ndarray
    words: tuple[tuple[str, ...], ...]
    row: str


def font_lines(count: int, seed: int, row_id: str) -> list[FontLine]:
    """`count` lines of 2-6 random runes of the row typed in the bundled font, words split by ᛫ or ᛬."""
    rng = np.random.default_rng(seed)
    row = get_row(row_id)
    forms = [(rune.id, row.glyph(rune.id)) for rune in row.runes]
    if row.forms == "both":  # the Younger row reads both forms
        forms += [(rune.id, str(rune.short_twig_glyph)) for rune in row.runes if rune.short_twig_glyph]
    forms = sorted(set(forms))
    lines = []
    for _ in range(count):
        picks = [forms[int(rng.integers(len(forms)))] for _ in range(int(rng.integers(2, 7)))]
        ends = set(rng.choice(np.arange(1, len(picks)), size=int(rng.integers(0, 2)), replace=False).tolist())
        text, words = "", [[]]
        for index, (rune_id, glyph) in enumerate(picks):
            if index in ends:
                text += str(rng.choice([WORD_SEPARATOR, "᛬"]))
                words.append([])
            text += glyph
            words[-1].append(rune_id)
        image = render_runes(text, font_size=int(rng.integers(48, 97)), margin=12)
        lines.append(FontLine(image, tuple(tuple(word) for word in words), row_id))
    return lines


def _font_score(readings, lines: list[FontLine]) -> dict[str, float]:
    right = runes = matched = 0
    for line, reading in zip(lines, readings, strict=True):
        truth = [list(word) for word in line.words]
        read = [[r.rune for r in word] for word in reading.words]
        right += truth == read
        flat_truth, flat_read = sum(truth, []), sum(read, [])
        runes += len(flat_truth)
        matched += _matched(flat_truth, flat_read)
    return {"sequence_accuracy": right / len(lines), "rune_accuracy": matched / runes}


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    height = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    width = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = height * width
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / max(union, 1)


def box_agreement(lines, readings) -> float:
    """Share of the runes whose box overlaps their true box by IoU >= 0.5, on lines read with the right count."""
    good = total = 0
    for line, reading in zip(lines, readings, strict=True):
        if len(reading.runes) == len(line.boxes):
            good += sum(_iou(r.box, box) >= 0.5 for r, box in zip(reading.runes, line.boxes, strict=True))
            total += len(line.boxes)
    return good / max(total, 1)


def read_sets(recognizer, name: str, sets: list) -> tuple[list[tuple[int, dict]], list[float], list[float]]:
    """Read the lines of set `name` (`sets`: (row, lines) pairs): each pair's line count and scores, and the wall
    and CPU seconds of each line."""
    results, elapsed, cpu = [], [], []
    for row, lines in sets:
        recognizer.read(lines[0].image, row)  # warm
        readings = []
        for line in lines:
            start, cpu_start = time.perf_counter(), time.process_time()
            readings.append(recognizer.read(line.image, row))
            elapsed.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        if name == "font":
            results.append((len(lines), _font_score(readings, lines)))
        else:
            result = score(recognizer, lines, readings)
            results.append((len(lines), {**result, "boxes": box_agreement(lines, readings)}))
    return results, elapsed, cpu


def weighted(results: list[tuple[int, dict]], key: str) -> float:
    """The mean of one score over `read_sets`' results, each weighed by its line count."""
    return sum(n * r[key] for n, r in results) / sum(n for n, _ in results)


def load(model: str | None):
    """The model folder's recognizer, warmed up, and the real drawings (exits when ../shared lacks them)."""
    if not REAL_RUNES.is_dir():
        sys.exit(f"needs {REAL_RUNES}")
    recognizer = Recognizer.load(model)
    recognizer.warm_up()
    return recognizer, load_drawings()


def one_by_one(recognizer, lines, row: str | None) -> float:
    """The median wall time over `lines` of predicting each line's drawings one by one (the baseline)."""
    times = []
    for line in lines:
        drawings = [np.asarray(Image.open(source)) for source in line.sources]
        start = time.perf_counter()
        for drawing in drawings:
            recognizer.predict(drawing, row)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--seed", type=int, nargs="+", default=[7, 2024, 99], help="one or more seeds")
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--row", default=None, help="rune row to read the real lines in (default: younger)")
    parser.add_argument("--sets", nargs="+", default=["mixed", "spaced", "touching", "font"])
    args = parser.parse_args()
    recognizer, drawings = load(args.model)
    baseline = one_by_one(recognizer, compose_inscriptions(100, args.seed[0], drawings), args.row) * 1000
    print(f"model {recognizer.source}; {args.lines} lines per seed, seeds {' '.join(map(str, args.seed))}")
    print(f"baseline: the runes of 100 mixed lines predicted one by one, {baseline:.2f} ms a line (median)")
    print(
        f"{'set':<10} {'lines':>6} {'sequence':>9} {'per rune':>9} {'boxes':>7} {'ms/line':>8} {'ratio':>6} {'cpu ms':>7}"
    )
    for name in args.sets:
        if name == "font":
            sets = [(row, font_lines(args.lines, args.seed[0], row)) for row in ROW_IDS]
        else:
            lines = [
                line for seed in args.seed for line in compose_inscriptions(args.lines, seed, drawings, TOUCHING[name])
            ]
            sets = [(args.row, lines)]
        results, elapsed, cpu = read_sets(recognizer, name, sets)
        count = sum(n for n, _ in results)
        sequence, per_rune = weighted(results, "sequence_accuracy"), weighted(results, "rune_accuracy")
        wall_ms, cpu_ms = float(np.median(elapsed)) * 1000, float(np.median(cpu)) * 1000
        label = name if name != "touching" else "touch 40%"
        boxes = f"{results[0][1]['boxes']:.4f}" if name != "font" else "-"
        print(
            f"{label:<10} {count:>6} {sequence:>9.4f} {per_rune:>9.4f} {boxes:>7} "
            f"{wall_ms:>8.2f} {wall_ms / baseline:>6.2f} {cpu_ms:>7.2f}"
        )
        if name == "font":
            print(
                "           by row: "
                + ", ".join(
                    f"{row} {r['sequence_accuracy']:.4f}" for (row, _), (_, r) in zip(sets, results, strict=True)
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
