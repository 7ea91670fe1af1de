"""Train the rune CNN on generated sketches: `python -m runes.train [--flags]`.

Writes a model folder laid out like a Hugging Face model repo: model.keras, config.json,
metrics.json and a README.md model card (`runes.card`: the same card `runes.hub push` uploads).
`--data DIR` adds labelled drawings (DIR/<rune id>/*.png) to the generated ones; the bundled model
uses generated data only. Drawings whose line in DIR/metadata.jsonl carries a flag (see
`runes.store.flag_for`) are left out unless `--include-flagged`; a folder without metadata.jsonl is
read whole.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import re
import sys
import time
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from runes import __version__
from runes.alphabet import RUNE_IDS
from runes.card import write_model_folder
from runes.labels import BLUETOOTH, NOT_A_RUNE
from runes.model import build_model
from runes.nonrunes import draw_extra
from runes.preprocess import INPUT_SIZE, PREPROCESSING_VERSION, preprocess
from runes.rows import ROW_IDS, SHAPE_IDS, get_row
from runes.sketches import generate_shape_sketches
from runes.store import flagged_files

__all__ = [
    "TrainConfig",
    "train",
    "recalibrate",
    "compile_for_training",
    "model_labels",
    "load_labelled_folder",
    "main",
]


@dataclass
class TrainConfig:
    out: str = "models"  # model folder to write (the bundled model lives in models/)
    rows: str = ",".join(ROW_IDS)  # comma-separated rune rows the model reads; it learns the shapes of them all
    samples_per_rune: int = 1000  # generated training sketches per shape (a rune has one shape per form)
    val_samples_per_rune: int = 150  # generated validation sketches per shape (different seeds)
    epochs: int = 16  # most epochs; early stopping may end sooner
    batch_size: int = 128
    learning_rate: float = 2e-3
    filters: int = 16  # width of the first conv block; later blocks double it
    dropout: float = 0.3
    patience: int = 3  # epochs without val_loss improvement before early stopping
    seed: int = 2  # seeds data, weight initialisation and shuffling (2: the bundled model; see bench_slant.py)
    data: str | None = None  # optional extra labelled folder DIR/<rune id>/*.png to train on
    include_flagged: bool = False  # also train on --data drawings flagged in DIR/metadata.jsonl (left out by default)
    eval_dir: str | None = None  # optional labelled folder to measure (never trained on) for metrics.json
    workers: int = 2  # processes that generate sketches
    other_per_rune: float = 4.0  # non-rune sketches ("other" class) per shape sample; 0 = no "not a rune" output
    bluetooth_per_rune: float = 0.5  # Bluetooth logos (the ᚼ+ᛒ bind rune) per rune sample; 0 = no such output
    acceptance: float = 0.995  # rune_threshold is set so this share of generated validation runes is accepted...
    max_threshold: float = 0.5  # ...but no higher than this (chosen by benchmarks/threshold_cap.py)
    data_copies: int = 4  # augmented copies of each drawing from --data (small shifts, turns, scalings)


def config_rows(config: TrainConfig) -> list[str]:
    """The row ids of `config.rows`, checked: a ValueError naming the valid ids otherwise."""
    rows = [row.strip() for row in config.rows.split(",") if row.strip()]
    unknown = [row for row in rows if row not in ROW_IDS]
    if unknown or not rows:
        raise ValueError(f"rows={config.rows!r}: expected comma-separated row ids out of {', '.join(ROW_IDS)}.")
    return rows


def model_labels(config: TrainConfig) -> list[str]:
    """The model's outputs in order: the shapes of the config's rows (in SHAPE_IDS order), then the extra labels."""
    shapes = {shape for row in config_rows(config) for shape in get_row(row).shapes}
    extra = [BLUETOOTH] * (config.bluetooth_per_rune > 0) + [NOT_A_RUNE] * (config.other_per_rune > 0)
    return [shape for shape in SHAPE_IDS if shape in shapes] + extra


def _generate_label(args: tuple[int, int, str, int]) -> np.ndarray:
    seed, index, label, count = args
    if label in SHAPE_IDS:
        return generate_shape_sketches(label, seed, 0, count)
    return np.stack([preprocess(draw_extra(label, np.random.default_rng([seed, index, i]))) for i in range(count)])


def generate(counts: dict[str, int], seed: int, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Generated, preprocessed sketches: `counts[label]` of each label, labelled by position in `counts`.

    Sketch i of label j uses the seed (seed, j, i), so the arrays do not depend on `workers`.
    """
    jobs = [(seed, index, label, count) for index, (label, count) in enumerate(counts.items())]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_generate_label, jobs))
    else:
        parts = [_generate_label(job) for job in jobs]
    targets = np.concatenate([np.full(count, index, np.int32) for index, count in enumerate(counts.values())])
    return np.concatenate(parts), targets


