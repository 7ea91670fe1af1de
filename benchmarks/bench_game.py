"""What a round of Learn the runes may cost the server (ui/game.py), against a normal round, in one run.

The page judges the strokes itself; the server sees a round's end (`finish`: with consent the drawing is kept like a
contribution) and, only while the page cannot judge, each drawing (`judge`). Both read the drawing within ui.inputs'
RUNE bounds. Measured in process with the bundled model and a temporary store: the median time of each for a normal
rune (384x384, a few strokes) and for the worst drawing the bounds accept (2048 px, 100 strokes, 5,000 points), one
over the bounds (refused), and the bytes a kept round adds to the store.

    python benchmarks/bench_game.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from bench_abuse import grid
from rune_strokes import rune_drawing

from runes import Recognizer
from runes.game import Game, new_game
from runes.rows import get_row
from runes.store import DrawingStore
from ui import game as ui_game
from ui.contributing import Contributions
from ui.inputs import RUNE


def median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    recognizer = Recognizer.load()
    points = RUNE.max_points // RUNE.max_strokes
    drawings = {
        "normal rune (384 px, ᛏ)": rune_drawing("tyr"),
        f"worst accepted ({RUNE.max_side} px, {RUNE.max_strokes} strokes x {points} points)": grid(
            RUNE.max_side, RUNE.max_strokes, points
        ),
        "over the bounds (101 strokes)": grid(RUNE.max_side, RUNE.max_strokes + 1, 2),
    }
    with tempfile.TemporaryDirectory() as folder:
        store = DrawingStore(folder)
        contributions = Contributions(store, recognizer, "bench", "")
        first = new_game([rune.id for rune in get_row("younger").runes], random.Random(0))
        game = Game(row="younger", queue=("tyr", *[rune_id for rune_id in first.queue if rune_id != "tyr"]))
        print(f"{'drawing':<52} {'judge':>9} {'finish, kept':>13} {'stored':>9}")
        baseline = None
        for name, drawing in drawings.items():

            def judge(drawing=drawing):
                with contextlib.suppress(ValueError):  # refused, as app.py's never_raises answers it
                    ui_game.judge(recognizer, game, drawing)

            before = store.used_bytes()
            judge_ms = median_ms(judge, args.repeats)
            data = {"round": 1, "outcome": "won", "drawing": drawing}
            finish_ms = median_ms(lambda data=data: ui_game.finish(contributions, game, True, data, None), args.repeats)
            kept = (store.used_bytes() - before) / args.repeats
            baseline = baseline or (judge_ms, finish_ms)
            print(
                f"{name:<52} {judge_ms:7.1f}ms {finish_ms:11.1f}ms {kept:7.0f} B"
                f"   ({judge_ms / baseline[0]:.1f}x, {finish_ms / baseline[1]:.1f}x the normal rune)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
