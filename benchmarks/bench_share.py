"""Share (issue 19 item 4): how long a share link is, what opening and sharing cost the server, and what it stores.

In one run, without a browser:
- the link's code (ui/share_link.py) for every rune of the Younger and Elder rows drawn as a hand sends it (its
  template's strokes sampled every 2 px and every 8 ms on the 384x384 pad), beside the drawing as compact JSON;
- the longest code the pad's caps allow (ui.inputs.RUNE: 5,000 points in 100 strokes, a random walk) and the time to
  decode it, against the time to read one rune (Recognizer.predict) measured in the same run;
- the card (ui/share_card.py): its PNG size and the time to draw it, also against one predict;
- what the server stores per share: nothing for the link (it is in the address's fragment); for comparison, what
  gr.DeepLinkButton would write per press (a state.json of every component of the session, here the size of the
  app's components as served, a lower bound: values only grow as a visitor uses the page).

    python benchmarks/bench_share.py
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from runes import Recognizer
from runes.alphabet import Rune
from runes.rows import get_row
from runes.strokes import check_strokes, render_strokes
from ui.inputs import RUNE
from ui.share_card import card_image
from ui.share_link import decode, encode

CANVAS = (384, 384)


def hand_drawn(rune: Rune, spacing: float = 2.0) -> dict:
    """The rune's first template on the pad (its height 70% of the pad), sampled as a hand sends it: a point every
    `spacing` px, every 8 ms (2 px: a slow, careful hand; the pad keeps points 0.5 px apart and more)."""
    strokes, clock = [], 0
    for stroke in rune.long_branch_templates[0]:
        xs = np.array([96 + x * 269 for x, _ in stroke])
        ys = np.array([58 + y * 269 for _, y in stroke])
        along = np.concatenate([[0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
        steps = np.linspace(0, along[-1], max(2, int(along[-1] / spacing)))
        strokes.append(
            [
                [round(float(x), 1) for x in np.interp(steps, along, xs)],
                [round(float(y), 1) for y in np.interp(steps, along, ys)],
                [clock + 8 * index for index in range(len(steps))],
            ]
        )
        clock += 8 * len(steps) + 150  # a pen lifted for 150 ms
    return {"width": CANVAS[0], "height": CANVAS[1], "strokes": strokes}


def timed(function, repeats: int = 20) -> float:
    """The median seconds of `function()`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    recognizer = Recognizer.load_with_fallback(None)[0]
    recognizer.warm_up()
    rows = {"younger": get_row("younger"), "elder": get_row("elder")}
    for spacing in (2.0, 6.0):
        sizes = []
        for row_id, row in rows.items():
            for rune in row.runes:
                drawing = hand_drawn(rune, spacing)
                code = encode(drawing, row_id)
                points = sum(len(stroke[0]) for stroke in drawing["strokes"])
                sizes.append((points, len(code), len(json.dumps(drawing, separators=(",", ":")))))
        codes = [size[1] for size in sizes]
        print(f"link code, {len(sizes)} runes drawn with a point every {spacing:g} px:")
        print(
            f"  median {statistics.median(codes):.0f} chars, max {max(codes)}; {sum(codes) / sum(s[0] for s in sizes):.2f}"
            f" chars a point; points median {statistics.median([s[0] for s in sizes]):.0f}, max {max(s[0] for s in sizes)};"
            f" compact JSON median {statistics.median([s[2] for s in sizes]):.0f} chars"
        )

    generator = np.random.default_rng(0)
    per_stroke = RUNE.max_points // RUNE.max_strokes
    worst = []
    for index in range(RUNE.max_strokes):
        xs = np.clip(192 + np.cumsum(generator.normal(0, 3, per_stroke)), 0, 383).round(1)
        ys = np.clip(192 + np.cumsum(generator.normal(0, 3, per_stroke)), 0, 383).round(1)
        worst.append([list(xs), list(ys), [index * 1000 + 8 * step for step in range(per_stroke)]])
    worst_drawing = {"width": CANVAS[0], "height": CANVAS[1], "strokes": worst}
    worst_code = encode(worst_drawing, "younger")
    image = render_strokes(check_strokes(hand_drawn(get_row("younger").rune("fe"))["strokes"], *CANVAS), *CANVAS)
    predict = timed(lambda: recognizer.predict(image, "younger"))
    decoding = timed(lambda: decode(worst_code, CANVAS, ("younger",)), 5)
    print(f"longest code within the pad's caps ({RUNE.max_points} points): {len(worst_code):,} chars")
    print(f"  decode it: {decoding * 1e3:.1f} ms = {decoding / predict:.1f} x one predict ({predict * 1e3:.1f} ms)")

    prediction = recognizer.predict(image, "younger")
    drawing_card = timed(lambda: card_image(image, prediction), 10)
    png = io.BytesIO()
    card_image(image, prediction).save(png, format="PNG")
    print(f"card: {len(png.getvalue()):,} bytes PNG, drawn in {drawing_card * 1e3:.1f} ms")
    print(f"  = {drawing_card / predict:.1f} x one predict")

    import app  # the app's components, as a deep link would save them

    components = json.dumps(app.demo.config["components"], default=str)
    print("server storage per share: link 0 bytes (fragment, never sent with the page)")
    print(f"  gr.DeepLinkButton would write >= {len(components.encode()):,} bytes per press, never deleted")


if __name__ == "__main__":
    main()
