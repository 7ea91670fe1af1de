"""How the learned line reader's boxes are cut: agreement with the true boxes for each choice of BOUNDARY.

    python benchmarks/measure_line_boxes.py [--lines 100] [--model FOLDER]

On lines composed from the real drawings (tests/test_inscription.py; spaced, and with 40% touching), the share of
runes whose box overlaps the true one by IoU >= 0.5, on lines read with the right number of runes, for a rune's
box starting at 0.1 ... 0.9 of the way from the previous label's columns to its own
(runes.line_reader.BOUNDARY is the best of these).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_inscription import box_agreement
from test_inscription import compose_inscriptions, load_drawings

from runes import Recognizer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    args = parser.parse_args()
    reader = Recognizer.load(args.model).line_reader()
    drawings = load_drawings()
    for touch_rate in (0.0, 0.4):
        lines = compose_inscriptions(args.lines, 11, drawings, touch_rate)
        scores = {}
        for boundary in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            readings = [reader.read(line.image, "younger", boundary=boundary) for line in lines]
            scores[boundary] = box_agreement(lines, readings)
        print(f"touching {touch_rate:.0%}: " + ", ".join(f"{b}: {s:.3f}" for b, s in scores.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
