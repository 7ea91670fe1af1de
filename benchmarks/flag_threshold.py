"""Measure runes.dataset.OTHER_RUNE_CONFIDENCE: which contributed drawings `flag_for` marks as junk.

    python benchmarks/flag_threshold.py [--model DIR] [--sketches 50] [--noise 200] [--seed 0]

For several thresholds it reports the share of drawings that `flag_for(label, prediction, threshold)` flags:

- honest drawings, which should never be flagged: the real drawings in ../shared/real-runes/dev/<rune id>/
  labelled with their rune (evaluation only: never copied into the repo) and generated sketches
  (runes.sketches, seeds unlike the training ones) labelled with their rune;
- junk, which should be: the same drawings saved under a wrong random label, Omniglot characters of
  other scripts (../shared/nonrunes/dev/<script>/<char>/*.png) and random noise, under a random label.

"not a rune" flags do not depend on the threshold; the share flagged at a threshold counts both kinds.
Pick the threshold where honest real drawings are (about) never flagged and as much junk as possible is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
from PIL import Image

from runes import RUNE_IDS, Recognizer
from runes.sketches import draw_sketch
from runes.store import FLAG_NOT_A_RUNE, OTHER_RUNE_CONFIDENCE, flag_for

SHARED = ROOT.parent / "shared"
REAL_RUNES = SHARED / "real-runes" / "dev"
NON_RUNES = SHARED / "nonrunes" / "dev"
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
SKETCH_SEED = 900_000  # draw_sketch(rune, SKETCH_SEED + i): not a seed runes.train draws from


def _gray(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"))


def _wrong_labels(labels: list[str], rng: np.random.Generator) -> list[str]:
    return [str(rng.choice([r for r in RUNE_IDS if r != label])) for label in labels]


def _noise(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Half uniform grey noise, half salt and pepper (5-50% ink), on the app's 384 px canvas."""
    images = []
    for index in range(count):
        if index % 2:
            images.append(np.where(rng.random((384, 384)) < rng.uniform(0.05, 0.5), 0, 255).astype(np.uint8))
        else:
            images.append((rng.random((384, 384)) * 255).astype(np.uint8))
    return images


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--sketches", type=int, default=50, help="generated sketches per rune")
    parser.add_argument("--noise", type=int, default=200, help="noise images")
    parser.add_argument("--seed", type=int, default=0, help="seeds the wrong labels and the noise")
    args = parser.parse_args()
    for folder in (REAL_RUNES, NON_RUNES):
        if not folder.is_dir():
            sys.exit(f"needs {folder}")
    rng = np.random.default_rng(args.seed)
    recognizer = Recognizer.load(args.model)

    real_paths = sorted(REAL_RUNES.glob("*/*.png"))
    real = [_gray(p) for p in real_paths]
    real_labels = [p.parent.name for p in real_paths]
    sketch_labels = [r for r in RUNE_IDS for _ in range(args.sketches)]
    sketches = [draw_sketch(r, SKETCH_SEED + i) for r in RUNE_IDS for i in range(args.sketches)]
    omniglot = [_gray(p) for p in sorted(NON_RUNES.glob("*/*/*.png"))]
    noise = _noise(args.noise, rng)
    real_predictions = recognizer.predict_batch(real)
    sketch_predictions = recognizer.predict_batch(sketches)
    groups = {  # name -> (labels, predictions, honest?)
        "real, true label": (real_labels, real_predictions, True),
        "sketch, true label": (sketch_labels, sketch_predictions, True),
        "real, wrong label": (_wrong_labels(real_labels, rng), real_predictions, False),
        "sketch, wrong label": (_wrong_labels(sketch_labels, rng), sketch_predictions, False),
        "Omniglot, random label": (
            [str(rng.choice(RUNE_IDS)) for _ in omniglot],
            recognizer.predict_batch(omniglot),
            False,
        ),
        "noise, random label": ([str(rng.choice(RUNE_IDS)) for _ in noise], recognizer.predict_batch(noise), False),
    }
    print(f"model: {recognizer.source}; current OTHER_RUNE_CONFIDENCE {OTHER_RUNE_CONFIDENCE}")
    print(
        "share flagged (honest drawings should be 0, junk 1); n = "
        + ", ".join(f"{name} {len(labels)}" for name, (labels, _, _) in groups.items())
    )
    width = max(len(name) for name in groups) + 2
    print(f"{'threshold':>9}  " + "".join(f"{name:>{width}}" for name in groups))
    not_a_rune = {
        name: np.mean([flag_for(label, p) == FLAG_NOT_A_RUNE for label, p in zip(labels, predictions, strict=True)])
        for name, (labels, predictions, _) in groups.items()
    }
    print(f"{'not rune':>9}  " + "".join(f"{not_a_rune[name]:>{width}.4f}" for name in groups))
    for threshold in THRESHOLDS:
        shares = [
            np.mean([flag_for(label, p, threshold) is not None for label, p in zip(labels, predictions, strict=True)])
            for labels, predictions, _ in groups.values()
        ]
        print(f"{threshold:>9}  " + "".join(f"{share:>{width}.4f}" for share in shares))
    print("honest drawings read as another rune (file, read as, confidence):")
    for path, label, prediction in zip(real_paths, real_labels, real_predictions, strict=True):
        if prediction.rune != label or not prediction.is_rune:
            print(
                f"  {path.relative_to(REAL_RUNES)}: {prediction.rune} {prediction.confidence:.4f}"
                f"{'' if prediction.is_rune else ' (not a rune)'}"
            )
    misread = sorted(
        p.confidence for label, p in zip(sketch_labels, sketch_predictions, strict=True) if p.rune != label
    )
    print(
        f"  generated sketches: {len(misread)} of {len(sketch_labels)} misread, highest confidences "
        + ", ".join(f"{c:.4f}" for c in misread[-5:])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
