"""The real app in a real browser: Debian chromium (headless) driven by Playwright.

Draws runes with mouse strokes on the sketchpad, checks the live top label, the cleared state,
that the bundled runic font really renders, and saves a screenshot to tests/artifacts/.
The Contribute tab and the "Wrong? It was ..." correction store drawings in the app's RUNES_DATA_DIR.
"""

from __future__ import annotations

import contextlib
import json
import math
import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from rune_strokes import strokes_in_box

from runes import RUNE_IDS, get_rune

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def opened_app(browser, app_url: str):
    """A new browser context with the app loaded and its sketchpad ready."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator("#sketchpad .pixi-target canvas").first.wait_for(state="visible")
    yield page
    context.close()


@pytest.fixture(scope="module")
def page(browser, app_url: str) -> Page:
    with opened_app(browser, app_url) as page:
        yield page


def top_label(page: Page):
    return page.locator("#top5 h2, #top5 .output-class").first


def _drawing_area(page: Page, sketchpad: str, aspect: float = 1.0) -> dict:
    """Pick the brush and return the pad's white drawing area (centred in its canvas element, this aspect)."""
    pad = page.locator(sketchpad)
    pad.get_by_role("button", name="Brush", exact=True).click()  # a cleared canvas starts with no tool
    box = pad.locator(".pixi-target canvas").first.bounding_box()
    assert box is not None
    width = min(box["width"], box["height"] * aspect)
    height = width / aspect
    return {"x": box["x"] + (box["width"] - width) / 2, "y": box["y"] + (box["height"] - height) / 2,
            "width": width, "height": height}


def draw_strokes(page: Page, strokes) -> None:
    for stroke in strokes:
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*point, steps=8)
        page.mouse.up()
        # Hover on as a person's hand does: the editor's render loop sleeps 0.5 s after the last pointer event,
        # and on a busy machine the stroke's end may not be rendered (and exported) before it does.
        end_x, end_y = stroke[-1]
        for offset in (3, 6):
            page.wait_for_timeout(200)
            page.mouse.move(end_x + offset, end_y + offset)


def draw_rune(page: Page, rune_id: str, sketchpad: str = "#sketchpad") -> None:
    area = _drawing_area(page, sketchpad)
    size = 0.55 * area["width"]  # well inside the drawing area
    draw_strokes(page, strokes_in_box(rune_id, area["x"] + 0.225 * area["width"],
                                      area["y"] + 0.225 * area["height"], size))


def clear(page: Page) -> None:
    page.locator("#clear").click()
    expect(top_label(page)).to_have_text("Draw a rune")


def test_starts_with_the_draw_prompt(page: Page):
    expect(top_label(page)).to_have_text("Draw a rune")
    expect(page.locator("#card")).to_contain_text("Draw a rune")
    expect(page.locator("#model-source")).to_contain_text("Model:")


