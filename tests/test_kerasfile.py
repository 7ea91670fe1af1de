"""Serving without Keras: model.keras read with zipfile and h5py (runes.kerasfile), the Keras model loaded lazily."""

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from runes.folder import BUNDLED_MODEL_DIR, ModelLoadError
from runes.inference import NumpyForward
from runes.kerasfile import StoredModel, read_keras_file
from runes.model import Recognizer
from runes.rows import SHAPE_IDS
from runes.sketches import generate_shape_sketches


@pytest.fixture(scope="module")
def lean():
    return Recognizer.load(None)


def _sketches() -> np.ndarray:
    """Four generated sketches of every shape, plus blank and noisy inputs."""
    drawn = [generate_shape_sketches(shape, seed=7, start=0, count=4) for shape in SHAPE_IDS]
    noise = np.random.default_rng(3).random((8, 32, 32, 1), dtype=np.float32)
    return np.concatenate([*drawn, noise, np.zeros((2, 32, 32, 1), np.float32)])


def test_the_file_is_read_without_keras_and_predicts_as_keras_does(lean):
    assert isinstance(lean._stored, StoredModel) and lean._model is None  # nothing of Keras loaded yet
    batch = _sketches()
    assert len(batch) > 100
    ours = np.concatenate([lean.predict_tensors(batch[i : i + 16]) for i in range(0, len(batch), 16)])
    big = lean.predict_tensors(batch)  # more than NUMPY_MAX_BATCH: numpy in chunks while Keras is not loaded
    assert lean._model is None
    keras_model = lean.model  # loaded now, in safe mode
    assert keras_model is not None and lean.model is keras_model and keras_model.output_shape[-1] == len(lean.labels)
    expected = np.asarray(keras_model(batch, training=False))
    assert np.abs(ours - expected).max() < 1e-5
    assert np.abs(big - expected).max() < 1e-5
    # the same numbers as today's numpy forward pass, folded from the Keras model's own layers
    assert np.abs(ours - NumpyForward.from_keras(keras_model)(batch)).max() < 1e-6
    assert np.abs(lean.predict_tensors(batch) - expected).max() < 1e-5  # now through TensorFlow's graph
    via_keras = Recognizer(keras_model, lean.labels, config=lean.config).predict_preprocessed(batch[:40])
    assert [p.rune for p in lean.predict_preprocessed(batch[:40])] == [p.rune for p in via_keras]


def test_feature_maps_without_keras_are_the_conv_blocks(lean):
    x = generate_shape_sketches("tyr", seed=1, start=0, count=1)[0]
    maps = lean.feature_maps(x)
    assert [m.shape for m in maps] == [(32, 32, 16), (16, 16, 32), (8, 8, 64)]
    keras_lean = Recognizer(lean.model, lean.labels, config=lean.config)
    keras_lean._numpy_forward = None  # the Keras way: a model outputting each pool's input
    for ours, theirs in zip(maps, keras_lean.feature_maps(x), strict=True):
        assert np.abs(ours - theirs).max() < 1e-4


def test_every_layer_gets_its_stored_weights():
    stored = read_keras_file(BUNDLED_MODEL_DIR / "model.keras")
    kinds = [layer.keras_class for layer in stored.layers]
    assert kinds[0] == "InputLayer" and kinds[-1] == "Dense" and kinds.count("Conv2D") == 5
    assert [len(layer.weights) for layer in stored.layers if layer.keras_class == "BatchNormalization"] == [4] * 5
    assert stored.layers[-1].weights[0].shape == (64, 39)


def _rewrite(path: Path, replace: dict[str, bytes | None]) -> None:
    """Rewrite the zip at `path` with some members replaced (None: left out)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**members, **replace}.items():
            if data is not None:
                archive.writestr(name, data)


@pytest.mark.parametrize(
    ("replace", "words"),
    [
        ({"model.weights.h5": b"not HDF5 at all"}, "model.weights.h5 could not be read"),
        ({"model.weights.h5": None}, "the file has no 'model.weights.h5'"),
        ({"config.json": None}, "the file has no 'config.json'"),
        ({"config.json": b"{not json"}, "JSONDecodeError"),
    ],
)
def test_a_broken_model_file_is_a_plain_load_error(tmp_path, replace, words):
    copy = tmp_path / "model"
    shutil.copytree(BUNDLED_MODEL_DIR, copy, ignore=shutil.ignore_patterns("web"))
    _rewrite(copy / "model.keras", replace)
    with pytest.raises(ModelLoadError, match="Could not load .*model.keras") as error:
        Recognizer.load(copy)
    assert words in str(error.value) and "Traceback" not in str(error.value)


def test_weights_that_do_not_fit_and_a_missing_file_are_plain_load_errors(tmp_path):
    import h5py

    copy = tmp_path / "model"
    shutil.copytree(BUNDLED_MODEL_DIR, copy, ignore=shutil.ignore_patterns("web"))
    weights = tmp_path / "weights.h5"
    with zipfile.ZipFile(copy / "model.keras") as archive:
        weights.write_bytes(archive.read("model.weights.h5"))
    with h5py.File(weights, "a") as h5:
        del h5["layers/dense/vars/0"]
        h5["layers/dense/vars/0"] = np.zeros((10, 64), np.float32)
    _rewrite(copy / "model.keras", {"model.weights.h5": weights.read_bytes()})
    with pytest.raises(ModelLoadError, match="its weights do not fit"):
        Recognizer.load(copy)
    with h5py.File(weights, "a") as h5:
        del h5["layers/dense"]
    _rewrite(copy / "model.keras", {"model.weights.h5": weights.read_bytes()})
    with pytest.raises(ModelLoadError, match="no weights for 'layers/dense'"):
        Recognizer.load(copy)
    (copy / "model.keras").unlink()
    with pytest.raises(ModelLoadError, match="has no model.keras"):
        Recognizer.load(copy)


def test_a_network_the_reader_does_not_know_is_loaded_with_keras(tmp_path):
    import keras

    inputs = keras.Input(shape=(32, 32, 1), name="sketch")
    x = keras.layers.Conv2D(4, 5, padding="same")(inputs)  # 5x5: not one numpy runs
    x = keras.layers.Flatten()(x)
    model = keras.Model(inputs, keras.layers.Dense(39, activation="softmax")(x))
    copy = tmp_path / "model"
    shutil.copytree(BUNDLED_MODEL_DIR, copy, ignore=shutil.ignore_patterns("web"))
    model.save(copy / "model.keras")
    recognizer = Recognizer.load(copy)
    assert recognizer._numpy_forward is None and recognizer.model is not None
    batch = generate_shape_sketches("fe", seed=1, start=0, count=3)
    assert np.abs(recognizer.predict_tensors(batch) - np.asarray(model(batch, training=False))).max() < 1e-5
    recognizer.warm_up()
