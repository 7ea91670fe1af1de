"""Turned and slanted runes, and the two Younger forms in one row: a sweep over the real drawings, and confusions.

Real: the drawings of ../shared/real-runes/dev (evaluation only), each turned by ANGLES degrees (clockwise for a
positive angle) and slanted by the same angles (a horizontal shear x += tan(angle) * (y - middle), a positive
angle leaning the top to the right), read in every row whose shapes they are (as bench_font.py picks them: all
138, long-branch forms, in `younger` and `long-branch`; in `short-twig` the 66 of the 7 runes whose two forms
are one shape; in `elder` the 95 of the 10 shapes it shares), top-1 per row per angle. A drawing is first
scaled up 4x (24 px is too coarse to turn), on a ground wide enough that nothing is cut off. Also counted: the
real drawings the default row (`younger`, both forms) reads as another rune than the long-branch row does.

Generated: sketches of ᚠ fé, ᛓ (short-twig bjarkan), ᛋ sól and ᛆ (short-twig ár), `runes.sketches` with the
default hand (turned up to SketchStyle.max_rotation_deg, slanted up to max_slant; seeds training never used),
read in the default row: the share of ᚠ read as bjarkan and of ᛋ read as ár, and the reverse (targets < 1%).
And every long-branch shape's sketches read in `younger` against `long-branch`, every short-twig shape's in
`younger` against `short-twig`.

    python benchmarks/bench_slant.py [--model DIR] [--sketches 1000] [--write]   # --write: a section of docs/rows.md

Exits 1 when a target is missed: top-1 >= 0.99 in every row at every angle, each confusion < 1%.

What fixed ᚠ/ᛓ (issue 18): the hand keeps each form's defining trait (`runes.sketches.TOP_GAPS`). ᚠ's branches reach
the top of its stem, ᛓ's twigs stop short of it; with the old hand's jitter (a stem run on past ᚠ's branches, a twig
stretched to the top) 16% of the ᚠ sketches had their highest branch end more than 0.02 below the stem's top, and
7% of the ᛓ sketches a twig above it (half within 0.1 of it): sketches labelled one rune that look like the other, in
training and here.
Now such a jittered sketch is drawn again, and ᛓ's templates put its twigs a sixth of the height below the top, as
Noto Sans Runic draws it. The rune CNN's recipe retrained with the new hand, seeds 1234 / 1 / 2 (the old hand, same
seeds): ᚠ read as ᛓ 0.5 / 0.6 / 0.4% (5.6 / 4.4 / 5.4), ᛓ as ᚠ 0.5 / 0.2 / 0.0% (3.3 / 5.7 / 4.0); on the old
hand's sketches the 1234 run still reads 1.6% and 1.8%, nearly all of them the trait-less ones. The rest within one
training's spread: dev top-1 1 / 0.993 / 1, accepted 136 / 138 / 137 of 138, non-runes rejected in younger 0.972 /
0.979 / 0.976 and in long-branch 0.985 / 0.989 / 0.991, lowest top-1 over the angles younger 0.986 / 0.993 / 0.993
and elder 0.989 / 0.979 / 0.989. The bundled model is the seed-2 run, picked by generated validation accuracy (0.9913
against 0.9904 / 0.9900; no real drawing chose it), now TrainConfig's default seed.

Before (old hand, 2026-12-03), tried and left: ᛓ templates alone moved down (twigs 0.17-0.24 below the top), twice:
ᚠ read as ᛓ 3.3% and 2.1%, ᛓ as ᚠ 2.0% and 2.0%; the hand turning up to 15 degrees rather than
SketchStyle.max_rotation_deg's 10, since the sweep turns by 12: no gain. The old recipe's spread, seeds 1 / 2 / 3
beside 1234: ᚠ read as ᛓ 4.4 / 5.4 / 6.9% (5.6%), ᛓ as ᚠ 5.7 / 4.0 / 3.7% (3.3%); lowest top-1 over the angles younger
0.986 / 0.993 / 0.971 (0.993), elder 0.989 / 0.989 / 0.979 (0.979); non-runes rejected in younger 0.976 / 0.978 /
0.974 (0.977) and in long-branch 0.990 / 0.990 / 0.986 (0.991): the bundled seed-1234 run was a lucky one on
rejection (also on generated non-runes, 0.985 against 0.968-0.973 for seeds 1-3).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runes import Recognizer
from runes.evaluate import evaluate_folder
from runes.preprocess import preprocess
from runes.rows import DEFAULT_ROW, SHAPES, SHORT, get_row
from runes.sketches import draw_templates

ANGLES = (-12, -6, 0, 6, 12)  # degrees, turned and slanted
UPSCALE = 4  # a 24 px drawing is scaled up this much before it is turned or slanted
TARGET_TOP1 = 0.99  # issue 18: every row at every angle
TARGET_CONFUSION = 0.01  # issue 18: each generated confusion in the default row
SKETCH_SEED = 910_000  # generated sketches use seeds from here (training draws from other random streams)
CONFUSIONS = (("fe", "bjork-short"), ("sol", "ar-short"))  # shape pairs: ᚠ/ᛓ and ᛋ/ᛆ
SECTION = "<!-- bench_slant.py -->"  # docs/rows.md: the section this writes starts at this line (and runs to the end)
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-runes" / "dev"


def _ground(image: Image.Image, side: int) -> Image.Image:
    """The drawing scaled up UPSCALE times and centred on a square of its own ground `side` pixels wide."""
    gray = image.convert("L")
    gray = gray.resize((gray.width * UPSCALE, gray.height * UPSCALE), Image.Resampling.BILINEAR)
    pixels = np.asarray(gray)
    ground = int(np.median(np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])))
    out = Image.new("L", (side, side), ground)
    out.paste(gray, ((side - gray.width) // 2, (side - gray.height) // 2))
    return out


def turned(degrees: float):
    """A transform that turns a drawing by `degrees` (positive: clockwise)."""

    def transform(image: Image.Image) -> Image.Image:
        big = _ground(image, 2 * max(image.size) * UPSCALE)
        ground = int(np.asarray(big)[0, 0])
        return big.rotate(-degrees, resample=Image.Resampling.BILINEAR, fillcolor=ground)

    return transform


def slanted(degrees: float):
    """A transform that slants a drawing by `degrees` (x += tan(degrees) * (y - middle); positive leans right)."""

    def transform(image: Image.Image) -> Image.Image:
        big = _ground(image, 2 * max(image.size) * UPSCALE)
        ground, shear = int(np.asarray(big)[0, 0]), math.tan(math.radians(degrees))
        # PIL maps each output pixel (x, y) to the input pixel (x + c y + d, y): c = -shear leans the top right.
        coefficients = (1, -shear, shear * big.height / 2, 0, 1, 0)
        return big.transform(
            big.size, Image.Transform.AFFINE, coefficients, resample=Image.Resampling.BILINEAR, fillcolor=ground
        )

    return transform


def real_sweep(recognizer: Recognizer, rows: list[str]) -> dict[str, dict[str, tuple[float, int, float]]]:
    """Row -> column ("turned -12", ..., "slanted +12") -> (top-1, n, the share read right and called a rune of the
    row: what a visitor is shown) on the real drawings."""
    columns = {f"turned {angle:+d}": turned(angle) for angle in ANGLES}
    columns |= {f"slanted {angle:+d}": slanted(angle) for angle in ANGLES if angle}
    table: dict[str, dict[str, tuple[float, int, float]]] = {}
    for row in rows:
        table[row] = {}
        for column, transform in columns.items():
            report = evaluate_folder(REAL, recognizer, row, shape_folders_only=True, transform=transform)
            shown = sum(
                accepted and ranked[0] == true
                for true, ranked, accepted in zip(report.true, report.ranked, report.accepted, strict=True)
            )
            table[row][column] = (report.accuracy, report.total, shown / max(report.total, 1))
    return table


def row_disagreements(recognizer: Recognizer) -> dict[str, int]:
    """Column -> how many real drawings `younger` reads as another rune than `long-branch` does."""
    out = {}
    for angle in ANGLES:
        for kind, make in (("turned", turned), ("slanted", slanted)):
            if kind == "slanted" and not angle:
                continue
            readings = [
                [report.labels[ranked[0]] for ranked in report.ranked]
                for report in (
                    evaluate_folder(REAL, recognizer, row, shape_folders_only=True, transform=make(angle))
                    for row in (DEFAULT_ROW, "long-branch")
                )
            ]
            out[f"{kind} {angle:+d}"] = sum(a != b for a, b in zip(*readings, strict=True))
    return out


def _sketches(shape_id: str, count: int) -> np.ndarray:
    return np.stack([preprocess(draw_templates(SHAPES[shape_id].templates, SKETCH_SEED + i)) for i in range(count)])


def _runes_read(recognizer: Recognizer, tensors: np.ndarray, row: str) -> list[str]:
    return [p.rune if p.is_rune else "" for p in recognizer.predict_preprocessed(tensors, row)]


def confusions(recognizer: Recognizer, count: int) -> list[tuple[str, str, float, int]]:
    """(drawn shape, rune it is misread as, share, n) for each pair of CONFUSIONS both ways, in the default row."""
    row = get_row(DEFAULT_ROW)
    out = []
    for first, second in CONFUSIONS:
        for drawn, other in ((first, second), (second, first)):
            read = _runes_read(recognizer, _sketches(drawn, count), DEFAULT_ROW)
            out.append((drawn, other, read.count(row.shapes[other]) / count, count))
    return out


PRIORS = (1.0, 0.7, 0.5, 0.3, 0.1)  # weights on the short-twig shapes tried against the long-branch ones


def form_priors(recognizer: Recognizer, count: int) -> list[tuple[float, float, float]]:
    """Would a prior for the long-branch forms help? (weight on the short-twig shape, share of generated ᚠ read
    as ᛓ, share of ᛓ read as ᚠ) for each of PRIORS: the two shapes' outputs compared, the short-twig one weighted."""
    first, second = CONFUSIONS[0]
    long_index, short_index = recognizer.labels.index(first), recognizer.labels.index(second)
    drawn_long = recognizer.predict_tensors(_sketches(first, count))
    drawn_short = recognizer.predict_tensors(_sketches(second, count))
    return [
        (
            weight,
            float((weight * drawn_long[:, short_index] > drawn_long[:, long_index]).mean()),
            float((drawn_short[:, long_index] > weight * drawn_short[:, short_index]).mean()),
        )
        for weight in PRIORS
    ]


