"""The model in the browser (runes.web + ui/guesser.js): the committed export is what the package generates, and
headless Chromium gives Recognizer.predict's answer on thousands of drawings sent as strokes.

The page side runs in real Chromium with the vendored TensorFlow.js, on the files exactly as committed; the
model files are served from models/web/ through Playwright routing (no app process needed).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import chromium
import gradio as gr
import numpy as np
import pytest
from rune_strokes import TEST_RUNES, rune_drawing

from runes import Recognizer
from runes.folder import BUNDLED_MODEL_DIR
from runes.nonrunes import random_scribble
from runes.rows import ROW_IDS, SHAPES
from runes.sketches import sketch_drawing
from runes.strokes import check_strokes, render_strokes
from runes.web import MANIFEST_FILENAME, WEB_DIRNAME, WEIGHTS_FILENAME, export, find_export, main
from ui import cards, guess
from ui.answers import page_data

REPO = Path(__file__).resolve().parent.parent
WEB = BUNDLED_MODEL_DIR / WEB_DIRNAME
ORIGIN = "http://rune-reader.test/"
SKETCHES_PER_SHAPE = 50  # 37 shapes -> 1,850 sketches, + 150 scribbles + the browser tests' runes: over 2,000
SCRIBBLES = 150


def test_committed_export_is_what_the_package_generates(tmp_path):
    """models/web/ is regenerated from model.keras and config.json: a stale or hand-edited export fails here."""
    assert main([str(BUNDLED_MODEL_DIR), "--out", str(tmp_path)]) == 0
    for name in (MANIFEST_FILENAME, WEIGHTS_FILENAME):
        assert (tmp_path / name).read_bytes() == (WEB / name).read_bytes(), (
            f"models/web/{name} is stale: run python -m runes.web models/"
        )


def test_export_holds_the_reading_of_every_row(tmp_path):
    manifest = json.loads((export(BUNDLED_MODEL_DIR, tmp_path) / MANIFEST_FILENAME).read_text())
    recognizer = Recognizer.load(None)
    assert manifest["labels"] == recognizer.labels
    assert set(manifest["reading"]["rows"]) == set(recognizer.rows)
    for row in recognizer.rows:
        assert manifest["reading"]["rows"][row]["runes"] == recognizer.row_runes(row)
    weights = np.fromfile(tmp_path / WEIGHTS_FILENAME, dtype="<f4")
    assert weights.size == manifest["weights_floats"] == recognizer.model.count_params() - _folded_away(recognizer)


def _folded_away(recognizer) -> int:
    """Parameters that folding BatchNorm into the convolutions removes (4 per channel, minus the new conv bias)."""
    return sum(
        3 * layer.get_weights()[0].size for layer in recognizer.model.layers if "BatchNorm" in type(layer).__name__
    )


def _drawings() -> list[dict]:
    drawings = [
        sketch_drawing(shape.templates[seed % len(shape.templates)], seed)
        for shape in SHAPES.values()
        for seed in range(SKETCHES_PER_SHAPE)
    ]
    rng = np.random.default_rng(16)
    drawings += [sketch_drawing(random_scribble(rng), 10_000 + seed) for seed in range(SCRIBBLES)]
    drawings += [rune_drawing(rune) for rune in TEST_RUNES]
    drawings += [rune_drawing(rune, size=size) for rune in TEST_RUNES for size in (60, 150, 300)]
    return drawings


@contextlib.contextmanager
def guesser_page(wasm: bool = True):
    """A blank page with guess.py's scripts and `window.guesser` loaded from the committed export; wasm=False:
    the .wasm files cannot be fetched (the CPU backend takes over)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page()

        def serve(route):
            name = route.request.url.rsplit("/", 1)[-1]
            if name in (MANIFEST_FILENAME, WEIGHTS_FILENAME):
                route.fulfill(body=(WEB / name).read_bytes())
            elif name in {path.name for path in guess.WASM_FILES}:
                if not wasm:
                    return route.abort()
                route.fulfill(body=(guess.WASM_FOLDER / name).read_bytes(), content_type="application/wasm")
            else:
                route.fulfill(body="<!doctype html><title>guesser</title>", content_type="text/html")

        page.route(ORIGIN + "**", serve)
        page.goto(ORIGIN)
        for script in guess.SCRIPTS:
            page.add_script_tag(path=str(script))
        page.evaluate(f"async () => {{ window.guesser = await RuneGuesser.load('{ORIGIN}web/', '{ORIGIN}wasm/'); }}")
        yield page
        browser.close()


