"""The learned line reader: its training lines, its numpy network and decoder (against Keras), and its CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from runes import Recognizer
from runes.ctc import beam_decode, greedy_decode, softmax
from runes.folder import BUNDLED_MODEL_DIR, MODEL_FILES, ModelLoadError
from runes.inscription import Inscription
from runes.line_data import FONT_PLACES, LABELS, compose_line, line_batch, sketch_pool
from runes.line_reader import (
    LINE_HEIGHT,
    LONE_STROKE_LABELS,
    MAX_LINE_WIDTH,
    PAD,
    READ_WIDTHS,
    SEPARATOR_LABEL,
    STRIDE,
    WINDOW,
    LineReader,
    line_input,
)
from runes.preprocess import scale_ink

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


def test_lines_hold_runes_at_their_font_place_and_lone_strokes_by_place(pool):
    assert set(FONT_PLACES) == {"kaunan", "jera", "ingwaz"}  # written smaller than a stave in the bundled font
    assert all(0 <= high < low <= 1 and low - high < 0.8 for high, low in FONT_PLACES.values())
    strokes = {LABELS.index(label) + 1 for label in LONE_STROKE_LABELS}
    rng, seen = np.random.default_rng(3), set()
    for _ in range(400):
        line = compose_line(rng, pool)
        runes = [label for label in line.labels if label != SEPARATOR]
        heights = [bottom - top for top, _, bottom, _ in line.boxes]
        for label, (top, _, bottom, _) in zip(runes, line.boxes, strict=True):
            if label in strokes:  # a short stroke, high or low, beside a taller rune
                seen.add(LABELS[label - 1])
                assert bottom - top < 0.6 * max(heights) and any(other not in strokes for other in runes)
                middle = (top + bottom) / 2 < line.image.shape[0] / 2
                assert middle == (LABELS[label - 1] == LONE_STROKE_LABELS[0])
    assert seen == set(LONE_STROKE_LABELS)


class _Fixed:
    """A stand-in network that scores the given labels at the given output columns (the blank elsewhere)."""

    def __init__(self, fires: dict[int, int]) -> None:
        self.fires = fires

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        columns = (batch.shape[2] - WINDOW) // STRIDE + 1
        logits = np.zeros((1, 1, columns, len(LABELS) + 1), np.float32)
        logits[..., 0] = 5.0
        for column, output in self.fires.items():
            logits[0, 0, column, output] = 10.0
        return logits


class _Scores:
    """A stand-in network that scores several labels in a column: {column: {output: logit}}."""

    def __init__(self, scores: dict[int, dict[int, float]]) -> None:
        self.scores = scores

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        logits = _Fixed({})(batch)
        for column, outputs in self.scores.items():
            for output, logit in outputs.items():
                logits[0, 0, column, output] = logit
        return logits


def test_two_networks_read_the_sequence_likeliest_by_both_with_the_first_ones_columns():
    image = np.zeros((60, 100), np.uint8)
    image[5:55, 20:24] = 255  # a stave
    tensor, placement = line_input(image)
    column = round((PAD + (22 - placement.box[1]) * placement.scale - WINDOW / 2) / STRIDE)
    tyr, isa = LABELS.index("tyr") + 1, LABELS.index("isa") + 1
    first = _Scores({column: {tyr: 10.2, isa: 10.0}})  # barely týr
    second = _Scores({column + 2: {isa: 10.0}})  # ísa, sure, firing two columns later (trained apart)
    alone = LineReader(first, list(LABELS)).read(image, "younger")  # type: ignore[arg-type]
    both = LineReader(first, list(LABELS), second=second).read(image, "younger")  # type: ignore[arg-type]
    assert [r.rune for r in alone.runes] == ["tyr"] and [r.rune for r in both.runes] == ["isa"]
    assert both.runes[0].box == alone.runes[0].box == (5, 20, 55, 24)


class _ByWidth:
    """A stand-in network that reads the ink's middle column as ísa (barely) when the ink is at most `narrow` columns
    wide, as týr (surely) when it is wider."""

    def __init__(self, narrow: int) -> None:
        self.narrow = narrow

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        inked = np.flatnonzero(batch[0, :, :, 0].max(axis=0) > 0.5)
        column = round(((inked[0] + inked[-1]) / 2 - WINDOW / 2) / STRIDE)
        tyr, isa = LABELS.index("tyr") + 1, LABELS.index("isa") + 1
        wide = len(inked) > self.narrow
        return _Scores({column: {tyr: 12.0} if wide else {tyr: 10.0, isa: 10.2}})(batch)


def test_a_line_is_read_at_each_width_and_kept_where_likeliest():
    image = np.zeros((60, 100), np.uint8)
    image[5:55, 20:30] = 255  # a stave 10 wide, 50 tall: 5 columns of 26 rows
    own, wider = line_input(image)[0], line_input(image, 1.3)[0]
    columns = [np.count_nonzero(tensor[..., 0].max(axis=0) > 0.5) for tensor in (own, wider)]
    assert columns == [5, 7]  # 5 x 1.3 = 6.5: the ink 1.3 times as wide, its height the same
    assert np.array_equal(np.flatnonzero(own[..., 0].max(axis=1)), np.flatnonzero(wider[..., 0].max(axis=1)))
    network = _ByWidth(narrow=5)
    alone = LineReader(network, list(LABELS), widths=(1.0,)).read(image, "younger")  # type: ignore[arg-type]
    stretched = LineReader(network, list(LABELS), widths=(1.0, 1.3)).read(image, "younger")  # type: ignore[arg-type]
    assert [r.rune for r in alone.runes] == ["isa"] and [r.rune for r in stretched.runes] == ["tyr"]
    assert stretched.runes[0].box == alone.runes[0].box == (5, 20, 55, 30)  # the box: the line's own width
    for widths in [(), (1.2, 1.0), (1.0, 0.0), (1.0, float("nan")), (1.0, float("inf")), (1.0, 1.2, 1.2)]:
        with pytest.raises(ValueError, match="read widths must start at 1.0"):
            LineReader(network, list(LABELS), widths=widths)  # type: ignore[arg-type]
    reader = LineReader(network, list(LABELS), widths=(1.0,))  # type: ignore[arg-type]
    reader.widths = (1.0, 1.3)  # as benchmarks/measure_widths.py tries each candidate: checked the same
    assert [r.rune for r in reader.read(image, "younger").runes] == ["tyr"]
    with pytest.raises(ValueError, match="read widths must start at 1.0"):
        reader.widths = (1.3, 1.0)
    assert reader.widths == (1.0, 1.3)


def test_stretching_resamples_the_same_whichever_way_the_ink_grows():
    """A line 30 rows tall shrinks to 26 rows while a stretch of 1.3 widens it: widened, it is interpolated as a
    taller line's would be (bilinear), not copied in blocks; the same whichever axis grows."""
    crop = np.random.default_rng(0).random((30, 40)).astype(np.float32)
    wider = scale_ink(crop, 26 / 30, 1.3 * 26 / 30)
    np.testing.assert_allclose(wider, scale_ink(crop.T, 1.3 * 26 / 30, 26 / 30).T, atol=1e-5)
    assert wider.shape == (26, 45)


