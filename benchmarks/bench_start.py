"""Cold start: `python app.py` -> the first answer of /predict_strokes, and the server's memory then.

Starts the app as a fresh process (as bench_browser.py does), waits for its page, then asks /predict_strokes for
one rune drawing with gradio_client; the time from starting the process to that answer is "ready", the app
process's resident memory at that moment (VmRSS in /proc/PID/status) is "RSS", and the CPU time it had used
(/proc/PID/stat) is "CPU", steadier than "ready" when others share the machine. The baseline is a bare Gradio
app (one textbox in a gr.Interface: `--serve-baseline`) started and asked the same way in the same run, so the
figures are also given as ratios to it. `--before DIR` also starts the app of another checkout (e.g. one made
with `git archive`) the same way: the before/after in one run.

    python benchmarks/bench_start.py [--rounds 3] [--before /tmp/rune-reader-before]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

sys.path.insert(0, str(REPO / "benchmarks"))

from bench_browser import _free_port, start, stop
from bench_load import cpu_seconds
from rune_strokes import rune_drawing


def serve_baseline() -> None:
    """A bare Gradio app: one textbox in, one out. GRADIO_SERVER_PORT picks the port."""
    import gradio as gr

    def predict(text: str) -> str:
        return text

    gr.Interface(predict, "textbox", "textbox", api_name="predict").launch()


BASELINE = "bare Gradio app (baseline)"


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(command: list[str], cwd: Path, api_name: str, argument) -> tuple[float, float, float]:
    """(seconds from starting `command` to its first answer on `api_name`, the server's RSS in MiB then, and the CPU
    seconds it had used)."""
    from gradio_client import Client

    port = _free_port()
    started = time.perf_counter()
    process = start(command, port, {}, cwd=cwd, poll_s=0.05)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        answer = client.predict(argument, api_name=api_name)
        ready = time.perf_counter() - started
        rss, cpu = _rss_mib(process.pid), cpu_seconds(process.pid)
        if not answer:
            raise SystemExit(f"{command}: {api_name} gave no answer")
        return ready, rss, cpu
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold starts of each app (medians are reported)")
    parser.add_argument("--before", type=Path, help="another checkout whose app.py to start the same way")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        serve_baseline()
        return 0
    drawing = rune_drawing("tyr")
    apps = {
        BASELINE: (
            [sys.executable, str(Path(__file__).resolve()), "--serve-baseline"],
            REPO,
            "/predict",
            "hello",
        )
    }
    if args.before:
        apps["app.py before"] = ([sys.executable, "app.py"], args.before.resolve(), "/predict_strokes", drawing)
    apps["app.py"] = ([sys.executable, "app.py"], REPO, "/predict_strokes", drawing)
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in apps}
    for _ in range(args.rounds):  # interleaved, so a busy moment of the machine falls on all of them alike
        for name, (command, cwd, api_name, argument) in apps.items():
            runs[name].append(cold_start(command, cwd, api_name, argument))
    base = runs[BASELINE]
    print(
        f"cold start -> first answer, median of {args.rounds} (python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    )
    print("x bare: the median of each round's ratio to the bare app started just before it")
    print(
        f"{'':28} {'ready s':>7} {'x bare':>6} {'CPU s':>6} {'x bare':>6} {'RSS MiB':>7} {'x bare':>6}   ready s each"
    )
    for name, results in runs.items():
        columns = []
        for index in range(3):
            columns.append(statistics.median(result[index] for result in results))
            columns.append(statistics.median(r[index] / b[index] for r, b in zip(results, base, strict=True)))
        ready, ready_x, rss, rss_x, cpu, cpu_x = columns
        each = " ".join(f"{r:.2f}" for r, _, _ in results)
        print(f"{name:28} {ready:7.2f} {ready_x:6.2f} {cpu:6.2f} {cpu_x:6.2f} {rss:7.0f} {rss_x:6.2f}   {each}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
