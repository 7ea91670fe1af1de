"""runes.store and runes.dataset: the contributed-drawings store, its crash consistency, strokes and flags, import, retraining
on it, Hub push/sync."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, ImageDraw
from test_hub import _clean_env
from test_strokes import template_strokes

from runes import RUNE_IDS, Recognizer
from runes.dataset import import_json
from runes.preprocess import preprocess
from runes.sketches import STEADY_HAND, SketchStyle, draw_sketch
from runes.store import (
    FLAG_NOT_A_RUNE,
    FLAG_OTHER_RUNE,
    MAX_STORED_POINTS,
    MAX_STROKE_MS,
    METADATA_FILENAME,
    OTHER_RUNE_CONFIDENCE,
    PNG_KEY,
    DrawingStore,
    InvalidDrawingError,
    StoreFullError,
    default_quota_bytes,
    flag_for,
    flagged_files,
)
from runes.strokes import render_strokes
from runes.train import TrainConfig, load_labelled_folder, train
from runes.train import main as train_main

REPO = Path(__file__).resolve().parent.parent


def files_in(root: Path) -> list[str]:
    """Every file under root except the lock file, as relative posix paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != ".lock")


def metadata_lines(root: Path) -> list[str]:
    path = root / METADATA_FILENAME
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------- saving


def test_save_stores_the_raw_drawing_and_one_metadata_line(tmp_path):
    store = DrawingStore(tmp_path)
    drawing = draw_sketch("tyr", seed=1)
    path = store.save(drawing, "tyr", "correction", guess="isa", app_version="9.9", model_version="bundled model")
    assert path.parent == tmp_path / "tyr" and path.suffix == ".png" and len(path.stem) == 32
    with Image.open(path) as image:
        assert image.mode == "L" and image.size == drawing.shape[::-1]
        np.testing.assert_array_equal(np.asarray(image), drawing)
    (line,) = metadata_lines(tmp_path)
    record = json.loads(line)
    assert record["file_name"] == f"tyr/{path.name}" and record["label"] == "tyr"
    assert record["source"] == "correction" and record["guess"] == "isa"
    assert record["app_version"] == "9.9" and record["model_version"] == "bundled model"
    assert (record["height"], record["width"]) == drawing.shape and record["created_at"].endswith("+00:00")
    assert store.records() == [record]
    assert store.counts() == {rune_id: int(rune_id == "tyr") for rune_id in RUNE_IDS}
    assert files_in(tmp_path) == [METADATA_FILENAME, f"tyr/{path.name}"]
    assert store.verify().ok


def test_colour_transparent_and_float_drawings_are_stored_grayscale(tmp_path):
    store = DrawingStore(tmp_path)
    ink = draw_sketch("hagall", seed=2) < 128
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[ink] = (200, 0, 0, 255)  # red ink on a transparent ground
    floats = np.where(ink, 0.0, 1.0).astype(np.float32)
    for image in (rgba, floats, Image.fromarray(rgba), png_bytes(Image.fromarray(rgba))):
        with Image.open(store.save(image, "hagall", "prompted")) as saved:
            stored = np.asarray(saved)
        assert saved.mode == "L"
        assert stored[~ink].min() == 255 and stored[ink].max() < 128  # dark ink on white, same pixels
    assert store.counts()["hagall"] == 4


def test_next_prompt_is_least_collected_first_random_among_ties(tmp_path):
    store = DrawingStore(tmp_path)
    rng = random.Random(0)
    assert {store.next_prompt(rng) for _ in range(200)} == set(RUNE_IDS)  # all tied: every rune comes up
    for index, rune_id in enumerate(RUNE_IDS):
        if rune_id not in ("ur", "kaun"):
            store.save(draw_sketch(rune_id, seed=index), rune_id, "prompted")
    assert {store.next_prompt(rng) for _ in range(50)} == {"ur", "kaun"}
    store.save(draw_sketch("ur", seed=1), "ur", "prompted")
    assert store.next_prompt(np.random.default_rng(1)) == "kaun"  # numpy generators work too


HUGE = np.broadcast_to(np.uint8(255), (10_000, 10_000))  # no memory: the store must refuse it before copying