def test_a_second_network_that_does_not_match_the_first_is_refused_plainly(tiny_folder, tmp_path):
    from runes.train_lines import build_line_model

    shutil.copytree(tiny_folder, tmp_path / "m")
    build_line_model(outputs=5, head=8).save(tmp_path / "m" / "lines-2.keras")
    with pytest.raises(ModelLoadError, match=r"lines-2\.keras gives outputs of shape .* delete lines-2\.keras"):
        LineReader.load(tmp_path / "m")


def test_lone_strokes_read_by_row_and_boxes_split_at_the_gap():
    image = np.zeros((60, 100), np.uint8)
    image[5:55, 20:24] = 255  # a stave
    image[5:22, 60:64] = 255  # a short stroke high in the line
    tensor, placement = line_input(image)
    # the output columns whose windows centre on each stroke
    column = [round((PAD + (x - placement.box[1]) * placement.scale - WINDOW / 2) / STRIDE) for x in (22, 62)]
    fires = {column[0]: LABELS.index("isa") + 1, column[1]: LABELS.index(LONE_STROKE_LABELS[0]) + 1}
    reader = LineReader(_Fixed(fires), list(LABELS))  # type: ignore[arg-type]
    short_twig, elder = reader.read(image, "short-twig"), reader.read(image, "elder")
    assert [r.rune for r in short_twig.runes] == ["isa", "sol"] and short_twig.text == "ᛁᛌ"
    assert [r.rune for r in elder.runes] == ["isaz", "isaz"]
    assert [r.box for r in short_twig.runes] == [(5, 20, 55, 24), (5, 60, 22, 64)]  # split in the gap, cropped


