"""The tutorials' CNNs beside ours: same generated data, same training budget, same measurements.

    python benchmarks/compare_architectures.py           # a few minutes on 2 cores: docs/architectures.{md,png}
    python benchmarks/compare_architectures.py --quick   # seconds (tiny data, 1 epoch), writes to a temp folder

Three networks, each adapted only in input size (32x32x1, what `runes.preprocess` gives) and number of
outputs (the 16 runes of the long-branch row, whose forms the real drawings use, + bluetooth + other:
`model_labels(TrainConfig(rows="long-branch"))`; the bundled model reads every row, 39 outputs):

(a) **one-conv tutorial CNN**: Conv2D(8, 3x3) -> MaxPooling2D(2) -> Flatten -> Dense softmax, the beginners'
    "convolution, pooling, a dense layer, softmax" network (as in the "Keras for Beginners: Implementing a
    CNN" tutorial: 8 filters, no activation on the convolution, the max pooling being its only non-linearity).
(b) **Keras MNIST convnet** (keras.io "Simple MNIST convnet"): Conv2D(32, 3x3, relu) -> MaxPooling2D(2) ->
    Conv2D(64, 3x3, relu) -> MaxPooling2D(2) -> Flatten -> Dropout(0.5) -> Dense softmax; 34,826 parameters
    at its own 28x28x1 input and 10 classes.
(c) **ours**: `runes.model.build_model` (five 3x3 convs with batch norm in three blocks, a dense layer).

All three are trained the way `runes.train.train` trains the bundled model: the same generated sketches
(`runes.train.generate`, one seed, validation sketches from the next seed), weights seeded alike, Adam at
the same learning rate, the same batch size and epoch limit, early stopping on validation loss with the
same patience (best weights restored) and the same learning-rate reduction on plateaus. Each is then
measured like the bundled model: its rune_threshold calibrated with `runes.train.calibrate` on the
generated validation sketches, wrapped with `runes.train.recognizer_from_model`, and run through
`runes.evaluate.evaluate_folder` on the 138 real drawings (top-1 accuracy, share accepted as runes) and
`runes.evaluate.evaluate_nonrunes` on the Omniglot characters ("not a rune" rejection). Neither folder is
ever trained on. Latency is the median of `Recognizer.predict` on one sketch (preprocessing included, the
app's path: the numpy forward pass where `runes.inference` supports the network, else the TensorFlow
graph), the median of the same TensorFlow graph for all three (the network alone, tensor in), and keras
`model.predict` as the baseline; calls to the three networks alternate so background load hits them alike.

It prints a Markdown table and writes it to OUT/architectures.md, and a plot to OUT/architectures.png
(OUT is docs/ by default; --quick writes to a temporary folder unless --out is given).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from runes.evaluate import evaluate_folder, evaluate_nonrunes
from runes.model import build_model
from runes.preprocess import INPUT_SIZE
from runes.train import (
    TrainConfig,
    _label_counts,
    calibrate,
    compile_for_training,
    generate,
    model_labels,
    recognizer_from_model,
)

INPUT_SHAPE = (INPUT_SIZE, INPUT_SIZE, 1)
REAL_DIR = ROOT.parent / "shared" / "real-runes" / "dev"
NONRUNES_DIR = ROOT.parent / "shared" / "nonrunes" / "dev"
DOCS = ROOT / "docs"

# The default budget: about 4.5 minutes on 2 cores for all three networks, ours taking half (see --help).
SAMPLES_PER_RUNE = 600
VAL_SAMPLES_PER_RUNE = 150
EPOCHS = 15
REPEATS = 300  # Recognizer.predict calls per network for the latency median


def build_simple_cnn(input_shape: tuple[int, int, int] = INPUT_SHAPE, num_classes: int = 18):
    """(a) The one-conv tutorial CNN: Conv2D(8, 3x3), MaxPooling2D(2), Flatten, Dense softmax."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(8, 3),
            layers.MaxPooling2D(pool_size=2),
            layers.Flatten(),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="one_conv_tutorial",
    )


