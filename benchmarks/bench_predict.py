"""Latency of Recognizer.predict on one sketch (preprocess + inference) against Keras model.predict.

Recognizer.predict runs the CNN in numpy (runes.inference) for single sketches; the TensorFlow graph it
uses for big batches is timed too.

    python benchmarks/bench_predict.py [--repeats 300]

Both are measured in the same run on the same input; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from runes import Recognizer, preprocess
from runes.sketches import draw_sketch


def timings(function, repeats: int) -> list[float]:
    for _ in range(5):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def summary(name: str, samples: list[float]) -> tuple[float, float]:
    median = statistics.median(samples) * 1000
    p95 = float(np.percentile(samples, 95)) * 1000
    print(f"{name:<42} median {median:8.3f} ms   p95 {p95:8.3f} ms")
    return median, p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    recognizer = Recognizer.load()
    sketch = draw_sketch("hagall", seed=0)  # a 96x96 canvas, black ink on white
    tensor = preprocess(sketch)[None]
    ours = summary("Recognizer.predict (preprocess + model)", timings(lambda: recognizer.predict(sketch), args.repeats))
    summary("  of which preprocess", timings(lambda: preprocess(sketch), args.repeats))
    summary("  of which the numpy forward pass", timings(lambda: recognizer.predict_tensors(tensor), args.repeats))
    summary(
        "TensorFlow graph (tf.function, tensor only)",
        timings(lambda: recognizer._traced()(tensor).numpy(), args.repeats),
    )
    keras_predict = summary(
        "keras model.predict (tensor only)",
        timings(lambda: recognizer.model.predict(tensor, verbose=0), max(30, args.repeats // 10)),
    )
    print(
        f"ratio Recognizer.predict / model.predict: median {ours[0] / keras_predict[0]:.4f}, "
        f"p95 {ours[1] / keras_predict[1]:.4f} ({keras_predict[0] / ours[0]:.0f}x faster)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
