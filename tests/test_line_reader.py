"""The learned line reader: its training lines, its numpy network and decoder (against Keras), and its CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from runes import Recognizer
from runes.folder import BUNDLED_MODEL_DIR, MODEL_FILES, ModelLoadError
from runes.inscription import Inscription
from runes.line_data import LABELS, compose_line, line_batch, sketch_pool
from runes.line_reader import LINE_HEIGHT, SEPARATOR_LABEL, STRIDE, LineReader, greedy_decode, line_input
from runes.rows import SHAPE_IDS

ROOT = Path(__file__).resolve().parents[1]
SEPARATOR = LABELS.index(SEPARATOR_LABEL) + 1


@pytest.fixture(scope="module")
def pool():
    return sketch_pool(2, seed=0)


def test_composed_lines_hold_their_labels_boxes_and_every_row(pool):
    rng = np.random.default_rng(0)
    lines = [compose_line(rng, pool) for _ in range(80)]
    seen = set()
    for line in lines:
        runes = [label for label in line.labels if label != SEPARATOR]
        assert 1 <= len(runes) <= 10 and len(runes) == len(line.boxes)
        assert line.labels[0] != SEPARATOR and line.labels[-1] != SEPARATOR
        assert all(not (a == b == SEPARATOR) for a, b in zip(line.labels, line.labels[1:], strict=False))
        height, width = line.image.shape
        lefts = [left for _, left, _, _ in line.boxes]
        assert lefts == sorted(lefts)
        for top, left, bottom, right in line.boxes:
            assert 0 <= top < bottom <= height and 0 <= left < right <= width
            assert line.image[top:bottom, left:right].max() > 0.5  # the rune's ink is in its box
        seen.update(LABELS[label - 1] for label in line.labels)
    assert {SEPARATOR_LABEL, "tyr-short", "dagaz", "fe"} <= seen and len(seen) > 0.8 * len(LABELS)
    again = compose_line(np.random.default_rng(0), pool)
    assert again.labels == lines[0].labels and np.array_equal(again.image, lines[0].image)


def test_line_input_and_batches_have_the_network_shape(pool):
    lines = [compose_line(np.random.default_rng(seed), pool) for seed in range(3)]
    tensor, placement = line_input(lines[0].image)
    assert tensor.shape[0] == LINE_HEIGHT and tensor.shape[1] % STRIDE == 0 and tensor.dtype == np.float32
    assert 0.99 <= tensor.max() <= 1.0 and placement.scale > 0
    x, y = line_batch(lines)
    assert x.shape[:2] == (3, LINE_HEIGHT) and y.shape == (3, max(len(line.labels) for line in lines))
    assert [tuple(row[row > 0]) for row in y] == [line.labels for line in lines]


def test_greedy_decode_merges_repeats_drops_blanks_and_keeps_to_the_allowed_labels():
    best = [0, 3, 3, 0, 3, 5, 5, 0, 2]
    logits = np.full((len(best), 6), -4.0)
    logits[np.arange(len(best)), best] = 4.0
    logits[5:7, 4] = 3.0  # the runner-up where 5 fires
    tokens = greedy_decode(logits)
    assert [(output, first, last) for output, first, last, _ in tokens] == [(3, 1, 2), (3, 4, 4), (5, 5, 6), (2, 8, 8)]
    confidences = [confidence for *_, confidence in tokens]
    assert min(confidences[:2] + confidences[3:]) > 0.99 and 0.6 < confidences[2] < 0.8  # e^4 / (e^4 + e^3 + ...)
    allowed = np.array([False, True, True, True, True, False])
    assert [output for output, *_ in greedy_decode(logits, allowed)] == [3, 3, 4, 2]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    """A model folder with the bundled rune CNN and a line reader trained for one epoch by the CLI."""
    folder = tmp_path_factory.mktemp("model")
    for name in MODEL_FILES:
        shutil.copyfile(BUNDLED_MODEL_DIR / name, folder / name)
    command = [sys.executable, "-m", "runes.train_lines", "--out", str(folder), "--lines", "24", "--val-lines", "4"]
    command += ["--per-shape", "1", "--epochs", "1", "--filters", "4"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)  # a shared machine
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wrote" in result.stdout
    return folder


def test_cli_writes_a_line_reader_that_loads_in_safe_mode_and_reads(tiny_folder):
    import keras

    config = json.loads((tiny_folder / "lines.json").read_text())
    assert config["labels"] == [*SHAPE_IDS, SEPARATOR_LABEL] and config["train_config"]["lines"] == 24
    assert config["metrics"]["epochs_run"] == 1 and 0 <= config["metrics"]["val_sequence_accuracy"] <= 1
    model = keras.saving.load_model(tiny_folder / "lines.keras", compile=False, safe_mode=True)
    assert model.output_shape[-1] == len(LABELS) + 1
    image = np.zeros((40, 120), np.uint8)
    image[5:35, 10:13] = image[5:35, 40:43] = 255
    reading = Recognizer.load(tiny_folder).read(image, reader="learned")
    assert isinstance(reading, Inscription)
    for rune in reading.runes:
        top, left, bottom, right = rune.box
        assert 0 <= top < bottom <= 40 and 0 <= left < right <= 120


def test_numpy_network_and_decoder_match_keras(tiny_folder, pool):
    import keras

    model = keras.saving.load_model(tiny_folder / "lines.keras", compile=False, safe_mode=True)
    for layer in model.layers:  # random BatchNorm statistics, so folding them is checked
        if isinstance(layer, keras.layers.BatchNormalization):
            rng = np.random.default_rng(len(layer.name))
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 2, gamma.shape), rng.normal(0, 0.5, beta.shape),
                               rng.normal(0, 0.5, mean.shape), rng.uniform(0.5, 2, variance.shape)])  # fmt: skip
    reader = LineReader.from_keras(model, LABELS)
    rng = np.random.default_rng(5)
    for _ in range(3):
        tensor = line_input(compose_line(rng, pool).image)[0]
        ours, theirs = reader.logits(tensor), np.asarray(model(tensor[None], training=False))[0, 0]
        np.testing.assert_allclose(ours, theirs, atol=1e-4 * max(1.0, float(np.abs(theirs).max())))
        decoded, _ = keras.ops.ctc_decode(keras.ops.softmax(theirs[None]), [len(theirs)], strategy="greedy")
        keras_labels = [int(v) for v in np.asarray(decoded[0][0]) if v > 0]
        assert [output for output, *_ in greedy_decode(ours)] == keras_labels


def test_reader_choice_and_a_folder_without_a_line_reader(tmp_path):
    image = np.zeros((40, 60), np.uint8)
    image[5:35, 10:13] = 255
    for name in MODEL_FILES:
        shutil.copyfile(BUNDLED_MODEL_DIR / name, tmp_path / name)
    recognizer = Recognizer.load(tmp_path)
    with pytest.raises(ModelLoadError, match="no line reader.*runes.train_lines"):
        recognizer.read(image, reader="learned")
    with pytest.raises(ValueError, match="no 'neural' reader"):
        recognizer.read(image, reader="neural")
    assert [r.rune for r in recognizer.read(image).runes] == ["isa"]


def test_cli_refuses_nonsense_in_plain_words():
    result = subprocess.run(
        [sys.executable, "-m", "runes.train_lines", "--lines", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "must be at least 1" in result.stderr and "Traceback" not in result.stderr
