"""Load on the server: N simulated API clients calling /predict_strokes at once, answers/s, p95, server CPU.

    python benchmarks/bench_load.py [--clients 1,10,100] [--seconds 8]

Starts the real app (`python app.py`), then for each N runs N threads that each send a rune as strokes
(tests/rune_strokes.rune_drawing) through one gradio_client, back to back, for --seconds. Reports answers/s, the
p50/p95 of each answer's wait, and the app process's CPU time per answer (/proc/PID/stat, user + system), so the
numbers compare within one run on one machine. Visitors drawing on the Recognize pad are not simulated here:
the page's guess line costs the server nothing, but the pad still sends each drawing for the top 5 and the card
(one event per pad change, see README), so a drawing visitor costs what one of these API calls costs per change.
"""

from __future__ import annotations

import argparse
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

from bench_browser import _free_port, start
from rune_strokes import rune_drawing


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(client, clients: int, seconds: float, pid: int) -> dict:
    drawing = rune_drawing("hagall")
    waits: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def visitor() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            client.predict(drawing, "younger", api_name="/predict_strokes")
            with lock:
                waits.append((time.perf_counter() - started) * 1000)

    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    threads = [threading.Thread(target=visitor) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall_before, cpu_seconds(pid) - cpu_before
    return {
        "clients": clients,
        "answers": len(waits),
        "answers_per_s": len(waits) / wall,
        "p50_ms": float(np.percentile(waits, 50)),
        "p95_ms": float(np.percentile(waits, 95)),
        "server_cpu_ms_per_answer": 1000 * cpu / max(len(waits), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,10,100")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    from gradio_client import Client

    port = _free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start([sys.executable, "app.py"], port, {"RUNES_DATA_DIR": data_dir, "RUNES_DATASET_REPO": ""})
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            client.predict(rune_drawing("tyr"), "younger", api_name="/predict_strokes")  # warm up
            for clients in (int(n) for n in args.clients.split(",")):
                row = load(client, clients, args.seconds, server.pid)
                print(
                    f"{row['clients']:5d} clients: {row['answers_per_s']:6.1f} answers/s   p50 {row['p50_ms']:7.1f} ms"
                    f"   p95 {row['p95_ms']:7.1f} ms   server CPU {row['server_cpu_ms_per_answer']:5.1f} ms/answer"
                )
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
