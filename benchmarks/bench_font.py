"""How the model reads the runes of the font we ship, and generated sketches, in every row it reads.

Font: each glyph of a row, drawn by Noto Sans Runic at several slants (a shear of -0.25..0.25) and weights
(the outline thinned or thickened with a min/max filter), is read with `Recognizer.predict(image, row=...)`;
it counts as read right when the prediction is that rune of the row and is accepted as a rune. A glyph is
drawn in its place on the line, in a frame from the top of a full-height rune to the baseline with 15% of
that height above and below, as a visitor draws it in the pad: the short-twig ᛌ and ᛧ are a short stroke high
or low in the frame. Sketches: generated sketches of every shape of the row (seeds the training never used).

    python benchmarks/bench_font.py [--model DIR] [--rows younger long-branch short-twig elder] [--sketches 40]
    python benchmarks/bench_font.py --write      # also the real drawings and non-runes per row: docs/rows.md
                                                 # (keeping the section benchmarks/bench_slant.py --write adds)

Prints one line per row, then per glyph how many variants were read right (and as what otherwise). With --write
it also reads the real drawings (../shared/real-runes/dev; in each row, the folders of the runes and shapes it
reads) and the Omniglot non-runes (../shared/nonrunes/dev) in every row, and writes the table to docs/rows.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runes import Recognizer
from runes.rows import ROWS, get_row
from runes.sketches import draw_templates
from runes.writing import FONT_PATH

SLANTS = (-0.25, -0.1, 0.0, 0.1, 0.25)
WEIGHTS = (-1, 0, 1)  # thin, regular, bold: -1 thins the strokes, 1 thickens them (one 3x3 filter pass at 64 px)
FONT_SIZE = 64
FRAME_MARGIN = 0.15  # the frame reaches this share of a full rune's height above its top and below the baseline
SKETCH_SEED = 900_000  # generated sketches use seeds from here (training draws from other random streams)


def _line_box(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """(top, bottom) rows of a full-height rune (ᛁ) drawn at y = 0: the rune band of the line."""
    ascent, descent = font.getmetrics()
    image = Image.new("L", (FONT_SIZE, ascent + descent), 255)
    ImageDraw.Draw(image).text((8, 0), "ᛁ", font=font, fill=0)
    rows = np.flatnonzero((np.asarray(image) < 128).any(axis=1))
    return int(rows[0]), int(rows[-1]) + 1


def variants(glyph: str) -> list[np.ndarray]:
    """The glyph in every slant and weight, dark ink on white, in its frame on the line."""
    font = ImageFont.truetype(str(FONT_PATH), FONT_SIZE)
    top, bottom = _line_box(font)
    margin = round(FRAME_MARGIN * (bottom - top))
    ascent, descent = font.getmetrics()
    width = round(font.getlength(glyph)) + 2 * FONT_SIZE
    line = Image.new("L", (width, ascent + descent + 2 * margin), 255)
    ImageDraw.Draw(line).text((FONT_SIZE, margin), glyph, font=font, fill=0)
    base = line.crop((0, top, width, bottom + 2 * margin))
    out = []
    for slant in SLANTS:
        sheared = base.transform(
            base.size,
            Image.Transform.AFFINE,
            (1, slant, -slant * base.height / 2, 0, 1, 0),
            resample=Image.Resampling.BILINEAR,
            fillcolor=255,
        )
        for weight in WEIGHTS:
            image = sheared
            for _ in range(abs(weight)):
                image = image.filter(ImageFilter.MinFilter(3) if weight > 0 else ImageFilter.MaxFilter(3))
            out.append(np.asarray(image))
    return out


def _said(prediction) -> str:
    if prediction.is_rune:
        return prediction.rune
    if prediction.elsewhere:
        return f"{prediction.elsewhere[1]} ({prediction.elsewhere[0]})"
    return "not a rune"


def font_row(recognizer: Recognizer, row_id: str) -> tuple[int, int, list[str]]:
    """(right, total, one line per glyph) for the row's glyphs in the font."""
    row = get_row(row_id)
    right = total = 0
    lines = []
    for rune in row.runes:
        glyph = row.glyph(rune.id)
        readings = Counter(_said(recognizer.predict(image, row=row_id)) for image in variants(glyph))
        n = sum(readings.values())
        right, total = right + readings[rune.id], total + n
        wrong = ", ".join(f"{label} {count}" for label, count in readings.most_common() if label != rune.id)
        lines.append(f"  {glyph} {rune.id:<9} {readings[rune.id]:>2}/{n}" + (f"  (read as {wrong})" if wrong else ""))
    return right, total, lines