@pytest.fixture(scope="module")
def page():
    with guesser_page() as page:
        assert page.evaluate("guesser.backend") == "wasm"  # as in the app (the CPU backend: its fallback)
        yield page


def test_without_webassembly_the_cpu_backend_guesses_the_same():
    drawings = [rune_drawing(rune_id) for rune_id in TEST_RUNES]
    with guesser_page() as page:
        fast = page.evaluate("(drawings) => drawings.map((d) => guesser.guess(d, 'younger'))", drawings)
    with guesser_page(wasm=False) as page:
        assert page.evaluate("guesser.backend") == "cpu"
        slow = page.evaluate("(drawings) => drawings.map((d) => guesser.guess(d, 'younger'))", drawings)
    assert [guess["rune"] for guess in slow] == [guess["rune"] for guess in fast] == list(TEST_RUNES)
    differences = [
        abs(f["probabilities"][rune] - s["probabilities"][rune])
        for f, s in zip(fast, slow, strict=True)
        for rune in f["probabilities"]
    ]
    assert max(differences) < 1e-4, max(differences)


@pytest.fixture(scope="module")
def readings(page):
    """(server predictions, browser guesses, browser answers) for over 2,000 drawings, each read in a row."""
    drawings = _drawings()
    rows = [ROW_IDS[index % len(ROW_IDS)] for index in range(len(drawings))]  # every row, Elder shapes in Younger...
    assert len(drawings) >= 2000
    recognizer = Recognizer.load(None)
    server = []
    for drawing, row in zip(drawings, rows, strict=True):
        strokes = check_strokes(drawing["strokes"], drawing["width"], drawing["height"])
        server.append(recognizer.predict(render_strokes(strokes, drawing["width"], drawing["height"]), row))
    guesses, answers = page.evaluate(
        """([drawings, rows, data]) => {
            const guesses = guesser.guessMany(drawings, rows);
            return [guesses, guesses.map((guess) => RuneAnswer.answer(guess, data))]; }""",
        [drawings, rows, page_data(recognizer)],
    )
    return server, guesses, answers


def test_browser_gives_the_servers_answer(readings, artifacts_dir):
    server, browser, _ = readings
    same_rune = np.mean([s.rune == b["rune"] for s, b in zip(server, browser, strict=True)])
    same_is_rune = np.mean([s.is_rune == b["is_rune"] for s, b in zip(server, browser, strict=True)])
    same_answer = np.mean(
        [
            (s.rune, s.is_rune, s.elsewhere) == (b["rune"], b["is_rune"], _pair(b["elsewhere"]))
            for s, b in zip(server, browser, strict=True)
        ]
    )
    differences = [
        max(abs(s.probabilities[rune] - b["probabilities"][rune]) for rune in s.probabilities)
        for s, b in zip(server, browser, strict=True)
    ]
    report = {
        "drawings": len(server),
        "top1_agreement": float(same_rune),
        "rune_or_not_agreement": float(same_is_rune),
        "whole_answer_agreement": float(same_answer),
        "max_probability_difference": float(max(differences)),
        "p99_probability_difference": float(np.percentile(differences, 99)),
        "not_a_rune_share": float(np.mean([not s.is_rune for s in server])),
    }
    (artifacts_dir / "browser_parity.json").write_text(json.dumps(report, indent=2) + "\n")
    assert report["not_a_rune_share"] > 0.05  # the set exercises "not a rune", not runes alone
    assert same_rune >= 0.995, report
    assert same_is_rune >= 0.995, report
    assert same_answer >= 0.995, report


