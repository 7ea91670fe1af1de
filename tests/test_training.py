"""A tiny training run learns, writes a loadable model folder, and the CLIs work."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from runes import Recognizer
from runes.sketches import draw_sketch
from runes.train import TrainConfig, load_labelled_folder, recalibrate, train
from runes.web import WEB_DIRNAME, WEB_FILES, export

ROOT = Path(__file__).resolve().parents[1]


def test_tiny_training_run_learns_and_round_trips(tmp_path):
    extra = tmp_path / "extra"
    (extra / "isa").mkdir(parents=True)
    Image.fromarray(draw_sketch("isa", seed=1)).save(extra / "isa" / "a.png")
    Image.new("L", (30, 30), 255).save(extra / "isa" / "empty.png")
    (extra / "isa" / "broken.png").write_bytes(b"not a png")
    config = TrainConfig(
        out=str(tmp_path / "model"),
        samples_per_rune=40,
        val_samples_per_rune=5,
        epochs=3,
        batch_size=32,
        filters=8,
        workers=1,
        data=str(extra),
    )
    metrics = train(config, verbose=0)
    losses = metrics["loss_history"]
    assert losses[-1] < losses[0]
    assert metrics["extra_drawings"] == 1 and metrics["extra_skipped"] == {"unreadable": 1, "empty": 1, "flagged": 0}
    assert metrics["extra_samples"] == 1 + config.data_copies
    folder = Path(config.out)
    assert {p.name for p in folder.iterdir()} >= {"model.keras", "config.json", "metrics.json", "README.md", "web"}
    export(folder, tmp_path / "fresh" / WEB_DIRNAME)  # the folder's browser export is the model's own
    assert all((folder / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes() for name in WEB_FILES)
    assert json.loads((folder / "config.json").read_text())["train_config"]["samples_per_rune"] == 40
    recognizer = Recognizer.load(folder)
    probabilities = recognizer.predict(draw_sketch("ur", seed=9)).probabilities
    assert abs(sum(probabilities.values()) - 1) < 1e-5
    # Calibrating again with the same cap gives what training wrote; another cap moves only the thresholds.
    network = (folder / "model.keras").read_bytes()
    assert recalibrate(folder, config.max_threshold, workers=1) == metrics["calibration"]
    calibration = recalibrate(folder, 0.05, workers=1)
    written = json.loads((folder / "config.json").read_text())
    assert written["row_thresholds"] == {
        row: min(0.05, values["quantile"]) for row, values in metrics["calibration"]["rows"].items()
    }
    assert written["train_config"]["max_threshold"] == 0.05 and calibration["rune_threshold"] <= 0.05
    assert json.loads((folder / "metrics.json").read_text())["calibration"] == calibration
    assert "rune_threshold 0.050" in (folder / "README.md").read_text()
    assert (folder / "model.keras").read_bytes() == network
    page = json.loads((folder / WEB_DIRNAME / "model.json").read_text())["reading"]["rows"]
    assert {row: values["threshold"] for row, values in page.items()} == written["row_thresholds"]
    assert Recognizer.load(folder).outputs.threshold("younger") == written["row_thresholds"]["younger"]


def test_load_labelled_folder_skips_bad_files(tmp_path):
    (tmp_path / "tyr").mkdir()
    (tmp_path / "not-a-rune").mkdir()
    Image.fromarray(draw_sketch("tyr", seed=2)).save(tmp_path / "tyr" / "1.png")
    Image.fromarray(draw_sketch("tyr", seed=2)).save(tmp_path / "not-a-rune" / "1.png")
    (tmp_path / "tyr" / "2.png").write_text("junk")
    x, y, skipped = load_labelled_folder(tmp_path)
    assert x.shape == (1, 32, 32, 1) and list(y) == [11] and skipped == {"unreadable": 1, "empty": 0}


def test_training_and_its_card_need_no_huggingface_hub(tmp_path):
    """runes.train imports, and writes the model card, with huggingface_hub unimportable."""
    code = (
        "import sys; sys.modules['huggingface_hub'] = None\n"
        "import runes.train\n"
        "from runes.card import write_card\n"
        "from runes.folder import BUNDLED_MODEL_DIR\n"
        "import shutil; shutil.copytree(BUNDLED_MODEL_DIR, sys.argv[1], ignore=shutil.ignore_patterns('*.keras'))\n"
        "print(write_card(sys.argv[1]).read_text()[:4])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "m")], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("---"), done.stderr[-2000:]
    assert (tmp_path / "m" / "README.md").read_text() == (ROOT / "models" / "README.md").read_text()


def test_train_help_lists_every_field():
    result = subprocess.run(
        [sys.executable, "-m", "runes.train", "--help"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    for flag in ("--samples-per-rune", "--epochs", "--seed", "--data", "--out", "--filters"):
        assert flag in result.stdout


def test_train_lines_help_lists_every_field_and_its_percent_signs():
    result = subprocess.run(
        [sys.executable, "-m", "runes.train_lines", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for flag in ("--lines", "--val-lines", "--per-shape", "--epochs", "--learning-rate", "--seed", "--out"):
        assert flag in result.stdout
    assert "2% of this" in " ".join(result.stdout.split())


def test_evaluate_cli_last_line_and_empty_images(tmp_path):
    for rune, seed in (("isa", 1), ("tyr", 2), ("hagall", 3)):
        (tmp_path / rune).mkdir()
        Image.fromarray(draw_sketch(rune, seed=seed)).save(tmp_path / rune / "a.png")
    Image.new("L", (24, 24), 0).save(tmp_path / "isa" / "blank.png")
    result = subprocess.run(
        [sys.executable, "-m", "runes.evaluate", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "accuracy: 0.7500 (n=4)"
    assert any("no ink in 1 image" in line for line in lines)
    assert any(line.startswith("isa") for line in lines)


def test_sketch_preview_cli(tmp_path):
    out = tmp_path / "grid.png"
    subprocess.run(
        [sys.executable, "-m", "runes.sketches", "--preview", str(out), "--per-rune", "3"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with Image.open(out) as image:
        assert image.size == (3 * 96, 16 * 96) and np.asarray(image).min() < 100


def test_evaluate_cli_bad_model_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "runes.evaluate", str(tmp_path), "--model", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: Model folder '{tmp_path / 'nope'}' does not exist."
    assert "Traceback" not in result.stderr


def test_augment_makes_small_seeded_variations():
    from runes.preprocess import preprocess
    from runes.train import augment

    x = np.stack([preprocess(draw_sketch(rune, seed=3)) for rune in ("fe", "kaun")])
    copies = augment(x, copies=3, seed=1)
    assert copies.shape == (6, 32, 32, 1) and copies.dtype == np.float32
    assert np.array_equal(copies, augment(x, copies=3, seed=1))
    for index, copy in enumerate(copies):
        original = x[index // 3]
        assert not np.array_equal(copy, original)
        assert np.corrcoef(copy.ravel(), original.ravel())[0, 1] > 0.3  # still the same drawing
        assert abs(copy.sum() - original.sum()) < 0.35 * original.sum()  # ink kept, not cropped away
