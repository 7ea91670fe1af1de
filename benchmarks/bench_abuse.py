"""The worst requests a client may send, and what they cost everybody else (issue 17: bounded work per request).

Starts the real app (`python app.py`, from this checkout or `--repo` another one, e.g. the main branch before the
bounds) and measures, in one run:

- per endpoint, the worst request the app accepts (the most strokes and points on the largest canvas it reads, the
  largest drawing as an image, an image of 32,768 separate strokes, yesterday's worst: 4096x4096, 500 strokes x 40
  points; the longest runic text read and one far over it) and a 50 MB JSON body: the
  answer (or refusal), the time it took and the app process's peak RSS above its RSS before;
- a normal visitor's p95 on /predict_strokes (one rune, 384x384) with nothing else running, and the same while
  heavy /read_strokes requests run back to back: the ratio of the two.

With `--teach N` it measures Teach sessions instead: N visitors one after another (headless Chromium pages) open
the Teach tab, add three drawings at a person's pace (`--pace` seconds each), press Teach and close the page; the
app's RSS before, and after 1, 5, 10, 20... of these teach-and-close cycles (`--settle` seconds after the last
close), with its child processes' RSS (teaching runs in a child: runes.teach_process), and each press-to-taught
time (the first one includes whatever of Keras is not loaded yet).

    python benchmarks/bench_abuse.py [--repo /work/main] [--visits 40]
    python benchmarks/bench_abuse.py --teach 20 [--repo /work/main] [--pace 2] [--settle 25]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import chromium
from bench_browser import _free_port, start
from bench_browser import stop as stop_server
from gradio_client import Client, handle_file
from playwright.sync_api import expect, sync_playwright
from rune_strokes import mouse_strokes, rune_drawing, strokes_in_box

from runes.runic_text import MAX_CHARACTERS
from runes.strokes import check_strokes, render_strokes
from ui.inputs import INSCRIPTION, RUNE


def grid(side: int, strokes: int, points: int) -> dict:
    """`strokes` separate vertical strokes of `points` points each in a grid over a side x side canvas."""
    per_row = int(np.ceil(np.sqrt(strokes)))
    step = side / per_row
    drawn = []
    for index in range(strokes):
        x, top = (index % per_row + 0.5) * step, (index // per_row + 0.1) * step
        ys = np.linspace(top, top + 0.8 * step, points).round(1).tolist()
        drawn.append([[round(x, 1)] * points, ys, list(range(0, 10 * points, 10))])
    return {"width": side, "height": side, "strokes": drawn}


class Memory:
    """The app process's RSS sampled every 10 ms while a request runs: peak above the RSS before it."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0, False

    def rss(self, pid: int | None = None) -> int:
        """The RSS of the app process (or of `pid`), bytes; 0 for one that has ended."""
        try:
            lines = Path(f"/proc/{pid or self.pid}/status").read_text().splitlines()
        except OSError:
            return 0
        return next((int(line.split()[1]) * 1024 for line in lines if line.startswith("VmRSS:")), 0)

    def children_rss(self) -> int:
        """The RSS of the app's child processes (teaching children, runes.teach_process), bytes."""
        children: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children += [int(pid) for pid in task.read_text().split()]
        return sum(self.rss(pid) for pid in children)

    def __enter__(self) -> Memory:
        self.before = self.peak = self.rss()
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.01)

    def __exit__(self, *_) -> None:
        self.running = False
        self.thread.join()

    @property
    def added_mb(self) -> float:
        return (self.peak - self.before) / 1e6


def answer_text(result) -> str:
    """The visitor-facing words of an answer, short: the label, or the first line of the answer's HTML."""
    first = result if isinstance(result, str) else result[0]  # one output (/read_text) comes alone
    if isinstance(first, dict):
        return str(first.get("label"))
    words = " ".join(re.sub(r"<[^>]+>", " ", str(first)).split())
    return words[:90]


