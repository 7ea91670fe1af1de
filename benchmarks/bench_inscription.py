"""Reading inscriptions: accuracy on composed lines of real drawings, and time per line.

    python benchmarks/bench_inscription.py [--lines 300] [--seed 7 2024 99] [--row long-branch]

Each seed composes its own --lines lines; the figures are over all of them (900 lines by default), with
the sequence accuracy of each seed's lines listed too.

Lines of 2-6 drawings from ../shared/real-runes/dev (random gaps, touching runes, separators; see
tests/test_inscription.py) are read with read_inscription. The time is compared with predicting the
same runes one by one with Recognizer.predict on their own images, measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np
from PIL import Image
from test_inscription import REAL_RUNES, compose_inscriptions, score

from runes import Recognizer
from runes.inscription import read_inscription


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--seed", type=int, nargs="+", default=[7, 2024, 99], help="one or more seeds")
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--row", default=None, help="rune row to read in (default: the model's, younger)")
    args = parser.parse_args()
    if not REAL_RUNES.is_dir():
        sys.exit(f"needs {REAL_RUNES}")
    recognizer = Recognizer.load(args.model)
    recognizer.warm_up()
    lines = [line for seed in args.seed for line in compose_inscriptions(args.lines, seed)]
    images = [[np.asarray(Image.open(source)) for source in line.sources] for line in lines]
    read_inscription(recognizer, lines[0].image, args.row)
    ours, baseline, readings = [], [], []
    for line, singles in zip(lines, images, strict=True):  # interleaved, so load from other processes hits both alike
        start = time.perf_counter()
        readings.append(read_inscription(recognizer, line.image, args.row))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        for single in singles:
            recognizer.predict(single)
        baseline.append(time.perf_counter() - start)
    result = score(recognizer, lines, readings)
    chunks = [slice(i * args.lines, (i + 1) * args.lines) for i in range(len(args.seed))]
    per_seed = [score(recognizer, lines[chunk], readings[chunk]) for chunk in chunks]
    print(
        f"lines {result['lines']} ({result['runes']} runes, seeds {' '.join(map(str, args.seed))}); "
        f"drawings right on their own: {result['isolated_accuracy']:.4f}"
    )
    print(
        f"sequence accuracy      {result['sequence_accuracy']:.4f}   (target 0.95; by seed: "
        + ", ".join(f"{seed}: {r['sequence_accuracy']:.4f}" for seed, r in zip(args.seed, per_seed, strict=True))
        + ")"
    )
    print(f"per-rune accuracy      {result['rune_accuracy']:.4f}")
    print(f"segmentation accuracy  {result['segmentation_accuracy']:.4f}   (right number of runes and words)")
    print(
        f"sequence accuracy on the {result['readable_lines']} lines whose drawings are all right on their own: "
        f"{result['readable_accuracy']:.4f}"
    )
    print(
        f"wrong lines: {result['segmentation_errors']} segmentation, {result['classification_errors']} "
        f"classification ({result['classification_errors_isolated']} with a drawing also wrong on its own)"
    )
    ms, base_ms = np.median(ours) * 1000, np.median(baseline) * 1000
    print(f"read_inscription       median {ms:7.2f} ms/inscription   p95 {np.percentile(ours, 95) * 1000:7.2f} ms")
    print(
        f"predict one by one     median {base_ms:7.2f} ms/inscription   p95 {np.percentile(baseline, 95) * 1000:7.2f} ms"
    )
    print(
        f"ratio read_inscription / one-by-one predict: {ms / base_ms:.2f} (median), "
        f"{sum(ours) / sum(baseline):.2f} (total)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
