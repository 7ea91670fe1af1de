"""Measure `_ASPECT_RANGES` in runes/inscription.py: how wide each shape's ink is, from generated sketches.

    python benchmarks/measure_aspect.py            # print the measured table
    python benchmarks/measure_aspect.py --check    # exit 1 (with the differences) if runes/inscription.py differs
    python benchmarks/measure_aspect.py --write    # rewrite the table in runes/inscription.py in place

For each shape of `runes.rows.SHAPES`, the first PER_RUNE sketches `draw_templates(shape.templates, seed=i)` (slant, wobble,
pen width included) are reduced to their ink the way `read_inscription` does (`to_ink`, then
ink >= min(INK_THRESHOLD, strongest / 2)), and the width / height of the ink's box is taken. The table
holds the 2nd and 98th percentile of that ratio per shape, rounded to 2 decimals: what a plausible rune
is. The sketches are a deterministic function of their seed, so the table is exactly reproducible;
re-run with --write whenever the stroke templates (runes.alphabet, runes.rows) or the sketch style change.
About 3 s; tests/test_inscription.py checks that the committed table is what this computes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from runes.preprocess import ink_mask, mask_box, to_ink
from runes.rows import SHAPES
from runes.sketches import draw_templates

PER_RUNE = 150  # sketches per shape
PERCENTILES = (2, 98)
INSCRIPTION = ROOT / "runes" / "inscription.py"
# The table's assignment up to its closing brace, as this script writes it.
TABLE = re.compile(r"^_ASPECT_RANGES: dict\[str, tuple\[float, float\]\] = \{\n.*?^\}\n", re.MULTILINE | re.DOTALL)

Ranges = dict[str, tuple[float, float]]


def ink_aspect(image: np.ndarray) -> float:
    """Width / height of the box around the ink of one drawing, as read_inscription finds ink."""
    box = mask_box(ink_mask(to_ink(image)))
    assert box is not None, "a generated sketch always holds ink"
    top, left, bottom, right = box
    return (right - left) / (bottom - top)


def measure(per_rune: int = PER_RUNE) -> Ranges:
    """Shape id -> (2nd, 98th percentile of the ink's width / height), rounded to 2 decimals, SHAPES order."""
    ranges = {}
    for shape in SHAPES.values():
        aspects = [ink_aspect(draw_templates(shape.templates, seed=i)) for i in range(per_rune)]
        low, high = np.percentile(aspects, PERCENTILES)
        ranges[shape.id] = (round(float(low), 2), round(float(high), 2))
    return ranges


def table_source(ranges: Ranges) -> str:
    """The table as Python source, one shape a line (as ruff format writes it)."""
    lines = [f'    "{rune_id}": ({low}, {high}),' for rune_id, (low, high) in ranges.items()]
    return "_ASPECT_RANGES: dict[str, tuple[float, float]] = {\n" + "\n".join(lines) + "\n}\n"


def rewrite(source: str, ranges: Ranges) -> str:
    """`source` (runes/inscription.py's text) with its table replaced by `ranges`."""
    found = TABLE.findall(source)
    if len(found) != 1:
        raise ValueError(
            f"Expected one `_ASPECT_RANGES: dict[str, tuple[float, float]] = {{ ... }}` block ending "
            f"with a '}}' line in {INSCRIPTION}, found {len(found)}; restore it, then run --write again."
        )
    return TABLE.sub(lambda _: table_source(ranges), source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"rewrite the table in {INSCRIPTION.relative_to(ROOT)}")
    mode.add_argument("--check", action="store_true", help="exit 1 if the committed table differs")
    args = parser.parse_args(argv)
    ranges = measure()
    source = INSCRIPTION.read_text(encoding="utf-8")
    updated = rewrite(source, ranges)
    if args.write:
        INSCRIPTION.write_text(updated, encoding="utf-8")
        print(f"{'rewrote' if updated != source else 'unchanged:'} the table in {INSCRIPTION.relative_to(ROOT)}")
    elif args.check:
        if updated != source:
            print(
                f"{INSCRIPTION.relative_to(ROOT)} differs from the measured table; run "
                f"`python benchmarks/measure_aspect.py --write`:\n{table_source(ranges)}",
                file=sys.stderr,
            )
            return 1
        print("the committed table is what this script measures")
    else:
        print(table_source(ranges), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
