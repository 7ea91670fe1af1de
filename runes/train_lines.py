"""Train the line reader (a CNN with CTC loss) on lines of generated sketches: `python -m runes.train_lines`.

Writes lines.keras, lines-2.keras (a second network trained the same way from another seed, side by side with the
first on a machine with two cores, and read together with it) and lines.json into a model folder (default: the
bundled models/) beside the rune CNN; `runes.line_reader` serves them in numpy. After keras-io's captcha_ocr and handwriting_recognition, without
their LSTM, and starting from what the rune CNN learned: the network is the rune CNN slid along the line (its
layers and weights, one output column every STRIDE input columns), then dilated 1 x 5 convolutions along the line
that see about two line heights either side (a word gap, the rest of a wide rune); every column scores the blank,
every shape, the word separator and a short lone stroke high or low. The data (`runes.line_data`): new lines
every epoch, composed from a pool of generated sketches while the network trains on the lines before.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from runes import __version__
from runes.card import write_card
from runes.folder import CARD_FILENAME, CONFIG_FILENAME, ModelLoadError, load_keras_file
from runes.line_data import LABELS, Line, compose_line, line_batch, sketch_pool
from runes.line_reader import (
    LINE_HEIGHT,
    LINES_CONFIG_FILENAME,
    LINES_MODEL_FILENAME,
    PAD,
    SECOND_LINES_FILENAME,
    SEPARATOR_LABEL,
    STRIDE,
    WINDOW,
    LineReader,
)
from runes.train import _field_comments

__all__ = ["LinesConfig", "build_line_model", "save_line_model", "train_lines", "main"]


@dataclass
class LinesConfig:
    out: str = "models"  # model folder to write lines.keras and lines.json into
    lines: int = 11000  # training lines of each epoch (new ones every epoch)
    val_lines: int = 400  # validation lines (sketches of other seeds)
    per_shape: int = 400  # generated sketches of each shape that lines are composed from
    epochs: int = 10  # epochs (the learning rate falls over them); early stopping may end sooner
    batch_size: int = 32
    learning_rate: float = 1.5e-3  # at the start; it falls to 2% of this along a cosine
    head: int = 128  # width of the convolutions along the line after the rune CNN's layers
    rune_model: str = (
        ""  # the rune CNN (model.keras) the network starts from: "" the out folder's, else the bundled one
    )
    patience: int = 10  # epochs without val_loss improvement before early stopping
    seed: int = 4321  # seeds the sketches, the lines, weight initialisation and shuffling
    second_seed: int = 2222  # a second network, trained the same way from this seed, read with the first (0: none)
    minutes: float = 0.0  # stop after the first epoch that ends past this many minutes of training (0: no limit)
    init: str = ""  # a lines.keras to go on training from (its weights; the same labels) for the first network


def build_line_model(rune_model=None, outputs: int = len(LABELS) + 1, head: int = 128, filters: int = 16):
    """The line reader's network: input (LINE_HEIGHT, width, 1), output (1, (width - WINDOW) / STRIDE + 1, outputs)
    logits; output column j reads the WINDOW input columns from STRIDE * j on.

    The rune CNN (`runes.model.build_model`) slid along the line: its convolutions over the whole line, its last
    pooling with strides (2, 1) and its `features` Dense layer as a (4, 4) convolution dilated (1, 2), so that each
    output column computes what the rune CNN computes for the window it reads (up to the ink of the neighbours
    that the convolutions see past the window's edges). Then 1 x 5 convolutions dilated 1, 2 and 4 along the line
    (the context of about two line heights either side: a word gap, the rest of a wide rune, a neighbour) and a
    Dense layer per column. Given `rune_model` (a trained rune CNN), the shared layers start from its weights and
    its BatchNorm statistics stay fixed (trainable False); `filters` is then its width. A plain chain:
    `runes.line_inference` runs it in numpy."""
    import keras
    from keras import layers

    if rune_model is not None:
        filters = rune_model.get_layer("conv0a").filters
    inputs = keras.Input(shape=(LINE_HEIGHT, None, 1), name="line")
    x = inputs
    for block, convs in enumerate((1, 2, 2)):
        for index in range(convs):
            name = f"{block}{'ab'[index]}"
            x = layers.Conv2D(filters * 2**block, 3, padding="same", use_bias=False, name=f"conv{name}")(x)
            x = layers.BatchNormalization(name=f"bn{name}")(x)
            x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 1) if block == 2 else (2, 2), name=f"pool{block}")(x)
    side = WINDOW // 8  # the rune CNN's last feature map is side x side
    x = layers.Conv2D(4 * filters, side, dilation_rate=(1, 2), activation="relu", name="features")(x)
    for dilation in (1, 2, 4):
        x = layers.Conv2D(head, (1, 5), padding="same", dilation_rate=(1, dilation), use_bias=False,
                          name=f"along{dilation}")(x)  # fmt: skip
        x = layers.BatchNormalization(name=f"bn_along{dilation}")(x)
        x = layers.Activation("relu")(x)
    x = layers.Dropout(0.2)(x)
    logits = layers.Dense(outputs, name="logits")(x)
    model = keras.Model(inputs, logits, name="line_reader")
    if rune_model is not None:
        for layer in model.layers:
            if layer.name.startswith(("conv", "bn")) and not layer.name.startswith("bn_along"):
                layer.set_weights(rune_model.get_layer(layer.name).get_weights())
                if layer.name.startswith("bn"):
                    layer.trainable = False
        kernel, bias = rune_model.get_layer("features").get_weights()
        model.get_layer("features").set_weights([kernel.reshape(side, side, -1, kernel.shape[-1]), bias])
    return model


def rune_model_path(config: LinesConfig) -> Path:
    """The rune CNN the line networks start from: `config.rune_model`, else the model.keras of the folder they are
    written to (the rune CNN `python -m runes.train --out` just wrote there), else the bundled one."""
    from runes.folder import BUNDLED_MODEL_DIR, MODEL_FILENAME

    if config.rune_model:
        return Path(config.rune_model)
    beside = Path(config.out) / MODEL_FILENAME
    return beside if beside.is_file() else BUNDLED_MODEL_DIR / MODEL_FILENAME


def _rune_model(path: Path):
    """The trained rune CNN the line network starts from (safe mode). Raises ModelLoadError."""
    try:
        return load_keras_file(path)
    except ModelLoadError as error:
        raise ModelLoadError(
            f"{error} The line networks start from a trained rune CNN: pass one with --rune-model."
        ) from None


def save_line_model(model, path: Path) -> None:
    """Save the network alone (no optimizer state: a third of the bytes), as serving and `--init` read it."""
    import keras

    bare = keras.Model.from_config(model.get_config())  # the layers only, not the compiled loss
    bare.set_weights(model.get_weights())
    bare.save(path)


def _ctc(y_true, y_pred):
    """keras.losses.ctc over the one row of columns (labels padded with 0, the blank)."""
    import keras

    return keras.losses.ctc(y_true, y_pred[:, 0])


def _batches(make_lines: Callable[[], Iterator[list[Line]]], batch_size: int, seed: int):
    """A tf.data dataset of batches of lines of similar width (few blank columns), in a new order every epoch.
    `make_lines` gives an epoch's lines in chunks (new ones for training, composed while the network trains on
    the chunk before; the same for validation); batches are sorted by width within a chunk."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)

    def batches():
        for lines in make_lines():
            widths = np.array([line.image.shape[1] / line.image.shape[0] for line in lines])
            order = np.argsort(widths, kind="stable")
            groups = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
            for index in rng.permutation(len(groups)):
                x, y = line_batch([lines[i] for i in groups[index]])
                yield _widen(x), y

    signature = (
        tf.TensorSpec((None, LINE_HEIGHT, None, 1), tf.float32),
        tf.TensorSpec((None, None), tf.int32),
    )
    return tf.data.Dataset.from_generator(batches, output_signature=signature).prefetch(4)


