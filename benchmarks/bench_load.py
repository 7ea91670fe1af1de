"""Load on the server: N visitors drawing on the Recognize pad, and N API clients calling /predict_strokes.

    python benchmarks/bench_load.py [--visitors 1,10,100,1000] [--clients 1,10,100] [--seconds 8]

Starts the real app (`python app.py`) and measures, in one run on one machine:

- What a visitor drawing costs. One real first visit in headless Chromium records every request the page
  makes until it can guess (the page, Gradio's assets and config, TensorFlow.js and the model export), then
  draws 8 runes and counts the server requests sent while drawing (Gradio's /queue/join): 0 when the page
  answers the pad itself. N visitors arriving at once are then simulated by replaying that first visit's GET
  requests (gzip accepted, as a browser does) from N threads, each visitor then drawing at no server cost; the
  long-lived streams (heartbeat) and the one load event (the Contribute tab's prompt) are not replayed.
  Reported: the visit's p50/p95, the server's CPU per visitor (/proc/PID/stat, user + system) and per stroke.
- What API clients cost: N threads each sending a rune as strokes (tests/rune_strokes.rune_drawing) through one
  gradio_client, back to back, for --seconds: answers/s, p50/p95 of each answer's wait, server CPU per answer.
  This is also what each pad change cost before the page answered it (one event per change, ~8 per rune).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_browser import _free_port, start, stop
from rune_strokes import mouse_strokes, rune_drawing, strokes_in_box

DRAWN = ("hagall", "tyr", "ur", "fe", "kaun", "isa", "reith", "bjork")
STREAMS = ("/heartbeat/", "/queue/data", "/queue/join")  # not replayed: streams and server events


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_visit(url: str) -> tuple[list[str], dict]:
    """A real first visit: (the GET URLs fetched until the page can guess, what drawing 8 runes sent)."""
    import chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        requests: list[tuple[str, str]] = []
        page.on("request", lambda request: requests.append((request.method, request.url)))
        page.goto(url)
        page.wait_for_function("() => document.querySelector('#guess-line .guess-line')?.dataset.ready === 'true'")
        visit = [u for method, u in requests if method == "GET" and not any(part in u for part in STREAMS)]
        loaded = len(requests)
        box = page.locator("#pad canvas").bounding_box()
        strokes = 0
        for rune_id in DRAWN:
            if page.locator("#pad .pad-clear").is_enabled():
                page.locator("#pad .pad-clear").click()
            drawn = strokes_in_box(
                rune_id, box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"], 0.6 * box["width"]
            )
            mouse_strokes(page, drawn)
            strokes += len(drawn)
        page.wait_for_timeout(500)  # anything the last pen-up would send has left by now
        sent = [u for _, u in requests[loaded:] if "/queue/join" in u]
        browser.close()
    return visit, {"runes": len(DRAWN), "strokes": strokes, "server_events": len(sent)}


def visitors(urls: list[str], count: int, pid: int) -> dict:
    """`count` visitors arriving at once, each fetching the first visit's GETs in order."""
    import httpx

    def visit() -> tuple[float, int]:
        started, size = time.perf_counter(), 0
        with httpx.Client(headers={"Accept-Encoding": "gzip"}, timeout=120) as client:
            for url in urls:
                with client.stream("GET", url) as response:
                    size += sum(len(chunk) for chunk in response.iter_raw())
        return (time.perf_counter() - started) * 1000, size

    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 200)) as pool:
        results = list(pool.map(lambda _: visit(), range(count)))
    wall, cpu = time.perf_counter() - wall_before, cpu_seconds(pid) - cpu_before
    times = [ms for ms, _ in results]
    return {
        "visitors": count,
        "wall_s": wall,
        "visit_p50_ms": float(np.percentile(times, 50)),
        "visit_p95_ms": float(np.percentile(times, 95)),
        "bytes_per_visit": int(np.median([size for _, size in results])),
        "server_cpu_ms_per_visitor": 1000 * cpu / count,
    }


def api_clients(client, clients: int, seconds: float, pid: int) -> dict:
    drawing = rune_drawing("hagall")
    waits: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client_loop() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            client.predict(drawing, "younger", api_name="/predict_strokes")
            with lock:
                waits.append((time.perf_counter() - started) * 1000)

    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall_before, cpu_seconds(pid) - cpu_before
    return {
        "clients": clients,
        "answers_per_s": len(waits) / wall,
        "p50_ms": float(np.percentile(waits, 50)),
        "p95_ms": float(np.percentile(waits, 95)),
        "server_cpu_ms_per_answer": 1000 * cpu / max(len(waits), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", default="1,10,100,1000")
    parser.add_argument("--clients", default="1,10,100")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    from gradio_client import Client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as data_dir:
        server = start([sys.executable, "app.py"], port, {"RUNES_DATA_DIR": data_dir, "RUNES_DATASET_REPO": ""})
        try:
            urls, drawing = first_visit(url)
            per_stroke = drawing["server_events"] / drawing["strokes"]
            print(
                f"a first visit: {len(urls)} requests; drawing {drawing['runes']} runes ({drawing['strokes']} "
                f"strokes) sent {drawing['server_events']} server events ({per_stroke:.2f} per stroke)"
            )
            for count in (int(n) for n in args.visitors.split(",")):
                row = visitors(urls, count, server.pid)
                print(
                    f"{count:5d} visitors: visit p50 {row['visit_p50_ms']:7.1f} ms   p95 {row['visit_p95_ms']:7.1f} ms"
                    f"   {row['bytes_per_visit'] / 1024:6.0f} KiB   server CPU {row['server_cpu_ms_per_visitor']:6.1f}"
                    f" ms/visitor, {per_stroke:.0f} per stroke drawn   ({row['wall_s']:.1f} s)"
                )
            client = Client(url, verbose=False)
            client.predict(rune_drawing("tyr"), "younger", api_name="/predict_strokes")  # warm up
            for clients in (int(n) for n in args.clients.split(",")):
                row = api_clients(client, clients, args.seconds, server.pid)
                print(
                    f"{clients:5d} API clients: {row['answers_per_s']:6.1f} answers/s   p50 {row['p50_ms']:7.1f} ms"
                    f"   p95 {row['p95_ms']:7.1f} ms   server CPU {row['server_cpu_ms_per_answer']:5.1f} ms/answer"
                )
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
