"""Runic text, the rune keyboard and copy, in a real browser (headless Chromium), as a first-time visitor.

The visitor opens the page, picks the "Runic text" tab, pastes or types runes, or writes them with the keyboard
(by mouse, or with the keyboard alone: Tab to a key, Enter or Space to press it), and copies what they made. The
clipboard is read back through Chromium's clipboard permission. Every check waits for what the page shows.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from rune_strokes import mouse_strokes, strokes_in_box
from test_app_browser import DESKTOP, TIMEOUT_MS, assert_no_tofu, choose_row, draw_rune, expect_guess, pad_box

from runes.rows import ROWS
from runes.runic_text import GLYPHS

CLIPBOARD = ["clipboard-read", "clipboard-write"]


@pytest.fixture()
def page(browser, app_url: str) -> Page:
    """A first-time visitor whose browser lets the page use the clipboard."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(CLIPBOARD, origin=app_url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator("#pad canvas").wait_for(state="visible")
    yield page
    context.close()


def clipboard(page: Page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def expect_clipboard(page: Page, text: str) -> None:
    """Wait until the clipboard holds `text` (a copy is a promise the page resolves on its own)."""
    page.wait_for_function("(text) => navigator.clipboard.readText().then((got) => got === text)", arg=text)
    assert clipboard(page) == text


def runic_box(page: Page):
    return page.locator("#runic-input textarea")


def test_pasted_runes_read_word_by_word(page: Page):
    page.get_by_role("tab", name="Runic text").click()
    reading = page.locator("#runic-reading")
    expect(reading).to_contain_text("Type or paste runes")
    runic_box(page).fill("ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ")  # the Jelling stone of King Gorm (DR 41)
    expect(reading.locator(".runic-reading")).to_have_attribute("data-transliteration", "kurmʀ kunukʀ")
    expect(reading.locator(".runic-words li")).to_have_count(2)
    expect(reading.locator(".runic-words li").first).to_have_text("ᚴᚢᚱᛘᛦ kurmʀ")
    expect(reading).to_contain_text("ᚢ = u/o/v/w/y")
    expect(reading).to_contain_text("Read as the Younger Futhark")
    assert_no_tofu(page, ("runic-reading",))
    runic_box(page).fill("ᚨᚾᛊᚢᛉ ᚴᚢᚱᛘᛦ")
    expect(reading).to_contain_text("This text mixes rows")
    runic_box(page).fill("Hello")
    expect(reading).to_contain_text("These are no runes: H e l o")


def test_the_rune_keyboard_with_the_keyboard_only(page: Page):
    page.get_by_role("tab", name="Runic text").click()
    keyboard = page.locator("#rune-keyboard .rune-keyboard")
    expect(keyboard).to_have_attribute("data-row", "younger")
    expect(keyboard.locator(".rune-key[data-key]")).to_have_count(len(GLYPHS["younger"]) + 1)  # + the separator
    runic_box(page).focus()
    page.keyboard.press("Tab")  # the next stop after the box is the keyboard's first key
    expect(page.get_by_role("button", name="ᚠ fé, f")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="ᚢ úr, u")).to_be_focused()
    page.keyboard.press(" ")
    expect(runic_box(page)).to_have_value("ᚠᚢ")
    page.get_by_role("button", name="Word separator ᛫").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="ᚦ þurs, þ").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Delete the last character").focus()
    page.keyboard.press("Enter")  # one ᚦ too many
    expect(runic_box(page)).to_have_value("ᚠᚢ᛫ᚦ")
    expect(page.locator("#runic-reading .runic-reading")).to_have_attribute("data-transliteration", "fu þ")
    page.get_by_role("button", name="Copy text: the runes in the box").focus()
    page.keyboard.press("Enter")
    expect(keyboard.locator(".copy-status")).to_have_text("Copied")
    expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)  # said to screen readers too
    expect_clipboard(page, "ᚠᚢ᛫ᚦ")
    # The row choice above the tabs gives the keyboard of that row, from the same Python data.
    choose_row(page, "Elder Futhark")
    expect(keyboard).to_have_attribute("data-row", "elder")
    expect(keyboard.locator(".rune-key[data-key]")).to_have_count(24 + 1)
    page.get_by_role("button", name="ᚨ ansuz, a").click()
    expect(runic_box(page)).to_have_value("ᚠᚢ᛫ᚦᚨ")
    expect(page.locator("#runic-reading .runic-reading")).to_have_attribute("data-row", "elder")
    choose_row(page, "Younger, short-twig")
    expect(keyboard.locator('.rune-key[data-key="ᛐ"]')).to_have_count(1)
    expect(keyboard.locator('.rune-key[data-key="ᛏ"]')).to_have_count(0)
    assert keyboard.locator(".rune-key[data-key]").evaluate_all("keys => keys.map(k => k.dataset.key).join('')") == (
        ROWS["short-twig"].glyphs + "᛫"
    )


def test_copy_the_rune_card_the_name_and_the_reading(page: Page):
    draw_rune(page, "tyr")
    expect_guess(page, "ᛏ týr")
    card = page.locator("#card .rune-card")
    expect(card.locator(".codepoint")).to_have_text("U+16CF")
    card.get_by_role("button", name="Copy the rune ᛏ").click()
    expect_clipboard(page, "ᛏ")
    expect(card.get_by_role("button", name="Copy the rune ᛏ")).to_have_text("Copied ✓")

    page.get_by_role("tab", name="Your name in runes").click()
    page.locator("#name-text textarea, #name-text input").first.fill("Harald")
    expect(page.locator("#name-runes .name-runes")).to_have_attribute("data-runes", "ᚼᛅᚱᛅᛚᛏ")
    page.get_by_role("button", name="Copy your name in runes").click()
    expect_clipboard(page, "ᚼᛅᚱᛅᛚᛏ")

    page.get_by_role("tab", name="Runic text").click()
    runic_box(page).fill("ᚴᚢᚱᛘᛦ")
    page.get_by_role("button", name="Copy the Latin letters").click()
    expect_clipboard(page, "kurmʀ")


def test_the_inscription_is_read_in_the_runic_text_tab(page: Page):
    page.get_by_role("tab", name="Inscription").click()
    box = pad_box(page, "#inscription-pad")
    size = 0.7 * box["height"]
    step = 0.8 * size
    left = box["x"] + (box["width"] - 3 * step) / 2
    for index, rune_id in enumerate(("tyr", "ur", "reith")):
        mouse_strokes(page, strokes_in_box(rune_id, left + index * step, box["y"] + 0.15 * box["height"], size))
    expect(page.locator("#inscription-text .inscription")).to_have_attribute("data-transliteration", "tur")
    page.get_by_role("button", name="Copy the runes").click()
    expect_clipboard(page, "ᛏᚢᚱ")
    page.get_by_role("button", name="Read it in “Runic text”").click()
    expect(page.get_by_role("tab", name="Runic text")).to_have_attribute("aria-selected", "true")
    expect(runic_box(page)).to_have_value("ᛏᚢᚱ")
    reading = page.locator("#runic-reading .runic-reading")
    expect(reading).to_have_attribute("data-transliteration", "tur")
    expect(reading).to_contain_text("ᛏ = t/d")