def build_mnist_convnet(input_shape: tuple[int, int, int] = INPUT_SHAPE, num_classes: int = 18):
    """(b) The Keras "Simple MNIST convnet": 34,826 parameters at (28, 28, 1) and 10 classes."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="keras_mnist_convnet",
    )


def build_ours(input_shape: tuple[int, int, int] = INPUT_SHAPE, num_classes: int = 18):
    """(c) Ours: `runes.model.build_model` with the bundled model's settings (TrainConfig's filters, dropout)."""
    defaults = TrainConfig()
    return build_model(input_shape, num_classes, defaults.filters, defaults.dropout)


@dataclass(frozen=True)
class Architecture:
    key: str  # a, b, c
    name: str
    build: Callable


ARCHITECTURES = (
    Architecture("a", "one-conv tutorial CNN", build_simple_cnn),
    Architecture("b", "Keras MNIST convnet", build_mnist_convnet),
    Architecture("c", "ours (runes.model)", build_ours),
)


@dataclass
class Budget:
    samples_per_rune: int = SAMPLES_PER_RUNE
    val_samples_per_rune: int = VAL_SAMPLES_PER_RUNE
    epochs: int = EPOCHS
    repeats: int = REPEATS
    seed: int = TrainConfig.seed
    workers: int = 2


@dataclass
class Result:
    key: str
    name: str
    parameters: int
    train_seconds: float
    epochs_run: int
    val_accuracy: float  # all 18 labels, generated validation sketches
    rune_threshold: float
    real_accuracy: float  # top-1 among the runes, the 138 real drawings
    real_acceptance: float  # share of the real drawings called a rune
    real_n: int
    rejection: float  # share of the Omniglot characters called "not a rune"
    nonrunes_n: int
    predict_ms: float  # median Recognizer.predict, one sketch, preprocessing included
    forward: str  # which forward pass Recognizer.predict used: "numpy" or "TF graph"
    graph_ms: float  # median of the same tf.function for every network, tensor in
    keras_predict_ms: float  # median keras model.predict, tensor in: the baseline
    loss_history: list[float] = field(default_factory=list)


def train_network(architecture: Architecture, data, config: TrainConfig, budget: Budget, verbose: int = 0):
    """Build and train one network as `runes.train.train` does; returns (model, seconds, keras History)."""
    import keras

    x_train, y_train, x_val, y_val = data
    keras.utils.set_random_seed(budget.seed)  # the same seed for weights, dropout and shuffling of every network
    model = architecture.build(INPUT_SHAPE, len(model_labels(config)))
    callbacks = compile_for_training(model, config)
    start = time.perf_counter()
    history = model.fit(
        x_train,
        y_train,
        batch_size=config.batch_size,
        epochs=budget.epochs,
        validation_data=(x_val, y_val),
        callbacks=callbacks,
        verbose=verbose,
    )
    return model, time.perf_counter() - start, history


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_latency(recognizers: list, sketch: np.ndarray, repeats: int) -> list[tuple[float, float, float]]:
    """(Recognizer.predict, TF graph, keras model.predict) median milliseconds per recognizer, calls alternating."""
    import tensorflow as tf

    from runes.preprocess import preprocess

    tensor = preprocess(sketch)[None]
    graphs = [
        tf.function(
            lambda batch, model=r.model: model(batch, training=False),
            input_signature=[tf.TensorSpec([None, *INPUT_SHAPE], tf.float32)],
        )
        for r in recognizers
    ]
    calls = [
        [lambda r=r: r.predict(sketch), lambda g=g: g(tensor).numpy(), lambda r=r: r.model.predict(tensor, verbose=0)]
        for r, g in zip(recognizers, graphs, strict=True)
    ]
    samples = [[[], [], []] for _ in recognizers]
    for kind, rounds in enumerate((repeats, repeats, max(10, repeats // 10))):  # model.predict is ~50x slower
        for functions in calls:
            for _ in range(3):  # warm-up: trace, allocate
                functions[kind]()
        for _ in range(rounds):
            for functions, timing in zip(calls, samples, strict=True):
                start = time.perf_counter()
                functions[kind]()
                timing[kind].append(time.perf_counter() - start)
    return [tuple(_median_ms(s) for s in timing) for timing in samples]


COMPARED_ROWS = "long-branch"  # the task compared: the 16 long-branch runes (the real drawings' forms)
OTHER_PER_RUNE = 3.0  # "other" sketches per rune sample, as when the table in docs/architectures.md was measured


def compare(
    budget: Budget, real_dir: Path = REAL_DIR, nonrunes_dir: Path = NONRUNES_DIR, verbose: int = 0, log=print
) -> list[Result]:
    """Train and measure the three networks; one Result each, in ARCHITECTURES order."""
    from runes.sketches import draw_sketch

    config = TrainConfig(
        rows=COMPARED_ROWS,
        other_per_rune=OTHER_PER_RUNE,
        samples_per_rune=budget.samples_per_rune,
        val_samples_per_rune=budget.val_samples_per_rune,
        epochs=budget.epochs,
        seed=budget.seed,
        workers=budget.workers,
    )
    labels = model_labels(config)
    start = time.perf_counter()
    x_train, y_train = generate(_label_counts(config, config.samples_per_rune), config.seed, config.workers)
    x_val, y_val = generate(_label_counts(config, config.val_samples_per_rune), config.seed + 1, config.workers)
    order = np.random.default_rng(config.seed).permutation(len(y_train))
    data = (x_train[order], y_train[order], x_val, y_val)
    log(
        f"generated {len(y_train)} training and {len(y_val)} validation sketches ({len(labels)} labels) "
        f"in {time.perf_counter() - start:.1f} s"
    )

    trained = []
    for architecture in ARCHITECTURES:
        model, seconds, history = train_network(architecture, data, config, budget, verbose)
        _, val_accuracy = model.evaluate(x_val, y_val, verbose=0)
        threshold, _ = calibrate(model, x_val, y_val, labels, config.acceptance)
        recognizer = recognizer_from_model(model, {"labels": labels, "rune_threshold": threshold})
        real = evaluate_folder(real_dir, recognizer)
        nonrunes = evaluate_nonrunes(nonrunes_dir, recognizer)
        epochs_run = len(history.history["loss"])
        log(
            f"({architecture.key}) {architecture.name}: {model.count_params():,} parameters, {seconds:.1f} s, "
            f"{epochs_run} epochs, val {val_accuracy:.4f}, real top-1 {real.accuracy:.4f}, "
            f"rejection {nonrunes.rejection:.4f}"
        )
        trained.append(
            (architecture, model, seconds, history, float(val_accuracy), threshold, recognizer, real, nonrunes)
        )

    latencies = measure_latency([t[6] for t in trained], draw_sketch("hagall", seed=0), budget.repeats)
    results = []
    for (architecture, model, seconds, history, val_accuracy, threshold, recognizer, real, nonrunes), (
        predict_ms,
        graph_ms,
        keras_ms,
    ) in zip(trained, latencies, strict=True):
        results.append(
            Result(
                key=architecture.key,
                name=architecture.name,
                parameters=int(model.count_params()),
                train_seconds=seconds,
                epochs_run=len(history.history["loss"]),
                val_accuracy=val_accuracy,
                rune_threshold=threshold,
                real_accuracy=real.accuracy,
                real_acceptance=real.acceptance,
                real_n=real.total,
                rejection=nonrunes.rejection,
                nonrunes_n=nonrunes.total,
                predict_ms=predict_ms,
                forward="numpy" if recognizer._numpy_forward is not None else "TF graph",
                graph_ms=graph_ms,
                keras_predict_ms=keras_ms,
                loss_history=[float(v) for v in history.history["loss"]],
            )
        )
    return results


def markdown_table(results: list[Result]) -> str:
    """The comparison as a Markdown table, one row per network."""
    ours = next(r for r in results if r.key == "c")
    lines = [
        "| network | parameters | training | generated val. | real top-1 | real accepted | non-runes rejected "
        "| predict | TF graph | keras model.predict | predict ÷ model.predict |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| ({r.key}) {r.name} | {r.parameters:,} | {r.train_seconds:.0f} s, {r.epochs_run} ep. "
            f"| {r.val_accuracy:.3f} | {r.real_accuracy:.3f} | {r.real_acceptance:.3f} | {r.rejection:.3f} "
            f"| {r.predict_ms:.2f} ms ({r.forward}) | {r.graph_ms:.2f} ms ({r.graph_ms / ours.graph_ms:.2f}× ours) "
            f"| {r.keras_predict_ms:.0f} ms | {r.predict_ms / r.keras_predict_ms:.3f} |"
        )
    return "\n".join(lines)


def wilson_interval(share: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% confidence interval of a measured share of n (Wilson score interval)."""
    if n == 0:
        return 0.0, 1.0
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def describe(results: list[Result], budget: Budget, total_seconds: float) -> str:
    """What was measured, how, and how long it took: the lines under the table."""
    first = results[0]
    stopped = [f"({r.key}) after {r.epochs_run}" for r in results if r.epochs_run < budget.epochs]
    intervals = "; ".join(
        f"({r.key}) {r.real_accuracy:.3f} of {r.real_n}: {low:.3f}–{high:.3f}"
        for r in results
        for low, high in [wilson_interval(r.real_accuracy, r.real_n)]
    )
    return (
        f"Measured by `python benchmarks/compare_architectures.py` on {os.cpu_count()} CPU cores in "
        f"{total_seconds / 60:.1f} min: {budget.samples_per_rune} generated sketches per rune "
        f"(+ bluetooth and other; {budget.val_samples_per_rune} per rune for validation), seed {budget.seed}, "
        f"at most {budget.epochs} epochs with early stopping (patience {TrainConfig.patience}; "
        f"stopped early: {', '.join(stopped) or 'none'}). Real top-1 and acceptance on {first.real_n} real "
        f"drawings (one drawing is {1 / max(1, first.real_n):.3f}; 95% intervals: {intervals}), rejection on "
        f"{first.nonrunes_n} Omniglot characters. Latency: medians of {budget.repeats} calls on one sketch "
        f"({max(10, budget.repeats // 10)} for model.predict), the three networks alternating."
    )