def test_the_page_shows_the_servers_top_5_and_card(readings, artifacts_dir):
    """ui/answer.js with ui/answers.py's data gives what the server shows: the same top 5 (every guess shown at
    1% or more, in the same order: below that, near-ties of ~0 can swap), the same named best guess, and the same
    card HTML (confidence lines included, so a percentage rounded apart counts as different)."""
    server, _, answers = readings
    top5 = gr.Label(num_top_classes=cards.TOP_K)
    same_top5, same_label, same_card, kinds = [], [], [], set()
    for prediction, answer in zip(server, answers, strict=True):
        labels, card = cards.answer(prediction)
        shown = top5.postprocess(labels).model_dump()
        same_top5.append(_visible(shown["confidences"]) == _visible(answer["top5"]["confidences"]))
        same_label.append(shown["label"] == answer["top5"]["label"])
        same_card.append(card == answer["card"])
        kinds.add(card.split('"', 2)[1])  # the card's class: rune-card, rune-card not-rune, ... elsewhere
    report = {
        "drawings": len(server),
        "same_top5_at_1_percent_or_more": float(np.mean(same_top5)),
        "same_best_guess": float(np.mean(same_label)),
        "same_card_html": float(np.mean(same_card)),
    }
    (artifacts_dir / "browser_answer_parity.json").write_text(json.dumps(report, indent=2) + "\n")
    assert {"rune-card", "rune-card not-rune", "rune-card elsewhere"} <= kinds, kinds
    assert report["same_top5_at_1_percent_or_more"] >= 0.995, report
    assert report["same_best_guess"] >= 0.995, report
    assert report["same_card_html"] >= 0.99, report


def _visible(confidences):
    return [item["label"] for item in confidences if item["confidence"] >= 0.01]


def test_the_page_answers_an_empty_pad_with_the_prompt(page):
    data = page_data(Recognizer.load(None))
    answer = page.evaluate("(data) => RuneAnswer.answer(null, data)", data)
    assert (answer["top5"]["label"], answer["card"]) == cards.empty_answer()


def _pair(value):
    return tuple(value) if value else None


def test_browser_reads_an_empty_pad_as_nothing(page):
    assert page.evaluate("() => guesser.guess({width: 384, height: 384, strokes: []}, 'younger')") is None


def test_short_twig_row_reads_a_lone_stroke_by_where_it_sits(page):
    """The lone-stroke rule (ᛌ sól high, ᛧ yr low) comes from the export, and matches the server."""
    recognizer = Recognizer.load(None)
    for top, expected in ((40, "sol"), (260, "yr")):
        drawing = {"width": 384, "height": 384, "strokes": [[[192, 192], [top, top + 80], [0, 100]]]}
        image = render_strokes(check_strokes(drawing["strokes"], 384, 384), 384, 384)
        assert recognizer.predict(image, "short-twig").rune == expected
        assert page.evaluate("(d) => guesser.guess(d, 'short-twig').rune", drawing) == expected


def test_the_app_serves_the_export_of_the_model_it_loaded(tmp_path):
    """ui.guess: the bundled model's export; none for a folder without one (or half of one), or for a model with
    other labels; the page is given the two files, not their folder (a Hub cache's files are links)."""
    assert guess.web_export(Recognizer.load(None)) == WEB
    older = tmp_path / "older"
    shutil.copytree(BUNDLED_MODEL_DIR, older, ignore=shutil.ignore_patterns(WEB_DIRNAME))
    assert guess.web_export(Recognizer.load(older)) is None
    (older / WEB_DIRNAME).mkdir()
    shutil.copy(WEB / MANIFEST_FILENAME, older / WEB_DIRNAME)
    assert guess.web_export(Recognizer.load(older)) is None  # no weights.bin
    shutil.copy(WEB / WEIGHTS_FILENAME, older / WEB_DIRNAME)
    assert guess.web_export(Recognizer.load(older)) == older / WEB_DIRNAME
    assert find_export(older, ["fe", "ur"]) is None
    assert set(guess.static_paths(WEB)) >= {WEB / MANIFEST_FILENAME, WEB / WEIGHTS_FILENAME}
    assert WEB not in guess.static_paths(WEB) and guess.static_paths(None) == [*guess.SCRIPTS, *guess.WASM_FILES]