def _label_counts(config: TrainConfig, per_rune: int) -> dict[str, int]:
    ratio = {BLUETOOTH: config.bluetooth_per_rune, NOT_A_RUNE: config.other_per_rune}
    return {
        label: per_rune if label in SHAPE_IDS else max(1, round(ratio[label] * per_rune))
        for label in model_labels(config)
    }


def augment(x: np.ndarray, copies: int, seed: int) -> np.ndarray:
    """`copies` randomly shifted, turned and scaled versions of each input tensor (never mirrored)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    size = x.shape[1]
    out = []
    for image in x[..., 0]:
        for _ in range(copies):
            angle, scale = np.radians(rng.uniform(-8, 8)), rng.uniform(0.88, 1.08)
            shift = rng.uniform(-1.5, 1.5, 2)
            cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
            centre = (size - 1) / 2
            # PIL maps output pixel (x, y) to input (a x + b y + c, d x + e y + f).
            a, b, d, e = cos, -sin, sin, cos
            c = centre - a * (centre + shift[0]) - b * (centre + shift[1])
            f = centre - d * (centre + shift[0]) - e * (centre + shift[1])
            moved = Image.fromarray(image, mode="F").transform(
                (size, size), Image.Transform.AFFINE, (a, b, c, d, e, f), resample=Image.Resampling.BILINEAR
            )
            out.append(np.asarray(moved, dtype=np.float32))
    return np.clip(np.stack(out), 0.0, 1.0)[..., None] if out else x[:0]


def load_labelled_folder(
    folder: str | os.PathLike, labels: list[str] | tuple[str, ...] = RUNE_IDS, leave_out: Collection[str] = ()
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Preprocessed images and labels from DIR/<rune id>/*.png.

    Returns (x, y, skipped) where skipped counts unreadable and empty files by reason. Files named in
    `leave_out` (relative to the folder, e.g. "tyr/<uuid>.png") are not read (nor counted in skipped).
    Sub-folders that are not rune ids are ignored.
    """
    from PIL import Image, UnidentifiedImageError

    from runes.preprocess import EmptySketchError, preprocess

    images, targets = [], []
    skipped = {"unreadable": 0, "empty": 0}
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"Labelled folder {str(root)!r} does not exist (expected DIR/<rune id>/*.png).")
    leave_out = set(leave_out)
    for label, rune_id in enumerate(labels):
        for path in sorted((root / rune_id).glob("*.png")):
            if f"{rune_id}/{path.name}" in leave_out:
                continue
            try:
                with Image.open(path) as image:
                    images.append(preprocess(image))
                targets.append(label)
            except EmptySketchError:
                skipped["empty"] += 1
            except (UnidentifiedImageError, OSError, ValueError):
                skipped["unreadable"] += 1
    x = np.stack(images) if images else np.zeros((0, INPUT_SIZE, INPUT_SIZE, 1), np.float32)
    return x, np.array(targets, dtype=np.int32), skipped


