"""What the contributed-drawings store (`runes.store.DrawingStore`) costs: bytes on disk per drawing and the page load.

- Bytes on disk per contribution (PNG with its compressed metadata line + the line in metadata.jsonl), saved the
  way ui.contributing saves: a typical pad drawing (a rune traced every ~3 px, 16 ms apart), and the worst an
  API client can send that is kept (18,000 points, every time stamp 1e300 ms: 13.2 MB on disk before the bounds).
- The page load (what `ui.contributing.Contributions.start` asks the store: `next_prompt` then `counts`) on an
  empty store and on one with N stored drawings (default 10,000), the ratio being what matters (it must stay
  within 2x). Three cases: the steady page load (nothing appended since the last one), one right after another
  store (as another process would) appended a drawing (its baseline: a store that started empty, the same
  way), and for the full store the first one of a fresh process (which reads metadata.jsonl once; the app's
  start-up `repair()` does that before any visitor comes, also timed). The old way (every load re-reading the whole metadata.jsonl) is timed
  in the same run as the reference.

The N drawings are a few real saves copied N times (PNG files and their lines), not N saves: the same folder
and lines a store writes, built in seconds instead of N fsyncs.

    python benchmarks/bench_store.py [--drawings 10000] [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from rune_strokes import strokes_in_box

from runes import RUNE_IDS
from runes.store import METADATA_FILENAME, DrawingStore
from runes.strokes import render_strokes

PAD = 384


def pad_strokes(rune_id: str, step_px: float = 3.0, t: float | None = None) -> list:
    """The rune as the pad sends it: a point every ~step_px along each stroke, 16 ms apart (or all at `t`)."""
    strokes, clock = [], 0.0
    for stroke in strokes_in_box(rune_id, 0.15 * PAD, 0.15 * PAD, 0.7 * PAD):
        xs, ys, ts = [], [], []
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
            steps = max(1, int(np.hypot(x1 - x0, y1 - y0) / step_px))
            for i in range(steps + (1 if (x1, y1) == stroke[-1] else 0)):
                xs.append(x0 + (x1 - x0) * i / steps + random.uniform(-0.5, 0.5))
                ys.append(y0 + (y1 - y0) * i / steps + random.uniform(-0.5, 0.5))
                ts.append(clock if t is None else t)
                clock += 16.0
        strokes.append([xs, ys, ts])
        clock += 300.0
    return strokes


def disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name != ".lock")


def bytes_per_drawing(strokes: list, root: Path) -> tuple[int, int]:
    """(bytes on disk, points sent) for one saved drawing in a fresh store."""
    DrawingStore(root).save(render_strokes(strokes, PAD, PAD), "tyr", "prompted", strokes=strokes, guess="tyr")
    return disk_bytes(root), sum(len(xs) for xs, _, _ in strokes)


def fill(root: Path, drawings: int) -> None:
    """`drawings` stored drawings: one real save per rune, then its PNG and line copied under new names."""
    store = DrawingStore(root, quota_bytes=10**12)
    for rune_id in RUNE_IDS:
        store.save(render_strokes(s := pad_strokes(rune_id), PAD, PAD), rune_id, "prompted", strokes=s)
    saved = store.records()
    lines = []
    for i in range(drawings - len(saved)):
        record = dict(saved[i % len(saved)])
        source = root / record["file_name"]
        record["file_name"] = f"{record['label']}/{uuid.uuid4().hex}.png"
        shutil.copyfile(source, root / record["file_name"])
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    with open(root / METADATA_FILENAME, "a", encoding="utf-8") as handle:
        handle.writelines(lines)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_load(store: DrawingStore, rng: random.Random) -> None:
    store.next_prompt(rng)  # what Contributions.start asks
    store.counts()


def old_page_load(store: DrawingStore, rng: random.Random) -> None:
    """Before: counts() re-read the whole metadata.jsonl, and next_prompt called it once more."""
    for _ in range(2):
        Counter(record["label"] for record in store.records())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    random.seed(0)
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        typical, typical_points = bytes_per_drawing(pad_strokes("tyr"), root / "typical")
        at = np.linspace(0, 1, 9_000)
        hostile = [  # each stroke traced with 9,000 points, every time stamp 1e300 ms
            [list(np.interp(at, np.linspace(0, 1, len(xs)), xs)), list(np.interp(at, np.linspace(0, 1, len(ys)), ys))]
            + [[1e300] * len(at)]
            for xs, ys, _ in pad_strokes("tyr")
        ]
        worst, worst_points = bytes_per_drawing(hostile, root / "worst")
        sent = len(json.dumps({"width": PAD, "height": PAD, "strokes": hostile}))
        print("bytes on disk per contribution (PNG with its line + the metadata.jsonl line):")
        print(f"  typical pad drawing ({typical_points} points): {typical:,} B")
        print(f"  worst kept ({worst_points:,} points, t = 1e300 ms, {sent / 1024:.0f} KB sent): {worst:,} B")

        empty = DrawingStore(root / "empty")
        full_root = root / "full"
        start = time.perf_counter()
        fill(full_root, args.drawings)
        built = time.perf_counter() - start
        metadata_mb = (full_root / METADATA_FILENAME).stat().st_size / 1e6
        print(f"\npage load (next_prompt + counts), median of {args.repeat}; {args.drawings:,} drawings stored")
        print(
            f"  ({metadata_mb:.1f} MB of metadata.jsonl, {disk_bytes(full_root) / 1e6:.1f} MB in all; built in {built:.0f} s)"
        )
        base = timed(lambda: page_load(empty, rng), args.repeat)
        print(f"  empty store:                       {base * 1e6:9.1f} us  (baseline)")
        full = DrawingStore(full_root, quota_bytes=10**12)
        start = time.perf_counter()
        page_load(full, rng)
        first = time.perf_counter() - start
        steady = timed(lambda: page_load(full, rng), args.repeat)
        print(f"  {args.drawings:,} stored, steady:             {steady * 1e6:9.1f} us  {steady / base:7.2f}x")
        image, strokes = render_strokes(s := pad_strokes("fe"), PAD, PAD), s

        def after_appends(reader: DrawingStore) -> float:
            """Median page load of `reader` right after another store (another process) saved a drawing."""
            writer, times = DrawingStore(reader.root, quota_bytes=10**12), []
            for _ in range(min(args.repeat, 50)):
                writer.save(image, "fe", "prompted", strokes=strokes)  # not timed
                begin = time.perf_counter()
                page_load(reader, rng)
                times.append(time.perf_counter() - begin)
            return statistics.median(times)

        base_after = after_appends(DrawingStore(root / "empty-then-appended"))
        after = after_appends(full)
        print(f"  empty store, after an append:      {base_after * 1e6:9.1f} us  (baseline)")
        print(f"  {args.drawings:,} stored, after an append:    {after * 1e6:9.1f} us  {after / base_after:7.2f}x")
        print(f"  {args.drawings:,} stored, a process's first:  {first * 1e6:9.1f} us  {first / base:7.2f}x  (once)")
        started = DrawingStore(full_root, quota_bytes=10**12)
        begin = time.perf_counter()
        started.repair()  # what the app does at start-up (runes.dataset_hub.open_store)
        repaired = time.perf_counter() - begin
        begin = time.perf_counter()
        page_load(started, rng)
        first_after = time.perf_counter() - begin
        print(
            f"  {args.drawings:,} stored, first after repair: {first_after * 1e6:9.1f} us  {first_after / base:7.2f}x"
        )
        print(f"    (the app's start-up repair() read them: {repaired:.2f} s)")
        old = timed(lambda: old_page_load(full, rng), 3)
        print(f"  old way (whole file read twice):   {old * 1e6:9.1f} us  {old / base:7.2f}x")
        within = max(steady / base, after / base_after) <= 2.0
        print(f"\nsteady and after-append page loads within 2x of the empty store: {'yes' if within else 'NO'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
