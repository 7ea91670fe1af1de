"""Benchmark the Rune Reader app.

1. Server-side handler time per sketch: `app.predict` called directly on sketchpad values
   (what Gradio hands the handler after preprocessing), over generated sketches.
2. gradio_client round trip to `/predict` of the real app vs. to a no-op Gradio handler with the
   same Sketchpad input, both served from this process, in the same run, so the difference is
   what the app adds over Gradio's own overhead.

    python benchmarks/bench_app.py [--sketches 64] [--round-trips 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gradio as gr
from gradio_client import Client, handle_file
from PIL import Image

import app
import ui
from runes import RUNES
from runes.sketches import draw_sketch


def _ms(seconds: list[float]) -> str:
    values = sorted(s * 1000 for s in seconds)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"median {statistics.median(values):7.2f} ms   mean {statistics.fmean(values):7.2f} ms   p90 {p90:7.2f} ms"


def bench_handler(count: int) -> list[float]:
    sketches = [draw_sketch(RUNES[i % len(RUNES)].id, seed=10_000 + i) for i in range(count)]
    app.predict({"background": None, "layers": [], "composite": sketches[0]})  # warm
    times = []
    for sketch in sketches:
        value = {"background": None, "layers": [], "composite": sketch}
        start = time.perf_counter()
        label, _ = app.predict(value)
        times.append(time.perf_counter() - start)
        assert isinstance(label, dict), label
    return times


def noop_demo() -> gr.Blocks:
    with gr.Blocks() as demo:
        pad = gr.Sketchpad(
            image_mode="L", type="numpy", canvas_size=app.CANVAS, fixed_canvas=True, layers=False, transforms=()
        )
        out_label, out_html = gr.Label(), gr.HTML()
        pad.change(
            lambda value: ({"noop": 1.0}, "<div>noop</div>"),
            inputs=pad,
            outputs=[out_label, out_html],
            api_name="predict",
        )
    return demo


def bench_round_trips(url: str, files: list[str], count: int) -> list[float]:
    client = Client(url, verbose=False)
    for path in files[:3]:  # warm up connections and caches
        client.predict({"background": None, "layers": [], "composite": handle_file(path)}, api_name="/predict")
    times = []
    for i in range(count):
        value = {"background": None, "layers": [], "composite": handle_file(files[i % len(files)])}
        start = time.perf_counter()
        client.predict(value, api_name="/predict")
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sketches", type=int, default=64, help="sketches for the handler timing")
    parser.add_argument("--round-trips", type=int, default=30, help="gradio_client calls per server")
    args = parser.parse_args(argv)

    print(f"model: {app.RECOGNIZER.source} (loaded + warmed up in {app.LOAD_SECONDS:.1f} s), {os.cpu_count()} CPUs")
    handler = bench_handler(args.sketches)
    print(f"handler (app.predict, {len(handler)} sketches):   {_ms(handler)}")

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(16):
            path = Path(tmp) / f"sketch{i}.png"
            Image.fromarray(draw_sketch(RUNES[i].id, seed=20_000 + i)).resize((256, 256)).save(path)
            files.append(str(path))

        app_blocks = app.demo
        app_blocks.launch(
            prevent_thread_lock=True,
            quiet=True,
            server_name="127.0.0.1",
            server_port=None,
            theme=ui.theme(),
            css=ui.page_css(),
        )
        noop = noop_demo()
        noop.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=None)
        try:
            # Interleave so both servers see the same machine load.
            app_times, noop_times = [], []
            for _ in range(3):
                app_times += bench_round_trips(app_blocks.local_url, files, args.round_trips // 3)
                noop_times += bench_round_trips(noop.local_url, files, args.round_trips // 3)
        finally:
            app_blocks.close()
            noop.close()

    app_median = statistics.median(app_times)
    noop_median = statistics.median(noop_times)
    print(f"round trip, app /predict ({len(app_times)}):   {_ms(app_times)}")
    print(f"round trip, no-op handler ({len(noop_times)}): {_ms(noop_times)}")
    print(
        f"app adds {1000 * (app_median - noop_median):.2f} ms per call over Gradio's own overhead "
        f"(ratio app/no-op {app_median / noop_median:.2f}; handler/round trip "
        f"{statistics.median(handler) / app_median:.2%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