class _RuneCNN:
    """A stand-in rune CNN: sure a crop is `shape` (or unsure between every shape when None); counts its crops."""

    labels = list(LABELS)

    def __init__(self, shape: str | None) -> None:
        self.shape, self.crops = shape, 0

    def predict_tensors(self, batch: np.ndarray) -> np.ndarray:
        self.crops += len(batch)
        probabilities = np.full((len(batch), len(self.labels)), 1.0 if self.shape is None else 1e-6)
        if self.shape is not None:
            probabilities[:, self.labels.index(self.shape)] = 1.0
        return probabilities / probabilities.sum(axis=1, keepdims=True)


def test_a_rune_standing_alone_is_read_by_both_networks_touching_runes_by_the_line_network():
    image = np.zeros((60, 140), np.uint8)
    image[4:56, 10:14] = 255  # a stave alone (52 rows of ink: the input's 26 rows are half the image's)
    image[4:56, 50:54] = image[4:56, 74:78] = image[28:32, 50:78] = 255  # two staves joined by a bar
    assert line_input(image)[1].scale == 0.5
    fires = dict.fromkeys((0, 5, 8), LABELS.index("isa") + 1)  # the line network: ísa at image columns 10, 50, 74
    reader = LineReader(_Fixed(fires), list(LABELS))  # type: ignore[arg-type]
    alone = reader.read(image, "younger")
    assert [r.rune for r in alone.runes] == ["isa"] * 3
    unsure = _RuneCNN(None)
    same = reader.read(image, "younger", unsure)  # type: ignore[arg-type]
    assert [(r.rune, r.box) for r in same.runes] == [(r.rune, r.box) for r in alone.runes]
    assert unsure.crops == 1  # the stave alone, read alike
    sure = _RuneCNN("tyr")  # sure the stave alone is týr: the two networks' probabilities multiplied
    both = reader.read(image, "younger", sure)  # type: ignore[arg-type]
    assert [r.rune for r in both.runes] == ["tyr", "isa", "isa"] and sure.crops == 1
    assert [r.box for r in both.runes] == [r.box for r in alone.runes] and both.runes[0].confidence > 0.5


def test_labels_that_fire_after_the_ink_keep_their_boxes_on_it():
    image = np.zeros((60, 60), np.uint8)
    image[4:56, 20:24] = 255
    columns = (line_input(image)[0].shape[1] - WINDOW) // STRIDE + 1
    fires = {columns - 3: LABELS.index("isa") + 1, columns - 1: LABELS.index("tyr") + 1}  # in the blank tail
    reading = LineReader(_Fixed(fires), list(LABELS)).read(image, "younger")  # type: ignore[arg-type]
    assert [r.rune for r in reading.runes] == ["isa", "tyr"]
    for top, left, bottom, right in (r.box for r in reading.runes):
        assert 0 <= top < bottom <= 60 and 0 <= left < right <= 60


def test_a_faint_rune_as_tall_as_the_largest_ink_map_is_read_by_both_networks():
    """A faint X of 1-pixel diagonals filling a 1024 x 1024 image stands alone: the rune CNN reads it from the ink
    map as it is (read as an image again, a crop padded past 1024 pixels would be halved and its faint ink lost)."""
    image = np.zeros((1024, 1024), np.float32)
    diagonal = np.arange(1023)
    image[diagonal, diagonal + 1] = image[diagonal, 1022 - diagonal] = 0.2
    image[500:524] = 0
    reading = Recognizer.load().read(image, "elder")
    assert len(reading.runes) == 1 and reading.runes[0].box[2] - reading.runes[0].box[0] > 1000