def _new_lines(rng: np.random.Generator, pool: dict[str, list[np.ndarray]], count: int, chunk: int = 1024):
    """`count` new lines, `chunk` at a time."""
    for start in range(0, count, chunk):
        yield [compose_line(rng, pool) for _ in range(min(chunk, count - start))]


def _widen(x: np.ndarray, step: int = 32) -> np.ndarray:
    """Pad a batch's width up to a multiple of `step` (blank columns): few distinct shapes to trace."""
    width = -(-x.shape[2] // step) * step
    return np.pad(x, ((0, 0), (0, 0), (0, width - x.shape[2]), (0, 0)))


def train_lines(config: LinesConfig, verbose: int = 1) -> dict[str, Any]:
    """Train the line reader as configured: the first network into lines.keras, the second (seeded by
    `config.second_seed`, unless 0) into lines-2.keras, and lines.json; return the metrics written there."""
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / SECOND_LINES_FILENAME).unlink(missing_ok=True)  # an earlier training's second network would not match
    start = time.perf_counter()
    (metrics, val_set), *second = _train_networks(config, out, verbose)
    settings = {
        "labels": list(LABELS),
        "height": LINE_HEIGHT,
        "stride": STRIDE,
        "package_version": __version__,
        "architecture": "line_cnn_ctc",
        "train_config": dataclasses.asdict(config),
        # the rune CNN the networks started from: how well they read real lines depends on it (docs/line-reader.md)
        "rune_model_sha256": None if config.init else hashlib.sha256(rune_model_path(config).read_bytes()).hexdigest(),
    }
    if second:
        metrics["second"] = {**second[0][0], "seed": config.second_seed}
        metrics["cpu_seconds"] = round(metrics["cpu_seconds"] + metrics["second"]["cpu_seconds"], 1)
        metrics["train_seconds"] = round(time.perf_counter() - start, 1)  # both, side by side
    (out / LINES_CONFIG_FILENAME).write_text(json.dumps({**settings, "metrics": metrics}, indent=2) + "\n")
    reader = LineReader.load(out)
    first = LineReader(reader.forward, reader.labels, reader.source, reader.fire_offset)  # the first network alone
    metrics["val_sequence_accuracy_first"], settings["fire_offset"] = _measure(first, val_set)
    metrics["val_sequence_accuracy"] = metrics["val_sequence_accuracy_first"]  # the reader as served
    if second:
        metrics["val_sequence_accuracy"], _ = _measure(reader, val_set)  # both networks
    (out / LINES_CONFIG_FILENAME).write_text(json.dumps({**settings, "metrics": metrics}, indent=2) + "\n")
    if (out / CONFIG_FILENAME).is_file():  # a model folder: its card gets a section on the line reader
        try:
            write_card(out)
        except ModelLoadError as error:  # the line reader is written all the same
            print(f"warning: {out / CARD_FILENAME} was not rewritten: {error}", file=sys.stderr)
    if verbose:
        print(
            f"wrote {out / LINES_MODEL_FILENAME}{' and ' + SECOND_LINES_FILENAME if config.second_seed else ''} "
            f"(generated val lines read right: {metrics['val_sequence_accuracy']:.4f}, {metrics['train_seconds']:.0f} s)"
        )
    return metrics


