"""Learn the runes, the game, in a real browser (headless Chromium), as a first-time visitor.

The visitor opens the "Learn the runes" tab, presses Start, reads the rune asked for, draws it on the game pad
and sees the round won (judged by the page's own model: no wait for the round's 20 s), or presses "I don't know:
skip" and sees the rune come back sooner. With "Keep my drawings" ticked a round's drawing is in the shared app's
store (the `contributed_dir` fixture) with source "game"; unticked, nothing is kept. Every check waits on what the
page shows.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import Page, expect
from rune_strokes import mouse_strokes
from test_app_browser import (
    DESKTOP,
    TIMEOUT_MS,
    count_server_events,
    pad_box,
    rune_strokes,
    server_events,
    stored,
    wait_until_the_page_guesses,
)

from runes.game import MISS_GAP, ROUNDS
from runes.rows import get_row

YOUNGER = get_row("younger")


@pytest.fixture()
def page(browser, app_url: str) -> Page:
    """A first-time visitor with the game's tab open."""
    with visitor(browser, app_url) as page:
        yield page


@contextlib.contextmanager
def visitor(browser, app_url: str, blocked: list | None = None):
    """A new browser context on the app with the game's tab open; with `blocked`, the page cannot fetch its model
    (the URLs it asked for are appended), as in a browser that cannot run it."""
    context = browser.new_context(viewport=DESKTOP)
    if blocked is not None:
        context.route("**/web/model.json", lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator("#pad canvas").wait_for(state="visible")
    page.get_by_role("tab", name="Learn the runes").click()
    page.locator("#game-pad canvas").wait_for(state="visible")
    yield page
    context.close()


def start(page: Page) -> None:
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#game-board .game-number")).to_have_text(f"Round 1 of {ROUNDS}")


def asked(page: Page) -> str:
    """The rune the round asks for, read as a visitor reads it: "Draw ᚠ fé (wealth, cattle) in 20 s"."""
    text = page.locator("#game-board .game-prompt").inner_text()
    match = re.match(r"Draw (\S+) (\S+) \(", text)
    assert match, f"no rune asked for in {text!r}"
    glyph, name = match.groups()
    rune = next(rune for rune in YOUNGER.runes if rune.name == name)
    assert YOUNGER.glyph(rune.id) == glyph
    return rune.id


def expect_round(page: Page, number: int) -> None:
    expect(page.locator("#game-board .game-number")).to_have_text(f"Round {number} of {ROUNDS}")


def draw_asked(page: Page) -> str:
    rune_id = asked(page)
    mouse_strokes(page, rune_strokes(pad_box(page, "#game-pad"), rune_id))
    return rune_id


def skip(page: Page) -> None:
    page.get_by_role("button", name="I don't know: skip").click()


def test_draw_the_rune_asked_for_and_win_the_round(page: Page):
    expect(page.locator("#game-board")).to_contain_text("Press Start")
    expect(page.get_by_role("button", name="I don't know: skip")).to_be_disabled()
    start(page)
    expect(page.locator("#game-board .game-clock")).to_contain_text("s left")
    expect(page.locator("#game-board .game-score")).to_have_text("Score 0 of 0 · streak 0")
    first = draw_asked(page)
    expect_round(page, 2)
    expect(page.locator("#game-board .game-last")).to_contain_text(f"✓ Right: {YOUNGER.glyph(first)}")
    expect(page.locator("#game-board .game-score")).to_have_text("Score 1 of 1 · streak 1")
    assert page.locator("#game-pad canvas").get_attribute("aria-label").endswith(": empty")  # a clear pad
    draw_asked(page)
    expect_round(page, 3)
    expect(page.locator("#game-board .game-score")).to_have_text("Score 2 of 2 · streak 2")


def test_a_skipped_rune_comes_back_sooner(page: Page):
    start(page)
    skipped = asked(page)
    skip(page)
    expect_round(page, 2)
    expect(page.locator("#game-board .game-last")).to_contain_text("Skipped")
    expect(page.locator("#game-board .game-score")).to_have_text("Score 0 of 1 · streak 0")
    for number in range(3, 3 + MISS_GAP):  # MISS_GAP other runes, drawn right, then the skipped one again
        assert asked(page) != skipped
        draw_asked(page)
        expect_round(page, number)
    assert asked(page) == skipped
    expect(page.locator("#game-board .game-score")).to_have_text(f"Score {MISS_GAP} of {MISS_GAP + 1} · streak 2")


def test_the_summary_card_after_the_last_round(page: Page):
    start(page)
    won = draw_asked(page)
    for number in range(2, ROUNDS + 1):
        expect_round(page, number)
        skip(page)
    summary = page.locator("#game-board .game-summary")
    expect(summary).to_contain_text(f"Game over: 1 of {ROUNDS} right")
    expect(summary).to_contain_text("Best streak: 1.")
    expect(summary).to_contain_text(f"Drawn right: {YOUNGER.glyph(won)}")
    expect(summary.locator(".game-practise")).to_contain_text("To practise:")
    expect(summary.get_by_role("button", name="Copy the score to share")).to_be_visible()
    expect(page.get_by_role("button", name="I don't know: skip")).to_be_disabled()


def test_with_consent_a_round_is_kept_with_source_game(page: Page, contributed_dir):
    consent = page.get_by_label("Keep my drawings as training data")
    expect(consent).not_to_be_checked()  # off until the visitor ticks it
    consent.check()
    start(page)
    before = stored(contributed_dir)
    rune_id = draw_asked(page)
    expect_round(page, 2)
    expect(page.locator("#game-board .game-last")).to_contain_text("Drawing kept")
    after = stored(contributed_dir)
    assert len(after) == len(before) + 1
    record = after[-1]
    assert (record["label"], record["source"], record["guess"], record["flag"]) == (rune_id, "game", rune_id, None)
    assert (contributed_dir / record["file_name"]).is_file() and record["strokes"]
    skip(page)  # a skipped round with nothing drawn keeps nothing
    expect_round(page, 3)
    assert len(stored(contributed_dir)) == len(after)


def test_without_consent_nothing_is_kept(page: Page, contributed_dir):
    wait_until_the_page_guesses(page)  # the page judges: no drawing needs to reach the server
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.post_data or "") if "/queue/join" in request.url else None)
    start(page)
    before = len(stored(contributed_dir))
    draw_asked(page)
    expect_round(page, 2)
    expect(page.locator("#game-board .game-last")).not_to_contain_text("kept")
    draw_asked(page)
    expect_round(page, 3)
    assert len(stored(contributed_dir)) == before
    assert len(sent) == 3 and not any('"strokes"' in body for body in sent), sent  # Start, two rounds: no drawing


