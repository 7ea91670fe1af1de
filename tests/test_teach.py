"""runes.teach: new symbols from a few drawings, the bundled model untouched, the CLI's folder, friendly errors."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from runes import RUNE_IDS, Recognizer
from runes.evaluate import evaluate_folder
from runes.folder import LINE_FILES, ModelLoadError, read_config
from runes.rows import SHAPE_IDS
from runes.sketches import draw_sketch
from runes.teach import MAX_SYMBOLS, TeachError, main, teach

REAL_RUNES = Path(__file__).resolve().parents[2] / "shared" / "real-runes" / "dev"
SHAPES = ("circle", "square", "star")
QUICK = {"epochs": 16, "fine_tune_epochs": 1, "samples_per_symbol": 60, "keep_per_label": 20}  # a few seconds


def draw_shape(kind: str, seed: int, size: int = 128) -> np.ndarray:
    """A hand-drawn-looking circle, square or star: dark ink on white, placed, sized, turned and wobbled by seed."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (size, size), 255)
    cx, cy = size / 2 + rng.uniform(-10, 10, 2)
    radius, turn = size * rng.uniform(0.25, 0.4), rng.uniform(-0.3, 0.3)
    if kind == "circle":
        squash = rng.uniform(0.8, 1.0)
        points = [
            (cx + radius * math.cos(t), cy + squash * radius * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 40)
        ]
    elif kind == "square":
        points = [
            (
                cx + 1.2 * radius * math.cos(turn + math.pi / 4 + k * math.pi / 2),
                cy + 1.2 * radius * math.sin(turn + math.pi / 4 + k * math.pi / 2),
            )
            for k in range(5)
        ]
    else:  # a five-pointed star in one stroke
        points = [
            (
                cx + radius * math.cos(turn - math.pi / 2 + k * 4 * math.pi / 5),
                cy + radius * math.sin(turn - math.pi / 2 + k * 4 * math.pi / 5),
            )
            for k in range(6)
        ]
    points = [(x + rng.normal(0, 1.5), y + rng.normal(0, 1.5)) for x, y in points]
    ImageDraw.Draw(image).line(points, fill=0, width=int(rng.integers(3, 7)), joint="curve")
    return np.asarray(image)


def drawings(seeds: range) -> dict[str, list[np.ndarray]]:
    return {kind: [draw_shape(kind, seed) for seed in seeds] for kind in SHAPES}


@pytest.fixture(scope="module")
def base():
    return Recognizer.load()


@pytest.fixture(scope="module")
def taught(base):
    weights = [w.copy() for w in base.model.get_weights()]
    sketch = draw_sketch("hagall", seed=3)
    before = base.predict(sketch)
    recognizer = teach(base, drawings(range(6)), seed=0, **QUICK)
    return recognizer, weights, sketch, before


def test_taught_recognizer_reads_new_symbols_and_still_runes(taught):
    recognizer, *_ = taught
    assert recognizer.labels[-3:] == list(SHAPES) and recognizer.taught_labels == list(SHAPES)
    assert recognizer.rune_labels == list(SHAPE_IDS) and recognizer.config["taught"] == list(SHAPES)
    fresh = drawings(range(100, 110))  # drawn anew: not the six the model was taught from
    for kind, images in fresh.items():
        predictions = recognizer.predict_batch(images)
        assert sum(p.symbol == kind for p in predictions) >= 9, [p.symbol for p in predictions]
        hit = next(p for p in predictions if p.symbol == kind)
        assert not hit.is_rune and set(hit.symbols) == set(SHAPES)
        assert hit.symbols[kind] == max(hit.symbols.values()) > hit.rune_probability
        assert list(hit.probabilities) == list(RUNE_IDS) and sum(hit.probabilities.values()) == pytest.approx(1.0)
        assert hit.top(3)[0][0] in RUNE_IDS and hit.rune in RUNE_IDS
    runes = recognizer.predict_batch([draw_sketch(rune, seed=7) for rune in RUNE_IDS])
    assert sum(p.rune == rune and p.is_rune and p.symbol is None for p, rune in zip(runes, RUNE_IDS, strict=True)) >= 14
    # A large batch takes the TensorFlow path instead of the numpy one: the same answers.
    big = recognizer.predict_batch([draw_shape("star", seed) for seed in range(200, 240)])
    small = [recognizer.predict(draw_shape("star", seed)) for seed in range(200, 240)]
    assert [p.symbol for p in big] == [p.symbol for p in small]