def test_runic_font_is_loaded_and_used(page: Page):
    page.evaluate("() => document.fonts.ready")
    statuses = page.evaluate("() => [...document.fonts].filter(f => f.family.includes('Noto Sans Runic'))"
                             ".map(f => f.status)")
    assert "loaded" in statuses
    assert page.evaluate("() => document.fonts.check('32px \"Noto Sans Runic\"', 'ᛏᚼᛁ')")
    # Each of the 16 glyphs in the reference strip gets a real width (boxes/tofu would all be equal).
    widths = page.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '40px "Noto Sans Runic"';
        return ['ᚠ','ᚢ','ᛁ','ᛏ','ᚼ','ᛘ'].map(g => c.measureText(g).width); }""")
    assert len(set(round(w, 1) for w in widths)) > 2, widths
    expect(page.locator("#reference .cell")).to_have_count(16)


@pytest.mark.parametrize("rune_id", ["isa", "tyr", "hagall"])
def test_drawing_a_rune_shows_it_live(page: Page, artifacts_dir, rune_id: str):
    clear(page)
    draw_rune(page, rune_id)
    rune = get_rune(rune_id)
    expect(top_label(page)).to_have_text(rune.label)
    card = page.locator("#card")
    expect(card).to_contain_text(rune.name)
    expect(card).to_contain_text(rune.meaning)
    expect(page.locator("#top5")).not_to_contain_text("Traceback")
    if rune_id == "hagall":
        page.screenshot(path=str(artifacts_dir / "app-hagall.png"), full_page=True)


def test_clear_returns_to_the_prompt(page: Page, artifacts_dir):
    draw_rune(page, "tyr")
    expect(top_label(page)).not_to_have_text("Draw a rune")
    clear(page)
    expect(page.locator("#card")).to_contain_text("Draw a rune")
    page.screenshot(path=str(artifacts_dir / "app-cleared.png"), full_page=True)


# --------------------------------------------------------------------------- contribute and correct (issue 5)


def stored(contributed_dir) -> list[dict]:
    path = contributed_dir / "metadata.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture()
def fresh_page(browser, app_url: str) -> Page:
    with opened_app(browser, app_url) as page:
        yield page


def test_contribute_tab_draws_the_prompted_rune_and_stores_it(fresh_page: Page, contributed_dir, artifacts_dir):
    page = fresh_page
    page.get_by_role("tab", name="Contribute").click()
    prompt = page.locator("#contribute-prompt .rune-prompt")
    prompt.wait_for(state="visible")
    page.locator("#contribute-pad .pixi-target canvas").first.wait_for(state="visible")
    status = page.locator("#contribute-status")
    page.locator("#contribute-save").click()  # nothing drawn yet: a friendly refusal, nothing stored
    expect(status).to_contain_text("The canvas is empty")
    before = stored(contributed_dir)

    rune_id = prompt.get_attribute("data-rune")
    rune = get_rune(rune_id)
    expect(prompt).to_contain_text(rune.name)
    expect(prompt.locator(".glyph")).to_contain_text(rune.glyph)
    draw_rune(page, rune_id, "#contribute-pad")
    page.locator("#contribute-save").click()
    expect(status).to_contain_text(f"Saved your {rune.label}")
    after = stored(contributed_dir)
    assert len(after) == len(before) + 1
    record = after[-1]
    assert record["label"] == rune_id and record["source"] == "prompted"
    assert (contributed_dir / record["file_name"]).is_file() and record["file_name"].startswith(f"{rune_id}/")
    assert (record["width"], record["height"]) == (384, 384)
    count = sum(r["label"] == rune_id for r in after)
    expect(page.locator(f'#contribute-counts .cell[data-rune="{rune_id}"]')).to_have_attribute("data-count", str(count))
    expect(prompt).to_have_attribute("data-rune", re.compile("|".join(RUNE_IDS)))
    page.screenshot(path=str(artifacts_dir / "app-contribute.png"), full_page=True)
    # The canvas was cleared for the next rune: saving again is refused and stores nothing.
    page.locator("#contribute-save").click()
    expect(status).to_contain_text("The canvas is empty")
    assert len(stored(contributed_dir)) == len(after)


def test_wrong_guess_can_be_corrected(fresh_page: Page, contributed_dir):
    page = fresh_page
    page.locator("#correct").click()
    expect(page.locator("#correct-status")).to_contain_text("Pick the rune you drew")
    draw_rune(page, "tyr")
    expect(top_label(page)).to_have_text(get_rune("tyr").label)
    page.locator("#correct-label input").click()
    page.get_by_role("option", name=get_rune("isa").label).click()
    before = len(stored(contributed_dir))
    page.locator("#correct").click()
    expect(page.locator("#correct-status")).to_contain_text("Saved as ᛁ íss (the model said ᛏ týr)")
    records = stored(contributed_dir)
    assert len(records) == before + 1
    assert records[-1]["label"] == "isa" and records[-1]["guess"] == "tyr" and records[-1]["source"] == "correction"
    assert (contributed_dir / records[-1]["file_name"]).is_file()


# --------------------------------------------------------------------------- not a rune, inscriptions (issue 6)


def test_a_circle_with_a_cross_is_not_a_rune(fresh_page: Page, artifacts_dir):
    page = fresh_page
    area = _drawing_area(page, "#sketchpad")
    cx, cy, r = area["x"] + area["width"] / 2, area["y"] + area["height"] / 2, 0.3 * area["width"]
    circle = [(cx + r * math.cos(t), cy + r * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 40)]
    draw_strokes(page, [circle, [(cx, cy - r), (cx, cy + r)], [(cx - r, cy), (cx + r, cy)]])
    expect(top_label(page)).to_have_text("Not a rune")
    expect(page.locator("#card")).to_contain_text("This doesn't look like a rune")
    expect(page.locator("#card .nearest")).to_have_count(3)  # the nearest guesses, greyed
    page.screenshot(path=str(artifacts_dir / "app-not-a-rune.png"), full_page=True)


def test_inscription_tab_reads_three_runes(fresh_page: Page, artifacts_dir):
    page = fresh_page
    page.get_by_role("tab", name="Inscription").click()
    page.locator("#inscription-pad .pixi-target canvas").first.wait_for(state="visible")
    expect(page.locator("#inscription-text")).to_contain_text("Write a few runes")
    area = _drawing_area(page, "#inscription-pad", aspect=960 / 300)
    size = 0.7 * area["height"]
    step = 0.8 * size  # glyphs are 0.8 * size tall and at most 0.45 * size wide: gaps well under a word gap
    left = area["x"] + (area["width"] - 3 * step) / 2
    for index, rune_id in enumerate(("tyr", "ur", "reith")):
        draw_strokes(page, strokes_in_box(rune_id, left + index * step, area["y"] + 0.15 * area["height"], size))
    for step_index in range(5):  # keep the pointer moving over the canvas a moment, as a hand does
        page.wait_for_timeout(200)
        page.mouse.move(left + 3 * step + 10 * step_index, area["y"] + 0.9 * area["height"])
    text = page.locator("#inscription-text .inscription")
    expect(text).to_have_attribute("data-transliteration", "tur", timeout=60_000)
    expect(text.locator(".runic-text")).to_have_text("ᛏᚢᚱ")
    page.screenshot(path=str(artifacts_dir / "app-inscription.png"), full_page=True)
