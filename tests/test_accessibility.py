"""Accessibility of the real app in a real browser: axe-core on every tab, the guess announced, the keyboard path.

axe-core (tests/vendor/axe-core/, for the tests only: the page never loads it) is injected into the shared app's
page and run on the whole document with each tab open; it checks only what is shown, so each tab is measured on
its own. The violations found are written by impact to tests/artifacts/axe_counts.json; serious and critical ones
fail the test. The keyboard path is walked with Tab, Enter, Space and arrow presses only, checking the focus and
what the page shows after each.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from rune_strokes import mouse_strokes, strokes_in_box

from runes import get_rune
from runes.game import ROUNDS

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 20_000
DESKTOP = {"width": 1280, "height": 1100}
TABS = {  # the tab as a visitor sees it -> an element shown only while it is open
    "Recognize": "#pad canvas",
    "Inscription": "#inscription-pad canvas",
    "Contribute": "#contribute-pad canvas",
    "Your name in runes": "#name-text",
    "Teach it a symbol": "#teach-pad canvas",
    "Runic text": "#rune-keyboard button",
    "Learn the runes": "#game-pad canvas",
}
BLOCKING = ("serious", "critical")  # must be none; "moderate" and "minor" are reported
# Violations inside Gradio's own markup, which no component parameter, stylesheet or template of ours reaches:
# (rule, the element's HTML as axe reports it) -> why it is left out of the counts. Nothing else is left out.
GRADIO_OWN = {
    ("aria-prohibited-attr", '<div aria-label="Empty value" class="empty '): (
        "Gradio's empty image placeholder (gr.Image, gr.AnnotatedImage before their first picture) is a bare "
        '<div aria-label="Empty value"> with no role; ARIA allows no name on a generic div (gradio 6 Empty.svelte).'
    ),
}
COUNTS: dict[str, dict[str, int]] = {}  # tab -> impact -> violations, written to tests/artifacts/axe_counts.json
FOUND: dict[str, list[dict]] = {}  # tab -> what axe found, written to tests/artifacts/axe_violations.json

# What axe reports, cut to what a reader of the failure needs: the rule, its impact and where.
RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ['violations']});
    return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}));
}"""

# The page is still: no finite CSS transition or animation running (an output fades in after an event).
SETTLED = """() => document.getAnimations().every((animation) =>
    animation.playState !== 'running' || animation.effect.getTiming().iterations === Infinity)"""


@pytest.fixture()
def page(browser, app_url: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.locator("#pad canvas").wait_for(state="visible")
    yield page
    context.close()


@pytest.fixture(scope="module", autouse=True)
def axe_report(artifacts_dir):
    yield
    if COUNTS:
        (artifacts_dir / "axe_counts.json").write_text(json.dumps(COUNTS, indent=2, sort_keys=True) + "\n")
        (artifacts_dir / "axe_violations.json").write_text(json.dumps(FOUND, indent=2, ensure_ascii=False) + "\n")


def gradio_own(rule: str, node: dict) -> bool:
    return any(rule == own_rule and node["html"].startswith(start) for own_rule, start in GRADIO_OWN)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (injected once per page), less those in GRADIO_OWN."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    page.wait_for_function(SETTLED)  # colours measured as they end, not halfway through Gradio's fade-in
    violations = []
    for violation in page.evaluate(RUN_AXE):
        nodes = [node for node in violation["nodes"] if not gradio_own(violation["id"], node)]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def record(tab: str, violations: list[dict]) -> None:
    counts = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
    for violation in violations:
        counts[violation["impact"]] += len(violation["nodes"])
    COUNTS[tab] = counts
    FOUND[tab] = violations


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {node['target']}\n    {node['summary']}"
        for v in violations
        for node in v["nodes"]
    )


