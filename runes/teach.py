"""Teach the recognizer new symbols from a few drawings (transfer learning): `python -m runes.teach DIR --out DIR2`.

    from runes.teach import teach
    taught = teach(Recognizer.load(), {"heart": [drawing, ...], "sun": [drawing, ...]})  # 3+ drawings each
    prediction = taught.predict(image)
    prediction.symbol        # "heart" when a taught symbol wins (then prediction.is_rune is False), else None
    prediction.symbols       # {"heart": 0.97, "sun": 0.01}: every taught symbol's probability
    prediction.rune, prediction.top(3)   # as before, over the runes only

`teach` returns a NEW Recognizer; the given one (the bundled model, say) is never changed. Its model is a
copy of the given one, convolutional layers and weights included, whose last layer has the old outputs
(their weights kept) plus one per new symbol. Training follows the Keras transfer-learning recipe:
first the conv blocks are frozen and only the dense head after them is trained (on conv features
computed once, so it takes seconds), then everything but batch normalisation is fine-tuned for a few
epochs with a low learning rate. So that the old outputs are not forgotten, every old label also gets a
few dozen generated sketches (`runes.train.generate`); the new drawings get augmented copies (small
shifts, turns and scalings: `runes.train.augment`). Last, rune_threshold is recalibrated on generated
validation sketches, as `runes.train` does. Teaching 3 symbols takes about 10 s on 2 CPU cores
(`benchmarks/bench_teach.py`).

A taught model lists the new labels under "taught" in config.json; `runes.card.write_model_folder` saves it as a
model folder that `Recognizer.load` reads. Symbols are taught all at once, from a model without taught
symbols: to add one later, teach them all again (with their drawings) from the original model.

The command line reads DIR/<symbol name>/*.png (5-20 drawings each is best) and writes a model folder:

    python -m runes.teach DIR --out my-model [--model SOURCE] [--epochs N]
    python -m runes.evaluate ../shared/real-runes/dev --model my-model    # the runes are still read
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from runes import __version__
from runes.card import write_model_folder
from runes.folder import TAUGHT_KEY, same_names, symbol_name_problem
from runes.labels import BLUETOOTH, NOT_A_RUNE
from runes.model import Recognizer
from runes.preprocess import INPUT_SIZE, PREPROCESSING_VERSION, EmptySketchError, preprocess
from runes.train import augment, calibrate, generate, row_thresholds

__all__ = ["teach", "TeachError", "read_symbol_folder", "MIN_DRAWINGS", "MAX_SYMBOLS", "main"]

MIN_DRAWINGS = 3  # fewest drawings of a symbol teach accepts (5-20 is best)
MAX_SYMBOLS = 10  # most symbols taught at once
EPOCHS = 30  # epochs of the first phase: the dense head on frozen conv features
FINE_TUNE_EPOCHS = 3  # epochs of the second phase: all layers but batch normalisation, low learning rate
HEAD_LEARNING_RATE = 1e-3
FINE_TUNE_LEARNING_RATE = 1e-4
SAMPLES_PER_SYMBOL = 100  # training samples per new symbol: its drawings and augmented copies
KEEP_PER_LABEL = 40  # generated sketches per old rune (per "other": 3x, per "bluetooth": 1x) to keep them alive
VAL_PER_LABEL = 25  # generated validation sketches per old rune for recalibrating rune_threshold
_RATIOS = {NOT_A_RUNE: 3.0, BLUETOOTH: 1.0}  # sketches of the extra labels per rune sketch
_SEED_OFFSET = 7919  # keeps teach's generated sketches apart from runes.train's (seed 2 by default)


class TeachError(ValueError):
    """The drawings cannot be taught; the message says what was passed and how to fix it.

    `symbol` and `drawing` (0-based index) name the drawing at fault, when it is one drawing."""

    def __init__(self, message: str, symbol: str | None = None, drawing: int | None = None) -> None:
        super().__init__(message)
        self.symbol, self.drawing = symbol, drawing


def _checked_examples(recognizer: Recognizer, examples: object) -> dict[str, np.ndarray]:
    """The examples preprocessed, {name: (n, 32, 32, 1)}, or a TeachError saying what is wrong."""
    if recognizer.taught_labels:
        raise TeachError(
            f"{recognizer.source} was already taught {', '.join(map(repr, recognizer.taught_labels))}. "
            "Teach from the model they were taught from, passing their drawings again together with the "
            "new ones: teach(base, {name: drawings, ...}) with every symbol."
        )
    if not isinstance(examples, Mapping):
        raise TeachError(
            f"Pass the drawings as a dict {{symbol name: [drawing, ...]}}, not a {type(examples).__name__}."
        )
    if not examples:
        raise TeachError("No symbols to teach: pass {symbol name: [drawing, ...]} with at least one symbol.")
    if len(examples) > MAX_SYMBOLS:
        raise TeachError(
            f"{len(examples)} symbols were passed ({', '.join(map(str, examples))}); teach at most "
            f"{MAX_SYMBOLS} at once."
        )
    for name in examples:
        if problem := symbol_name_problem(name):
            raise TeachError(f"Cannot name a symbol so: {problem}.", symbol=name if isinstance(name, str) else None)
    if pair := same_names(examples):
        raise TeachError(
            f"{pair[0]!r} and {pair[1]!r} are the same name (case does not count): "
            "put their drawings under one name, or rename one.",
            symbol=pair[1],
        )
    tensors = {}
    for name, drawings in examples.items():
        if isinstance(drawings, (str, bytes)) or not isinstance(drawings, Sequence):
            raise TeachError(
                f"The drawings of {name!r} must be a list of images (numpy arrays or PIL images), "
                f"not a {type(drawings).__name__}.",
                symbol=name,
            )
        if len(drawings) < MIN_DRAWINGS:
            raise TeachError(
                f"{name!r} has {len(drawings)} drawing{'s' * (len(drawings) != 1)}; draw it at least "
                f"{MIN_DRAWINGS} times (5 to 20 is best).",
                symbol=name,
            )
        rows = []
        for index, drawing in enumerate(drawings):
            try:
                rows.append(preprocess(drawing))
            except EmptySketchError:
                raise TeachError(
                    f"Drawing {index + 1} of {name!r} has no ink: draw it again or leave it out.",
                    symbol=name,
                    drawing=index,
                ) from None
            except (ValueError, TypeError, OSError) as error:
                raise TeachError(
                    f"Drawing {index + 1} of {name!r} is not an image this package can read "
                    f"({type(error).__name__}: {error}).",
                    symbol=name,
                    drawing=index,
                ) from None
        tensors[name] = np.stack(rows)
    return tensors


def _chain_layers(model) -> list:
    """The model's layers after its input, checked to be a plain chain ending in a softmax Dense layer."""
    from keras import layers

    chain = model.layers[1:] if isinstance(model.layers[0], layers.InputLayer) else model.layers
    last = chain[-1] if chain else None
    if (
        not isinstance(last, layers.Dense)
        or last.get_config().get("activation") != "softmax"
        or not any(isinstance(layer, layers.Flatten) for layer in chain)
    ):
        raise TeachError(
            "teach needs a build_model() network (conv blocks, Flatten, dense layers, a softmax "
            f"Dense output); {model.name!r} is not one."
        )
    return chain


