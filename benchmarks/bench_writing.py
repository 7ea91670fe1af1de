"""How many inscription reads a visitor writing one line costs the server, and how soon the last one is answered.

Starts the real app (`python app.py`, from this checkout or `--repo` another one) and writes a line of six runes on
the Inscription pad as the page does (ui.pad.LIVE): one session sends the growing drawing every 100 ms while a
stroke is drawn and at each pen-up, each with the page's next `seq`. Measures the app process's CPU seconds for the
line (what the reads cost; the same line read once, measured in the same run, is the baseline), the answers shown
(not gr.skip()) and the seconds from the last drawing sent to its answer.

    python benchmarks/bench_writing.py [--repo /work/main] [--lines 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests"), str(REPO)]

from bench_browser import _free_port, start
from bench_browser import stop as stop_server
from bench_load import cpu_seconds
from gradio_client import Client
from rune_strokes import as_quickdraw, strokes_in_box

LINE = ("tyr", "ur", "reith", "kaun", "as", "fe")
STEPS = 3  # drawings sent while one stroke is drawn (100 ms apart), the last at pen-up


def drawings() -> list[dict]:
    """The pad's values while LINE is written across a 960x300 pad, in the order sent."""
    done: list[list[list[float]]] = []
    sent = []
    for index, rune_id in enumerate(LINE):
        for stroke in strokes_in_box(rune_id, 20 + 150 * index, 60, 180):
            for step in range(1, STEPS + 1):
                part = stroke[: max(2, len(stroke) * step // STEPS)]
                sent.append({"width": 960, "height": 300, "strokes": [*done, as_quickdraw(part)]})
            done.append(as_quickdraw(stroke))
    return sent


def is_skip(answer) -> bool:
    first = answer[0] if isinstance(answer, (list, tuple)) else answer
    return isinstance(first, dict) and first.get("__type__") == "update"


def write_line(url: str, pid: int, seq_start: int) -> tuple[float, int, float]:
    """(app CPU seconds, answers shown, seconds from the last drawing sent to its answer) for one line by one
    session."""
    client = Client(url, verbose=False, download_files=False)
    before = cpu_seconds(pid)
    jobs = []
    for seq, drawing in enumerate(drawings(), start=seq_start):
        jobs.append(client.submit({**drawing, "seq": seq}, "younger", api_name="/read_strokes"))
        time.sleep(0.1)
    sent = time.perf_counter()
    answers = [job.result(timeout=300) for job in jobs]
    waited = time.perf_counter() - sent
    time.sleep(0.5)  # the last answer's bookkeeping
    assert not is_skip(answers[-1]), "the last drawing is always answered"
    return cpu_seconds(pid) - before, sum(not is_skip(answer) for answer in answers), waited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose app.py is measured")
    parser.add_argument("--lines", type=int, default=3, help="lines written, one after the other")
    args = parser.parse_args()
    port = _free_port()
    process = start([sys.executable, str(args.repo / "app.py")], port, {"PYTHONPATH": str(args.repo)})
    url = f"http://127.0.0.1:{port}/"
    try:
        client = Client(url, verbose=False, download_files=False)
        whole = drawings()[-1]
        client.predict(whole, "younger", api_name="/read_strokes")  # warm
        before = cpu_seconds(process.pid)
        for _ in range(3):
            client.predict(whole, "younger", api_name="/read_strokes")
        once = (cpu_seconds(process.pid) - before) / 3
        print(
            f"app: {args.repo}; a line of {len(LINE)} runes sends {len(drawings())} drawings; one read {once:.2f} CPU s"
        )
        for line in range(args.lines):
            cpu, shown, waited = write_line(url, process.pid, 1 + line * 1000)
            print(
                f"line {line + 1}: {cpu:.2f} CPU s ({cpu / once:.1f} reads' worth), {shown} answers shown; "
                f"last answer {waited:.2f} s after it was sent"
            )
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