def draw(page: Page, rune_id: str, pad: str = "#pad") -> None:
    canvas = page.locator(f"{pad} canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    size = 0.6 * min(box["width"], box["height"])
    mouse_strokes(page, strokes_in_box(rune_id, box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"], size))


def draw_not_a_rune(page: Page) -> None:
    """A circle with a cross: the card then shows the nearest runes, greyed."""
    box = page.locator("#pad canvas").bounding_box()
    assert box is not None
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, 0.3 * box["width"]
    circle = [(cx + r * math.cos(t), cy + r * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 40)]
    mouse_strokes(page, [circle, [(cx, cy - r), (cx, cy + r)], [(cx - r, cy), (cx + r, cy)]])


@pytest.mark.parametrize("tab", list(TABS))
def test_no_serious_or_critical_axe_violations(page: Page, tab: str):
    page.get_by_role("tab", name=tab).click()
    page.locator(TABS[tab]).first.wait_for(state="visible")
    violations = axe_violations(page)
    if tab == "Recognize":  # and with answers shown: a rune's card, then the nearest runes of a non-rune
        draw(page, "tyr")
        expect(page.locator("#top5 h2.output-class")).to_have_text(get_rune("tyr").label)
        violations += axe_violations(page)
        page.get_by_role("button", name="Share: link and picture card").click()  # its link, copy button and card
        expect(page.get_by_role("button", name="Copy link to this drawing")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.locator("#share-card img")).to_be_visible(timeout=TIMEOUT_MS)
        violations += axe_violations(page)
        page.locator("#pad .pad-clear").click()
        draw_not_a_rune(page)
        expect(page.locator("#card .nearest")).to_have_count(3)
        violations += axe_violations(page)
    if tab == "Inscription":  # and with a reading: the runic text and the picture with its boxes
        canvas = page.locator("#inscription-pad canvas").bounding_box()
        assert canvas is not None
        size = 0.7 * canvas["height"]
        for index, rune_id in enumerate(("tyr", "ur", "reith")):
            left = canvas["x"] + canvas["width"] / 2 - 1.2 * size + index * 0.8 * size
            mouse_strokes(page, strokes_in_box(rune_id, left, canvas["y"] + 0.15 * canvas["height"], size))
        expect(page.locator("#inscription-text .inscription")).to_have_attribute("data-transliteration", "tur")
        expect(page.locator("#inscription-boxes img").first).to_be_visible()
        violations += axe_violations(page)
    if tab == "Your name in runes":  # and with a name written: its runes and their picture
        page.locator("#name-text textarea, #name-text input").first.fill("Harald")
        expect(page.locator("#name-png img")).to_be_visible()
        violations += axe_violations(page)
    if tab == "Runic text":  # and with a reading: the Jelling stone's kurmʀ kunukʀ, word by word with its notes
        page.locator("#runic-input textarea").fill("ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ")
        expect(page.locator("#runic-reading .runic-reading")).to_have_attribute("data-transliteration", "kurmʀ kunukʀ")
        violations += axe_violations(page)
    if tab == "Learn the runes":  # and with a round being played, its clock running, then the summary card
        page.get_by_role("button", name="Start").click()
        expect(page.locator("#game-board .game-clock")).to_contain_text("s left")
        violations += axe_violations(page)
        for number in range(1, ROUNDS + 1):  # "I don't know" to every round
            expect(page.locator("#game-board .game-number")).to_have_text(f"Round {number} of {ROUNDS}")
            page.get_by_role("button", name="I don't know: skip").click()
        expect(page.locator("#game-board .game-summary")).to_contain_text("Game over")
        violations += axe_violations(page)
    if tab == "Teach it a symbol":  # and with a message after Add
        page.locator("#teach-add").click()
        expect(page.locator("#teach-status")).to_contain_text("Give your symbol a name first")
        violations += axe_violations(page)
    record(tab, violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{tab}: axe-core finds\n{describe(blocking)}"


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector)


def tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 30) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus, as a keyboard user walks the page."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def test_the_keyboard_path(page: Page):
    """Row choice, tabs, buttons, the pad's Undo and Clear and the correction list, with keys only (the drawing
    itself is made with the pointer: a pad has no keyboard drawing)."""
    reference = page.locator("#reference .rune-reference")
    tab_to(page, "#row input[value='elder']")  # the row choice comes first
    page.keyboard.press("Space")
    expect(page.locator("#row input[value='elder']")).to_be_checked()
    expect(reference).to_have_attribute("data-row", "elder")
    tab_to(page, "#tab-name-button")
    page.keyboard.press("Enter")
    expect(page.locator("#tab-name-button")).to_have_attribute("aria-selected", "true")
    tab_to(page, "#name-text textarea, #name-text input")
    page.keyboard.type("Harald")
    expect(page.locator("#name-runes .name-runes")).to_have_attribute("data-runes", "ᚺᚨᚱᚨᛚᛞ")
    tab_to(page, "#tab-contribute-button", key="Shift+Tab")
    page.keyboard.press("Space")
    expect(page.locator("#contribute-pad canvas")).to_be_visible()
    tab_to(page, "#contribute-save")  # the disabled Undo and Clear of an empty pad are passed over
    page.keyboard.press("Enter")
    expect(page.locator("#contribute-status [role='status']")).to_contain_text("The canvas is empty: draw")
    tab_to(page, "#tab-recognize-button", key="Shift+Tab")
    page.keyboard.press("Enter")
    canvas = page.locator("#pad canvas")
    expect(canvas).to_have_attribute("aria-label", "Draw one rune here: empty")
    draw(page, "tyr")  # two strokes, with the pen
    expect(canvas).to_have_attribute("aria-label", "Draw one rune here: 2 strokes drawn")
    expect(page.locator("#top5 h2.output-class")).to_have_text("ᛏ tīwaz")  # read in the row chosen by keyboard
    page.locator("#tab-recognize-button").focus()  # back where the keyboard user was
    tab_to(page, "#pad .pad-undo")
    page.keyboard.press("Enter")
    expect(canvas).to_have_attribute("aria-label", "Draw one rune here: 1 stroke drawn")
    tab_to(page, "#pad .pad-clear")
    page.keyboard.press("Space")
    expect(canvas).to_have_attribute("aria-label", "Draw one rune here: empty")
    expect(page.locator("#top5 h2.output-class")).to_have_text("Draw a rune")
    tab_to(page, "#seeing-panel button, #seeing-panel [role='button']")
    page.keyboard.press("Enter")
    expect(page.locator("#seeing")).to_contain_text("Draw a rune and see what the network sees")
    tab_to(page, "#correct-label input")
    page.keyboard.type("týr")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#correct-label input")).to_have_value(get_rune("tyr").label)
    tab_to(page, "#correct")
    page.keyboard.press("Enter")
    expect(page.locator("#correct-status [role='status']")).to_contain_text("draw")


def test_the_answer_is_announced_once_the_pen_lifts(page: Page):
    """The card is a polite live region that stays in the page (a new one would not be read), busy while a stroke
    is drawn, and holds the answer once the pen is up."""
    region = page.locator("#card .announced")
    expect(region).to_have_attribute("aria-live", "polite")
    region.evaluate("(node) => { window.announcedRegion = node; }")
    canvas = page.locator("#pad canvas")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 0.5 * box["height"], steps=8)
    expect(page.locator("#card")).to_have_attribute("aria-busy", "true")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 0.8 * box["height"], steps=8)
    page.mouse.up()
    expect(page.locator("#card")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#top5 h2.output-class")).to_have_text(get_rune("isa").label)
    expect(region).to_contain_text(get_rune("isa").meaning)
    assert region.evaluate("(node) => node === window.announcedRegion"), "the live region was replaced"
    page.get_by_role("tab", name="Inscription").click()  # its reading is announced the same way
    reading = page.locator("#inscription-text .announced")
    expect(reading).to_have_attribute("aria-live", "polite")
    expect(reading).to_contain_text("Write a few runes")
