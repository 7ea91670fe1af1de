"""The library: alphabet, sketches, preprocessing, recognizer, training and evaluation."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from runes import RUNE_IDS, RUNES, EmptySketchError, Recognizer, get_rune, preprocess
from runes.alphabet import NUM_RUNES
from runes.model import ModelLoadError
from runes.rows import ROW_IDS, SHAPE_IDS
from runes.sketches import SketchStyle, draw_sketch, preview_grid
from runes.train import generate

REAL_RUNES = Path(__file__).resolve().parents[2] / "shared" / "real-runes" / "dev"


def test_alphabet_is_the_younger_futhark_in_order():
    assert RUNE_IDS == (
        "fe",
        "ur",
        "thurs",
        "as",
        "reith",
        "kaun",
        "hagall",
        "nauthr",
        "isa",
        "ar",
        "sol",
        "tyr",
        "bjork",
        "mathr",
        "logr",
        "yr",
    )
    assert "".join(r.transliteration for r in RUNES) == "fuþąrkhniastbmlʀ"
    assert get_rune("tyr").label == "ᛏ týr"
    assert get_rune("hagall").glyphs == "ᚼ ᚽ"
    with pytest.raises(KeyError, match="expected one of"):
        get_rune("../etc")


def test_every_rune_and_every_template_renders_ink():
    for rune in RUNES:
        assert rune.long_branch_templates, rune.id
        for template in rune.templates:
            for point in (p for stroke in template for p in stroke):
                assert -0.2 <= point[0] <= 1.2 and -0.2 <= point[1] <= 1.2, (rune.id, point)
        sketch = draw_sketch(rune.id, seed=7)
        assert sketch.dtype == np.uint8 and (sketch < 128).sum() > 10, rune.id
    assert preview_grid(2).size == (2 * 96, NUM_RUNES * 96)


def test_generator_is_deterministic_per_seed():
    assert np.array_equal(draw_sketch("fe", 3), draw_sketch("fe", 3))
    assert not np.array_equal(draw_sketch("fe", 3), draw_sketch("fe", 4))
    counts = {**dict.fromkeys(RUNE_IDS, 3), "other": 2}
    x1, y1 = generate(counts, seed=11)
    x2, y2 = generate(counts, seed=11, workers=2)  # the same arrays whether made in one process or several
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert x1.shape == (3 * NUM_RUNES + 2, 32, 32, 1) and list(y1[:4]) == [0, 0, 0, 1] and list(y1[-2:]) == [16, 16]


def _stroke_image(size=200, offset=(0, 0), scale=1.0):
    image = Image.new("L", (size, size), 255)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    ox, oy = offset
    points = [(60, 20), (60, 180), (60, 60), (140, 100), (60, 140)]  # a þurs-like shape
    points = [(ox + x * scale, oy + y * scale) for x, y in points]
    draw.line(points, fill=0, width=max(1, int(14 * scale)), joint="curve")
    return image


def test_preprocess_output_shape_and_range():
    tensor = preprocess(_stroke_image())
    assert tensor.shape == (32, 32, 1) and tensor.dtype == np.float32
    assert tensor.min() >= 0 and tensor.max() == pytest.approx(1.0)
    assert tensor[0].sum() == 0 and tensor[:, 0].sum() == 0  # margin, ink centred


def test_preprocess_invariances():
    base = preprocess(_stroke_image())
    shifted = preprocess(_stroke_image(size=300, offset=(90, 70)))
    scaled = preprocess(_stroke_image(size=400, scale=2.0))
    array = np.asarray(_stroke_image())
    inverted = preprocess(255 - array)
    rgb = preprocess(Image.fromarray(array).convert("RGB"))
    alpha = np.zeros(array.shape + (4,), np.uint8)
    alpha[..., 3] = 255 - array  # black ink, only in alpha, on a transparent ground
    in_alpha = preprocess(alpha)
    as_float = preprocess(array.astype(np.float32) / 255.0)
    for other in (shifted, scaled, inverted, rgb, in_alpha, as_float):
        assert np.abs(other - base).mean() < 0.03
    assert np.abs(preprocess(np.rot90(array)) - base).mean() > 0.05  # rotation is not ignored


@pytest.mark.parametrize(
    "image",
    [
        np.full((50, 50), 255, np.uint8),
        np.zeros((10, 10), np.uint8),
        Image.new("RGBA", (64, 64), (0, 0, 0, 0)),
        np.zeros((0, 0)),
    ],
)
def test_empty_image_raises_friendly_error(image):
    with pytest.raises(EmptySketchError, match="draw a rune"):
        preprocess(image)


def test_bad_arrays_say_what_was_passed():
    with pytest.raises(ValueError, match=r"\(2, 3, 4, 5\)"):
        preprocess(np.zeros((2, 3, 4, 5)))
    with pytest.raises(TypeError, match="dtype"):
        preprocess(np.array([["a"]]))


def test_huge_image_is_cheap_and_correct():
    big = Image.new("L", (5000, 5000), 255)
    big.paste(_stroke_image(size=2000, scale=10), (1000, 1500))
    assert np.abs(preprocess(big) - preprocess(_stroke_image())).mean() < 0.05


@pytest.fixture(scope="module")
def bundled():
    return Recognizer.load()


def test_bundled_recognizer_predicts(bundled):
    assert bundled.source == "bundled model" and bundled.rune_labels == list(SHAPE_IDS)
    assert bundled.rows == list(ROW_IDS) and bundled.default_row == "younger"
    prediction = bundled.predict(draw_sketch("tyr", seed=1))
    assert set(prediction.probabilities) == set(RUNE_IDS)
    assert list(prediction.probabilities) == list(RUNE_IDS)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert prediction.rune == "tyr" and prediction.glyph == "ᛏ"
    top = prediction.top(3)
    assert len(top) == 3 and top[0] == ("tyr", prediction.confidence) and top[0][1] >= top[1][1] >= top[2][1]
    thin = SketchStyle(bold_probability=0.0)  # a marker-thick ᛁ can pass for ᛙ (a stem with a dot on top)
    batch = bundled.predict_batch([draw_sketch(r, seed=2, style=thin) for r in ("isa", "hagall")])
    assert [p.rune for p in batch] == ["isa", "hagall"]
    assert bundled.predict_batch([]) == []
    with pytest.raises(EmptySketchError):
        bundled.predict(np.full((40, 40), 255, np.uint8))


def test_bundled_model_is_small_and_described():
    folder = Path(__file__).resolve().parents[1] / "models"
    assert (folder / "model.keras").stat().st_size < 5 * 1024 * 1024
    config = json.loads((folder / "config.json").read_text())
    assert config["labels"][:NUM_RUNES] == list(RUNE_IDS) and config["input_size"] == 32
    assert config["labels"][: len(SHAPE_IDS)] == list(SHAPE_IDS) and config["rows"] == list(ROW_IDS)
    assert "accuracy" in (folder / "README.md").read_text()
    assert json.loads((folder / "metrics.json").read_text())["val_accuracy"] > 0.95


@pytest.mark.skipif(not REAL_RUNES.is_dir(), reason="needs ../shared/real-runes/dev beside the repo")
def test_bundled_model_on_real_drawings(bundled):
    from runes.evaluate import evaluate_folder

    report = evaluate_folder(REAL_RUNES, bundled)
    assert report.total == 138
    assert report.accuracy >= 0.97, report.confused_pairs()


def test_recognizer_round_trip_and_load_errors(tmp_path, bundled):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(Path(__file__).resolve().parents[1] / "models", copy)
    loaded = Recognizer.load(copy)
    sketch = draw_sketch("bjork", seed=5)
    assert np.allclose(
        list(loaded.predict(sketch).probabilities.values()),
        list(bundled.predict(sketch).probabilities.values()),
        atol=1e-6,
    )
    with pytest.raises(ModelLoadError, match="does not exist"):
        Recognizer.load(tmp_path / "missing")
    (copy / "model.keras").write_bytes(b"not a zip file")
    with pytest.raises(ModelLoadError, match="Could not load"):
        Recognizer.load(copy)
    config = json.loads((copy / "config.json").read_text())
    config["labels"] = ["fe", "../x"]
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="'../x' is not a rune shape of this package"):
        Recognizer.load(copy)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, dotted ("runes.hub", "gradio"), lazy imports included and `if
    TYPE_CHECKING:` blocks left out; `from runes import hub` counts as "runes.hub"."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # a submodule, or just a name
    return found


def test_runes_modules_import_one_way():
    """No import cycle of any length inside runes/ (lazy imports count), and the library never imports gradio."""
    paths = {path.stem: path for path in (Path(__file__).resolve().parents[1] / "runes").glob("*.py")}
    imported = {name: _imports(path) for name, path in paths.items()}
    assert not [name for name, modules in imported.items() if any(m.split(".")[0] == "gradio" for m in modules)]
    graph = {
        name: {m.split(".")[1] for m in modules if m.startswith("runes.") and m.split(".")[1] in paths} - {name}
        for name, modules in imported.items()
        if name != "__init__"
    }  # the package only re-exports
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for dependency in sorted(graph.get(module, ())):
            if dependency == path[0]:
                cycles.append(" -> ".join([*path, dependency]))
            elif dependency not in path:
                visit(dependency, [*path, dependency])

    for module in sorted(graph):
        visit(module, [module])
    assert not cycles, cycles
    assert graph["model"] >= {"folder", "hub"} and "model" not in graph["hub"]
    assert "dataset" not in graph["dataset_hub"] | graph["store"] and graph["dataset"] >= {"dataset_hub", "store"}
