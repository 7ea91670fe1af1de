"""Saying "not a rune": generated non-runes, the calibrated decision, the Bluetooth bind rune, and the
numpy forward pass that makes single predictions fast."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from runes import Recognizer
from runes.alphabet import RUNE_IDS
from runes.inference import NumpyForward, UnsupportedModelError
from runes.labels import BLUETOOTH, EXTRA_LABELS, NOT_A_RUNE
from runes.model import ModelLoadError
from runes.nonrunes import (
    NON_RUNE_TEMPLATES,
    _has_stem,
    draw_extra,
    draw_nonrune,
    random_scribble,
)
from runes.preprocess import preprocess
from runes.rows import ROW_IDS, SHAPE_IDS
from runes.sketches import draw_sketch, render_template

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL_RUNES = SHARED / "real-runes" / "dev"
NON_RUNES = SHARED / "nonrunes" / "dev"


@pytest.fixture(scope="module")
def bundled():
    return Recognizer.load()


def test_every_nonrune_template_renders_and_generation_is_seeded():
    for name, templates in NON_RUNE_TEMPLATES.items():
        for template in templates:
            assert (render_template(template, np.random.default_rng(1)) < 128).sum() > 10, name
    first = [draw_nonrune(np.random.default_rng([5, i])) for i in range(20)]
    again = [draw_nonrune(np.random.default_rng([5, i])) for i in range(20)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert len({a.tobytes() for a in first}) == 20
    with pytest.raises(KeyError, match="expected one of"):
        draw_extra("dragon", np.random.default_rng(0))


def test_scribbles_never_have_a_rune_stem():
    rng = np.random.default_rng(3)
    for _ in range(200):
        strokes = random_scribble(rng)
        assert 1 <= len(strokes) <= 3
    assert _has_stem([np.array([(0.5, 0.0), (0.52, 1.0)]), np.array([(0.5, 0.3), (0.9, 0.0)])])
    assert not _has_stem([np.array([(0.0, 0.5), (1.0, 0.6)])])


def test_bundled_model_has_the_extra_labels_and_a_calibrated_threshold(bundled):
    config = json.loads((ROOT / "models" / "config.json").read_text())
    assert config["labels"] == list(SHAPE_IDS) + list(EXTRA_LABELS)
    assert 0.0 < config["rune_threshold"] <= 0.5
    assert bundled.rune_labels == list(SHAPE_IDS) and bundled.rune_threshold == config["rune_threshold"]
    calibration = json.loads((ROOT / "models" / "metrics.json").read_text())["calibration"]
    assert calibration["acceptance"] >= 0.99 and calibration["rejection"] >= 0.9
    for row in ROW_IDS:  # each row calibrated on its own shapes
        assert calibration["rows"][row]["acceptance"] >= 0.99 and calibration["rows"][row]["rejection"] >= 0.9
        assert config["row_thresholds"][row] == calibration["rows"][row]["rune_threshold"]


def test_generated_runes_are_accepted_and_generated_nonrunes_rejected(bundled):
    runes = bundled.predict_batch([draw_sketch(rune, seed=900 + i) for i, rune in enumerate(RUNE_IDS * 3)])
    assert sum(p.is_rune for p in runes) >= 46
    assert all(set(p.probabilities) == set(RUNE_IDS) for p in runes)  # only runes in the probabilities
    others = bundled.predict_batch([draw_nonrune(np.random.default_rng([77, i])) for i in range(60)])
    assert sum(not p.is_rune for p in others) >= 50
    assert all(p.top(3) for p in others)  # the nearest guesses stay available


def test_a_circle_with_a_cross_is_not_a_rune(bundled):
    image = Image.new("L", (200, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 30, 170, 170), outline=0, width=8)
    draw.line((100, 30, 100, 170), fill=0, width=8)
    draw.line((30, 100, 170, 100), fill=0, width=8)
    prediction = bundled.predict(image)
    assert not prediction.is_rune and prediction.rune_probability < bundled.rune_threshold


def test_the_bluetooth_logo_is_recognised_as_the_bind_rune(bundled):
    logos = bundled.predict_batch([draw_extra(BLUETOOTH, np.random.default_rng([11, i])) for i in range(10)])
    assert sum(p.bluetooth for p in logos) >= 9
    assert not any(p.is_rune for p in logos if p.bluetooth)
    assert not any(p.bluetooth for p in bundled.predict_batch([draw_sketch("bjork", 3), draw_sketch("hagall", 4)]))


@pytest.mark.skipif(not (REAL_RUNES.is_dir() and NON_RUNES.is_dir()), reason="needs ../shared beside the repo")
def test_rejects_real_nonrunes_and_accepts_real_runes(bundled):
    from runes.evaluate import evaluate_folder, evaluate_nonrunes

    runes = evaluate_folder(REAL_RUNES, bundled)
    assert runes.acceptance >= 0.99 and runes.accuracy >= 0.99, runes.confused_pairs()
    rejection = evaluate_nonrunes(NON_RUNES, bundled)
    assert rejection.total == 2120 and rejection.rejection >= 0.90, rejection.accepted_as.most_common(5)


def test_evaluate_cli_reports_rejection_before_accuracy(tmp_path):
    for rune in ("isa", "tyr"):
        (tmp_path / "runes" / rune).mkdir(parents=True)
        Image.fromarray(draw_sketch(rune, seed=4)).save(tmp_path / "runes" / rune / "a.png")
    (tmp_path / "other" / "script" / "x").mkdir(parents=True)
    for i in range(4):
        Image.fromarray(draw_extra(NOT_A_RUNE, np.random.default_rng([9, i]))).save(
            tmp_path / "other" / "script" / "x" / f"{i}.png"
        )
    result = subprocess.run(
        [sys.executable, "-m", "runes.evaluate", str(tmp_path / "runes"), "--nonrunes", str(tmp_path / "other")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("accuracy: ") and lines[-1].endswith("(n=2)")
    assert lines[-2].startswith("rejection: ") and "(n=4) at acceptance " in lines[-2]


def test_invalid_threshold_in_config_is_a_load_error(tmp_path):
    import shutil

    shutil.copytree(ROOT / "models", tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["rune_threshold"] = 7
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="rune_threshold"):
        Recognizer.load(tmp_path / "m")


def test_numpy_forward_matches_keras(bundled):
    batch = np.stack([preprocess(draw_sketch(rune, seed=i)) for i, rune in enumerate(RUNE_IDS)])
    noise = np.random.default_rng(0).random((4, 32, 32, 1)).astype(np.float32)
    for inputs in (batch, noise):
        expected = np.asarray(bundled.model(inputs, training=False))
        assert np.abs(NumpyForward.from_keras(bundled.model)(inputs) - expected).max() < 1e-4
    # The recognizer answers single sketches through numpy and big batches through TensorFlow: same numbers.
    big = np.concatenate([batch] * 3)  # more than NUMPY_MAX_BATCH: the TensorFlow graph
    assert np.abs(bundled.predict_tensors(big)[:16] - bundled.predict_tensors(batch)).max() < 1e-4


def test_unsupported_layers_fall_back_to_tensorflow():
    import keras

    inputs = keras.Input((32, 32, 1))
    x = keras.layers.Conv2D(4, 5, padding="valid")(inputs)
    outputs = keras.layers.Dense(16, activation="softmax")(keras.layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, outputs)
    with pytest.raises(UnsupportedModelError, match="'same' convolutions"):
        NumpyForward.from_keras(model)
    recognizer = Recognizer(model, list(RUNE_IDS))
    prediction = recognizer.predict(draw_sketch("isa", 1))
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0) and prediction.is_rune