@pytest.mark.parametrize(
    "name, image, label, kwargs, message",
    [
        ("unknown label", "tyr", "thorn", {}, "Unknown rune 'thorn'"),
        ("path trick", "tyr", "../tyr", {}, "Unknown rune '../tyr'"),
        ("nested path", "tyr", "tyr/../../etc", {}, "Unknown rune"),
        ("empty label", "tyr", "", {}, "Unknown rune ''"),
        ("label not a string", "tyr", None, {}, "Unknown rune"),
        ("unknown guess", "tyr", "tyr", {"guess": "../x"}, "Unknown guess"),
        ("unknown source", "tyr", "tyr", {"source": "scraped"}, "Unknown source"),
        ("empty white canvas", np.full((384, 384), 255, np.uint8), "tyr", {}, "The canvas is empty"),
        ("empty black canvas", np.zeros((384, 384), np.uint8), "tyr", {}, "The canvas is empty"),
        ("transparent canvas", np.zeros((384, 384, 4), np.uint8), "tyr", {}, "The canvas is empty"),
        ("10000x10000 array", HUGE, "tyr", {}, "10000x10000 pixels; at most 4096x4096"),
        ("10000x10000 png", "huge-png", "tyr", {}, "10000x10000 pixels; at most 4096x4096"),
        ("1x1", np.zeros((1, 1), np.uint8), "tyr", {}, "only 1x1 pixels"),
        ("text bytes", b"this is not an image\n", "tyr", {}, "not an image I can read"),
        ("fake png", b"\x89PNG\r\n\x1a\n garbage, truncated", "tyr", {}, "not an image I can read"),
        ("truncated png", "truncated-png", "tyr", {}, "damaged or truncated"),
        ("strings", np.array([["a", "b"]]), "tyr", {}, "Expected a grayscale, RGB or RGBA image"),
        ("5 channels", np.zeros((20, 20, 5)), "tyr", {}, "Expected a grayscale, RGB or RGBA image"),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # PIL warns about 10000x10000; we refuse it
def test_bad_inputs_are_refused_clearly_and_nothing_is_written(tmp_path, name, image, label, kwargs, message):
    if isinstance(image, str):
        image = {
            "tyr": lambda: draw_sketch("tyr", seed=1),
            "huge-png": lambda: png_bytes(Image.new("1", (10_000, 10_000), 1)),
            "truncated-png": lambda: png_bytes(Image.fromarray(draw_sketch("tyr", seed=1)))[:300],
        }[image]()
    store = DrawingStore(tmp_path / "data")
    source = kwargs.pop("source", "prompted")
    with pytest.raises(InvalidDrawingError) as raised:
        store.save(image, label, source, **kwargs)
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value) and len(str(raised.value)) < 200
    assert isinstance(raised.value, ValueError)
    assert not (tmp_path / "data").exists() or files_in(tmp_path / "data") == []
    assert not (tmp_path.parent / "tyr").exists() and not (tmp_path / "etc").exists()


# --------------------------------------------------------------------------- strokes and flags

PAD = 384  # the app's drawing pad


def drawn(rune_id: str) -> tuple[np.ndarray, list]:
    """A rune drawn on the pad as strokes (with sub-pixel points and times) and the image they render to."""
    strokes = [
        [[x + 0.04 for x in xs], [y + 0.26 for y in ys], [t + 0.4 for t in ts]]
        for xs, ys, ts in template_strokes(rune_id, PAD)
    ]
    return render_strokes(strokes, PAD, PAD), strokes


def test_strokes_are_stored_rounded_in_the_metadata_line_and_read_back(tmp_path):
    store = DrawingStore(tmp_path)
    image, strokes = drawn("tyr")
    path = store.save(image, "tyr", "prompted", strokes=strokes)
    (record,) = store.records()
    assert len(record["strokes"]) == len(strokes) == 2  # a stem and its two branches
    for (xs, ys, ts), (sent_xs, sent_ys, sent_ts) in zip(record["strokes"], strokes, strict=True):
        assert xs == [round(x, 1) for x in sent_xs] and ys == [round(y, 1) for y in sent_ys]  # 0.1 px
        assert ts == [round(t) for t in sent_ts] and all(isinstance(t, int) for t in ts)  # whole milliseconds
    assert record["strokes"][0][2] == [0, 10] and record["strokes"][1][2][0] == 300
    assert record["flag"] is None and record["width"] == record["height"] == PAD
    (line,) = metadata_lines(tmp_path)
    assert '"strokes": [[[' in line and len(line) < 700  # short: a few hundred bytes per rune
    with Image.open(path) as saved:
        np.testing.assert_array_equal(np.asarray(saved), image)  # the PNG is still the drawing as rendered
        assert json.loads(saved.text[PNG_KEY]) == record  # and carries the same line, strokes included
    redrawn = render_strokes(record["strokes"], PAD, PAD) < 128  # redrawn from the record: the same drawing,
    ink = image < 128  # up to a few pixels moved by the rounding
    assert (redrawn & ink).sum() / (redrawn | ink).sum() > 0.95


def test_repair_restores_an_orphan_with_its_strokes_and_flag(tmp_path):
    store = DrawingStore(tmp_path)
    store.save(draw_sketch("fe", seed=1), "fe", "prompted")  # an old-style row: no strokes
    image, strokes = drawn("hagall")
    path = store.save(image, "hagall", "prompted", strokes=strokes, flag=FLAG_OTHER_RUNE, guess="nauthr")
    saved = store.records()[-1]
    first, _ = metadata_lines(tmp_path)
    (tmp_path / METADATA_FILENAME).write_text(first + "\n", encoding="utf-8")  # as if it crashed before the line
    assert store.verify().orphans == [f"hagall/{path.name}"]
    assert flagged_files(tmp_path) == {f"hagall/{path.name}"}  # training leaves it out even before the repair
    store.repair()
    assert store.verify().ok and store.records()[-1] == saved
    assert store.records()[-1]["strokes"][0][0][0] == saved["strokes"][0][0][0] and saved["flag"] == FLAG_OTHER_RUNE
    assert store.records()[0]["strokes"] is None and store.counts()["hagall"] == 1


@pytest.mark.parametrize(
    "strokes, message",
    [
        ("M 0 0 L 10 10", "Those strokes cannot be stored: Strokes must be a list of [xs, ys, ts] lists, got text."),
        (
            [[[1, 2], [3, float("nan")], [0, 1]]],
            "Those strokes cannot be stored: stroke 1: ys must hold finite numbers",
        ),
        ([[[1, 2], [3], [0, 1]]], "Those strokes cannot be stored: Stroke 1 needs as many xs, ys and ts"),
        (
            [[[10, 2000], [10, 10], [0, 1]]],
            "Those strokes cannot be stored: Stroke 1 lies far outside the 96x96 canvas.",
        ),
        ([], "The strokes are empty: draw ᛏ týr first."),
    ],
)
def test_bad_strokes_are_refused_clearly_and_nothing_is_written(tmp_path, strokes, message):
    store = DrawingStore(tmp_path / "data")
    with pytest.raises(InvalidDrawingError) as raised:
        store.save(
            draw_sketch("tyr", seed=1, style=SketchStyle(low_resolution_probability=0.0)),
            "tyr",
            "prompted",
            strokes=strokes,
        )  # a 96x96 drawing
    assert str(raised.value).startswith(message) and len(str(raised.value)) < 200
    assert not (tmp_path / "data").exists() or files_in(tmp_path / "data") == []


def test_flagged_drawings_are_stored_with_their_flag_and_still_counted(tmp_path):
    store = DrawingStore(tmp_path)
    kept = store.save(draw_sketch("isa", seed=1), "isa", "prompted")
    junk = store.save(draw_sketch("tyr", seed=1), "isa", "prompted", flag=FLAG_OTHER_RUNE)
    scribble = store.save(draw_sketch("fe", seed=1), "ur", "correction", guess="fe", flag=FLAG_NOT_A_RUNE)
    assert [r["flag"] for r in store.records()] == [None, FLAG_OTHER_RUNE, FLAG_NOT_A_RUNE]
    assert store.counts()["isa"] == 2 and store.counts()["ur"] == 1  # saved drawings, flagged or not
    assert flagged_files(tmp_path) == {f"isa/{junk.name}", f"ur/{scribble.name}"} and kept.is_file()
    assert flagged_files(tmp_path / "no-such-folder") == set()
    for flag in ("junk", "", True, ["other_rune"]):
        with pytest.raises(InvalidDrawingError, match="Unknown flag .*: expected None or one of not_a_rune, other_"):
            store.save(draw_sketch("isa", seed=2), "isa", "prompted", flag=flag)
    assert len(store.records()) == 3


def test_old_rows_without_strokes_or_flag_keep_working(tmp_path):
    store = DrawingStore(tmp_path)
    store.save(draw_sketch("ur", seed=1), "ur", "prompted")
    (tmp_path / "fe").mkdir()
    Image.fromarray(draw_sketch("fe", seed=3)).save(tmp_path / "fe" / "old.png")
    old = {
        "file_name": "fe/old.png",
        "label": "fe",
        "source": "prompted",
        "created_at": "2024-01-01T00:00:00+00:00",
        "width": 96,
        "height": 96,
        "app_version": "0.0.9",
        "model_version": None,
        "guess": None,
    }
    with open(tmp_path / METADATA_FILENAME, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(old) + "\n")  # written before strokes and flags existed
    assert store.records()[-1] == old and store.counts()["fe"] == 1 and store.verify().ok
    assert flagged_files(tmp_path) == set() and store.repair().ok
    _, y, _ = load_labelled_folder(tmp_path, leave_out=flagged_files(tmp_path))
    assert sorted(y.tolist()) == [RUNE_IDS.index("fe"), RUNE_IDS.index("ur")]


@pytest.fixture(scope="module")
def bundled():
    return Recognizer.load()


def circle_with_a_cross() -> Image.Image:
    image = Image.new("L", (200, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 30, 170, 170), outline=0, width=8)
    draw.line((100, 30, 100, 170), fill=0, width=8)
    draw.line((30, 100, 170, 100), fill=0, width=8)
    return image


def test_flag_for_on_predictions_of_the_bundled_model(bundled):
    clean = STEADY_HAND
    tyr = bundled.predict(draw_sketch("tyr", seed=1, style=clean))
    assert flag_for("tyr", tyr) is None
    assert flag_for("isa", tyr) == FLAG_OTHER_RUNE
    assert flag_for("tyr", bundled.predict(circle_with_a_cross())) == FLAG_NOT_A_RUNE
    stroke = np.full((200, 200), 255, np.uint8)
    stroke[30:170, 96:104] = 0  # a lone stroke: ísa, and the short-twig form of sól and yr
    assert [flag_for(label, bundled.predict(stroke)) for label in ("isa", "sol", "yr", "tyr")] == [
        None,
        None,
        None,
        FLAG_OTHER_RUNE,
    ]


def test_flag_for_confidence_threshold():
    def read_as(rune: str, confidence: float, is_rune: bool = True) -> SimpleNamespace:
        return SimpleNamespace(rune=rune, confidence=confidence, is_rune=is_rune)

    assert flag_for("isa", read_as("tyr", OTHER_RUNE_CONFIDENCE)) == FLAG_OTHER_RUNE
    assert flag_for("isa", read_as("tyr", OTHER_RUNE_CONFIDENCE - 0.01)) is None  # unsure: trusted
    assert flag_for("isa", read_as("tyr", 0.6), confidence=0.5) == FLAG_OTHER_RUNE
    assert flag_for("tyr", read_as("tyr", 1.0, is_rune=False)) == FLAG_NOT_A_RUNE


# --------------------------------------------------------------------------- concurrency


def _check_store(root: Path, expected: dict[str, str]) -> None:
    """Exactly the expected drawings (file name -> label): PNGs, metadata lines, decodable, right labels."""
    pngs = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.png"))
    lines = metadata_lines(root)
    assert len(pngs) == len(expected) and len(lines) == len(expected)
    records = [json.loads(line) for line in lines]
    assert sorted(r["file_name"] for r in records) == pngs == sorted(expected)
    for record in records:
        assert record["label"] == expected[record["file_name"]] == record["file_name"].split("/")[0]
        with Image.open(root / record["file_name"]) as image:
            image.load()
            assert image.size == (record["width"], record["height"])
    assert not list(root.rglob("*.tmp")) and DrawingStore(root).verify().ok


def test_200_saves_from_20_threads(tmp_path):
    store = DrawingStore(tmp_path)
    drawings = {rune_id: draw_sketch(rune_id, seed=i) for i, rune_id in enumerate(RUNE_IDS)}
    start = threading.Barrier(20)

    def worker(thread: int) -> dict[str, str]:
        start.wait()
        saved = {}
        for i in range(10):
            rune_id = RUNE_IDS[(thread + i) % len(RUNE_IDS)]
            path = store.save(drawings[rune_id], rune_id, "prompted", guess=RUNE_IDS[thread % 16])
            saved[path.relative_to(tmp_path).as_posix()] = rune_id
        return saved

    began = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(worker, range(20)))
    print(f"200 threaded saves: {time.perf_counter() - began:.2f} s")
    expected = {name: label for result in results for name, label in result.items()}
    assert len(expected) == 200
    _check_store(tmp_path, expected)
    for name, label in list(expected.items())[::20]:
        with Image.open(tmp_path / name) as image:
            np.testing.assert_array_equal(np.asarray(image), drawings[label])
    assert sum(store.counts().values()) == 200


