"""Per-guess compute in the page (ui/guesser.js on TensorFlow.js, headless Chromium) beside the server's
`Recognizer.predict` on the same drawings, and what the page downloads to guess (compressed), in this run.

    python benchmarks/bench_web_guess.py [--n 200] [--page]

--page also starts the app and measures, on loopback, navigation -> the page can guess (the model loaded), and
the bytes the page downloads (compressed, as sent), with the export and TensorFlow.js and without them (blocked).

Each drawing is a generated sketch sent as strokes (runes.sketches.sketch_drawing). In the page one guess is the
whole path the pad runs at a pen-up: strokes -> ink (PIL's rules) -> 32x32 input -> network -> reading in a row.
On the server it is render_strokes + Recognizer.predict (the numpy forward pass). Both in one run, same machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from runes import Recognizer
from runes.rows import SHAPES
from runes.sketches import sketch_drawing
from runes.strokes import check_strokes, render_strokes
from runes.web import MANIFEST_FILENAME, WEB_DIRNAME, WEIGHTS_FILENAME
from ui import guess

WEB = REPO / "models" / WEB_DIRNAME


def downloaded_bytes() -> dict[str, int]:
    """gzip -9 size of what the page fetches to guess (the SIMD .wasm: the one a current browser fetches)."""
    files = [*guess.SCRIPTS, guess.WASM_FILES[0], WEB / MANIFEST_FILENAME, WEB / WEIGHTS_FILENAME]
    return {str(path.relative_to(REPO)): len(gzip.compress(path.read_bytes(), 9)) for path in files}


def page_load(loads: int = 3) -> dict:
    """Navigation -> the first possible guess (ms: the page's model in, or without it the pad on screen, which the
    server then answers), and the bytes downloaded by then, with and without the browser model."""
    import tempfile

    import chromium
    from bench_browser import _free_port, start, stop
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    report: dict = {}
    with tempfile.TemporaryDirectory() as data_dir:
        server = start([sys.executable, "app.py"], port, {"RUNES_DATA_DIR": data_dir, "RUNES_DATASET_REPO": ""})
        try:
            with sync_playwright() as playwright:
                browser = chromium.launch(playwright)
                for blocked in (False, True):
                    ready, sizes = [], []
                    for _ in range(loads):
                        context = browser.new_context()
                        page = context.new_page()
                        if blocked:
                            page.route("**/web/model.json", lambda route: route.abort())
                            page.route("**/vendor/**", lambda route: route.abort())
                        page.goto(url)
                        if blocked:  # the server answers the pad as soon as it is on screen
                            page.locator("#pad canvas").wait_for(state="visible")
                        else:  # the page answers once its model is in
                            page.wait_for_function(
                                "() => document.querySelector('#guess-line .guess-line')?.dataset.ready === 'true'"
                            )
                        ready.append(page.evaluate("performance.now()"))
                        sizes.append(  # bytes as sent (compressed), page and every resource fetched so far
                            page.evaluate(
                                "() => performance.getEntriesByType('navigation').concat("
                                "performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)"
                            )
                        )
                        context.close()
                    key = "without_browser_model" if blocked else "with_browser_model"
                    report[key] = {"ready_ms_p50": float(np.median(ready)), "bytes_p50": int(np.median(sizes))}
                browser.close()
        finally:
            stop(server)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--page", action="store_true", help="also measure the app's page load (starts app.py)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "benchmarks"))
    if args.page:
        print(json.dumps(page_load(), indent=2))
    shapes = list(SHAPES.values())
    drawings = [sketch_drawing(shapes[i % len(shapes)].templates[0], i) for i in range(args.n)]

    recognizer = Recognizer.load(None)
    recognizer.warm_up()
    server = []
    for drawing in drawings:
        start = time.perf_counter()
        recognizer.predict(render_strokes(check_strokes(drawing["strokes"], 384, 384), 384, 384), "younger")
        server.append((time.perf_counter() - start) * 1000)

    import chromium
    from playwright.sync_api import sync_playwright

    from ui.answers import page_data

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page()

        def serve(route):
            name = route.request.url.rsplit("/", 1)[-1]
            if name in (MANIFEST_FILENAME, WEIGHTS_FILENAME):
                route.fulfill(body=(WEB / name).read_bytes())
            elif name.endswith(".wasm"):
                route.fulfill(body=(guess.WASM_FOLDER / name).read_bytes(), content_type="application/wasm")
            else:
                route.fulfill(body=b"<!doctype html>", content_type="text/html")

        page.route("http://bench.test/**", serve)
        page.goto("http://bench.test/")
        for script in guess.SCRIPTS:
            page.add_script_tag(path=str(script))
        page_ms = page.evaluate(
            """async ([drawings, data]) => { const g = await RuneGuesser.load('http://bench.test/web/', 'http://bench.test/wasm/');
               for (const d of drawings.slice(0, 10)) RuneAnswer.answer(g.guess(d, 'younger'), data);
               return drawings.map((d) => { const t = performance.now();  // the top 5 and card included
                                             RuneAnswer.answer(g.guess(d, 'younger'), data);
                                             return performance.now() - t; }); }""",
            [drawings, page_data(recognizer)],
        )
        browser.close()
    report = {
        "drawings": args.n,
        "page_guess_ms": {"p50": float(np.median(page_ms)), "p95": float(np.percentile(page_ms, 95))},
        "server_predict_ms": {"p50": float(np.median(server)), "p95": float(np.percentile(server, 95))},
        "page_over_server_p50": float(np.median(page_ms) / np.median(server)),
        "gzip_bytes": downloaded_bytes(),
    }
    report["gzip_bytes_total"] = sum(report["gzip_bytes"].values())
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
