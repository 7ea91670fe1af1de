"""benchmarks/compare_architectures.py: the tutorials' CNNs are the tutorials' (adapted only in input size and
number of classes), all three build for runes, and a --quick run measures all three end to end."""

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from runes.train import TrainConfig, model_labels

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    """benchmarks/compare_architectures.py as a module."""
    path = ROOT / "benchmarks" / "compare_architectures.py"
    spec = importlib.util.spec_from_file_location("compare_architectures", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _layers(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def test_keras_mnist_convnet_has_its_34826_parameters_at_mnist_size(bench):
    """(b) at the tutorial's own input (28x28x1) and 10 classes is the tutorial's network, parameter for parameter."""
    model = bench.build_mnist_convnet((28, 28, 1), 10)
    assert model.count_params() == 34_826
    assert _layers(model) == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"]
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [32, 64]
    assert model.layers[5].rate == 0.5


def test_the_three_networks_build_for_the_bundled_models_labels(bench):
    labels = model_labels(TrainConfig(rows=bench.COMPARED_ROWS))
    assert len(labels) == 18 and labels[-2:] == ["bluetooth", "other"]
    assert [a.key for a in bench.ARCHITECTURES] == ["a", "b", "c"]
    batch = np.random.default_rng(0).random((4, 32, 32, 1), np.float32)
    sizes = {}
    for architecture in bench.ARCHITECTURES:
        model = architecture.build((32, 32, 1), len(labels))
        assert model.input_shape == (None, 32, 32, 1) and model.output_shape == (None, 18), architecture.name
        probabilities = np.asarray(model(batch, training=False))
        assert probabilities.shape == (4, 18) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
        sizes[architecture.key] = model.count_params()
        if architecture.key == "a":  # one conv, one pool, a dense softmax: nothing else
            assert _layers(model) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    # Only the input size and the classes changed: the parameter counts follow from the layer shapes.
    assert sizes["a"] == (9 + 1) * 8 + (15 * 15 * 8 + 1) * 18
    assert sizes["b"] == (9 + 1) * 32 + (9 * 32 + 1) * 64 + (6 * 6 * 64 + 1) * 18
    ours = bench.build_ours((32, 32, 1), 18)
    assert ours.name == "rune_cnn" and sizes["c"] == ours.count_params() > 0


def test_quick_run_measures_all_three_and_writes_table_and_plot(bench, tmp_path, capsys):
    start = time.perf_counter()
    results = bench.run(["--quick", "--out", str(tmp_path)])
    seconds = time.perf_counter() - start
    assert seconds < 60, f"--quick took {seconds:.0f} s"

    assert [r.key for r in results] == ["a", "b", "c"]
    for r in results:
        assert r.parameters == bench.ARCHITECTURES["abc".index(r.key)].build((32, 32, 1), 18).count_params() > 0
        for value in (r.val_accuracy, r.real_accuracy, r.real_acceptance, r.rejection, r.rune_threshold):
            assert 0.0 <= value <= 1.0, r
        assert r.epochs_run == 1 and r.train_seconds > 0
        assert r.real_n == 138 and r.nonrunes_n > 2000  # all the real drawings, all the Omniglot characters
        assert r.predict_ms > 0 and r.graph_ms > 0 and r.keras_predict_ms > r.graph_ms
    assert results[2].forward == "numpy"  # ours takes runes.inference's numpy path, as in the app

    table = (tmp_path / "architectures.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| (")]
    assert len(rows) == 3
    for r, row in zip(results, rows, strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[0] == f"({r.key}) {r.name}" and cells[1] == f"{r.parameters:,}"
        assert all(0.0 <= float(cell) <= 1.0 for cell in cells[3:7])
    assert table.split("\n\n")[1] in capsys.readouterr().out  # the printed table is the written one
    with Image.open(tmp_path / "architectures.png") as plot:
        assert plot.format == "PNG" and plot.width >= 1000


def test_wilson_interval_of_a_share(bench):
    """The 95% interval under the table: Wilson's, as in any statistics text (0.5 of 100 -> 0.404-0.596)."""
    low, high = bench.wilson_interval(0.5, 100)
    assert round(low, 3) == 0.404 and round(high, 3) == 0.596
    assert bench.wilson_interval(1.0, 138) == (pytest.approx(0.9729, abs=1e-4), 1.0)


def test_readme_table_is_the_one_the_script_wrote():
    """README shows the measured table; it must be the one in docs/architectures.md, never edited by hand."""
    repo = Path(__file__).resolve().parent.parent
    written = [line for line in (repo / "docs" / "architectures.md").read_text().splitlines() if line.startswith("|")]
    readme = (repo / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(readme) if "table from docs/architectures.md" in line) + 1
    assert readme[start : start + len(written)] == written