SAVER = r"""
import json, sys
from runes.store import DrawingStore
from runes.sketches import draw_sketch
store, saved = DrawingStore(sys.argv[1]), {}
for i in range(int(sys.argv[2])):
    rune = ["fe", "isa", "tyr"][i % 3]
    saved[store.save(draw_sketch(rune, seed=i), rune, "prompted").relative_to(store.root).as_posix()] = rune
print("SAVED" + json.dumps(saved))
"""


def test_several_processes_share_one_folder(tmp_path):
    env = _clean_env(tmp_path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(tmp_path / "data"), "25"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    expected = {}
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        expected.update(json.loads(out.split("SAVED")[-1]))
    _check_store(tmp_path / "data", expected)


# --------------------------------------------------------------------------- bounds: bytes per drawing, quota, counts


def disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def dense(strokes: list, points: int, t: float) -> list:
    """The same strokes traced with `points` points each, every time stamp `t` (a hostile API call)."""
    out = []
    for xs, ys, _ in strokes:
        at = np.linspace(0, len(xs) - 1, points)
        out.append([list(np.interp(at, range(len(xs)), xs)), list(np.interp(at, range(len(ys)), ys)), [t] * points])
    return out


def test_a_hostile_drawing_takes_a_few_kilobytes_on_disk(tmp_path):
    image, strokes = drawn("tyr")
    store = DrawingStore(tmp_path)
    with pytest.raises(InvalidDrawingError, match="ts must be milliseconds from the first point"):  # 13 MB before
        store.save(image, "tyr", "prompted", strokes=dense(strokes, 9_000, 1e300))
    hostile = dense(strokes, 9_000, 86_400_000)  # 18,000 points, the longest time runes.strokes takes: a day
    assert len(json.dumps(hostile)) > 300_000
    path = store.save(render_strokes(hostile, PAD, PAD), "tyr", "prompted", strokes=hostile)
    assert disk_bytes(tmp_path) < 12_000, disk_bytes(tmp_path)  # PNG + its line + metadata.jsonl
    (record,) = store.records()
    assert sum(len(xs) for xs, _, _ in record["strokes"]) <= MAX_STORED_POINTS
    assert {t for _, _, ts in record["strokes"] for t in ts} == {MAX_STROKE_MS}
    redrawn, ink = render_strokes(record["strokes"], PAD, PAD) < 128, image < 128  # still the same rune
    assert (redrawn & ink).sum() / (redrawn | ink).sum() > 0.9
    with Image.open(path) as saved:
        assert json.loads(saved.text[PNG_KEY]) == record  # repair() still has the whole line
    typical = DrawingStore(tmp_path / "typical")
    typical.save(image, "tyr", "prompted", strokes=strokes)
    assert disk_bytes(tmp_path / "typical") < 4_000


def test_too_many_strokes_or_too_detailed_a_drawing_is_refused_clearly(tmp_path):
    store = DrawingStore(tmp_path)
    dots = [[[10 + i % 300], [10 + i // 300], [i]] for i in range(MAX_STORED_POINTS)]
    with pytest.raises(InvalidDrawingError, match=f"That drawing has {MAX_STORED_POINTS} strokes; a rune takes a few"):
        store.save(render_strokes(dots, PAD, PAD), "tyr", "prompted", strokes=dots)
    noise = np.random.default_rng(0).integers(0, 256, (1024, 1024), dtype=np.uint8)
    with pytest.raises(InvalidDrawingError, match="too detailed to keep"):
        store.save(noise, "tyr", "prompted")
    assert files_in(tmp_path) == []


def test_a_full_store_says_so_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNES_DATA_QUOTA_MB", "0.01")  # 10 KB: a few drawings
    assert default_quota_bytes() == 10_485
    store = DrawingStore(tmp_path)
    image, strokes = drawn("tyr")
    saved = 0
    with pytest.raises(StoreFullError, match="The collection is full for now") as refused:
        for _ in range(20):
            store.save(image, "tyr", "prompted", strokes=strokes)
            saved += 1
    assert isinstance(refused.value, InvalidDrawingError) and "Error" not in str(refused.value)
    assert 1 <= saved < 20 and disk_bytes(tmp_path) <= 10_485
    assert store.counts()["tyr"] == saved == len(store.records()) and store.verify().ok
    assert DrawingStore(tmp_path, quota_bytes=10**6).save(image, "tyr", "prompted")  # a bigger quota: room again
    monkeypatch.setenv("RUNES_DATA_QUOTA_MB", "lots")
    assert default_quota_bytes() == 500 * 1024 * 1024


COUNT_SAVER = r"""
import sys
from runes.sketches import draw_sketch
from runes.store import DrawingStore
store = DrawingStore(sys.argv[1])
for i in range(int(sys.argv[2])):
    store.save(draw_sketch("isa", seed=i), "isa", "prompted")
"""


def test_counts_follow_appends_from_other_stores_and_processes(tmp_path):
    one, two = DrawingStore(tmp_path), DrawingStore(tmp_path)
    assert one.counts()["fe"] == 0 and one.used_bytes() == 0
    two.save(draw_sketch("fe", seed=1), "fe", "prompted")
    assert one.counts()["fe"] == 1  # another store's append is seen
    one.save(draw_sketch("tyr", seed=2), "tyr", "prompted")
    done = subprocess.run(
        [sys.executable, "-c", COUNT_SAVER, str(tmp_path), "3"],
        cwd=REPO,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for store in (one, two, DrawingStore(tmp_path)):  # another process's appends too
        assert {k: v for k, v in store.counts().items() if v} == {"fe": 1, "tyr": 1, "isa": 3}
        assert store.used_bytes() == disk_bytes(tmp_path) - (tmp_path / ".lock").stat().st_size
    with open(tmp_path / METADATA_FILENAME, "ab") as handle:
        handle.write(b'{"file_name": "fe/x.png", "label": "fe"')  # a line being written (or torn by a crash)
    assert one.counts()["fe"] == 1
    two.save(draw_sketch("fe", seed=3), "fe", "prompted")  # fences the torn line off
    assert one.counts()["fe"] == 2 and one.counts() == DrawingStore(tmp_path).counts()
    lines = metadata_lines(tmp_path)
    (tmp_path / METADATA_FILENAME).write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")  # edited by hand
    assert one.counts() == DrawingStore(tmp_path).counts() and one.counts()["fe"] == 1
    one.repair()  # rewrites the file under a new inode
    assert one.counts() == two.counts() == DrawingStore(tmp_path).counts()


# --------------------------------------------------------------------------- crashes

CRASH = r"""
import os, sys
from runes import dataset
from runes.sketches import draw_sketch
store = dataset.DrawingStore(sys.argv[1])
store.save(draw_sketch("fe", seed=1), "fe", "prompted")
if sys.argv[2] == "before-metadata":      # the PNG is in place, the process dies before its line
    dataset.DrawingStore._append = lambda self, line: os._exit(9)
else:                                     # the process dies while the PNG is still a temp file
    dataset.os.replace = lambda src, dst: os._exit(9)
store.save(draw_sketch("tyr", seed=2), "tyr", "correction", guess="isa", model_version="m1")
"""


def _crash(tmp_path: Path, where: str) -> Path:
    root = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(root), where],
        cwd=REPO,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr[-2000:]
    return root


def test_crash_between_image_and_metadata(tmp_path):
    root = _crash(tmp_path, "before-metadata")
    (orphan,) = (p.relative_to(root).as_posix() for p in root.glob("tyr/*.png"))
    with Image.open(root / orphan) as image:  # a complete, decodable PNG: never half-written
        image.load()
    assert len(metadata_lines(root)) == 1 and not list(root.rglob("*.tmp"))
    store = DrawingStore(root)
    assert store.counts()["tyr"] == 0 and store.counts()["fe"] == 1  # the line is the commit point
    report = store.verify()
    assert report.orphans == [orphan] and not report.ok
    _, y, skipped = load_labelled_folder(root)  # training can already use every complete drawing
    assert len(y) == 2 and skipped == {"unreadable": 0, "empty": 0}
    # repair() restores the orphan's exact line from the copy in its PNG: nothing is lost
    assert store.repair().orphans == [orphan]
    assert store.verify().ok and store.counts()["tyr"] == 1
    record = store.records()[-1]
    assert record["file_name"] == orphan and record["source"] == "correction" and record["guess"] == "isa"
    assert record["model_version"] == "m1"
    store.save(draw_sketch("isa", seed=3), "isa", "prompted")
    assert len(metadata_lines(root)) == 3 and store.verify().ok


def test_crash_while_writing_the_image_leaves_only_a_temp_file(tmp_path):
    root = _crash(tmp_path, "during-image")
    assert [p.name for p in root.glob("*/*.png")] == [p.name for p in root.glob("fe/*.png")]  # no tyr PNG
    (temp,) = root.rglob("*.tmp")
    assert temp.parent.name == "tyr" and temp.name.startswith(".")
    _, y, skipped = load_labelled_folder(root)
    assert len(y) == 1 and skipped == {"unreadable": 0, "empty": 0}  # the temp file is never read as a drawing
    store = DrawingStore(root)
    assert store.verify().temp_files == [temp.relative_to(root).as_posix()]
    store.repair()
    assert not temp.exists() and store.verify().ok and sum(store.counts().values()) == 1


def test_torn_metadata_line_is_skipped_fenced_off_and_repaired(tmp_path):
    store = DrawingStore(tmp_path)
    store.save(draw_sketch("fe", seed=1), "fe", "prompted")
    with open(tmp_path / METADATA_FILENAME, "ab") as handle:
        handle.write(b'{"file_name": "ur/abc.png", "lab')  # a crash in the middle of an append
    assert store.counts()["fe"] == 1 and store.verify().bad_lines == 1
    store.save(draw_sketch("ur", seed=1), "ur", "prompted")
    assert store.counts()["ur"] == 1 and len(store.records()) == 2  # the new line did not merge with the torn one
    assert store.repair().bad_lines == 1
    assert store.verify().ok and len(metadata_lines(tmp_path)) == 2


def test_an_error_while_appending_rolls_the_image_back(tmp_path, monkeypatch):
    store = DrawingStore(tmp_path)

    def disk_full(self, line):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DrawingStore, "_append", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.save(draw_sketch("fe", seed=1), "fe", "prompted")
    assert files_in(tmp_path) == []


# --------------------------------------------------------------------------- import, training, evaluation


def classic_file(folder: Path, name: str, rune, data) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps({"rune": rune, "data": data}))


def classic_grid(rune_id: str, seed: int) -> list[list[int]]:
    """A 24x24 drawing in the classic demo's polarity: white ink on black."""
    small = Image.fromarray(draw_sketch(rune_id, seed=seed)).resize((24, 24), Image.Resampling.BOX)
    return (255 - np.asarray(small)).astype(int).tolist()


def test_import_json_cli(tmp_path):
    src = tmp_path / "classic"
    for i, rune_id in enumerate(("fe", "tyr", "hagall")):
        classic_file(src / "batch", rune_id, rune_id, classic_grid(rune_id, i))
    classic_file(src, "unknown", "thorn", classic_grid("isa", 1))
    classic_file(src, "blank", "isa", [[0] * 24] * 24)
    classic_file(src, "out-of-range", "isa", [[300] * 24] * 24)
    (src / "junk.json").write_text("{not json")
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "runes.dataset", "import-json", str(src), "--to", str(data)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"imported 3 drawings into {data} (skipped: {{'empty': 1, 'unknown rune': 1, 'unreadable': 2}})"
    )
    store = DrawingStore(data)
    assert {r["label"] for r in store.records()} == {"fe", "tyr", "hagall"}
    assert {r["source"] for r in store.records()} == {"import"} and store.verify().ok
    record = next(r for r in store.records() if r["label"] == "tyr")
    with Image.open(data / record["file_name"]) as image:
        stored = np.asarray(image)
    assert stored.shape == (24, 24) and np.median(stored[0]) == 255 and stored.min() < 100  # dark ink on white
    original = np.array(classic_grid("tyr", 1), np.uint8)
    np.testing.assert_array_equal(stored, 255 - original)
    np.testing.assert_allclose(preprocess(stored), preprocess(original), atol=1e-6)


def test_import_keeps_dark_on_light_drawings_as_they_are(tmp_path):
    grid = (255 - np.array(classic_grid("isa", 2))).tolist()  # already dark ink on white
    classic_file(tmp_path / "src", "a", "isa", grid)
    assert import_json(tmp_path / "src", DrawingStore(tmp_path / "data")) == (1, {})
    (path,) = (tmp_path / "data").glob("isa/*.png")
    np.testing.assert_array_equal(np.asarray(Image.open(path)), np.array(grid, np.uint8))


def test_retrain_and_evaluate_on_contributed_drawings(tmp_path):
    data = tmp_path / "data"
    store = DrawingStore(data)
    for i in range(3):
        for rune_id in ("isa", "tyr", "hagall", "fe"):
            store.save(draw_sketch(rune_id, seed=100 + i), rune_id, "prompted")
    classic_file(tmp_path / "classic", "ur", "ur", classic_grid("ur", 5))
    assert import_json(tmp_path / "classic", store) == (1, {})
    (data / "isa" / "broken.png").write_bytes(b"not a png")  # dropped in by hand: skipped with a count
    out = tmp_path / "model"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "runes.train",
            "--samples-per-rune",
            "8",
            "--val-samples-per-rune",
            "4",
            "--epochs",
            "1",
            "--filters",
            "4",
            "--workers",
            "1",
            "--out",
            str(out),
            "--data",
            str(data),
        ],
        cwd=REPO,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    # 13 readable drawings (train.py may add augmented copies of each); the junk file is skipped, not fatal
    assert metrics["extra_skipped"] == {"unreadable": 1, "empty": 0, "flagged": 0}
    assert metrics["extra_samples"] >= 13 and metrics["extra_samples"] % 13 == 0
    done = subprocess.run(
        [sys.executable, "-m", "runes.evaluate", str(data), "--model", str(out)],
        cwd=REPO,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1].endswith("(n=13)")
    assert "skipped 1 unreadable file(s): isa/broken.png" in done.stdout


def test_training_leaves_flagged_drawings_out_unless_asked(tmp_path):
    data = tmp_path / "data"
    store = DrawingStore(data)
    for i, rune_id in enumerate(("isa", "tyr", "hagall")):
        store.save(draw_sketch(rune_id, seed=200 + i), rune_id, "prompted")
    store.save(draw_sketch("tyr", seed=7), "isa", "prompted", flag=FLAG_OTHER_RUNE)  # a ᛏ saved as ᛁ
    store.save(np.asarray(circle_with_a_cross()), "fe", "prompted", flag=FLAG_NOT_A_RUNE)
    _, y, _ = load_labelled_folder(data, leave_out=flagged_files(data))
    assert sorted(y.tolist()) == sorted(RUNE_IDS.index(r) for r in ("isa", "tyr", "hagall"))
    tiny = [
        "--samples-per-rune",
        "4",
        "--val-samples-per-rune",
        "2",
        "--epochs",
        "1",
        "--filters",
        "4",
        "--workers",
        "1",
        "--data-copies",
        "0",
        "--data",
        str(data),
    ]
    metrics = train(
        TrainConfig(
            out=str(tmp_path / "a"),
            samples_per_rune=4,
            val_samples_per_rune=2,
            epochs=1,
            filters=4,
            workers=1,
            data_copies=0,
            data=str(data),
        ),
        verbose=0,
    )
    assert metrics["extra_drawings"] == 3 and metrics["extra_skipped"] == {"unreadable": 0, "empty": 0, "flagged": 2}
    train_main(["--out", str(tmp_path / "b"), *tiny, "--include-flagged"])  # the CLI switch
    metrics = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert metrics["extra_drawings"] == 5 and metrics["extra_skipped"] == {"unreadable": 0, "empty": 0, "flagged": 0}
    assert json.loads((tmp_path / "b" / "config.json").read_text())["train_config"]["include_flagged"] is True
    assert "- `include_flagged`: True" in (tmp_path / "b" / "README.md").read_text()


# --------------------------------------------------------------------------- Hub: push and background sync


def _filled_store(root: Path, lock=None) -> tuple[DrawingStore, list[Path]]:
    store = DrawingStore(root, lock=lock)
    paths = [
        store.save(draw_sketch(rune_id, seed=i), rune_id, "prompted") for i, rune_id in enumerate(("fe", "fe", "tyr"))
    ]
    return store, paths


def test_push_dataset_calls_and_card(tmp_path, monkeypatch):
    from huggingface_hub import DatasetCard, HfApi

    from runes.dataset_hub import push_dataset

    _, paths = _filled_store(tmp_path / "data")
    orphan = tmp_path / "data" / "isa" / "0123.png"  # a crash leftover without a line: not published
    orphan.parent.mkdir()
    Image.fromarray(draw_sketch("isa", seed=1)).save(orphan)
    calls, uploaded = [], {}

    def record(name):
        def method(self, *args, **kwargs):
            calls.append((name, kwargs))
            if name == "upload_folder":
                folder = Path(kwargs["folder_path"])
                uploaded.update(
                    {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
                )
            return SimpleNamespace(commit_url="https://hub.example/commit/1")

        return method

    for name in ("create_repo", "upload_folder"):
        monkeypatch.setattr(HfApi, name, record(name))
    push_dataset(tmp_path / "data", "alice/rune-drawings", private=True)
    assert [c[0] for c in calls] == ["create_repo", "upload_folder"]
    assert calls[0][1] == {"repo_id": "alice/rune-drawings", "repo_type": "dataset", "private": True, "exist_ok": True}
    assert calls[1][1]["repo_id"] == "alice/rune-drawings" and calls[1][1]["repo_type"] == "dataset"
    names = sorted(p.relative_to(tmp_path / "data").as_posix() for p in paths)
    assert sorted(uploaded) == sorted(["README.md", METADATA_FILENAME, *names])
    for path in paths:
        assert uploaded[path.relative_to(tmp_path / "data").as_posix()] == path.read_bytes()
    rows = [json.loads(line) for line in uploaded[METADATA_FILENAME].decode().splitlines()]
    assert sorted(r["file_name"] for r in rows) == names  # relative to the repo root, e.g. "fe/<uuid>.png"
    assert [r["label"] for r in rows] == ["fe", "fe", "tyr"]
    card = DatasetCard(uploaded["README.md"].decode("utf-8"))
    data = card.data.to_dict()
    assert data["task_categories"] == ["image-classification"] and data["license"] == "cc-by-4.0"
    assert data["size_categories"] == ["n<1K"] and "younger-futhark" in data["tags"]
    assert "| `fe` | ᚠ | fé | 2 |" in card.text and "| `tyr` | ᛏ ᛐ | týr | 1 |" in card.text
    assert 'load_dataset("alice/rune-drawings"' in card.text and "3 hand-drawn runes" in card.text


def test_pushed_rows_keep_strokes_and_flags_and_the_card_describes_them(tmp_path, monkeypatch):
    from huggingface_hub import DatasetCard, HfApi

    from runes.dataset_hub import push_dataset

    store = DrawingStore(tmp_path / "data")
    store.save(draw_sketch("fe", seed=1), "fe", "import")  # no strokes
    image, strokes = drawn("tyr")
    store.save(image, "isa", "prompted", strokes=strokes, flag=FLAG_OTHER_RUNE)
    uploaded = {}

    def upload_folder(self, **kwargs):
        folder = Path(kwargs["folder_path"])
        uploaded.update({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()})

    monkeypatch.setattr(HfApi, "create_repo", lambda self, **kwargs: None)
    monkeypatch.setattr(HfApi, "upload_folder", upload_folder)
    push_dataset(tmp_path / "data", "alice/rune-drawings")
    rows = [json.loads(line) for line in uploaded[METADATA_FILENAME].decode().splitlines()]
    assert rows == store.records()
    assert [(r["strokes"] is None, r["flag"]) for r in rows] == [(True, None), (False, FLAG_OTHER_RUNE)]
    text = DatasetCard(uploaded["README.md"].decode("utf-8")).text
    assert "`strokes`: the drawing as vectors in the QuickDraw style, `[[xs, ys, ts], ...]`" in text
    assert "`flag`: null, or why the drawing is not trusted: `not_a_rune`" in text and "`other_rune`" in text
    assert "1 of the 2 drawings are flagged" in text and 'filter(lambda row: not row.get("flag"))' in text


def test_push_cli_unreachable_hub_is_one_clear_line_and_never_prints_the_token(tmp_path):
    _filled_store(tmp_path / "data")
    env = _clean_env(tmp_path, HF_ENDPOINT="http://127.0.0.1:9", HF_TOKEN="hf_SECRETtoken123456789")
    done = subprocess.run(
        [sys.executable, "-m", "runes.dataset", "push", str(tmp_path / "data"), "--repo", "a/b"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "hf_SECRET" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "runes.dataset", "push", str(tmp_path / "nothing"), "--repo", "a/b"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1 and "has no metadata.jsonl; nothing to publish" in done.stderr


class FakeHubApi:
    """Stands in for the network calls of HfApi; CommitScheduler's own code runs for real."""

    def __new__(cls, fail: bool = False):
        from huggingface_hub import HfApi

        class _Api(HfApi):
            def create_repo(self, **kwargs):
                self.calls.append(("create_repo", kwargs))
                return SimpleNamespace(repo_id=kwargs["repo_id"])

            def create_commit(self, **kwargs):
                if self.fail:
                    self.calls.append(("create_commit failed", {}))
                    raise ConnectionError("Hub unreachable")
                files = {}
                for op in kwargs["operations"]:
                    with op.as_file() as handle:
                        files[op.path_in_repo] = handle.read()
                self.calls.append(("create_commit", dict(kwargs, operations=files)))
                return SimpleNamespace(commit_url="https://hub.example/commit")

        api = _Api(token=False)
        api.calls, api.fail = [], fail
        return api


def test_background_sync_uploads_through_commit_scheduler_and_survives_failures(tmp_path):
    from runes.dataset_hub import start_sync

    api = FakeHubApi(fail=True)
    scheduler = start_sync(tmp_path / "data", "alice/rune-drawings", every_minutes=60, hf_api=api)
    try:
        assert api.calls[0] == (
            "create_repo",
            {"repo_id": "alice/rune-drawings", "private": None, "repo_type": "dataset", "exist_ok": True},
        )
        prefix = scheduler.path_in_repo
        assert prefix.startswith("contributions/") and len(prefix) > len("contributions/") + 8
        store, paths = _filled_store(tmp_path / "data", lock=scheduler.lock)
        (tmp_path / "data" / "fe" / ".half.png.tmp").write_bytes(b"unfinished")  # never uploaded
        with pytest.raises(ConnectionError):
            scheduler.trigger().result(timeout=60)  # the Hub is down...
        assert api.calls[-1][0] == "create_commit failed"
        assert all(path.is_file() for path in paths) and len(metadata_lines(tmp_path / "data")) == 3  # ...data kept
        api.fail = False
        scheduler.trigger().result(timeout=60)  # the next run uploads everything that was missed
        name, commit = api.calls[-1]
        assert name == "create_commit" and commit["repo_type"] == "dataset"
        expected = {f"{prefix}/{p.relative_to(tmp_path / 'data').as_posix()}" for p in paths}
        assert set(commit["operations"]) == expected | {f"{prefix}/{METADATA_FILENAME}"}
        assert (
            commit["operations"][f"{prefix}/{METADATA_FILENAME}"]
            == (tmp_path / "data" / METADATA_FILENAME).read_bytes()
        )
        more = store.save(draw_sketch("isa", seed=4), "isa", "correction", guess="tyr")
        scheduler.trigger().result(timeout=60)
        assert set(api.calls[-1][1]["operations"]) == {f"{prefix}/isa/{more.name}", f"{prefix}/{METADATA_FILENAME}"}
    finally:
        scheduler.stop()


def test_verify_cli_and_repair_leave_foreign_pngs_alone(tmp_path):
    root = _crash(tmp_path, "before-metadata")
    foreign = root / "isa" / "dropped-in-by-hand.png"
    foreign.parent.mkdir()
    Image.fromarray(draw_sketch("isa", seed=1)).save(foreign)  # no metadata chunk: not written by a store

    def verify(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "runes.dataset", "verify", str(root), *flags],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    done = verify()
    assert done.returncode == 1
    assert done.stdout.strip() == "1 drawings; orphans 2, temp files 0, missing 0, torn lines 0"
    done = verify("--repair")
    assert done.returncode == 0 and done.stdout.startswith("repaired: 1 drawings; orphans 2")
    assert foreign.is_file() and DrawingStore(root).verify().orphans == ["isa/dropped-in-by-hand.png"]
    assert DrawingStore(root).counts()["tyr"] == 1 and DrawingStore(root).counts()["isa"] == 0


def test_a_correction_is_flagged_only_when_it_is_no_rune():
    read_as_tyr = SimpleNamespace(rune="tyr", confidence=1.0, is_rune=True)
    assert flag_for("isa", read_as_tyr, source="correction") is None  # disagreeing is what a correction does
    assert (
        flag_for("isa", SimpleNamespace(rune="tyr", confidence=1.0, is_rune=False), source="correction")
        == FLAG_NOT_A_RUNE
    )


def test_open_store_keeps_drawings_locally_when_the_hub_is_unreachable(tmp_path):
    """The app's store: with the Hub offline, syncing cannot start; drawings are still stored, nothing raised."""
    code = (
        "import sys, numpy as np; from runes.dataset_hub import open_store\n"
        "store, synced = open_store(sys.argv[1], 'alice/rune-drawings')\n"
        "image = np.full((64, 64), 255, np.uint8); image[8:56, 30:34] = 0\n"
        "store.save(image, 'isa', 'prompted'); print('synced', synced, store.counts()['isa'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=_clean_env(tmp_path, HF_HUB_OFFLINE="1"),
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "synced None 1"
    assert "not syncing drawings to alice/rune-drawings" in result.stderr


def test_save_reviewed_stores_the_models_guess_and_flag(tmp_path, bundled):
    store = DrawingStore(tmp_path / "data")
    clean = STEADY_HAND
    tyr = draw_sketch("tyr", seed=1, style=clean)
    assert store.save_reviewed(tyr, "tyr", "prompted", bundled) == ("tyr", None)
    assert store.save_reviewed(tyr, "isa", "prompted", bundled) == ("tyr", FLAG_OTHER_RUNE)
    assert store.save_reviewed(tyr, "isa", "correction", bundled) == ("tyr", None)
    assert store.save_reviewed(circle_with_a_cross(), "tyr", "prompted", bundled) == ("other", FLAG_NOT_A_RUNE)
    assert [(r["label"], r["guess"], r["flag"]) for r in store.records()] == [
        ("tyr", "tyr", None),
        ("isa", "tyr", FLAG_OTHER_RUNE),
        ("isa", "tyr", None),
        ("tyr", "other", FLAG_NOT_A_RUNE),
    ]
    with pytest.raises(InvalidDrawingError):
        store.save_reviewed(tyr, "thorn", "prompted", bundled)