def test_a_round_costs_one_server_event_however_many_strokes(page: Page):
    """The page judges every stroke itself: drawing a round's rune sends nothing; its end is one event."""
    wait_until_the_page_guesses(page)
    start(page)
    round_number = 1
    while len(strokes := rune_strokes(pad_box(page, "#game-pad"), asked(page))) < 2:  # a rune of one stroke (ᛁ)
        skip(page)  # has no "all but the last stroke": skip to one drawn in several
        round_number += 1
        expect_round(page, round_number)
    count_server_events(page)
    mouse_strokes(page, strokes[:-1])  # all but the last stroke: judged in the page, not won yet
    expect(page.locator("#game-board .game-seen")).to_contain_text("The model sees:")
    assert server_events(page)[1] == 0
    mouse_strokes(page, strokes[-1:])
    expect_round(page, round_number + 1)
    assert server_events(page)[1] == 1, "the round's end should be the only server event"


def test_without_the_page_model_the_server_judges(browser, app_url: str):
    blocked: list[str] = []
    with visitor(browser, app_url, blocked) as page:
        page.wait_for_function("() => document.querySelector('#guess-line .guess-line')?.dataset.ready === 'false'")
        assert blocked, "the page never asked for the model export"
        start(page)
        rune_id = draw_asked(page)
        expect_round(page, 2)
        expect(page.locator("#game-board .game-last")).to_contain_text(f"✓ Right: {YOUNGER.glyph(rune_id)}")


def test_the_keyboard_alone_starts_and_skips(page: Page):
    """Start and "I don't know" by Enter and Space; the focus stays on Skip from round to round."""
    page.locator("#game-start").focus()
    page.keyboard.press("Enter")
    expect_round(page, 1)
    skip_button = page.get_by_role("button", name="I don't know: skip")
    page.keyboard.press("Shift+Tab")  # Skip is just before Start
    expect(skip_button).to_be_focused()
    for number, key in ((2, "Enter"), (3, " "), (4, "Enter")):
        page.keyboard.press(key)
        expect_round(page, number)
        expect(skip_button).to_be_focused()
    expect(page.locator("#game-board .game-score")).to_have_text("Score 0 of 3 · streak 0")