def test_taught_recognizer_still_reads_real_runes(taught):
    recognizer, *_ = taught
    report = evaluate_folder(REAL_RUNES, recognizer)
    assert report.total == 138 and report.accuracy >= 0.95 and report.acceptance >= 0.95


def _line_of(*runes: str) -> np.ndarray:
    """Sketches of these runes side by side (dark ink on white, 64 pixels tall), a gap between them: a line to read."""
    sketches = [np.asarray(Image.fromarray(draw_sketch(rune, seed=5)).resize((64, 64))) for rune in runes]
    gap = np.full((64, 16), 255, np.uint8)
    return np.concatenate([part for sketch in sketches for part in (sketch, gap)], axis=1)


def test_a_taught_recognizer_reads_inscriptions_with_its_base_s_line_reader(base, taught):
    recognizer, *_ = taught
    line = _line_of("fe", "ur", "thurs", "tyr")
    assert recognizer.lines_folder == base.folder and recognizer.line_reader() is base.line_reader()
    assert [r.rune for r in recognizer.read(line).runes] == [r.rune for r in base.read(line).runes]


def test_teaching_leaves_the_given_recognizer_unchanged(base, taught):
    recognizer, weights, sketch, before = taught
    assert recognizer is not base and recognizer.model is not base.model
    assert all(np.array_equal(a, b) for a, b in zip(weights, base.model.get_weights(), strict=True))
    assert (
        base.labels == [*SHAPE_IDS, "bluetooth", "other"] and base.taught_labels == [] and "taught" not in base.config
    )
    after = base.predict(sketch)
    assert after.probabilities == before.probabilities and after.symbol is None and after.symbols == {}
    assert base.predict(draw_shape("circle", 100)).symbol is None


def _write_symbols(folder: Path, names=SHAPES, count: int = 6) -> Path:
    for kind in names:
        (folder / kind).mkdir(parents=True)
        for seed in range(count):
            Image.fromarray(draw_shape(kind, seed)).save(folder / kind / f"{seed}.png")
    return folder


def test_cli_writes_a_model_folder_that_loads(tmp_path, capsys):
    symbols = _write_symbols(tmp_path / "symbols")
    out = tmp_path / "my-model"
    assert (
        main(
            [str(symbols), "--out", str(out), "--epochs", "8", "--fine-tune-epochs", "1", "--eval-dir", str(REAL_RUNES)]
        )
        == 0
    )
    assert "wrote" in capsys.readouterr().out
    config = read_config(out)
    assert config["taught"] == sorted(SHAPES) and config["labels"][-3:] == sorted(SHAPES)
    assert config["teach_config"]["drawings"] == dict.fromkeys(sorted(SHAPES), 6)
    assert 0.0 < config["rune_threshold"] <= 0.5
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["taught"] == dict.fromkeys(sorted(SHAPES), 6) and metrics["real_drawings"]["n"] == 138
    card = (out / "README.md").read_text()
    assert "`circle`" in card and "taught symbol" in card
    loaded = Recognizer.load(out)
    assert loaded._stored is not None and loaded._model is None  # a taught network is served without Keras too
    assert loaded.taught_labels == sorted(SHAPES) and loaded.rune_labels == list(SHAPE_IDS)
    assert loaded.predict(draw_shape("star", 150)).symbol == "star"
    assert loaded.predict(draw_sketch("tyr", seed=4)).rune == "tyr"
    assert evaluate_folder(REAL_RUNES, loaded).accuracy == metrics["real_drawings"]["accuracy"]
    bundled = Recognizer.load()  # the folder carries the line reader of the model it was taught from
    assert all((out / name).read_bytes() == (bundled.folder / name).read_bytes() for name in LINE_FILES)
    assert "## Line reader" in card and loaded.lines_folder == out
    line = _line_of("fe", "ur", "thurs", "tyr")
    assert [r.rune for r in loaded.read(line).runes] == [r.rune for r in bundled.read(line).runes]