def test_the_widest_line_is_bounded():
    """A line far wider than tall (here 4096 x 8: scaled to 26 rows it would be 13,312 columns) is scaled down to
    MAX_LINE_WIDTH columns, which bounds the network's work (measured in docs/line-reader.md)."""
    image = np.zeros((8, 4096), np.uint8)
    image[1:7, ::16] = 255
    tensor, placement = line_input(image)
    assert tensor.shape[1] <= MAX_LINE_WIDTH and placement.scale < LINE_HEIGHT / 8
    assert all(line_input(image, stretch)[0].shape[1] <= MAX_LINE_WIDTH for stretch in READ_WIDTHS)
    calls = []  # the network reads it once: stretched, it would be just as wide

    def network(batch: np.ndarray) -> np.ndarray:
        calls.append(batch.shape)
        return _Fixed({})(batch)

    staves = np.zeros((8, 1000), np.uint8)
    for column in range(0, 1000, 12):
        staves[1:7, column : column + 2] = 255  # 6 rows of ink, 26 rows in the input: 4333 columns, capped
    LineReader(network, list(LABELS)).read(staves, "younger")  # type: ignore[arg-type]
    assert len(READ_WIDTHS) > 1 and len(calls) == 1 and calls[0][2] <= MAX_LINE_WIDTH


def test_line_input_and_batches_have_the_network_shape(pool):
    lines = [compose_line(np.random.default_rng(seed), pool) for seed in range(3)]
    tensor, placement = line_input(lines[0].image)
    assert tensor.shape[0] == LINE_HEIGHT and tensor.shape[1] % STRIDE == 0 and tensor.dtype == np.float32
    assert 0.99 <= tensor.max() <= 1.0 and placement.scale > 0
    x, y = line_batch(lines)
    assert x.shape[:2] == (3, LINE_HEIGHT) and y.shape == (3, max(len(line.labels) for line in lines))
    assert [tuple(row[row > 0]) for row in y] == [line.labels for line in lines]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    """A model folder with the bundled rune CNN and a line reader (two networks) trained for one epoch by the CLI."""
    folder = tmp_path_factory.mktemp("model")
    for name in MODEL_FILES:
        shutil.copyfile(BUNDLED_MODEL_DIR / name, folder / name)
    command = [sys.executable, "-m", "runes.train_lines", "--out", str(folder), "--lines", "24", "--val-lines", "4"]
    command += ["--per-shape", "1", "--epochs", "1", "--head", "8"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)  # a shared machine
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wrote" in result.stdout
    return folder


def test_cli_writes_a_line_reader_that_loads_in_safe_mode_and_reads(tiny_folder):
    import keras

    config = json.loads((tiny_folder / "lines.json").read_text())
    assert config["labels"] == list(LABELS) and config["train_config"]["lines"] == 24
    assert config["metrics"]["epochs_run"] == 1 and 0 <= config["metrics"]["val_sequence_accuracy"] <= 1
    assert isinstance(config["fire_offset"], float)  # measured on the validation lines
    started_from = hashlib.sha256((tiny_folder / "model.keras").read_bytes()).hexdigest()  # the folder's own CNN
    assert config["rune_model_sha256"] == started_from
    second = config["metrics"]["second"]  # the second network, trained the same way from its own seed
    assert second["seed"] == config["train_config"]["second_seed"] == 2222 and second["epochs_run"] == 1
    assert config["metrics"]["train_seconds"] >= second["train_seconds"] > 0
    card = (tiny_folder / "README.md").read_text(encoding="utf-8")  # rewritten with a section on the line reader
    assert "## Line reader" in card and "- `lines`: 24" in card and "epochs run: 1" in card
    assert "`lines-2.keras` (trained the same way from seed 2222)" in " ".join(card.split())
    for name in ("lines.keras", "lines-2.keras"):
        model = keras.saving.load_model(tiny_folder / name, compile=False, safe_mode=True)
        assert model.output_shape[-1] == len(LABELS) + 1
    assert Recognizer.load(tiny_folder).line_reader().second is not None
    image = np.zeros((40, 120), np.uint8)
    image[5:35, 10:13] = image[5:35, 40:43] = 255
    reading = Recognizer.load(tiny_folder).read(image)
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
        # Beam search: ours finds a label sequence (its likelihood summed over its paths) at least as likely as the
        # best path's, and about as likely as Keras' beam search of the same width. Neither beam search is exact:
        # on these lines they differ either way by up to half a nat, where the best path is 1.7-4.7 nats behind.
        decoded, _ = keras.ops.ctc_decode(theirs[None], [len(theirs)], "beam_search", beam_width=8)  # logits
        found = [
            beam_decode(softmax(ours)),
            tuple(int(v) for v in np.asarray(decoded[0][0]) if v > 0),
            tuple(keras_labels),
        ]
        ours_loss, keras_loss, best_path_loss = (
            float(keras.ops.ctc_loss(np.array([labels]), theirs[None], [len(labels)], [len(theirs)])[0])
            for labels in found
        )
        assert ours_loss <= best_path_loss + 1e-4 and ours_loss <= keras_loss + 0.5, (found, ours_loss, keras_loss)