def train(config: TrainConfig, verbose: int = 1) -> dict:
    """Train a model as configured, write the model folder and return its metrics."""
    import keras

    start = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    labels = model_labels(config)
    x_train, y_train = generate(_label_counts(config, config.samples_per_rune), config.seed, config.workers)
    x_val, y_val = generate(_label_counts(config, config.val_samples_per_rune), config.seed + 1, config.workers)
    extra = {}
    if config.data:
        flagged = set() if config.include_flagged else flagged_files(config.data)
        x_extra, y_extra, skipped = load_labelled_folder(config.data, leave_out=flagged)
        y_extra = np.array([labels.index(RUNE_IDS[t]) for t in y_extra], np.int32)  # a rune's long-branch shape
        skipped["flagged"] = sum((Path(config.data) / name).is_file() for name in flagged)
        drawings = len(y_extra)
        if config.data_copies > 0:
            x_extra = np.concatenate([x_extra, augment(x_extra, config.data_copies, config.seed)])
            y_extra = np.concatenate([y_extra, np.repeat(y_extra, config.data_copies)])
        extra = {"extra_drawings": drawings, "extra_samples": int(len(y_extra)), "extra_skipped": skipped}
        if verbose:
            print(
                f"added {drawings} drawings from {config.data} as {len(y_extra)} samples with augmented copies "
                f"(skipped: {skipped})"
            )
        x_train, y_train = np.concatenate([x_train, x_extra]), np.concatenate([y_train, y_extra])
    order = np.random.default_rng(config.seed).permutation(len(y_train))
    x_train, y_train = x_train[order], y_train[order]

    model = build_model((INPUT_SIZE, INPUT_SIZE, 1), len(labels), config.filters, config.dropout)
    callbacks = compile_for_training(model, config)
    history = model.fit(
        x_train,
        y_train,
        batch_size=config.batch_size,
        epochs=config.epochs,
        validation_data=(x_val, y_val),
        callbacks=callbacks,
        verbose=verbose,
    )
    val_loss, val_accuracy = model.evaluate(x_val, y_val, verbose=0)
    metrics: dict[str, Any] = {
        "val_accuracy": float(val_accuracy),
        "val_loss": float(val_loss),
        "val_samples": int(len(y_val)),
        "train_samples": int(len(y_train)),
        "epochs_run": len(history.history["loss"]),
        "loss_history": [float(v) for v in history.history["loss"]],
        "train_seconds": time.perf_counter() - start,
        "cpu_count": os.cpu_count(),
        **extra,
    }
    model_config = {
        "labels": labels,
        "input_size": INPUT_SIZE,
        "preprocessing_version": PREPROCESSING_VERSION,
        "package_version": __version__,
        "architecture": "rune_cnn",
        "train_config": dataclasses.asdict(config),
        "rows": config_rows(config),
    }
    if NOT_A_RUNE in labels:
        model_config["rune_threshold"], metrics["calibration"] = calibrate(
            model, x_val, y_val, labels, config.acceptance, config_rows(config), config.max_threshold
        )
        model_config["row_thresholds"] = row_thresholds(metrics["calibration"])
    if config.eval_dir:
        from runes.evaluate import evaluate_folder

        report = evaluate_folder(config.eval_dir, recognizer_from_model(model, model_config))
        metrics["real_drawings"] = report.metrics(config.eval_dir)
    out = write_model_folder(config.out, model, model_config, metrics)
    if verbose:
        print(f"wrote {out} (val accuracy {val_accuracy:.4f}, {metrics['train_seconds']:.0f} s)")
    return metrics


def calibrate(
    model,
    x_val: np.ndarray,
    y_val: np.ndarray,
    labels: list[str],
    acceptance: float,
    rows: Collection[str] = (),
    max_threshold: float = 0.5,
) -> tuple[float, dict]:
    """The rune_threshold that accepts `acceptance` of the generated validation runes, and what it rejects.

    The dict also holds, under "rows", each of `rows` calibrated alike (a sketch is a rune of a row when all
    shapes together reach the row's threshold and the likeliest shape is the row's; see runes.prediction):
    `row_thresholds(calibration)` reads them out. Thresholds are capped at `max_threshold`; "quantile" is the
    uncapped value.
    """
    probabilities = model.predict(x_val, batch_size=512, verbose=0)
    other = y_val == labels.index(NOT_A_RUNE)
    shapes = np.array([label in SHAPE_IDS for label in labels])
    total = probabilities[:, shapes].sum(axis=1)  # "is it a rune at all": every shape together
    strongest = np.flatnonzero(shapes)[probabilities[:, shapes].argmax(axis=1)]  # the likeliest shape's output

    def calibrated(columns: np.ndarray) -> dict:
        # As runes.prediction reads a row: all shapes together, and the likeliest shape one of the row's.
        score = np.where(columns[strongest], total, 0.0)
        is_rune = columns[y_val]
        read = is_rune & columns[strongest]  # the row's runes the classifier puts in the row
        quantile = float(np.quantile(score[read], 1.0 - acceptance))
        threshold = min(max_threshold, quantile)
        return {
            "rune_threshold": threshold,
            "quantile": quantile,
            "acceptance": float((score[is_rune] >= threshold).mean()),
            "rejection": float((score[other] < threshold).mean()),
            "n_runes": int(is_rune.sum()),
            "n_nonrunes": int(other.sum()),
        }

    overall = calibrated(np.array([label in SHAPE_IDS for label in labels]))
    overall["rows"] = {row: calibrated(np.array([label in get_row(row).shapes for label in labels])) for row in rows}
    return overall["rune_threshold"], overall


