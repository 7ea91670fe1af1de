"""The real app in a real browser: Debian chromium (headless) driven by Playwright.

Draws runes with mouse strokes on the sketchpad, checks the live top label, the cleared state,
that the bundled runic font really renders, and saves a screenshot to tests/artifacts/.
The Contribute tab and the "Wrong? It was ..." correction store drawings in the app's RUNES_DATA_DIR.
"""

from __future__ import annotations

import json
import re

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


@pytest.fixture(scope="module")
def page(browser, app_url: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator(".pixi-target canvas").first.wait_for(state="visible")
    yield page
    context.close()


def top_label(page: Page):
    return page.locator("#top5 h2, #top5 .output-class").first


def draw_rune(page: Page, rune_id: str, sketchpad: str = "#sketchpad") -> None:
    # Pick the brush (a cleared canvas starts with no tool selected).
    pad = page.locator(sketchpad)
    pad.get_by_role("button", name="Brush", exact=True).click()
    canvas = pad.locator(".pixi-target canvas").first
    box = canvas.bounding_box()
    assert box is not None
    # The white drawing area is a centred square inside the canvas element; draw well inside it.
    size = 0.55 * min(box["width"], box["height"])
    left = box["x"] + (box["width"] - size) / 2
    top = box["y"] + (box["height"] - size) / 2
    for stroke in strokes_in_box(rune_id, left, top, size):
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*point, steps=8)
        page.mouse.up()
        page.wait_for_timeout(150)


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
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator("#sketchpad .pixi-target canvas").first.wait_for(state="visible")
    yield page
    context.close()


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
