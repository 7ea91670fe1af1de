"""Measure READ_WIDTHS in runes/line_reader.py: the widths the learned line reader reads each line at.

    python benchmarks/measure_widths.py [--lines 300] [--seed 7 2024 99] [--model FOLDER] [--write]

Each candidate is the line's own width and stretches of it along the line (`line_input(image, stretch)`); the
reader keeps the label sequence likeliest by its networks at the width where it is likeliest
(`runes.ctc.combined_decode`). For each candidate the model folder's learned reader (both networks, and the rune
CNN's second reading, as `Recognizer.read` reads) reads the lines of
`benchmarks/bench_inscription.py`: the real drawings of ../shared/real-runes/dev composed into lines (mixed,
spaced, 40% touching; --lines per seed) and lines typed in the bundled font (--lines per row, the first seed).
It prints the sequence accuracy of each set and the CPU time per line, and chooses the candidate with the highest
mean accuracy over the four sets, each set counting the same (a tie: fewer widths, then the first listed). The
real drawings only measure: nothing is trained on them, but this one constant is chosen on them, so
docs/line-reader.md reports the readings of the choice on them as such. --write puts the table in docs/line-reader.md (between the markers
below). About 12 minutes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

from bench_inscription import TOUCHING, font_lines, load, read_sets, weighted
from test_inscription import compose_inscriptions

from runes import Recognizer
from runes.line_reader import READ_WIDTHS
from runes.rows import ROW_IDS

CANDIDATES = [
    (1.0,),
    (1.0, 1.1),
    (1.0, 1.2),
    (1.0, 1.3),
    (1.0, 1.4),
    (1.0, 1.15, 1.3),
    (1.0, 1.1, 1.2, 1.3),
    (1.0, 1.1, 1.2, 1.3, 1.4),
    (1.0, 0.85, 1.2),
    (1.0, 0.9, 1.1, 1.2, 1.3),
]
SETS = ("mixed", "spaced", "touching", "font")
DOC = ROOT / "docs" / "line-reader.md"


def put_table(text: str, script: str) -> None:
    """Put `text` in docs/line-reader.md between the markers <!-- script --> and <!-- /script -->."""
    begin, end = f"<!-- {script} -->", f"<!-- /{script} -->"
    doc = DOC.read_text(encoding="utf-8")
    if begin not in doc or end not in doc:
        sys.exit(f"{DOC} has no {begin} ... {end} markers")
    before, rest = doc.split(begin, 1)
    DOC.write_text(before + begin + "\n" + text + end + rest.split(end, 1)[1], encoding="utf-8")


def measure(recognizer: Recognizer, widths: tuple[float, ...], real: dict, font: list) -> dict[str, float]:
    """Sequence accuracy of each set read at `widths`, and CPU ms per line over all of them."""
    recognizer.line_reader().widths = widths  # checked as LineReader's constructor checks them
    result, cpu = {}, []
    for name in SETS:
        results, _, seconds = read_sets(recognizer, name, font if name == "font" else [(None, real[name])])
        result[name] = weighted(results, "sequence_accuracy")
        cpu += seconds
    result["cpu_ms"] = 1000 * sum(cpu) / len(cpu)
    return result


def mean(result: dict[str, float]) -> float:
    """The mean sequence accuracy over the sets, each counting the same."""
    return sum(result[name] for name in SETS) / len(SETS)


def table(rows: dict[tuple[float, ...], dict[str, float]], chosen: tuple[float, ...], lines: int, seeds) -> str:
    head = (
        f"Written by `python benchmarks/measure_widths.py --write` (sequence accuracy; real sets {lines} lines per "
        f"seed, seeds {' '.join(map(str, seeds))}; font {lines} lines per row):\n\n"
        "| widths | mixed | spaced | touching 40% | font | mean | cpu ms/line |\n|---|---|---|---|---|---|---|\n"
    )
    body = ""
    for widths, result in rows.items():
        name = ", ".join(f"{w:g}" for w in widths) + (" (chosen)" if widths == chosen else "")
        values = " | ".join(f"{result[s]:.4f}" for s in SETS)
        body += f"| {name} | {values} | {mean(result):.4f} | {result['cpu_ms']:.1f} |\n"
    return head + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--seed", type=int, nargs="+", default=[7, 2024, 99])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--write", action="store_true", help=f"put the table in {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    recognizer, drawings = load(args.model)
    real = {
        name: [line for seed in args.seed for line in compose_inscriptions(args.lines, seed, drawings, TOUCHING[name])]
        for name in SETS
        if name != "font"
    }
    font = [(row, font_lines(args.lines, args.seed[0], row)) for row in ROW_IDS]
    rows = {}
    for widths in CANDIDATES:
        rows[widths] = measure(recognizer, widths, real, font)
        print(widths, {key: round(value, 4) for key, value in rows[widths].items()}, flush=True)
    chosen = max(CANDIDATES, key=lambda w: (round(mean(rows[w]), 6), -len(w), -CANDIDATES.index(w)))
    text = table(rows, chosen, args.lines, args.seed)
    print(text)
    print(
        f"chosen: READ_WIDTHS = {chosen}" + ("" if chosen == READ_WIDTHS else f" (runes/line_reader.py: {READ_WIDTHS})")
    )
    if args.write:
        put_table(text, "measure_widths.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
