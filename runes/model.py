"""The CNN and the Recognizer that loads a model folder and predicts runes.

A model folder (laid out like a Hugging Face model repo) holds `model.keras`, `config.json` (labels in
order, input size, preprocessing version, package version), `metrics.json` and a `README.md` model card;
`runes.folder` reads and checks it. `Recognizer.load("hf://owner/name[@rev]")` downloads one with
`runes.hub` first. This module imports runes.hub (never the reverse) inside the two methods that need
it: importing it with the package would load it twice under `python -m runes.hub`, and nothing of the
Hub is needed until a hf:// source is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from runes.alphabet import get_rune
from runes.folder import (
    BUNDLED_MODEL_DIR,
    CONFIG_FILENAME,
    HF_PREFIX,
    MODEL_FILENAME,
    TAUGHT_KEY,
    ModelLoadError,
    load_keras_model,
    read_config,
)
from runes.inference import NumpyForward, UnsupportedModelError
from runes.nonrunes import BLUETOOTH, EXTRA_LABELS
from runes.preprocess import INPUT_SIZE, preprocess

__all__ = ["build_model", "Recognizer", "Prediction", "ModelLoadError", "BUNDLED_MODEL_DIR",
           "MODEL_FILENAME", "CONFIG_FILENAME"]

NUMPY_MAX_BATCH = 32  # batches up to this size use the numpy forward pass, larger ones the TensorFlow graph


def build_model(input_shape: tuple[int, int, int] = (INPUT_SIZE, INPUT_SIZE, 1), num_classes: int = 16,
                filters: int = 16, dropout: float = 0.3):
    """A small VGG-style CNN as a functional Keras model (softmax output).

    One conv at full resolution, then two blocks of two convs; each block halves the
    resolution and doubles the width. Small enough to train in minutes on two CPU cores.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="sketch")
    x = inputs
    for block, (width, convs) in enumerate(((filters, 1), (filters * 2, 2), (filters * 4, 2))):
        for index in range(convs):
            x = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{block}{'ab'[index]}")(x)
            x = layers.BatchNormalization(name=f"bn{block}{'ab'[index]}")(x)
            x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(name=f"pool{block}")(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(filters * 4, activation="relu", name="features")(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="rune_cnn")


@dataclass(frozen=True)
class Prediction:
    """What the model thinks one sketch is."""

    rune: str  # id of the most likely rune (even when the sketch is probably not a rune)
    confidence: float  # its probability among the runes
    probabilities: dict[str, float] = field(repr=False)  # every rune id -> probability, futhark order, sums to 1
    is_rune: bool = True  # False when the model says this is not a rune at all (see rune_probability)
    rune_probability: float = 1.0  # the model's probability that the sketch is a rune at all
    bluetooth: bool = False  # the sketch looks like the Bluetooth logo, the bind rune of ᚼ and ᛒ
    symbol: str | None = None  # the taught symbol (runes.teach) the sketch is, if any; is_rune is then False
    symbols: dict[str, float] = field(default_factory=dict, repr=False)  # taught symbol -> probability (of all outputs)

    @property
    def glyph(self) -> str:
        return get_rune(self.rune).glyph

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The k most likely (rune id, probability) pairs, most likely first."""
        return sorted(self.probabilities.items(), key=lambda item: -item[1])[:k]


class Recognizer:
    """A loaded model plus its labels: `Recognizer.load().predict(image)`.

    `labels` are the model's outputs in order: the runes, optionally followed by EXTRA_LABELS
    ("bluetooth", "other") for models trained to say "not a rune", then by the symbols taught by
    `runes.teach` (named in config["taught"]); `rune_labels` are the runes alone, `taught_labels` the
    taught symbols.
    """

    def __init__(self, model, labels: list[str], source: str = "in memory", config: dict | None = None) -> None:
        import tensorflow as tf

        if model.output_shape[-1] != len(labels):
            raise ModelLoadError(f"The model has {model.output_shape[-1]} outputs but {len(labels)} labels.")
        self.model = model
        self.labels = list(labels)
        self.source = source
        self.config = config or {}
        taught = set(self.config.get(TAUGHT_KEY, ()))
        self.taught_labels = [label for label in self.labels if label in taught]
        self.rune_labels = [label for label in self.labels if label not in EXTRA_LABELS and label not in taught]
        self._rune_indices = np.array([self.labels.index(label) for label in self.rune_labels])
        self._taught_indices = [self.labels.index(label) for label in self.taught_labels]
        # "other" and "bluetooth": a taught symbol must beat them (and the runes together) to win.
        self._extra_indices = [index for index, label in enumerate(self.labels) if label in EXTRA_LABELS]
        self._bluetooth_index = self.labels.index(BLUETOOTH) if BLUETOOTH in self.labels else None
        # A sketch is called a rune when the model gives runes at least this much probability in all
        # (calibrated on generated sketches by runes.train and stored in config.json).
        self.rune_threshold = float(self.config.get("rune_threshold", 0.5))
        # A traced graph skips Keras' per-call machinery for big batches; single sketches go through
        # the same layers in plain numpy (runes.inference), which skips TensorFlow's overhead as well.
        self._graph = tf.function(
            lambda batch: model(batch, training=False),
            input_signature=[tf.TensorSpec([None, INPUT_SIZE, INPUT_SIZE, 1], tf.float32)],
            reduce_retracing=True,
        )
        self._blocks = None  # a Keras model that outputs every conv block's activations, made on first use
        try:
            self._numpy_forward: NumpyForward | None = NumpyForward.from_keras(model)
        except UnsupportedModelError:
            self._numpy_forward = None

    @classmethod
    def load(cls, source: str | os.PathLike | None = None) -> "Recognizer":
        """Load a model folder: None for the bundled model, a local folder path, or "hf://owner/name[@rev]"."""
        if isinstance(source, str) and source.startswith(HF_PREFIX):
            from runes import hub

            # Downloads (or reuses the cache), then loads that folder like a local one.
            return hub.load_recognizer(cls, source)
        folder = BUNDLED_MODEL_DIR if source is None else Path(source).expanduser()
        if not folder.is_dir():
            raise ModelLoadError(f"Model folder {str(folder)!r} does not exist.")
        config = read_config(folder)
        model = load_keras_model(folder)
        name = "bundled model" if source is None else str(folder)
        return cls(model, config["labels"], source=name, config=config)

    @classmethod
    def load_with_fallback(cls, source: str | os.PathLike | None = None) -> tuple["Recognizer", str]:
        """Like `load`, but an unreachable Hub (offline, nothing cached) falls back to the bundled model.

        Returns (recognizer, note): the note says in words which model runs and why. Other errors
        (repo not found, gated, bad files...) still raise, with their message.
        """
        from runes.hub import HubUnavailableError

        try:
            recognizer = cls.load(source)
        except HubUnavailableError as error:
            recognizer = cls.load(None)
            return recognizer, f"Using the bundled model because {error}"
        if isinstance(source, str) and source.startswith(HF_PREFIX):
            commit = getattr(recognizer, "hub_commit", "")
            return recognizer, f"Using {recognizer.source} from the Hugging Face Hub (commit {commit[:10]})."
        return recognizer, f"Using the {recognizer.source}." if source is None else f"Using {recognizer.source}."

    def predict_tensors(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for already preprocessed inputs, shape (N, num_labels)."""
        batch = np.asarray(batch, dtype=np.float32)
        if self._numpy_forward is not None and len(batch) <= NUMPY_MAX_BATCH:
            return self._numpy_forward(batch)
        return self._graph(batch).numpy()

    def _prediction(self, probabilities: np.ndarray) -> Prediction:
        probabilities = probabilities.astype(np.float64)
        probabilities /= probabilities.sum()
        runes = probabilities[self._rune_indices]
        rune_probability = float(runes.sum())
        runes = runes / max(rune_probability, 1e-12)
        best = int(np.argmax(runes))
        bluetooth = self._bluetooth_index is not None and probabilities[self._bluetooth_index] >= 0.5
        symbol, symbols = None, {}
        if self._taught_indices:
            # A taught symbol wins when its output beats the runes together and every other output.
            taught = probabilities[self._taught_indices]
            symbols = {label: float(p) for label, p in zip(self.taught_labels, taught)}
            strongest = int(np.argmax(taught))
            rivals = [rune_probability, *probabilities[self._extra_indices], *np.delete(taught, strongest)]
            if taught[strongest] > max(rivals):
                symbol = self.taught_labels[strongest]
        return Prediction(rune=self.rune_labels[best], confidence=float(runes[best]),
                          probabilities={label: float(p) for label, p in zip(self.rune_labels, runes)},
                          is_rune=rune_probability >= self.rune_threshold and not bluetooth and symbol is None,
                          rune_probability=rune_probability, bluetooth=bool(bluetooth), symbol=symbol,
                          symbols=symbols)

    def predict(self, image) -> Prediction:
        """Recognise one sketch (numpy array or PIL image). Raises EmptySketchError if nothing is drawn."""
        return self._prediction(self.predict_tensors(preprocess(image)[None])[0])

    def read(self, image):
        """Read an inscription: several runes written left to right, words split at dots or gaps.

        Returns a `runes.inscription.Inscription` (runes with boxes, runic text, transliteration).
        """
        from runes.inscription import read_inscription

        return read_inscription(self, image)

    def explain(self, image):
        """What the network saw and which ink mattered: a `runes.explain.Explanation` (input, feature maps per
        conv block, saliency over the image by occlusion, the prediction)."""
        from runes.explain import explain

        return explain(self, image)

    def feature_maps(self, x: np.ndarray) -> list[np.ndarray]:
        """The activations of each conv block (before its pooling) for one preprocessed input (32, 32, 1)."""
        if self._blocks is None:
            import keras

            pools = [layer for layer in self.model.layers if layer.name.startswith("pool")]
            if not pools:
                raise ValueError(f"{self.source} has no pooling layers named pool0, pool1...: not a build_model() "
                                 "network, so its conv blocks are unknown.")
            self._blocks = keras.Model(self.model.input, [layer.input for layer in pools])
        maps = self._blocks(np.asarray(x, np.float32)[None], training=False)
        return [np.asarray(block)[0] for block in (maps if isinstance(maps, (list, tuple)) else [maps])]

    def predict_batch(self, images) -> list[Prediction]:
        """Recognise several sketches at once."""
        return self.predict_preprocessed([preprocess(image) for image in images])

    def predict_preprocessed(self, tensors) -> list[Prediction]:
        """Predictions for already preprocessed inputs (a batch array or a list of preprocess() outputs)."""
        if len(tensors) == 0:
            return []
        return [self._prediction(row) for row in self.predict_tensors(np.stack(list(tensors)))]

    def warm_up(self) -> None:
        """Run both forward paths once (tracing the graph) so the first real sketch is fast."""
        self.predict_tensors(np.zeros((1, INPUT_SIZE, INPUT_SIZE, 1), np.float32))
        self._graph(np.zeros((NUMPY_MAX_BATCH + 1, INPUT_SIZE, INPUT_SIZE, 1), np.float32))