def test_cli_errors_name_the_folder_or_file(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "m")]) == 1
    assert "is not a folder" in capsys.readouterr().err
    few = _write_symbols(tmp_path / "few", names=("moon",), count=2)
    assert main([str(few), "--out", str(tmp_path / "m")]) == 1
    assert "moon holds 2 .png drawings; put at least 3" in capsys.readouterr().err
    blank = _write_symbols(tmp_path / "blank", names=("moon",), count=3)
    Image.new("L", (64, 64), 255).save(blank / "moon" / "1.png")
    assert main([str(blank), "--out", str(tmp_path / "m")]) == 1
    error = capsys.readouterr().err
    assert str(blank / "moon" / "1.png") in error and "Drawing 2 of 'moon' has no ink" in error
    clash = _write_symbols(tmp_path / "clash", names=("tyr",), count=3)
    assert main([str(clash), "--out", str(tmp_path / "m")]) == 1
    assert "'tyr' is a rune id" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_friendly_errors(base, taught):
    circle = [draw_shape("circle", seed) for seed in range(3)]
    cases = [
        ({"circle": circle[:2]}, "'circle' has 2 drawings; draw it at least 3 times"),
        ({"circle": [*circle, np.full((50, 50), 255, np.uint8)]}, "Drawing 4 of 'circle' has no ink"),
        ({"circle": circle, "Circle": circle}, "'circle' and 'Circle' are the same name"),
        ({f"s{i}": circle for i in range(MAX_SYMBOLS + 1)}, f"11 symbols were passed .*teach at most {MAX_SYMBOLS}"),
        ({"Tyr": circle}, "'Tyr' is a rune id \\('tyr'\\)"),
        ({"other": circle}, "a label the model already has"),
        ({"": circle}, "is empty"),
        ({"two\nlines": circle}, "cannot be printed"),
        ({" moon": circle}, "spaces at its ends"),
        ({"moon": circle[0]}, "must be a list of images"),
        ({"moon": [*circle, "not an image"]}, "Drawing 4 of 'moon' is not an image"),
        ({}, "No symbols to teach"),
        ([("circle", circle)], "Pass the drawings as a dict"),
    ]
    for examples, message in cases:
        with pytest.raises(TeachError, match=message):
            teach(base, examples)
    with pytest.raises(TeachError, match="Drawing 4 of 'circle'") as info:
        teach(base, {"circle": [*circle, np.zeros((9, 9), np.uint8) + 255]})
    assert (info.value.symbol, info.value.drawing) == ("circle", 3)
    with pytest.raises(TeachError, match="already taught 'circle', 'square', 'star'"):
        teach(taught[0], {"moon": circle})


def test_read_config_checks_taught_symbols(tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(Path(__file__).resolve().parents[1] / "models", folder)
    config = json.loads((folder / "config.json").read_text())
    good = dict(config, labels=[*config["labels"], "moon"], taught=["moon"])
    (folder / "config.json").write_text(json.dumps(good))
    assert read_config(folder)["taught"] == ["moon"]
    bad = [
        (dict(config, labels=[*config["labels"], "moon"]), "'moon' is not a rune shape of this package"),
        (dict(config, labels=[*config["labels"], "tyr"], taught=["tyr"]), "'labels' lists 'tyr' more than once"),
        (dict(config, labels=[*config["labels"], "Tyr"], taught=["Tyr"]), "'Tyr' is a rune id"),
        (dict(config, labels=[*config["labels"], "moon"], taught="moon"), "must be a list of symbol names"),
        (dict(config, labels=[*config["labels"], "moon", "Moon"], taught=["moon", "Moon"]), "are the same name"),
        (dict(config, taught=["moon"]), "'moon' is not one of the 'labels'"),
        (dict(config, labels=[*config["labels"], ""], taught=[""]), "is empty"),
    ]
    for broken, message in bad:
        (folder / "config.json").write_text(json.dumps(broken))
        with pytest.raises(ModelLoadError, match=message):
            read_config(folder)
