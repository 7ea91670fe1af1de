"""Measure MAX_LINE_WIDTH in runes/line_reader.py: how many input columns a line is read at, at most.

    python benchmarks/measure_line_cap.py [--lines 30] [--seed 5] [--model FOLDER] [--write]

A line wider than the cap is read scaled down to fit: that bounds what one request costs the server, and blurs a
very long line. For each candidate cap it measures
- the worst line: staves 12 px apart, 40 px tall (each stands alone, so the rune CNN reads every one again), the
  costliest of the widths 256 * 2^(k/2) up to 4096 px (a line the cap shrinks is read at one width, one a little
  narrower at all of READ_WIDTHS); its CPU time (median of 3) as a ratio to a line of six real drawings read in the
  same run;
- long lines: --lines lines of 10, 20, 30 and 40 real drawings from ../shared/real-runes/dev (gaps of 2-5 px, a
  word separator dot after every 3-7 runes); sequence and per-rune accuracy.
It chooses the smallest cap whose long lines, up to LONGEST runes, all read as well as at the largest candidate:
LONGEST is more runes than the Inscription pad (960 x 300) holds at a legible size (runes 30 px tall, 20 wide, gaps
of 4: 40 runes). --write puts the table in docs/line-reader.md (between the markers below). About 5 minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

import numpy as np
from bench_inscription import load
from measure_widths import DOC, put_table
from test_inscription import DOT, MARGIN, _columns, _matched, compose_inscriptions

from runes import line_reader
from runes.line_reader import MAX_LINE_WIDTH

CANDIDATES = (4096, 2048, 1536, 1024, 768, 512)
LENGTHS = (10, 20, 30, 40)
LONGEST = 40


def long_line(rng: np.random.Generator, drawings: dict, count: int) -> tuple[np.ndarray, list[list[str]]]:
    """`count` real drawings left to right (gaps of 2-5 px, each shifted up to 2 px), a separator dot after every
    3-7 runes; the image (white ink on black) and the rune ids per word."""
    picks = [
        (rune, drawings[rune][int(rng.integers(len(drawings[rune])))][1])
        for rune in rng.choice(sorted(drawings), count)
    ]
    height = picks[0][1].shape[0]
    image = np.zeros((height + 2 * MARGIN, count * (height + 12) + 2 * MARGIN), np.float32)
    words, x, next_dot = [[]], MARGIN, int(rng.integers(3, 8))
    for index, (rune, ink) in enumerate(picks):
        if index == next_dot:
            x += int(rng.integers(2, 5))
            top = MARGIN + height // 2 - 1
            np.maximum(image[top : top + 3, x : x + 3], DOT, out=image[top : top + 3, x : x + 3])
            x += 3 + int(rng.integers(2, 5))
            words.append([])
            next_dot += int(rng.integers(3, 8))
        elif index:
            x += int(rng.integers(2, 6))
        left, right = _columns(ink)
        top = MARGIN + int(rng.integers(-2, 3))
        view = image[top : top + height, x : x + right - left]
        np.maximum(view, ink[:, left:right], out=view)
        words[-1].append(str(rune))
        x += right - left
    return (image[:, : x + MARGIN] * 255).round().astype(np.uint8), words


def staves(width: int) -> np.ndarray:
    """A line of staves: `width` x 40, a 2 px stave every 12 px."""
    image = np.zeros((40, width), np.uint8)
    for column in range(4, width - 4, 12):
        image[4:36, column : column + 2] = 255
    return image


def cpu_seconds(recognizer, image: np.ndarray, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        recognizer.read(image)
        times.append(time.process_time() - start)
    return float(np.median(times))


def measure(recognizer, cap: int, lines: dict[int, list], typical: list) -> dict:
    line_reader.MAX_LINE_WIDTH = cap
    worst = max(cpu_seconds(recognizer, staves(round(256 * 2 ** (k / 2)))) for k in range(9))
    usual = float(np.median([cpu_seconds(recognizer, line.image, 1) for line in typical]))
    result = {"worst_ms": 1000 * worst, "ratio": worst / usual}
    for count, batch in lines.items():
        right = matched = 0
        for image, words in batch:
            read = [[r.rune for r in word] for word in recognizer.read(image).words]
            right += read == words
            matched += _matched(sum(words, []), sum(read, []))
        result[count] = (right / len(batch), matched / (count * len(batch)))
    return result


def table(rows: dict[int, dict], chosen: int, args) -> str:
    head = (
        f"Written by `python benchmarks/measure_line_cap.py --write` ({args.lines} lines of each length, seed "
        f"{args.seed}; sequence / per-rune accuracy; the worst line's CPU time and its ratio to a line of six real "
        "drawings):\n\n"
        f"| cap | worst line ms | ratio | {' | '.join(f'{n} runes' for n in LENGTHS)} |\n"
        f"|---|---|---|{'---|' * len(LENGTHS)}\n"
    )
    body = ""
    for cap, result in rows.items():
        name = f"{cap}" + (" (chosen)" if cap == chosen else "")
        cells = " | ".join(f"{result[n][0]:.3f} / {result[n][1]:.4f}" for n in LENGTHS)
        body += f"| {name} | {result['worst_ms']:.0f} | {result['ratio']:.1f} | {cells} |\n"
    return head + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--write", action="store_true", help=f"put the table in {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    recognizer, drawings = load(args.model)
    rng = np.random.default_rng(args.seed)
    lines = {count: [long_line(rng, drawings, count) for _ in range(args.lines)] for count in LENGTHS}
    typical = [line for line in compose_inscriptions(30, args.seed, drawings) if len(line.sources) == 6][:5]
    rows = {}
    for cap in CANDIDATES:
        rows[cap] = measure(recognizer, cap, lines, typical)
        print(cap, rows[cap], flush=True)
    best = rows[max(CANDIDATES)]
    chosen = min(cap for cap in CANDIDATES if all(rows[cap][n] >= best[n] for n in LENGTHS if n <= LONGEST))
    text = table(rows, chosen, args)
    print(text)
    print(f"chosen: MAX_LINE_WIDTH = {chosen}" + ("" if chosen == MAX_LINE_WIDTH else f" (now {MAX_LINE_WIDTH})"))
    if args.write:
        put_table(text, "measure_line_cap.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