def _widened(model, new_outputs: int, seed: int):
    """A copy of `model` (new layers, same weights) whose softmax output has `new_outputs` more units.

    Returns (model, index of the Flatten layer in the chain, the Flatten output tensor)."""
    import keras
    from keras import layers

    chain = _chain_layers(model)
    inputs = keras.Input(shape=model.input_shape[1:], name=model.layers[0].name)
    x, flat, flatten_at = inputs, None, None
    copies = []
    for position, layer in enumerate(chain[:-1]):
        copy = type(layer).from_config(layer.get_config())
        x = copy(x)
        copy.set_weights(layer.get_weights())
        copies.append(copy)
        if isinstance(layer, layers.Flatten) and flat is None:
            flat, flatten_at = x, position
    old = chain[-1]
    kernel, bias = old.get_weights()
    head = layers.Dense(
        kernel.shape[1] + new_outputs,
        activation="softmax",
        name=old.name,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
    )
    outputs = head(x)
    new_kernel, new_bias = head.get_weights()
    new_kernel[:, : kernel.shape[1]], new_bias[: bias.shape[0]] = kernel, bias
    new_bias[bias.shape[0] :] = bias.mean()  # new outputs start as likely as an average old one
    head.set_weights([new_kernel, new_bias])
    widened = keras.Model(inputs, outputs, name=model.name)
    # The copy must compute what the original does (renormalised over the old outputs): a model whose layers
    # are not one chain (a skip connection, two inputs) would be rebuilt wrongly.
    probe = np.random.default_rng(seed).random((4, *model.input_shape[1:]), dtype=np.float32)
    before = np.asarray(model(probe, training=False))
    after = np.asarray(widened(probe, training=False))[:, : kernel.shape[1]]
    if not np.allclose(after / after.sum(axis=1, keepdims=True), before, atol=1e-4):
        raise TeachError(f"teach needs a build_model() network, a plain chain of layers; {model.name!r} is not one.")
    return widened, flatten_at, flat


