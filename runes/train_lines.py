"""Train the line reader (a CNN with CTC loss) on lines of generated sketches: `python -m runes.train_lines`.

Writes lines.keras and lines.json into a model folder (default: the bundled models/) beside the rune CNN;
`runes.line_reader` serves them in numpy. After keras-io's captcha_ocr and handwriting_recognition, without
their LSTM: convolutions fold the line's height into one row of columns and dilated 1 x 5 convolutions along
the line see about two line heights either side (enough to tell a word gap from a gap within a word); every
column scores the blank, every shape and the word separator. The data: `runes.line_data`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from runes import __version__
from runes.line_data import LABELS, Line, compose_line, line_batch, sketch_pool
from runes.line_reader import LINE_HEIGHT, LINES_CONFIG_FILENAME, LINES_MODEL_FILENAME, STRIDE, LineReader
from runes.train import _field_comments

__all__ = ["LinesConfig", "build_line_model", "save_line_model", "train_lines", "main"]


@dataclass
class LinesConfig:
    out: str = "models"  # model folder to write lines.keras and lines.json into
    lines: int = 12000  # training lines
    val_lines: int = 600  # validation lines (sketches of other seeds)
    per_shape: int = 160  # generated sketches of each shape that lines are composed from
    epochs: int = 12  # most epochs; early stopping may end sooner
    batch_size: int = 32
    learning_rate: float = 3e-3
    filters: int = 16  # width of the first conv block; later ones are wider
    patience: int = 3  # epochs without val_loss improvement before early stopping
    seed: int = 4321  # seeds the sketches, the lines, weight initialisation and shuffling
    minutes: float = 0.0  # stop after the first epoch that ends past this many minutes of training (0: no limit)
    init: str = ""  # a lines.keras to go on training from (its weights; the same labels), instead of a new network


def build_line_model(filters: int = 16, outputs: int = len(LABELS) + 1):
    """The line reader's network: input (LINE_HEIGHT, width, 1), output (1, width / STRIDE, outputs) logits.

    A plain chain of layers (`runes.line_inference` runs it in numpy): 3x3 convolutions with pooling that
    halves the width once (STRIDE) and the height three times, a (4, 1) 'valid' convolution that leaves one row,
    then 1 x 5 convolutions dilated 1, 2 and 4 along the line, and a Dense layer per column."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(LINE_HEIGHT, None, 1), name="line")
    x = inputs
    for index, (width, pool) in enumerate(((filters, (2, 2)), (2 * filters, (2, 1)), (3 * filters, (2, 1)))):
        x = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{index}")(x)
        x = layers.BatchNormalization(name=f"bn{index}")(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(pool, name=f"pool{index}")(x)
    x = layers.Conv2D(4 * filters, (LINE_HEIGHT // 8, 1), padding="valid", use_bias=False, name="columns")(x)
    x = layers.BatchNormalization(name="bn_columns")(x)
    x = layers.Activation("relu")(x)
    for dilation in (1, 2, 4):
        x = layers.Conv2D(4 * filters, (1, 5), padding="same", dilation_rate=(1, dilation), use_bias=False,
                          name=f"along{dilation}")(x)  # fmt: skip
        x = layers.BatchNormalization(name=f"bn_along{dilation}")(x)
        x = layers.Activation("relu")(x)
    x = layers.Dropout(0.2)(x)
    outputs_ = layers.Dense(outputs, name="logits")(x)
    return keras.Model(inputs, outputs_, name="line_reader")


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


def _batches(lines: list[Line], batch_size: int, seed: int):
    """A tf.data dataset of batches of lines of similar width (few blank columns), shuffled every epoch."""
    import tensorflow as tf

    widths = np.array([line.image.shape[1] / line.image.shape[0] for line in lines])
    order = np.argsort(widths, kind="stable")
    groups = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    made = [line_batch([lines[i] for i in group]) for group in groups]
    made = [(_widen(x), y) for x, y in made]
    rng = np.random.default_rng(seed)

    def batches():
        for index in rng.permutation(len(made)):
            yield made[index]

    signature = (
        tf.TensorSpec((None, LINE_HEIGHT, None, 1), tf.float32),
        tf.TensorSpec((None, None), tf.int32),
    )
    return tf.data.Dataset.from_generator(batches, output_signature=signature)


def _widen(x: np.ndarray, step: int = 32) -> np.ndarray:
    """Pad a batch's width up to a multiple of `step` (blank columns): few distinct shapes to trace."""
    width = -(-x.shape[2] // step) * step
    return np.pad(x, ((0, 0), (0, 0), (0, width - x.shape[2]), (0, 0)))


def train_lines(config: LinesConfig, verbose: int = 1) -> dict[str, Any]:
    """Train the line reader as configured, write lines.keras and lines.json into config.out, return metrics."""
    import keras

    start, cpu_start = time.perf_counter(), time.process_time()
    keras.utils.set_random_seed(config.seed)
    pool = sketch_pool(config.per_shape, config.seed)
    val_pool = sketch_pool(max(1, config.per_shape // 4), config.seed + 1)
    rng = np.random.default_rng(config.seed)
    train_set = [compose_line(rng, pool) for _ in range(config.lines)]
    val_set = [compose_line(rng, val_pool) for _ in range(config.val_lines)]
    made = time.perf_counter() - start
    if verbose:
        print(f"composed {len(train_set)} + {len(val_set)} lines in {made:.0f} s")
    if config.init:
        model = keras.saving.load_model(config.init, compile=False, safe_mode=True)
    else:
        model = build_line_model(config.filters)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=_ctc)
    fit_start = time.perf_counter()

    class TimeBudget(keras.callbacks.Callback):
        """Ends training after the epoch that passes config.minutes (the best weights are kept all the same)."""

        def on_epoch_end(self, epoch: int, logs=None) -> None:
            if config.minutes and time.perf_counter() - fit_start > 60 * config.minutes:
                self.model.stop_training = True

    history = model.fit(
        _batches(train_set, config.batch_size, config.seed),
        validation_data=_batches(val_set, config.batch_size, config.seed + 1),
        epochs=config.epochs,
        callbacks=[
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True),
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.3, patience=1),
            TimeBudget(),
        ],
        verbose=verbose,
    )
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    save_line_model(model, out / LINES_MODEL_FILENAME)
    metrics: dict[str, Any] = {
        "train_seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),  # this process's CPU (the machine may be shared)
        "compose_seconds": round(made, 1),
        "epochs_run": len(history.history["loss"]),
        "loss_history": [round(float(v), 4) for v in history.history["loss"]],
        "val_loss": round(float(min(history.history["val_loss"])), 4),
        "cpu_count": os.cpu_count(),
    }
    settings = {
        "labels": list(LABELS),
        "height": LINE_HEIGHT,
        "stride": STRIDE,
        "package_version": __version__,
        "architecture": "line_cnn_ctc",
        "train_config": dataclasses.asdict(config),
    }
    (out / LINES_CONFIG_FILENAME).write_text(json.dumps({**settings, "metrics": metrics}, indent=2) + "\n")
    reader = LineReader.load(out)
    metrics["val_sequence_accuracy"] = _sequence_accuracy(reader, val_set)
    (out / LINES_CONFIG_FILENAME).write_text(json.dumps({**settings, "metrics": metrics}, indent=2) + "\n")
    if verbose:
        print(
            f"wrote {out / LINES_MODEL_FILENAME} (generated val lines read right: "
            f"{metrics['val_sequence_accuracy']:.4f}, {metrics['train_seconds']:.0f} s)"
        )
    return metrics


def _sequence_accuracy(reader: LineReader, lines: list[Line]) -> float:
    """Share of lines whose labels (shapes and separators) the numpy reader decodes exactly."""
    from runes.line_reader import greedy_decode, line_input

    right = 0
    for line in lines:
        tokens = greedy_decode(reader.logits(line_input(line.image)[0]))
        right += tuple(output for output, _, _, _ in tokens) == line.labels
    return right / max(1, len(lines))


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
    train_lines(LinesConfig(**vars(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