def recalibrate(folder: str | os.PathLike, max_threshold: float, workers: int = 2) -> dict:
    """Calibrate a trained model folder's rune thresholds again, capped at `max_threshold`, as `train` would have:
    the same generated validation sketches (the training's seed + 1) and acceptance. Rewrites config.json (the
    thresholds and train_config.max_threshold), metrics.json (the calibration), the card and the browser export
    (it holds the thresholds); the network is untouched. Returns the new calibration."""
    from runes.card import write_card
    from runes.folder import CONFIG_FILENAME, METRICS_FILENAME, TAUGHT_KEY, load_keras_model, read_config, read_metrics
    from runes.web import export

    folder = Path(folder)
    model_config, metrics = read_config(folder), read_metrics(folder)
    known = {field.name for field in dataclasses.fields(TrainConfig)}
    config = TrainConfig(**{k: v for k, v in model_config.get("train_config", {}).items() if k in known})
    config.max_threshold = max_threshold
    labels = model_config["labels"]
    if NOT_A_RUNE not in labels or model_config.get(TAUGHT_KEY):
        raise ValueError(
            f"The model in {str(folder)!r} is not one runes.train wrote (it has taught symbols or no 'not a rune' "
            "output): recalibrate the model it was taught from."
        )
    x_val, y_val = generate(_label_counts(config, config.val_samples_per_rune), config.seed + 1, workers)
    model_config["rune_threshold"], metrics["calibration"] = calibrate(
        load_keras_model(folder), x_val, y_val, labels, config.acceptance, model_config["rows"], max_threshold
    )
    model_config["row_thresholds"] = row_thresholds(metrics["calibration"])
    model_config["train_config"] = {**model_config.get("train_config", {}), "max_threshold": max_threshold}
    for name, data in ((CONFIG_FILENAME, model_config), (METRICS_FILENAME, metrics)):
        (folder / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_card(folder)
    export(folder)  # the page reads the thresholds from the browser export
    return metrics["calibration"]


def row_thresholds(calibration: dict) -> dict[str, float]:
    """Row id -> rune_threshold, from what `calibrate` returned."""
    return {row: values["rune_threshold"] for row, values in calibration.get("rows", {}).items()}


def recognizer_from_model(model, config: dict | None = None):
    from runes.model import Recognizer

    config = config or {"labels": list(RUNE_IDS)}  # an untrained-for-rows model: Younger shapes, as old models
    return Recognizer(model, config["labels"], source="just trained", config=config)


def compile_for_training(model, config: TrainConfig) -> list:
    """Compile `model` as `train` trains (Adam, sparse cross-entropy, accuracy); the callbacks to fit it with
    (early stopping on val_loss keeping the best weights, and a lower learning rate on a plateau)."""
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.3, patience=1),
    ]


def _field_comments(cls: type) -> dict[str, str]:
    """Each field's comment in the class's source, by field name: the one place a setting is explained. A "%" is
    doubled, as argparse's help strings need ("2% of this" would otherwise break --help)."""
    field_line = re.compile(r"^\s+(\w+): [^#]*#\s*(.+)$")
    lines = inspect.getsource(cls).splitlines()
    return {match[1]: match[2].replace("%", "%%") for line in lines if (match := field_line.match(line))}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m runes.train",
        description="Train the rune CNN on generated sketches.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    comments = _field_comments(TrainConfig)
    defaults = TrainConfig()
    for f in dataclasses.fields(TrainConfig):
        default = getattr(defaults, f.name)
        option = "--" + f.name.replace("_", "-")
        if isinstance(default, bool):  # type=bool would read "--x False" as True: --x / --no-x switches instead
            parser.add_argument(
                option, dest=f.name, action=argparse.BooleanOptionalAction, default=default, help=comments.get(f.name)
            )
            continue
        kind = type(default) if default is not None else str
        parser.add_argument(option, dest=f.name, type=kind, default=default, help=comments.get(f.name))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        train(TrainConfig(**vars(args)))
    except ValueError as error:  # e.g. unknown rows: say what was passed, no traceback
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