def post_body(url: str, size: int) -> tuple[int, str]:
    """POST a `size`-byte JSON body with its length to /gradio_api/call/predict_strokes: (status, answer)."""
    host, port = url.split("//")[1].strip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        head = f"POST /gradio_api/call/predict_strokes HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        sock.sendall(f"{head}Content-Length: {size + 12}\r\n\r\n".encode())
        with contextlib.suppress(OSError):  # refused before it is all sent: the server may close
            sock.sendall(b'{"data": [' + b" " * size + b"]}")
        answer = b""
        with contextlib.suppress(OSError):
            while data := sock.recv(65536):
                answer += data
                if b"\r\n\r\n" in answer and len(answer.split(b"\r\n\r\n", 1)[1]) > 20:
                    break
    status, _, rest = answer.partition(b"\r\n")
    return int(status.split()[1]) if status else 0, rest.split(b"\r\n\r\n", 1)[-1][:90].decode(errors="replace")


def p95(client: Client, visits: int) -> float:
    drawing = rune_drawing("tyr")
    times = []
    for _ in range(visits):
        started = time.perf_counter()
        client.predict(drawing, "younger", api_name="/predict_strokes")
        times.append(time.perf_counter() - started)
    return float(np.percentile(times, 95))


def teach_and_close(browser, url: str, pace: float) -> float:
    """One visitor: open the page, the Teach tab, add three drawings `pace` seconds apart, press Teach, wait for
    the answer, close the page. Returns press-to-taught in seconds."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(url)
    page.get_by_role("tab", name="Teach it a symbol").click()
    page.locator("#teach-name textarea, #teach-name input").first.fill("stick")
    for count in range(1, 4):
        page.wait_for_timeout(pace * 1000)  # a person drawing
        box = page.locator("#teach-pad canvas").bounding_box()
        size = 0.5 * box["width"]
        mouse_strokes(page, strokes_in_box("isa", box["x"] + size / 2 + 8 * count, box["y"] + size / 2, size))
        page.locator("#teach-add").click()
        expect(page.locator('#teach-status li[data-symbol="stick"]')).to_have_attribute("data-count", str(count))
    started = time.perf_counter()
    page.locator("#teach-go").click()
    expect(page.locator("#teach-status .teach-status.taught")).to_be_visible(timeout=600_000)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def teach_cycles(url: str, pid: int, cycles: int, pace: float, settle: float) -> None:
    """RSS before and after 1, 5, 10, 20... teach-and-close cycles, and press-to-taught times."""
    memory = Memory(pid)
    expect.set_options(timeout=120_000)  # a busy machine: each step waits for the page, for up to 2 minutes
    checkpoints = sorted({n for n in (1, 5, 10, 20, cycles) if n <= cycles})
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page()
        page.goto(url)  # a first visit: the page and the server warmed up, as before any teaching
        page.locator("#pad canvas").wait_for(state="visible")
        page.close()
        time.sleep(settle)
        before = memory.rss()
        print(f"RSS before any teaching: {before / 2**20:.0f} MiB")
        print(
            f"{'cycles':>6} {'RSS MiB':>8} {'vs before':>10} {'vs cycle 1':>11} {'children MiB':>13}  press-to-taught s"
        )
        times: list[float] = []
        shown, first = 0, 0  # press-to-taught times printed so far; RSS after the first cycle (Keras loaded)
        for cycle in range(1, cycles + 1):
            times.append(teach_and_close(browser, url, pace))
            if cycle in checkpoints:
                time.sleep(settle)  # the closed pages' sessions end (CLOSED_KEEP_SECONDS) and are collected
                rss = memory.rss()
                first = first or rss
                latest = " ".join(f"{t:.1f}" for t in times[shown:])
                print(
                    f"{cycle:6d} {rss / 2**20:8.0f} {(rss - before) / 2**20:+9.0f}M "
                    f"{(rss - first) / 2**20:+10.0f}M {memory.children_rss() / 2**20:13.0f}  {latest}"
                )
                shown = len(times)
        browser.close()
    print(f"press-to-taught: first {times[0]:.1f} s, median of the rest {np.median(times[1:] or times):.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose app.py is measured")
    parser.add_argument("--visits", type=int, default=40, help="normal /predict_strokes requests per p95")
    parser.add_argument("--teach", type=int, default=0, help="measure this many teach-and-close cycles instead")
    parser.add_argument("--pace", type=float, default=2.0, help="seconds a visitor takes per drawing (--teach)")
    parser.add_argument("--settle", type=float, default=25.0, help="seconds after a close before reading RSS")
    args = parser.parse_args()

    port = _free_port()
    process = start([sys.executable, str(args.repo / "app.py")], port, {"PYTHONPATH": str(args.repo)})
    url = f"http://127.0.0.1:{port}/"
    if args.teach:
        try:
            print(f"app: {args.repo}")
            teach_cycles(url, process.pid, args.teach, args.pace, args.settle)
        finally:
            stop_server(process)
        return 0
    try:
        client = Client(url, verbose=False)
        client.predict(rune_drawing("tyr"), "younger", api_name="/predict_strokes")  # warm
        with tempfile.TemporaryDirectory() as folder:
            big_image = Path(folder) / "big.png"
            wide = grid(4096, INSCRIPTION.max_strokes, INSCRIPTION.max_points // INSCRIPTION.max_strokes)
            Image.fromarray(render_strokes(check_strokes(wide["strokes"], 4096, 4096), 4096, 4096)).save(big_image)
            sketch = {"background": None, "layers": [], "composite": handle_file(str(big_image))}
            staves = np.full((1024, 1024), 255, np.uint8)  # 13,000 separate strokes: the most groups of ink to judge
            for top in range(0, 1024, 8):
                for left in range(0, 1024, 4):
                    staves[top : top + 7, left : left + 2] = 0
            staves_image = Path(folder) / "staves.png"
            Image.fromarray(staves).save(staves_image)
            many = {"background": None, "layers": [], "composite": handle_file(str(staves_image))}
            cases = [
                ("/predict_strokes", "caps: rune", [grid(RUNE.max_side, RUNE.max_strokes, 50), "younger"]),
                ("/read_strokes", "caps: inscription", [wide, "younger"]),
                ("/read_strokes", "yesterday's worst 4096², 500x40", [grid(4096, 500, 40), "younger"]),
                ("/predict", "4096² PNG", [sketch, "younger"]),
                ("/read", "4096² PNG", [sketch, "younger"]),
                ("/read", "1024² PNG of 32,768 strokes", [many, "younger"]),
                ("/read_text", "caps: 3,000 characters of runes", [("ᚴᚢᚱᛘᛦ ᛬ " * 500)[:MAX_CHARACTERS], "younger"]),
                ("/read_text", "100,000 characters", ["ᚠ" * 100_000, "younger"]),
            ]
            print(f"app: {args.repo}   (this checkout's caps: rune {RUNE}, inscription {INSCRIPTION})")
            print(f"{'endpoint':17} {'request':34} {'seconds':>8} {'+peak RSS MB':>13}  answer")
            for endpoint, name, inputs in cases:
                with Memory(process.pid) as memory:
                    started = time.perf_counter()
                    try:
                        text = answer_text(client.predict(*inputs, api_name=endpoint))
                    except Exception as error:  # noqa: BLE001  (a refused upload, say)
                        text = f"refused: {str(error)[:90]}"
                    seconds = time.perf_counter() - started
                print(f"{endpoint:17} {name:34} {seconds:8.2f} {memory.added_mb:13.0f}  {text[:100]}")
            with Memory(process.pid) as memory:
                started = time.perf_counter()
                status, body = post_body(url, 50_000_000)
                seconds = time.perf_counter() - started
            print(
                f"{'/gradio_api/call':17} {'50 MB JSON body':34} {seconds:8.2f} {memory.added_mb:13.0f}  {status} {body}"
            )

        quiet = p95(client, args.visits)
        heavy = json.loads(json.dumps(wide))
        stop = threading.Event()

        def hammer() -> None:
            other = Client(url, verbose=False)
            while not stop.is_set():
                other.predict(heavy, "younger", api_name="/read_strokes")

        thread = threading.Thread(target=hammer, daemon=True)
        thread.start()
        time.sleep(1.0)  # the first heavy request is running
        busy = p95(client, args.visits)
        stop.set()
        thread.join(timeout=120)
        print(
            f"/predict_strokes p95 over {args.visits} visits: alone {quiet * 1000:.0f} ms, while heavy /read_strokes "
            f"run {busy * 1000:.0f} ms: ratio {busy / quiet:.2f}"
        )
    finally:
        stop_server(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