def forms_in_rows(recognizer: Recognizer, count: int) -> list[tuple[str, str, float, str, float]]:
    """(form, own row, top-1 there, "younger", top-1 in younger) for the long-branch and short-twig shapes."""
    out = []
    for form, own in (("long-branch", "long-branch"), ("short-twig", "short-twig")):
        shapes = {
            shape: rune
            for shape, rune in get_row(own).shapes.items()
            if shape.endswith(SHORT) == (form == "short-twig") and SHAPES[shape].templates
        }
        right = {own: 0, DEFAULT_ROW: 0}
        for shape, rune in shapes.items():
            tensors = _sketches(shape, count)
            for row in right:
                right[row] += _runes_read(recognizer, tensors, row).count(rune)
        total = count * len(shapes)
        out.append((form, own, right[own] / total, DEFAULT_ROW, right[DEFAULT_ROW] / total))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--sketches", type=int, default=1000, help="generated sketches per shape for the confusions")
    parser.add_argument("--form-sketches", type=int, default=200, help="generated sketches per shape, forms in rows")
    parser.add_argument("--write", action="store_true", help="write the tables into docs/rows.md")
    args = parser.parse_args(argv)
    recognizer = Recognizer.load(args.model)
    rows = [row for row in ("younger", "long-branch", "short-twig", "elder") if row in recognizer.rows]
    sweep = real_sweep(recognizer, rows)
    columns = list(next(iter(sweep.values())))
    lines = [
        "| row (n) | " + " | ".join(columns) + " | lowest |",
        "|---|" + "---|" * (len(columns) + 1),
    ]
    ok = True
    for row, cells in sweep.items():
        lowest = min(value for value, _, _ in cells.values())
        ok &= lowest >= TARGET_TOP1
        n = next(iter(cells.values()))[1]
        lines.append(
            f"| `{row}` ({n}) | " + " | ".join(f"{v:.3f}" for v, _, _ in cells.values()) + f" | {lowest:.3f} |"
        )
    disagreements = row_disagreements(recognizer)
    lines.append(
        f"| `{DEFAULT_ROW}` reads another rune than `long-branch` | "
        + " | ".join(str(disagreements[column]) for column in columns)
        + f" | {max(disagreements.values())} |"
    )
    for row in (DEFAULT_ROW, "long-branch"):  # item 4: the default row reads long-branch drawings as well
        shown = [cell[2] for cell in sweep[row].values()]
        lines.append(
            f"| `{row}`: read right and called a rune | "
            + " | ".join(f"{value:.3f}" for value in shown)
            + f" | {min(shown):.3f} |"
        )
    lines += ["", "| drawn (generated) | read as | share | n |", "|---|---|---|---|"]
    for drawn, other, share, n in confusions(recognizer, args.sketches):
        ok &= share < TARGET_CONFUSION
        shape = get_row(DEFAULT_ROW).shapes
        lines.append(
            f"| {SHAPES[drawn].glyph} `{drawn}` | {shape[other]} (as {SHAPES[other].glyph}) | {share:.4f} | {n} |"
        )
    first, second = (SHAPES[shape].glyph for shape in CONFUSIONS[0])
    lines += [
        "",
        f"| prior on the short-twig form | {first} read as {second} | {second} read as {first} |",
        "|---|---|---|",
    ]
    for weight, long_as_short, short_as_long in form_priors(recognizer, args.sketches):
        lines.append(f"| {weight} | {long_as_short:.4f} | {short_as_long:.4f} |")
    lines += ["", "| form (generated) | in its own row | in `younger` |", "|---|---|---|"]
    for form, own, own_top1, _, younger_top1 in forms_in_rows(recognizer, args.form_sketches):
        lines.append(f"| {form} | `{own}` {own_top1:.4f} | {younger_top1:.4f} |")
    print("\n".join(lines))
    if args.write:
        _write(recognizer, lines, args)
    print("targets met" if ok else "a target is missed (top-1 >= 0.99 at every angle, each confusion < 1%)")
    return 0 if ok else 1