def plot(results: list[Result], path: Path) -> Path:
    """Three panels: accuracy against parameters, training time, latency for one sketch."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    colours = {"a": "#1f77b4", "b": "#ff7f0e", "c": "#2ca02c"}
    colour = [colours.get(r.key, "grey") for r in results]
    plt.rcParams.update({"font.size": 11})
    figure, (accuracy, training, latency) = plt.subplots(
        1, 3, figsize=(14, 5), gridspec_kw={"width_ratios": [1.5, 0.8, 1.1]}
    )

    spread = 1.12  # generated validation drawn left of each network's x, rejection right of it
    for r, c in zip(results, colour, strict=True):
        accuracy.scatter(r.parameters / spread, r.val_accuracy, s=80, color=c, marker="^", zorder=3)
        accuracy.scatter(r.parameters, r.real_accuracy, s=160, color=c, zorder=3)
        accuracy.scatter(
            r.parameters * spread,
            r.rejection,
            s=120,
            facecolors="white",
            edgecolors=c,
            linewidths=2,
            marker="s",
            zorder=3,
        )
        accuracy.annotate(
            f"{r.real_accuracy:.3f}",
            (r.parameters, r.real_accuracy),
            xytext=(-6, -18),
            textcoords="offset points",
            ha="right",
            fontsize=10,
            color=c,
            fontweight="bold",
        )
    accuracy.set_xscale("log")
    accuracy.minorticks_off()
    accuracy.set_xticks([r.parameters for r in results], [f"({r.key}) {r.parameters / 1000:.1f}k" for r in results])
    low = min(min(r.real_accuracy, r.rejection, r.val_accuracy) for r in results)
    accuracy.set_ylim(max(0.0, low - 0.04), 1.04)
    left, right = min(r.parameters for r in results), max(r.parameters for r in results)
    accuracy.set_xlim(left / 1.8, right * 1.8)
    accuracy.set_xlabel("parameters (log scale)")
    accuracy.set_ylabel("share of drawings")
    accuracy.set_title("Accuracy vs size (real top-1 labelled)")
    accuracy.grid(True, alpha=0.3)
    kinds = [
        Line2D([], [], marker="o", color="grey", linestyle="", markersize=10, label="real runes, top-1"),
        Line2D(
            [],
            [],
            marker="s",
            color="grey",
            markerfacecolor="white",
            linestyle="",
            markersize=9,
            markeredgewidth=2,
            label="non-runes rejected",
        ),
        Line2D([], [], marker="^", color="grey", linestyle="", markersize=8, label="generated validation"),
    ]
    accuracy.legend(handles=kinds, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, fontsize=9, frameon=False)

    names = [f"({r.key})" for r in results]
    y = np.arange(len(results))
    training.barh(y, [r.train_seconds for r in results], color=colour)
    for i, r in enumerate(results):
        training.annotate(
            f"{r.train_seconds:.0f} s, {r.epochs_run} ep.",
            (r.train_seconds, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=10,
        )
    training.set_yticks(y, names)
    training.invert_yaxis()
    training.set_xlim(0, max(r.train_seconds for r in results) * 1.6)
    training.set_xlabel("seconds")
    training.set_title("Training time")
    training.grid(True, axis="x", alpha=0.3)

    height = 0.38
    latency.barh(y - height / 2, [r.predict_ms for r in results], height, color=colour)
    latency.barh(y + height / 2, [r.graph_ms for r in results], height, color=colour, alpha=0.4, hatch="//")
    for i, r in enumerate(results):
        latency.annotate(
            f"{r.predict_ms:.2f} ms ({r.forward})",
            (r.predict_ms, i - height / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
        latency.annotate(
            f"{r.graph_ms:.2f} ms",
            (r.graph_ms, i + height / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    latency.set_yticks(y, names)
    latency.invert_yaxis()
    latency.set_xlim(0, max(max(r.predict_ms, r.graph_ms) for r in results) * 1.7)
    latency.set_xlabel("milliseconds for one sketch (median)")
    latency.set_title("Prediction latency")
    latency.grid(True, axis="x", alpha=0.3)
    bars = [
        plt.Rectangle((0, 0), 1, 1, color="grey"),
        plt.Rectangle((0, 0), 1, 1, facecolor="lightgrey", hatch="//", edgecolor="grey"),
    ]
    latency.legend(
        bars,
        ["Recognizer.predict (the app's path)", "the same TF graph for all"],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=1,
        fontsize=9,
        frameon=False,
    )
    figure.suptitle("   ".join(f"({r.key}) {r.name}" for r in results), fontsize=12)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def run(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny data (8 sketches per rune), 1 epoch, 20 latency calls; writes to a temp folder",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for architectures.md and architectures.png (default: docs/, or a temp folder with --quick)",
    )
    parser.add_argument("--samples-per-rune", type=int, default=SAMPLES_PER_RUNE)
    parser.add_argument("--val-samples-per-rune", type=int, default=VAL_SAMPLES_PER_RUNE)
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="maximum epochs (early stopping as runes.train)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="Recognizer.predict calls per network")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--real", type=Path, default=REAL_DIR, help="labelled real drawings (evaluation only)")
    parser.add_argument("--nonrunes", type=Path, default=NONRUNES_DIR, help="non-rune drawings (evaluation only)")
    parser.add_argument("--verbose", type=int, default=0, help="keras fit verbosity")
    args = parser.parse_args(argv)
    budget = Budget(args.samples_per_rune, args.val_samples_per_rune, args.epochs, args.repeats, args.seed)
    if args.quick:
        budget = Budget(samples_per_rune=8, val_samples_per_rune=3, epochs=1, repeats=20, seed=args.seed, workers=1)
    out = args.out or (Path(tempfile.mkdtemp(prefix="architectures-")) if args.quick else DOCS)

    start = time.perf_counter()
    results = compare(budget, args.real, args.nonrunes, verbose=args.verbose)
    total = time.perf_counter() - start
    table = markdown_table(results)
    note = describe(results, budget, total)
    print()
    print(table)
    print()
    print(note)
    out.mkdir(parents=True, exist_ok=True)
    (out / "architectures.md").write_text(
        f"<!-- Written by benchmarks/compare_architectures.py: re-run it, do not edit. -->\n\n{table}\n\n{note}\n",
        encoding="utf-8",
    )
    print(f"wrote {out / 'architectures.md'} and {plot(results, out / 'architectures.png')}")
    return results


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