def training_set(
    recognizer: Recognizer, tensors: dict[str, np.ndarray], samples_per_symbol: int, keep_per_label: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Generated sketches of the old labels plus the new drawings with augmented copies, shuffled."""
    counts = {label: max(1, round(_RATIOS.get(label, 1.0) * keep_per_label)) for label in recognizer.labels}
    x_old, y_old = generate(counts, seed + _SEED_OFFSET)
    parts, targets = [x_old], [y_old]
    for offset, x in enumerate(tensors.values()):
        copies = max(0, math.ceil(samples_per_symbol / len(x)) - 1)
        x_new = np.concatenate([x, augment(x, copies, seed + offset)])
        parts.append(x_new)
        targets.append(np.full(len(x_new), len(recognizer.labels) + offset, np.int32))
    x_train, y_train = np.concatenate(parts), np.concatenate(targets)
    order = np.random.default_rng(seed).permutation(len(y_train))
    return x_train[order], y_train[order]


def fit_transfer(
    recognizer: Recognizer,
    x_train: np.ndarray,
    y_train: np.ndarray,
    new_outputs: int,
    *,
    epochs: int = EPOCHS,
    fine_tune_epochs: int = FINE_TUNE_EPOCHS,
    seed: int = 0,
    verbose: int = 0,
):
    """The widened copy of the recognizer's model, trained on (x_train, y_train): head first, then all but BN."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    model, flatten_at, flat = _widened(recognizer.model, new_outputs, seed)
    chain = model.layers[1:]
    # Phase 1: the conv blocks are frozen, so their output is computed once and only the head is trained.
    features = keras.Model(model.inputs, flat).predict(x_train, batch_size=256, verbose=0)
    head_input = keras.Input(shape=features.shape[1:])
    h = head_input
    for layer in chain[flatten_at + 1 :]:
        h = layer(h)
    head = keras.Model(head_input, h)
    head.compile(optimizer=keras.optimizers.Adam(HEAD_LEARNING_RATE), loss="sparse_categorical_crossentropy")
    if epochs > 0:
        head.fit(features, y_train, batch_size=32, epochs=epochs, shuffle=True, verbose=verbose)
    # Phase 2: everything but batch normalisation (kept in inference mode), with a low learning rate.
    if fine_tune_epochs > 0:
        for layer in chain:
            layer.trainable = not isinstance(layer, layers.BatchNormalization)
        model.compile(optimizer=keras.optimizers.Adam(FINE_TUNE_LEARNING_RATE), loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, batch_size=32, epochs=fine_tune_epochs, shuffle=True, verbose=verbose)
        for layer in chain:
            layer.trainable = True
    return model


def _teach(
    recognizer: Recognizer,
    examples: Mapping,
    *,
    epochs: int = EPOCHS,
    fine_tune_epochs: int = FINE_TUNE_EPOCHS,
    samples_per_symbol: int = SAMPLES_PER_SYMBOL,
    keep_per_label: int = KEEP_PER_LABEL,
    seed: int = 0,
    verbose: int = 0,
) -> tuple[Recognizer, dict]:
    """`teach`, also returning the metrics for the model folder's metrics.json."""
    start = time.perf_counter()
    tensors = _checked_examples(recognizer, examples)
    names = list(tensors)
    labels = [*recognizer.labels, *names]
    x_train, y_train = training_set(recognizer, tensors, samples_per_symbol, keep_per_label, seed)
    model = fit_transfer(
        recognizer,
        x_train,
        y_train,
        len(names),
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        seed=seed,
        verbose=verbose,
    )
    # The old labels on generated sketches the training never saw: accuracy, and the rune_threshold again.
    val_counts = {label: max(1, round(_RATIOS.get(label, 1.0) * VAL_PER_LABEL)) for label in recognizer.labels}
    x_val, y_val = generate(val_counts, seed + _SEED_OFFSET + 1)
    predicted = model.predict(x_val, batch_size=512, verbose=0)
    base_config = dict(recognizer.config)
    acceptance = float((base_config.get("train_config") or {}).get("acceptance", 0.995))
    metrics: dict = {"val_accuracy": float((predicted.argmax(axis=1) == y_val).mean()), "val_samples": int(len(y_val))}
    threshold = recognizer.rune_threshold
    if NOT_A_RUNE in labels:
        cap = float((base_config.get("train_config") or {}).get("max_threshold", 0.5))
        threshold, metrics["calibration"] = calibrate(model, x_val, y_val, labels, acceptance, recognizer.rows, cap)
        base_config["row_thresholds"] = row_thresholds(metrics["calibration"])
    config = {
        **base_config,
        "labels": labels,
        "input_size": INPUT_SIZE,
        "preprocessing_version": PREPROCESSING_VERSION,
        "package_version": __version__,
        TAUGHT_KEY: names,
        "rune_threshold": threshold,
        "teach_config": {
            "base": recognizer.source,
            "drawings": {name: len(x) for name, x in tensors.items()},
            "epochs": epochs,
            "fine_tune_epochs": fine_tune_epochs,
            "samples_per_symbol": samples_per_symbol,
            "keep_per_label": keep_per_label,
            "seed": seed,
        },
    }
    config.setdefault("architecture", "rune_cnn")
    seconds = time.perf_counter() - start
    metrics.update(
        {
            "taught": {name: len(x) for name, x in tensors.items()},
            "train_samples": int(len(y_train)),
            "teach_seconds": seconds,
            "cpu_count": os.cpu_count(),
        }
    )
    taught = Recognizer(model, labels, source=f"{recognizer.source} taught {', '.join(names)}", config=config)
    taught.share_line_reader(recognizer)  # teaching leaves the rune shapes, all the line reader reads, alone
    return taught, metrics


def teach(
    recognizer: Recognizer,
    examples: Mapping[str, Sequence],
    *,
    epochs: int = EPOCHS,
    fine_tune_epochs: int = FINE_TUNE_EPOCHS,
    samples_per_symbol: int = SAMPLES_PER_SYMBOL,
    keep_per_label: int = KEEP_PER_LABEL,
    seed: int = 0,
    verbose: int = 0,
) -> Recognizer:
    """A new Recognizer that also knows the symbols in `examples`: {name: [drawing, ...]}.

    Drawings are numpy arrays or PIL images, as for `Recognizer.predict`; at least MIN_DRAWINGS of each
    symbol (5-20 is best), at most MAX_SYMBOLS symbols. Names: printable, not a rune id nor "other" or
    "bluetooth", distinct regardless of case. `epochs` trains the head on frozen conv features,
    `fine_tune_epochs` then all layers but batch normalisation at a low learning rate. The same seed
    and inputs give the same model. The given recognizer is not changed.
    Raises TeachError (a ValueError) with a message saying what was passed and how to fix it.
    """
    return _teach(
        recognizer,
        examples,
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        samples_per_symbol=samples_per_symbol,
        keep_per_label=keep_per_label,
        seed=seed,
        verbose=verbose,
    )[0]


def read_symbol_folder(folder: str | os.PathLike) -> dict[str, list[Path]]:
    """{symbol name: its drawings}, from DIR/<symbol name>/*.png (sorted; hidden folders skipped)."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise TeachError(f"{str(root)!r} is not a folder; expected DIR/<symbol name>/*.png, one folder per symbol.")
    symbols = {
        sub.name: sorted(sub.glob("*.png"))
        for sub in sorted(root.iterdir())
        if sub.is_dir() and not sub.name.startswith(".")
    }
    if not symbols:
        raise TeachError(f"{root} has no sub-folders; put the drawings of each symbol in DIR/<symbol name>/*.png.")
    for name, paths in symbols.items():
        if len(paths) < MIN_DRAWINGS:
            raise TeachError(
                f"{root / name} holds {len(paths)} .png drawing{'s' * (len(paths) != 1)}; put at least "
                f"{MIN_DRAWINGS} (5 to 20 is best) in it, or remove the folder.",
                symbol=name,
            )
    return symbols


def _load_images(symbols: dict[str, list[Path]]) -> dict[str, list]:
    from PIL import Image, UnidentifiedImageError

    images: dict[str, list] = {}
    for name, paths in symbols.items():
        images[name] = []
        for path in paths:
            try:
                with Image.open(path) as image:
                    image.load()
                    images[name].append(image.copy())
            except (UnidentifiedImageError, OSError) as error:
                raise TeachError(
                    f"{path} is not an image that can be read ({error}); replace or remove it.", symbol=name
                ) from None
    return images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m runes.teach",
        description=(
            "Teach a rune model new symbols from a few drawings each (transfer learning) and write a model folder."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "dir",
        help="folder of drawings: DIR/<symbol name>/*.png, 5-20 per symbol "
        f"(at least {MIN_DRAWINGS}, at most {MAX_SYMBOLS} symbols)",
    )
    parser.add_argument("--out", required=True, help="model folder to write")
    parser.add_argument(
        "--model", default=None, help="model to start from: a folder or hf://owner/name (default: the bundled model)"
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs training the new head on frozen conv layers")
    parser.add_argument(
        "--fine-tune-epochs",
        type=int,
        default=FINE_TUNE_EPOCHS,
        help="epochs then fine-tuning all layers at a low learning rate",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--eval-dir",
        default=None,
        help="labelled rune folder DIR/<rune id>/*.png to measure the "
        "taught model's runes on (recorded in metrics.json)",
    )
    args = parser.parse_args(argv)
    from runes.folder import ModelLoadError

    symbols: dict[str, list[Path]] = {}
    try:
        symbols = read_symbol_folder(args.dir)
        images = _load_images(symbols)
        base = Recognizer.load(args.model)
        recognizer, metrics = _teach(
            base, images, epochs=args.epochs, fine_tune_epochs=args.fine_tune_epochs, seed=args.seed
        )
    except TeachError as error:
        drawing = None
        if error.symbol is not None and error.symbol in symbols and error.drawing is not None:
            drawing = symbols[error.symbol][error.drawing]
        print(f"error: {drawing}: {error}" if drawing else f"error: {error}", file=sys.stderr)
        return 1
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.eval_dir:
        from runes.evaluate import evaluate_folder

        metrics["real_drawings"] = evaluate_folder(args.eval_dir, recognizer).metrics(args.eval_dir)
    write_model_folder(args.out, recognizer.model, recognizer.config, metrics, lines_from=recognizer.lines_folder)
    drawings = ", ".join(f"{name} ({count})" for name, count in metrics["taught"].items())
    print(
        f"taught {drawings} in {metrics['teach_seconds']:.1f} s; runes and extras on generated sketches: "
        f"{metrics['val_accuracy']:.4f}; rune_threshold {recognizer.rune_threshold:.3f}"
    )
    if "real_drawings" in metrics:
        print(f"runes in {args.eval_dir}: top-1 {metrics['real_drawings']['accuracy']:.4f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
