"""The library's layers: what loading a model imports, and the pictures in docs/ that a command makes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from runes.sketches import preview_grid

REPO = Path(__file__).resolve().parent.parent
TRAINING_MODULES = (
    "runes.sketches",
    "runes.nonrunes",
    "runes.train",
    "runes.teach",
    "runes.evaluate",
    "runes.line_data",
    "runes.train_lines",
)


def _modules_after(code: str, timeout: float = 120) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code` (within `timeout` seconds)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=timeout, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_loading_a_model_and_predicting_imports_no_training_code():
    """The reading path (load a model folder, predict one sketch) needs neither the sketch generator nor training."""
    loaded = _modules_after(
        "import numpy as np\n"
        "import runes.model\n"
        "from runes import Recognizer\n"
        "sketch = np.zeros((64, 64), np.uint8); sketch[8:56, 30:34] = 255\n"
        "assert Recognizer.load().predict(sketch).rune == 'isa'"
    )
    assert "runes.model" in loaded and "runes.labels" in loaded
    assert not loaded & set(TRAINING_MODULES), sorted(loaded & set(TRAINING_MODULES))


def test_serving_a_model_imports_neither_tensorflow_nor_keras():
    """Load the bundled model, warm it up, predict, read and explain a sketch, read a line with the learned reader:
    all in numpy, Keras never imported."""
    loaded = _modules_after(
        "import numpy as np\n"
        "from runes import Recognizer\n"
        "recognizer = Recognizer.load(None)\n"
        "recognizer.warm_up()\n"
        "sketch = np.zeros((64, 64), np.uint8); sketch[8:56, 30:34] = 255\n"
        "assert recognizer.predict(sketch).rune == 'isa'\n"
        "assert len(recognizer.explain(sketch).feature_maps) == 3\n"
        "assert len(recognizer.predict_batch([sketch] * 40)) == 40\n"
        "line = np.zeros((40, 120), np.uint8); line[5:35, 10:13] = 255; line[5:35, 60:63] = 255\n"
        "assert [r.rune for r in recognizer.read(line).runes] == ['isa', 'isa']"
    )
    assert "runes.model" in loaded and "h5py" in loaded and "runes.line_reader" in loaded
    assert not {name.split(".")[0] for name in loaded} & {"tensorflow", "keras"}
    assert not loaded & set(TRAINING_MODULES), sorted(loaded & set(TRAINING_MODULES))


def test_teaching_through_the_app_leaves_the_server_without_tensorflow():
    """The Teach tab's event teaches in a child process: the server gets a numpy model that reads the taught symbol,
    and never imports TensorFlow or Keras itself."""
    loaded = _modules_after(
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from rune_strokes import rune_drawing\n"
        "from runes import Recognizer\n"
        "from runes.teach_process import TeachWorker\n"
        "from ui import teaching\n"
        "examples = {}\n"
        "for _ in range(3):\n"
        "    _, examples, _ = teaching.add_example(rune_drawing('isa'), 'stick', examples)\n"
        "tiny = {'epochs': 1, 'fine_tune_epochs': 0, 'samples_per_symbol': 6, 'keep_per_label': 2}\n"
        "worker = TeachWorker(Recognizer.load(None), settings=tiny)\n"
        "status, taught = teaching.teach_symbols(worker, examples)\n"
        "assert 'Taught!' in status, status\n"
        "assert taught.labels[-1] == 'stick' and taught.taught_labels == ['stick']\n"
        "image = teaching.images(examples)['stick'][0]\n"
        "assert set(taught.predict(image).symbols) == {'stick'}\n"
        "teaching.forget(taught)",
        timeout=600,  # a child imports Keras and teaches: a minute or more on busy cores
    )
    assert "ui.teaching" in loaded and "runes.teach_process" in loaded
    assert not {name.split(".")[0] for name in loaded} & {"tensorflow", "keras"}


def test_the_import_graph_script_agrees():
    """benchmarks/import_graph.py measures the same from the source: no sketch generator under runes.model."""
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "import_graph.py"), "runes.model"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "sketch generator loaded: no" in result.stdout
    assert "runes.sketches" not in result.stdout


def test_docs_sketches_png_is_what_the_command_draws():
    """docs/sketches.png is `python -m runes.sketches --preview docs/sketches.png`, regenerated, not kept by hand."""
    committed = np.asarray(Image.open(REPO / "docs" / "sketches.png").convert("L"))
    np.testing.assert_array_equal(committed, np.asarray(preview_grid(10, 0).convert("L")))
