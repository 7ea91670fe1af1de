"""How the model reads the runes of the font we ship: every glyph of a row, drawn by Noto Sans Runic.

Each glyph is rendered at several slants (a shear of -0.25..0.25) and weights (the outline thinned or
thickened with a min/max filter), and read with `Recognizer.predict`; a glyph counts as read right when
the model names its rune. Rows the model was not trained on are listed with the runes it cannot know.

    python benchmarks/bench_font.py [--model DIR] [--rows younger short-twig elder]

Known limits it shows: the short-twig ᛌ (sól) and ᛧ (yr) are a lone short stroke and read as ᛁ (íss)
on their own (see README, Limitations).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runes import Recognizer  # noqa: E402
from runes.rows import ROWS  # noqa: E402
from runes.writing import render_runes  # noqa: E402

SLANTS = (-0.25, -0.1, 0.0, 0.1, 0.25)
WEIGHTS = (-1, 0, 1)  # thin, regular, bold: -1 thins the strokes, 1 thickens them (one 3x3 filter pass at 64 px)


def variants(glyph: str) -> list[np.ndarray]:
    """The glyph in every slant and weight, dark ink on white."""
    base = Image.fromarray(render_runes(glyph, font_size=64, margin=32))
    out = []
    for slant in SLANTS:
        sheared = base.transform(base.size, Image.AFFINE, (1, slant, -slant * base.height / 2, 0, 1, 0),
                                 resample=Image.BILINEAR, fillcolor=255)
        for weight in WEIGHTS:
            image = sheared
            for _ in range(abs(weight)):
                image = image.filter(ImageFilter.MinFilter(3) if weight > 0 else ImageFilter.MaxFilter(3))
            out.append(np.asarray(image))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--rows", nargs="+", default=["younger", "short-twig", "elder"], choices=list(ROWS))
    args = parser.parse_args(argv)
    recognizer = Recognizer.load(args.model)
    known = set(recognizer.rune_labels)
    for row_id in args.rows:
        row = ROWS[row_id]
        right = total = 0
        misses, unknown = [], []
        for rune in row.runes:
            glyph = row.glyph(rune.id)
            if rune.id not in known:
                unknown.append(glyph)
                continue
            readings = Counter()
            for image in variants(glyph):
                prediction = recognizer.predict(image)
                readings[prediction.rune if prediction.is_rune else "not a rune"] += 1
            n = sum(readings.values())
            right, total = right + readings[rune.id], total + n
            if readings[rune.id] < n:
                wrong = ", ".join(f"{label} {count}" for label, count in readings.most_common() if label != rune.id)
                misses.append(f"{glyph} {rune.id}: {readings[rune.id]}/{n} (read as {wrong})")
        print(f"{row.name}: {right}/{total} variants read right ({right / max(total, 1):.3f}), "
              f"{len(row.runes) - len(unknown)} glyphs x {len(SLANTS) * len(WEIGHTS)} variants")
        for line in misses:
            print(f"  miss  {line}")
        if unknown:
            print(f"  not in this model: {' '.join(unknown)}")


if __name__ == "__main__":
    main()