def sketch_row(recognizer: Recognizer, row_id: str, per_shape: int) -> tuple[int, int, list[str]]:
    """(right, total, one line per shape) for generated sketches of the row's shapes."""
    from runes.rows import SHAPES

    right = total = 0
    lines = []
    for shape_id, rune_id in get_row(row_id).shapes.items():
        sketches = [draw_templates(SHAPES[shape_id].templates, SKETCH_SEED + i) for i in range(per_shape)]
        readings = Counter(_said(recognizer.predict(image, row=row_id)) for image in sketches)
        right, total = right + readings[rune_id], total + per_shape
        if readings[rune_id] < per_shape:
            wrong = ", ".join(f"{label} {count}" for label, count in readings.most_common() if label != rune_id)
            lines.append(
                f"  {SHAPES[shape_id].glyph} {shape_id:<13} {readings[rune_id]:>3}/{per_shape}  (read as {wrong})"
            )
    return right, total, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument(
        "--rows", nargs="+", default=None, choices=list(ROWS), help="default: every row the model reads"
    )
    parser.add_argument("--sketches", type=int, default=40, help="generated sketches per shape (0: font only)")
    parser.add_argument("--write", action="store_true", help="also real drawings and non-runes; write docs/rows.md")
    args = parser.parse_args(argv)
    recognizer = Recognizer.load(args.model)
    table, details = [], []
    for row_id in args.rows or recognizer.rows:
        row = get_row(row_id)
        font_right, font_total, lines = font_row(recognizer, row_id)
        print(
            f"{row.name} [{row_id}], font: {font_right}/{font_total} variants read right "
            f"({font_right / max(font_total, 1):.3f}), {len(row.runes)} glyphs x {len(SLANTS) * len(WEIGHTS)} variants"
        )
        print("\n".join(lines))
        details += [f"**{row.name}** (`{row_id}`), font: {font_right}/{font_total}", "", "```", *lines, "```", ""]
        cells = [f"`{row_id}`", f"{font_right / max(font_total, 1):.3f}"]
        if args.sketches:
            right, total, lines = sketch_row(recognizer, row_id, args.sketches)
            print(
                f"{row.name} [{row_id}], generated sketches: {right}/{total} read right ({right / max(total, 1):.3f})"
                f"{', misses:' if lines else ''}"
            )
            print("\n".join(lines))
            cells.append(f"{right / max(total, 1):.3f}")
        if args.write:
            cells += _real_and_rejection(recognizer, row_id)
        table.append("| " + " | ".join(cells) + " |")
    if args.write:
        _write(recognizer, table, details, args.sketches)
    return 0


def _real_and_rejection(recognizer: Recognizer, row_id: str) -> list[str]:
    from runes.evaluate import evaluate_folder, evaluate_nonrunes

    root = Path(__file__).resolve().parents[2] / "shared"
    real = evaluate_folder(root / "real-runes" / "dev", recognizer, row_id, shape_folders_only=True)
    rejection = evaluate_nonrunes(root / "nonrunes" / "dev", recognizer, row=row_id)
    print(
        f"real drawings in {row_id}: top-1 {real.accuracy:.4f}, accepted {real.acceptance:.4f} (n={real.total}); "
        f"non-runes rejected {rejection.rejection:.4f} (n={rejection.total})"
    )
    return [f"{real.accuracy:.4f} ({real.total})", f"{real.acceptance:.4f}", f"{rejection.rejection:.4f}"]


def _write(recognizer: Recognizer, table: list[str], details: list[str], sketches: int) -> None:
    out = Path(__file__).resolve().parents[1] / "docs" / "rows.md"
    text = "\n".join(
        [
            "# Reading each rune row",
            "",
            f"Written by `python benchmarks/bench_font.py --write` for the {recognizer.source}. Font: every glyph of the "
            f"row drawn by Noto Sans Runic at {len(SLANTS)} slants and {len(WEIGHTS)} weights, read in the row (the model "
            "trains on this font too: 5% of each shape's sketches are its glyphs at random sizes, slants, turns and "
            "weights, `runes.sketches.render_glyph`, so this column checks that, it is not held out). Sketches: "
            f"{sketches} generated sketches per shape of the row (seeds training never used). Real: the drawings of "
            "`../shared/real-runes/dev` whose shape the row reads (all are long-branch forms: the short-twig row reads the 7 "
            "runes whose two forms are one shape, the Elder row the 10 shapes it shares: `fe` is fehu), top-1 and the "
            "share accepted as runes. Non-runes: the 2120 Omniglot drawings of `../shared/nonrunes/dev` called "
            '"not a rune" in the row. In the short-twig row a generated ᛁ drawn over less than half its canvas is read '
            "as ᛌ or ᛧ by where it sits (see `runes.prediction.LONE_STROKE`).",
            "",
            "| row | font | sketches | real top-1 (n) | real accepted | non-runes rejected |",
            "|---|---|---|---|---|---|",
            *table,
            "",
            "## Per glyph (font)",
            "",
            *details,
        ]
    )
    section = "<!-- bench_slant.py -->"  # the turned and slanted section bench_slant.py writes: kept as it is
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if section in old:
        text = text.rstrip("\n") + "\n\n" + section + old.split(section, 1)[1]
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
