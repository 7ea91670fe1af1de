"""Share, in a real browser (headless Chromium), as a first-time visitor: a link and a PNG card of a reading.

The visitor draws a rune, presses Share, copies the link (read back through Chromium's clipboard permission) and
opens it in a fresh browser: the pad shows the same drawing (the same strokes, the same pixels) and the page the
same answer. The card downloads as a PNG with the drawing and the rune. Bad links open the page as it is, with a
note. Every check waits for what the page shows.
"""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from test_app_browser import DESKTOP, TIMEOUT_MS, draw_rune, expect_guess, pad_box

from runes import get_rune
from runes.rows import ROW_IDS
from runes.writing import render_runes
from ui.share_card import CARD_SIZE, DRAWING_BOX
from ui.share_link import MAX_CODE_CHARS, decode

CLIPBOARD = ["clipboard-read", "clipboard-write"]
CANVAS = (384, 384)

# The drawings the Recognize pad announces (pad.js 'stroke-pad-drawing'), the last one kept: the pad's value.
KEEP_DRAWINGS = """() => document.addEventListener('stroke-pad-drawing', (event) => {
    if (event.target.closest('#pad')) window.lastDrawing = event.detail; })"""
PAD_PIXELS = "() => document.querySelector('#pad canvas').toDataURL('image/png')"


def visit(browser, url: str, origin: str):
    """A first-time visitor's fresh browser (its own context), the clipboard allowed, on `url`."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.grant_permissions(CLIPBOARD, origin=origin.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator("#pad canvas").wait_for(state="visible")
    return context, page


def ink(data_url: str) -> np.ndarray:
    """The pad's ink (its canvas as a PNG data URL): where the alpha is over half."""
    picture = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    return np.asarray(picture.convert("RGBA"))[..., 3] > 127


def same_picture(one: str, other: str) -> bool:
    """The same ink on both canvases, but for the edges' anti-aliasing (a stroke drawn live is drawn segment by
    segment, a stroke set from a value in one path): over 95% of the ink in common."""
    first, second = ink(one), ink(other)
    return first.shape == second.shape and (first & second).sum() > 0.95 * (first | second).sum() > 0


def answer(page: Page) -> tuple[str, str | None]:
    """(the top guess's label, the card's rune id)."""
    return page.locator("#top5 h2.output-class").inner_text().strip(), page.locator(
        "#card .rune-card"
    ).first.get_attribute("data-rune")


def test_the_share_link_reopens_the_same_drawing_and_answer(browser, app_url: str, artifacts_dir):
    context, page = visit(browser, app_url, app_url)
    page.evaluate(KEEP_DRAWINGS)
    draw_rune(page, "fe")
    expect_guess(page, get_rune("fe").label)
    drawn, pixels, said = page.evaluate("window.lastDrawing"), page.evaluate(PAD_PIXELS), answer(page)

    page.get_by_role("button", name="Share: link and picture card").click()
    copy = page.get_by_role("button", name="Copy link to this drawing")
    copy.click()
    expect(copy).to_have_text("Copied ✓", timeout=TIMEOUT_MS)
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(app_url) and "#d=" in link
    code = link.split("#d=", 1)[1]
    shared, row = decode(code, CANVAS, ROW_IDS)  # the link holds the pad's value exactly
    assert row == "younger"
    assert shared["strokes"] == drawn["strokes"] and len(drawn["strokes"]) == 3
    (artifacts_dir / "share_link.json").write_text(
        json.dumps({"rune": "fe", "points": sum(len(s[0]) for s in drawn["strokes"]), "link_chars": len(link)})
    )

    with page.expect_download() as download_info:  # the card, as the visitor saves it
        page.locator("#share-card").get_by_role("button", name="Download", exact=True).click()
    card = Image.open(io.BytesIO(download_info.value.path().read_bytes()))
    assert card.format == "PNG" and card.size == CARD_SIZE
    grey = np.asarray(card.convert("L"))
    drawing_part = grey[30 : 30 + DRAWING_BOX, 30 : 30 + DRAWING_BOX]
    assert (drawing_part < 128).mean() > 0.01  # the drawing's ink
    glyph = render_runes(get_rune("fe").glyph, font_size=150, margin=0) < 128
    right = grey[:, 400:] < 128
    assert right.sum() > glyph.sum() * 0.9  # the rune (and its words) on the right
    context.close()

    other, fresh = visit(browser, link, app_url)  # a fresh browser: nothing of the first one
    expect(fresh.locator("#pad canvas")).to_have_attribute(
        "aria-label", "Draw one rune here: 3 strokes drawn", timeout=TIMEOUT_MS
    )
    expect_guess(fresh, said[0])
    assert answer(fresh) == said
    assert same_picture(fresh.evaluate(PAD_PIXELS), pixels)  # the same picture on the pad
    expect(fresh.locator("#share-panel")).to_contain_text("shared drawing", timeout=TIMEOUT_MS)
    other.close()


@pytest.mark.parametrize(
    ("fragment", "note"),
    [
        ("garbage!!", "damaged"),
        ("2.younger.AAAA", "another version"),
        ("1.klingon.AAAA", "rune row"),
        ("1.younger." + "A" * (MAX_CODE_CHARS + 10), "too long"),
        ("1.younger.gYgYC", "cut short"),  # 384, 384, one stroke, then nothing
    ],
)
def test_a_bad_link_opens_the_page_as_it_is_with_a_note(browser, app_url: str, fragment: str, note: str):
    context, page = visit(browser, app_url + "#d=" + fragment, app_url)
    expect(page.locator("#share-panel")).to_contain_text(note, timeout=TIMEOUT_MS)
    expect(page.locator("#share-panel")).to_contain_text("Draw a rune to start", timeout=TIMEOUT_MS)
    expect(page.locator("#pad canvas")).to_have_attribute("aria-label", "Draw one rune here: empty", timeout=TIMEOUT_MS)
    draw_rune(page, "tyr")  # and the page works
    expect_guess(page, get_rune("tyr").label)
    assert pad_box(page)
    context.close()