def test_the_line_networks_start_from_the_rune_cnn_beside_them(tmp_path):
    """`python -m runes.train --out DIR` then `python -m runes.train_lines --out DIR` retrains the whole model: the
    line networks start from DIR's new rune CNN, not the bundled one; the bundled one for a folder without one."""
    from runes.train_lines import LinesConfig, rune_model_path

    bundled = BUNDLED_MODEL_DIR / "model.keras"
    assert rune_model_path(LinesConfig(out=str(tmp_path))) == bundled
    (tmp_path / "model.keras").write_bytes(bundled.read_bytes())
    assert rune_model_path(LinesConfig(out=str(tmp_path))) == tmp_path / "model.keras"
    assert rune_model_path(LinesConfig(out=str(tmp_path), rune_model=str(bundled))) == bundled
    assert rune_model_path(LinesConfig()).resolve() == bundled.resolve()  # out="models", run here: the bundled one


def test_the_line_network_is_the_rune_cnn_slid_along_the_line():
    """Built from a rune CNN, a window of the line gives the rune CNN's features for that window (a line one
    window wide pads its edges as the rune CNN does), its BatchNorm statistics stay fixed, and its outputs step
    STRIDE columns."""
    import keras

    from runes.model import build_model
    from runes.train_lines import build_line_model

    rune_model = build_model(num_classes=5, filters=4)
    rng = np.random.default_rng(0)
    for layer in rune_model.layers:
        if layer.get_weights():  # not the initial weights: BatchNorm statistics too
            layer.set_weights([np.abs(w + rng.normal(0, 0.3, w.shape)) for w in layer.get_weights()])
    line_model = build_line_model(rune_model, head=8)
    assert not any(
        layer.trainable for layer in line_model.layers if layer.name.startswith("bn") and "along" not in layer.name
    )
    sketch = rng.random((1, WINDOW, WINDOW, 1)).astype(np.float32)
    features = keras.Model(line_model.input, line_model.get_layer("features").output)(sketch)
    theirs = keras.Model(rune_model.input, rune_model.get_layer("features").output)(sketch)
    np.testing.assert_allclose(np.asarray(features)[0, 0, 0], np.asarray(theirs)[0], rtol=1e-4, atol=1e-4)
    assert line_model(np.zeros((1, LINE_HEIGHT, WINDOW + 5 * STRIDE, 1), np.float32)).shape[2] == 6


def test_a_folder_without_a_line_reader_says_how_to_train_one(tmp_path):
    image = np.zeros((40, 60), np.uint8)
    image[5:35, 10:13] = 255
    for name in MODEL_FILES:
        shutil.copyfile(BUNDLED_MODEL_DIR / name, tmp_path / name)
    recognizer = Recognizer.load(tmp_path)
    assert recognizer.predict(image).rune == "isa"  # it reads runes one by one all the same
    with pytest.raises(ModelLoadError, match=f"cannot read inscriptions: {tmp_path} has no lines.keras.*train_lines"):
        recognizer.read(image)
    with pytest.raises(ValueError, match="no rune row 'runic'"):
        recognizer.read(image, "runic")  # the row is checked first, as `predict` checks it


