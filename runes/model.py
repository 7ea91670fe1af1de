"""The CNN and the Recognizer that loads a model folder and predicts runes.

A model folder (laid out like a Hugging Face model repo) holds `model.keras`, `config.json` (labels in
order, input size, preprocessing version, package version), `metrics.json` and a `README.md` model card;
`runes.folder` reads and checks it. `Recognizer.load("hf://owner/name[@rev]")` downloads one with
`runes.hub` first. This module imports runes.hub (never the reverse) inside the two methods that need
it: importing it with the package would load it twice under `python -m runes.hub`, and nothing of the
Hub is needed until a hf:// source is loaded.

Serving needs neither Keras nor TensorFlow: `load` reads model.keras with zipfile and h5py (`runes.kerasfile`)
and runs it in numpy (`runes.inference`). The Keras model, `Recognizer.model`, is loaded from the file (safe
mode) on first use, by teaching, training or `python -m runes.web`; a network the numpy pass does not run is
loaded with Keras at once, as before.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from runes.folder import (
    BUNDLED_MODEL_DIR,
    CONFIG_FILENAME,
    HF_PREFIX,
    MODEL_FILENAME,
    ModelLoadError,
    load_keras_model,
    read_config,
    read_stored_model,
)
from runes.inference import NumpyForward, UnsupportedModelError
from runes.kerasfile import StoredModel
from runes.prediction import Outputs, Prediction, lone_stroke_place
from runes.preprocess import INPUT_SIZE, place, preprocess

__all__ = [
    "build_model",
    "Recognizer",
    "Prediction",
    "ModelLoadError",
    "BUNDLED_MODEL_DIR",
    "MODEL_FILENAME",
    "CONFIG_FILENAME",
]

NUMPY_MAX_BATCH = 32  # batches up to this size use the numpy forward pass, larger ones the TensorFlow graph


def build_model(
    input_shape: tuple[int, int, int] = (INPUT_SIZE, INPUT_SIZE, 1),
    num_classes: int = 16,
    filters: int = 16,
    dropout: float = 0.3,
):
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


class Recognizer:
    """A loaded model plus its labels: `Recognizer.load().predict(image, row="elder")`.

    `labels` are the model's outputs in order: glyph shapes (`runes.rows.SHAPES`), optionally followed by
    EXTRA_LABELS ("bluetooth", "other") for models trained to say "not a rune", then by the symbols taught
    by `runes.teach` (named in config["taught"]); `rune_labels` are the shapes alone, `taught_labels` the
    taught symbols. `rows` are the rune rows it reads (config["rows"]; a model from before rows reads the
    Younger Futhark, its labels the 16 rune ids). `folder` is the model folder it was loaded from (the bundled
    one, a local path, or for "hf://" sources the Hub snapshot in huggingface_hub's cache), where a browser
    export sits in web/ when there is one (`runes.web`); None for a model built in memory.
    """

    def __init__(self, model, labels: list[str], source: str = "in memory", config: dict | None = None) -> None:
        """`model` is a Keras model, or a `runes.kerasfile.StoredModel` (its file read without Keras): then
        sketches run in numpy and the Keras model is loaded from the file (safe mode) on first use of `model`."""
        self._model_lock = threading.Lock()
        self._stored: StoredModel | None = model if isinstance(model, StoredModel) else None
        self._model: Any = None if self._stored is not None else model
        self._released = False  # `model` was set to None: the network was let go (runes.teach sessions)
        self._numpy_forward: NumpyForward | None
        if self._stored is not None:  # UnsupportedModelError goes to the caller, who can load it with Keras
            self._numpy_forward = NumpyForward.from_keras(self._stored)
            try:
                outputs = self._numpy_forward(np.zeros((1, INPUT_SIZE, INPUT_SIZE, 1), np.float32)).shape[-1]
            except ValueError as error:  # weights of shapes that do not fit together
                raise ModelLoadError(f"Could not load {self._stored.path}: its weights do not fit ({error}).") from None
        else:
            outputs = model.output_shape[-1]
            try:
                self._numpy_forward = NumpyForward.from_keras(model)
            except UnsupportedModelError:
                self._numpy_forward = None
        if outputs != len(labels):
            raise ModelLoadError(f"The model has {outputs} outputs but {len(labels)} labels.")
        self.labels = list(labels)
        self.source = source
        self.config = config or {}
        self.outputs = Outputs(self.labels, self.config)  # what each output means, in each row
        self.taught_labels, self.rune_labels = self.outputs.taught_labels, self.outputs.rune_labels
        self.rows, self.default_row = self.outputs.rows, self.outputs.default_row
        self.rune_threshold = self.outputs.rune_threshold
        self.folder: Path | None = None  # the model folder it was loaded from (set by `load` and runes.hub), or None
        self.hub_commit = ""  # the Hub commit it was downloaded at (set by runes.hub), or ""
        self._graph: Any = None  # a traced tf.function of the Keras model for big batches, made on first use
        self._blocks: Any = None  # a Keras model that outputs every conv block's activations, made on first use
        self._line_reader: Any = None  # the folder's learned line reader, read on first use (`line_reader`)
        self._reads_lines_with: Recognizer | None = None  # whose line reader it uses, when not its own

    @property
    def model(self):
        """The Keras model (for teaching, training and batches once it is loaded). A recognizer read by `load`
        loads it from its file on first use, in Keras' safe mode, importing TensorFlow then; None once let go."""
        if self._model is None and self._stored is not None and not self._released:
            with self._model_lock:
                if self._model is None and not self._released:
                    self._model = load_keras_model(self._stored.path.parent)
        return self._model

    @model.setter
    def model(self, model) -> None:
        """Replace the Keras model; None lets the network go (weights, traced graph, numpy copy), for good."""
        with self._model_lock:
            self._model, self._released = model, model is None
            self._graph = self._blocks = None
            if model is None:
                self._numpy_forward = None
            else:
                try:
                    self._numpy_forward = NumpyForward.from_keras(model)
                except UnsupportedModelError:
                    self._numpy_forward = None

    def _traced(self):
        """The Keras model as a traced graph: it skips Keras' per-call machinery for big batches."""
        if self._graph is None:
            import tensorflow as tf

            model = self.model
            self._graph = tf.function(
                lambda batch: model(batch, training=False),
                input_signature=[tf.TensorSpec([None, INPUT_SIZE, INPUT_SIZE, 1], tf.float32)],
                reduce_retracing=True,
            )
        return self._graph

    @classmethod
    def load(cls, source: str | os.PathLike | None = None) -> Recognizer:
        """Load a model folder: None for the bundled model, a local folder path, or "hf://owner/name[@rev]"."""
        if isinstance(source, str) and source.startswith(HF_PREFIX):
            from runes import hub

            # Downloads (or reuses the cache), then loads that folder like a local one.
            return hub.load_recognizer(cls, source)
        folder = BUNDLED_MODEL_DIR if source is None else Path(source).expanduser()
        if not folder.is_dir():
            raise ModelLoadError(f"Model folder {str(folder)!r} does not exist.")
        config = read_config(folder)
        name = "bundled model" if source is None else str(folder)
        try:  # read without Keras or TensorFlow when the numpy forward pass can run it (runes.kerasfile)
            recognizer = cls(read_stored_model(folder), config["labels"], source=name, config=config)
        except UnsupportedModelError:
            recognizer = cls(load_keras_model(folder), config["labels"], source=name, config=config)
        recognizer.folder = folder
        return recognizer

    @classmethod
    def load_with_fallback(cls, source: str | os.PathLike | None = None) -> tuple[Recognizer, str]:
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
            commit = recognizer.hub_commit
            return recognizer, f"Using {recognizer.source} from the Hugging Face Hub (commit {commit[:10]})."
        return recognizer, f"Using the {recognizer.source}." if source is None else f"Using {recognizer.source}."

    def predict_tensors(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for already preprocessed inputs, shape (N, num_labels).

        Up to NUMPY_MAX_BATCH inputs run in numpy. Bigger batches run in TensorFlow's graph once the Keras model is
        loaded (it is several times faster there), else in numpy, NUMPY_MAX_BATCH at a time: serving never loads
        TensorFlow for them."""
        batch = np.asarray(batch, dtype=np.float32)
        forward = self._numpy_forward
        if forward is not None and len(batch) <= NUMPY_MAX_BATCH:
            return forward(batch)
        if forward is not None and self._model is None:
            chunks = [
                forward(batch[start : start + NUMPY_MAX_BATCH]) for start in range(0, len(batch), NUMPY_MAX_BATCH)
            ]
            return np.concatenate(chunks)
        return self._traced()(batch).numpy()

    def check_row(self, row: str | None) -> str:
        """The row id to read in: `row`, or the default row for None. A ValueError (saying which rows there are)
        for an unknown row or one the model does not read."""
        return self.outputs.check_row(row)

    def row_runes(self, row: str | None = None) -> list[str]:
        """The ids of the row's runes this model reads (it has a shape for), in row order."""
        return self.outputs.row_runes(row)

    def predict(self, image, row: str | None = None) -> Prediction:
        """Recognise one sketch (numpy array or PIL image) as a rune of `row` (None: the default row, "younger").

        The row's shapes share the probability the model gives all runes; a shape of another row is "not a rune"
        of this one, with `Prediction.elsewhere` saying what it is. In the short-twig row, which writes ᛌ sól and
        ᛧ yr as a lone short stroke, a narrow mark read best as ᛁ íss and shorter than LONE_STROKE of the image's
        height is read by where it sits (in the Younger row, which has both forms, a lone sketch stays ᛁ; `read`
        tells them apart by the line). Raises EmptySketchError if nothing is drawn, ValueError for a row the model
        does not read.
        """
        row = self.check_row(row)
        tensor, placement = place(image)
        return self.outputs.prediction(self.predict_tensors(tensor[None])[0], row, lone_stroke_place(placement, row))

    def read(self, image, row: str | None = None):
        """Read an inscription in `row`: several runes written left to right, words split at dots or gaps.

        The learned line reader of the model folder reads it (`runes.line_reader`: a CNN with CTC over the whole
        line, no segmentation rules). Returns a `runes.inscription.Inscription` (runes with boxes, runic text,
        transliteration). Raises EmptySketchError if nothing is drawn, ValueError for a row the model does not
        read, ModelLoadError when the model folder has no line reader.
        """
        row = self.check_row(row)
        return self.line_reader().read(image, row, self)

    def line_reader(self):
        """The learned line reader (`runes.line_reader.LineReader`, read once, in numpy) of `lines_folder`.

        Raises ModelLoadError when there is none (lines.keras and lines.json, `python -m runes.train_lines`)."""
        if self._reads_lines_with is not None:
            return self._reads_lines_with.line_reader()
        if self._line_reader is None:
            from runes.line_reader import LINE_FILES, LineReader

            folder = self.lines_folder
            if folder is None or not all((folder / name).is_file() for name in LINE_FILES):
                where = "it was built in memory" if folder is None else f"{folder} has no {' or '.join(LINE_FILES)}"
                raise ModelLoadError(
                    f"The {self.source} cannot read inscriptions: {where}. Train its line reader with "
                    "`python -m runes.train_lines --out MODEL_FOLDER`, or read inscriptions with the bundled model."
                )
            self._line_reader = LineReader.load(folder)
        return self._line_reader

    @property
    def lines_folder(self) -> Path | None:
        """The model folder whose line reader `read` uses: the one it was loaded from, or for a taught model the
        one its base was loaded from (the line reader reads rune shapes only, which teaching leaves alone)."""
        return self.folder if self._reads_lines_with is None else self._reads_lines_with.lines_folder

    def share_line_reader(self, other: Recognizer) -> None:
        """Read inscriptions with `other`'s line reader, the one object (a taught model, with that of the model it was
        taught from)."""
        self._reads_lines_with = other

    def explain(self, image, row: str | None = None):
        """What the network saw and which ink mattered: a `runes.explain.Explanation` (input, feature maps per
        conv block, saliency over the image by occlusion, the prediction in `row`)."""
        from runes.explain import explain

        return explain(self, image, row)

    def feature_maps(self, x: np.ndarray) -> list[np.ndarray]:
        """The activations of each conv block (before its pooling) for one preprocessed input (32, 32, 1)."""
        if self._numpy_forward is not None and any(kind == "maxpool2x2" for kind in self._numpy_forward.kinds):
            return [block[0] for block in self._numpy_forward.pooled_inputs(np.asarray(x, np.float32)[None])]
        if self._blocks is None:
            import keras

            pools = [layer for layer in self.model.layers if layer.name.startswith("pool")]
            if not pools:
                raise ValueError(
                    f"{self.source} has no pooling layers named pool0, pool1...: not a build_model() "
                    "network, so its conv blocks are unknown."
                )
            self._blocks = keras.Model(self.model.input, [layer.input for layer in pools])
        maps = self._blocks(np.asarray(x, np.float32)[None], training=False)
        return [np.asarray(block)[0] for block in (maps if isinstance(maps, (list, tuple)) else [maps])]

    def predict_batch(self, images, row: str | None = None) -> list[Prediction]:
        """Recognise several sketches at once, in `row`."""
        return self.predict_preprocessed([preprocess(image) for image in images], row)

    def predict_preprocessed(self, tensors, row: str | None = None) -> list[Prediction]:
        """Predictions in `row` for already preprocessed inputs (a batch array or a list of preprocess() outputs).

        The inputs no longer show where the ink sat, so a lone short stroke stays ᛁ íss (see predict)."""
        row = self.check_row(row)
        if len(tensors) == 0:
            return []
        return [self.outputs.prediction(output, row) for output in self.predict_tensors(np.stack(list(tensors)))]

    def warm_up(self) -> None:
        """Run the forward paths in use once (tracing the graph, when the Keras model runs) and read the line reader
        when there is one, so the first real sketch and inscription are fast. A recognizer read without Keras stays
        without it."""
        self.predict_tensors(np.zeros((1, INPUT_SIZE, INPUT_SIZE, 1), np.float32))
        with contextlib.suppress(ModelLoadError):  # a model without a line reader still reads runes one by one
            self.line_reader()
        if self._numpy_forward is None or self._model is not None:
            self._traced()(np.zeros((NUMPY_MAX_BATCH + 1, INPUT_SIZE, INPUT_SIZE, 1), np.float32))