def _train_networks(config: LinesConfig, out: Path, verbose: int) -> list[tuple[dict[str, Any], list[Line]]]:
    """Train the first network, and the second when `config.second_seed` asks for it: side by side in two
    processes when the machine has two cores or more (each keeps about one busy), the second one quiet."""
    jobs = [(config, config.seed, out / LINES_MODEL_FILENAME, verbose)]
    if config.second_seed:  # trained exactly as the first, from its own seed (another init, sketches and lines)
        jobs.append((dataclasses.replace(config, init=""), config.second_seed, out / SECOND_LINES_FILENAME, 0))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if len(jobs) == 1 or cores < 2:
        return [_train_network(*job) for job in jobs]
    try:
        with ProcessPoolExecutor(len(jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
            return [future.result() for future in [pool.submit(_train_network, *job) for job in jobs]]
    except BaseException:  # one failed (the other has finished): never a second network beside an older first
        (out / SECOND_LINES_FILENAME).unlink(missing_ok=True)
        raise


def _train_network(config: LinesConfig, seed: int, path: Path, verbose: int) -> tuple[dict[str, Any], list[Line]]:
    """Train one line network from `seed` (its sketches, lines, initial weights and order), save it to `path`;
    return its metrics and its validation lines."""
    import keras

    start, cpu_start = time.perf_counter(), time.process_time()
    keras.utils.set_random_seed(seed)
    pool = sketch_pool(config.per_shape, seed)
    val_pool = sketch_pool(max(1, config.per_shape // 4), seed + 1)
    rng = np.random.default_rng(seed)
    val_set = [compose_line(rng, val_pool) for _ in range(config.val_lines)]
    made = time.perf_counter() - start
    if verbose:
        print(f"drew {config.per_shape} sketches of each shape and composed {len(val_set)} lines in {made:.0f} s")
    if config.init:
        model = load_keras_file(Path(config.init))
    else:
        model = build_line_model(_rune_model(rune_model_path(config)), head=config.head)
    steps = config.epochs * -(-config.lines // config.batch_size)  # the learning rate falls to 2% over all epochs
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.02)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=_ctc)
    fit_start = time.perf_counter()

    class TimeBudget(keras.callbacks.Callback):
        """Ends training after the epoch that passes config.minutes (the best weights are kept all the same)."""

        def on_epoch_end(self, epoch: int, logs=None) -> None:
            if config.minutes and time.perf_counter() - fit_start > 60 * config.minutes:
                self.model.stop_training = True

    history = model.fit(
        _batches(lambda: _new_lines(rng, pool, config.lines), config.batch_size, seed),
        validation_data=_batches(lambda: iter([val_set]), config.batch_size, seed + 1),
        epochs=config.epochs,
        callbacks=[
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True),
            TimeBudget(),
        ],
        verbose=verbose,
    )
    save_line_model(model, path)
    metrics: dict[str, Any] = {
        "train_seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),  # this process's CPU (the machine may be shared)
        "compose_seconds": round(made, 1),
        "epochs_run": len(history.history["loss"]),
        "loss_history": [round(float(v), 4) for v in history.history["loss"]],
        "val_loss": round(float(min(history.history["val_loss"])), 4),
        "cpu_count": os.cpu_count(),
    }
    return metrics, val_set


def _measure(reader: LineReader, lines: list[Line]) -> tuple[float, float]:
    """On validation lines: the share whose labels (shapes and separators) the numpy reader decodes exactly (all its
    networks and widths together, as it reads), and how far after a rune's centre its first network's label fires
    (the median, in input columns: `LineReader.fire_offset`)."""
    from runes.line_reader import fired_column

    right, offsets = 0, []
    separator = LABELS.index(SEPARATOR_LABEL) + 1
    for line in lines:
        read = reader.tokens(line.image)
        right += tuple(output for output, _, _, _ in read.tokens) == line.labels
        fired = [fired_column(first, last) for output, first, last, _ in read.tokens if output != separator]
        if len(fired) == len(line.boxes) and read.placement is not None:
            centres = [
                PAD + ((left + right) / 2 - read.placement.box[1]) * read.placement.scale
                for _, left, _, right in line.boxes
            ]
            offsets += [a - b for a, b in zip(fired, centres, strict=True)]
    return right / max(1, len(lines)), round(float(np.median(offsets)) if offsets else 0.0, 2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m runes.train_lines",
        description="Train the line reader (CNN + CTC) on lines of generated sketches.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    comments = _field_comments(LinesConfig)
    for field in dataclasses.fields(LinesConfig):
        default = getattr(LinesConfig(), field.name)
        option = "--" + field.name.replace("_", "-")
        parser.add_argument(option, dest=field.name, type=type(default), default=default, help=comments.get(field.name))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.lines < 1 or args.val_lines < 1 or args.per_shape < 1 or args.epochs < 1:
        print("error: --lines, --val-lines, --per-shape and --epochs must be at least 1", file=sys.stderr)
        return 2
    try:
        train_lines(LinesConfig(**vars(args)))
    except ModelLoadError as error:  # the rune CNN to start from (or --init) cannot be read
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
