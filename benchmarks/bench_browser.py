"""What a visitor feels: last pen-up -> the right guess on screen, in headless Chromium.

Starts the real app (`python app.py`) and, as the baseline, the same page's pad wired to a no-op handler
(it only counts the strokes: `--serve-baseline`), both as separate processes, and draws every rune with
the mouse in both, in the same run. For each drawing it records, in the page, the time of the last
pen-up and every change of the top label, and reports:

- felt: last pen-up -> the right rune is on screen (0 when the guess that followed the pen was right already)
- round trip: the same over the drawings whose final pen-up changed the answer
- baseline: last pen-up -> the no-op page shows the final stroke count (Gradio + browser, no recognition)
- guess line: last pen-up -> the right rune on the line the page guesses itself (ui/guess.py, no server)
- requests: the server requests (queue joins) the Recognize pad sent per drawing
- server only: the same page with its model blocked, so the server answers every drawing (as before the page
  guessed itself): the before/after in one run

    python benchmarks/bench_browser.py [--rounds 4] [--rtt 300]

--rtt emulates a network with that round trip (Chromium's Network.emulateNetworkConditions, latency = rtt).

Needs Debian's chromium (`apt-get install -y chromium`) and the dev requirements.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import chromium
from rune_strokes import mouse_strokes, strokes_in_box

LABEL = "#top5 h2.output-class"

# In the page: the time of every pen-up on a pad and of every change of the top label, with its text.
RECORD = """() => { window.penUps = []; window.labels = [];
    document.addEventListener('pointerup', (event) => {
        if (event.target.closest('.stroke-pad')) window.penUps.push(performance.now()); }, true);
    const note = () => { const label = document.querySelector('LABEL');
        const text = label ? label.innerText.trim() : '';
        if (!window.labels.length || window.labels[window.labels.length - 1][1] !== text)
            window.labels.push([performance.now(), text]); };
    new MutationObserver(note).observe(document.querySelector('#top5'),
                                       {subtree: true, childList: true, characterData: true});
    note();
    window.lines = [];  // the guess line made in the page (ui/guess.py), without its " · 97%"
    const line = document.querySelector('#guess-line');
    const noteLine = () => { const span = document.querySelector('#guess-line .guess-text');
        const text = span ? span.textContent.split(' · ')[0].trim() : '';
        if (!window.lines.length || window.lines[window.lines.length - 1][1] !== text)
            window.lines.push([performance.now(), text]); };
    if (line) new MutationObserver(noteLine).observe(line, {subtree: true, childList: true, characterData: true});
    }""".replace("LABEL", LABEL)


def serve_baseline(port: int) -> None:
    """The same pad and outputs as the app, wired to a handler that does nothing but count strokes."""
    import gradio as gr

    import ui
    from ui.pad import LIVE, StrokePad

    with gr.Blocks(title="baseline") as demo:
        pad = StrokePad(384, 384, elem_id="pad")
        label, card = gr.Label(elem_id="top5"), gr.HTML(elem_id="card")
        pad.change(
            lambda drawing: ({f"{len(drawing['strokes'])} strokes": 1.0}, ""), inputs=pad, outputs=[label, card], **LIVE
        )
    demo.launch(server_name="127.0.0.1", server_port=port, theme=ui.theme(), css=ui.page_css())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    command: list[str], port: int, env: dict[str, str], cwd: Path = REPO, poll_s: float = 0.5
) -> subprocess.Popen:
    """Start a server on `port` and return once it answers HTTP (SystemExit if it exits or takes over 240 s)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={
            **os.environ,
            **env,
            "GRADIO_SERVER_PORT": str(port),
            "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{command} exited with {process.returncode}") from None
            time.sleep(poll_s)
    process.kill()
    raise SystemExit(f"{command} did not answer within 240 s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by `start` (killed if it does not stop within 20 s)."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


LAST_LABEL_IS = "(text) => window.labels.length && window.labels[window.labels.length - 1][1] === text"


def latency(page, which: str, expected: str, timeout_ms: int = 10_000) -> tuple[float | None, bool]:
    """(last pen-up -> `expected` shown in window[which] ("labels": the server's top 5, "lines": the page's own
    guess line), in ms, or None if it never showed; was it shown already before the pen-up)."""
    try:
        page.wait_for_function(
            "([which, text]) => { const seen = window[which]; return seen.length && seen[seen.length - 1][1] === text; }",
            arg=[which, expected],
            timeout=timeout_ms,
        )
    except Exception:  # noqa: BLE001  (a misread: reported, not timed)
        return None, False
    pen_up = page.evaluate("window.penUps[window.penUps.length - 1]")
    seen = page.evaluate(f"window.{which}")
    before = [text for time_ms, text in seen if time_ms <= pen_up]
    if before and before[-1] == expected:
        return 0.0, True
    shown = next(time_ms for time_ms, text in seen if time_ms > pen_up and text == expected)
    return shown - pen_up, False


def measure(page, strokes, expected: str, empty: str, timeout_ms: int = 10_000) -> tuple[float | None, bool]:
    """(last pen-up -> `expected` label shown, in ms, or None if it never showed; was it shown already)."""
    if page.locator("#pad .pad-clear").is_enabled():
        page.locator("#pad .pad-clear").click()
        page.wait_for_function(LAST_LABEL_IS, arg=empty)
    mouse_strokes(page, strokes, steps=6)
    return latency(page, "labels", expected, timeout_ms)


def run(url: str, cases: list[tuple[str, list, str]], empty: str, browser, rtt: float = 0.0, server_only=False) -> dict:
    """Draw every case; server_only: the page cannot fetch its model (the server answers, as before #16)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    if server_only:
        context.route("**/web/model.json", lambda route: route.abort())
    page = context.new_page()
    if rtt:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": rtt, "downloadThroughput": -1, "uploadThroughput": -1},
        )
    joins: list[str] = []
    page.on("request", lambda request: joins.append(request.url) if "/queue/join" in request.url else None)
    page.goto(url)
    page.locator("#pad canvas").wait_for(state="visible")
    if page.locator("#guess-line").count():  # the app: wait until the page can guess itself (or gave up)
        page.wait_for_function("() => document.querySelector('#guess-line .guess-line').dataset.ready")
        assert page.evaluate("document.querySelector('#guess-line .guess-line').dataset.ready") == (
            "false" if server_only else "true"
        )
    page.evaluate(RECORD)
    box = page.locator("#pad canvas").bounding_box()
    felt, round_trips, misses, lines, requests = [], [], [], [], []
    for name, template_strokes, expected in cases:
        strokes = [
            [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke]
            for stroke in template_strokes
        ]
        joined = len(joins)
        shown, already = measure(page, strokes, expected, empty)
        if shown is None:
            misses.append(name)
            continue
        felt.append(shown)
        if not already:
            round_trips.append(shown)
        if page.locator("#guess-line").count():
            line, _ = latency(page, "lines", expected)
            if line is not None:
                lines.append(line)
        requests.append(len(joins) - joined)
    context.close()
    return {"felt": felt, "round_trips": round_trips, "misses": misses, "lines": lines, "requests": requests}


def _stats(values: list[float]) -> str:
    if not values:
        return "n=0"
    return f"p50 {np.percentile(values, 50):6.1f} ms   p95 {np.percentile(values, 95):6.1f} ms   n={len(values)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="times every rune is drawn in each app")
    parser.add_argument("--rtt", type=float, default=0.0, help="emulated network round trip, ms (default 0)")
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return

    from playwright.sync_api import sync_playwright

    from runes import RUNES

    runes = [rune for rune in RUNES if rune.id not in ("sol", "yr")] * args.rounds  # ᛌ/ᛧ alone read as ᛁ
    app_cases = [(rune.id, strokes_in_box(rune.id, 0.2, 0.2, 0.6), rune.label) for rune in runes]
    baseline_cases = [(name, strokes, f"{len(strokes)} strokes") for name, strokes, _ in app_cases]
    app_port, baseline_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        servers = [
            start([sys.executable, "app.py"], app_port, {"RUNES_DATA_DIR": data_dir, "RUNES_DATASET_REPO": ""}),
            start([sys.executable, __file__, "--serve-baseline", str(baseline_port)], baseline_port, {}),
        ]
        try:
            with sync_playwright() as playwright:
                browser = chromium.launch(playwright)
                baseline = run(f"http://127.0.0.1:{baseline_port}/", baseline_cases, "0 strokes", browser, args.rtt)
                result = run(f"http://127.0.0.1:{app_port}/", app_cases, "Draw a rune", browser, args.rtt)
                server_only = run(
                    f"http://127.0.0.1:{app_port}/", app_cases, "Draw a rune", browser, args.rtt, server_only=True
                )
                browser.close()
        finally:
            for server in servers:
                stop(server)
    print(
        f"drawings: {len(app_cases)} ({len(runes) // args.rounds} runes x {args.rounds}), mouse, 1280x1100, "
        f"emulated round trip {args.rtt:g} ms"
    )
    print(f"guess line in the page          {_stats(result['lines'])}")
    print(f"server requests per drawing     {_stats(result['requests']).replace(' ms', '')}")
    print(f"felt (pen-up -> right guess)    {_stats(result['felt'])}")
    print(f"round trip (answer changed)     {_stats(result['round_trips'])}")
    print(f"baseline (no-op handler)        {_stats(baseline['round_trips'])}")
    if result["round_trips"] and baseline["round_trips"]:
        ratio = np.percentile(result["round_trips"], 50) / np.percentile(baseline["round_trips"], 50)
        print(f"ratio round trip / baseline     p50 {ratio:.2f}")
    print(f"server only (model blocked): felt {_stats(server_only['felt'])}")
    print(f"server only: requests/drawing   {_stats(server_only['requests']).replace(' ms', '')}")
    print(f"misread: {result['misses'] or 'none'}; server only: {server_only['misses'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