def _write(recognizer: Recognizer, lines: list[str], args: argparse.Namespace) -> None:
    out = Path(__file__).resolve().parents[1] / "docs" / "rows.md"
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = text.split(SECTION)[0].rstrip("\n")
    section = [
        SECTION,
        "## Turned and slanted, and both Younger forms in one row",
        "",
        f"Written by `python benchmarks/bench_slant.py --write` for the {recognizer.source}. Real: the drawings of "
        "`../shared/real-runes/dev` whose shape the row reads (as above), each scaled up 4x, then turned by the angle "
        "(positive: clockwise) or slanted by it (a horizontal shear by its tangent, positive leaning right); top-1 in "
        f"the row (target >= {TARGET_TOP1}). The line after the rows counts the drawings the default row reads as "
        "another rune than the long-branch row, and the two after it the share each of the two rows reads right and "
        "calls a rune of the row: what a visitor is shown (a drawing whose likeliest shape is another row's is "
        '"not a rune" of this one). Generated: sketches with the training hand (seeds training never used) read in the '
        f"default row, {args.sketches} per shape: how many are read as the rune of the other form (target < 1%); the "
        "same ᚠ and ᛓ with a prior for the long-branch forms (the short-twig shape's output weighted: it only trades one "
        "confusion for the other); and "
        f"{args.form_sketches} per shape of each form, read in its own row and in the default row.",
        "",
        *lines,
        "",
    ]
    out.write_text(re.sub(r"\n*$", "\n\n", kept) + "\n".join(section), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