def test_training_one_network_removes_an_earlier_second_one(tiny_folder, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(tiny_folder, folder)
    command = [sys.executable, "-m", "runes.train_lines", "--out", str(folder), "--lines", "8", "--val-lines", "2"]
    command += ["--per-shape", "1", "--epochs", "1", "--head", "8", "--second-seed", "0"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (folder / "lines-2.keras").exists()  # it would not match the new first network
    config = json.loads((folder / "lines.json").read_text())
    assert "second" not in config["metrics"] and config["train_config"]["second_seed"] == 0
    assert "lines-2.keras" not in (folder / "README.md").read_text(encoding="utf-8")
    reader = Recognizer.load(folder).line_reader()
    image = np.zeros((40, 60), np.uint8)
    image[5:35, 10:13] = 255
    assert reader.second is None and isinstance(reader.read(image, "younger"), Inscription)


def test_a_first_network_that_fails_leaves_no_second_one_beside_the_older_first(tiny_folder, tmp_path):
    """The two networks train side by side: when the first fails (here its --init file is broken), the second one
    that finished must not stay beside the older lines.keras (they would load as a pair that never trained together)."""
    folder = tmp_path / "m"
    shutil.copytree(tiny_folder, folder)
    older = (folder / "lines.keras").read_bytes()
    (tmp_path / "broken.keras").write_bytes(b"not a keras file")
    command = [sys.executable, "-m", "runes.train_lines", "--out", str(folder), "--lines", "8", "--val-lines", "2"]
    command += ["--per-shape", "1", "--epochs", "1", "--head", "8", "--init", str(tmp_path / "broken.keras")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode != 0 and "broken.keras" in result.stderr
    assert (folder / "lines.keras").read_bytes() == older and not (folder / "lines-2.keras").exists()
    assert Recognizer.load(folder).line_reader().second is None


def test_cli_refuses_nonsense_in_plain_words():
    result = subprocess.run(
        [sys.executable, "-m", "runes.train_lines", "--lines", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "must be at least 1" in result.stderr and "Traceback" not in result.stderr


def test_cli_says_plainly_when_the_rune_cnn_to_start_from_cannot_be_read(tmp_path):
    (tmp_path / "model.keras").write_bytes(b"not a keras file")  # the out folder's own rune CNN, corrupt
    command = [sys.executable, "-m", "runes.train_lines", "--out", str(tmp_path), "--lines", "4", "--val-lines", "2"]
    command += ["--per-shape", "1", "--epochs", "1", "--head", "8", "--second-seed", "0"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"Could not load {tmp_path / 'model.keras'}" in result.stderr and "--rune-model" in result.stderr
    missing = tmp_path / "none.keras"
    result = subprocess.run([*command, "--rune-model", str(missing)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and f"There is no file {missing}." in result.stderr
    assert not (tmp_path / "lines.keras").exists()


def _columns_of_ink(width: int, *ranges: tuple[int, int]) -> np.ndarray:
    mask = np.zeros((20, width), bool)
    for start, end in ranges:
        mask[4:16, start:end] = True
    return mask


def test_each_label_gets_a_group_of_ink_and_touching_runes_split_halfway():
    from runes.line_boxes import rune_bounds

    # a rune, two touching runes, a rune, and a speck broken off a stroke; labels fired off their runes' centres
    mask = _columns_of_ink(60, (2, 10), (14, 30), (40, 50), (54, 55))
    runes = [True] * 4
    assert rune_bounds(mask, [5.0, 17.0, 27.0, 48.0], runes) == [0, 12, 22, 35, 60]
    # one fired in the blank columns before its rune: it still gets the group left without a label
    assert rune_bounds(mask, [5.0, 12.0, 27.0, 48.0], runes) == [0, 12, 20, 35, 60]
    # a separator that is a dot gets its group; one read in a gap gets none, and the runes keep theirs
    dotted = _columns_of_ink(40, (2, 10), (13, 15), (18, 30))
    assert rune_bounds(dotted, [6.0, 14.0, 24.0], [True, False, True]) == [0, 11, 16, 40]
    spaced = _columns_of_ink(50, (2, 10), (30, 40))
    assert rune_bounds(spaced, [6.0, 20.0, 35.0], [True, False, True]) == [0, 20, 20, 50]
