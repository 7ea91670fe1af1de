"""The "Runic text" tab: paste or type runes (with a rune keyboard for the chosen row) and read them in Latin letters.

`tab` lays it out and wires it inside the app's gr.Blocks, and makes the `/read_text` endpoint (an MCP tool too).
The keyboard's keys are the glyphs `runes.runic_text` reads for the row (`GLYPHS`), rendered here as real buttons;
ui/keys.js only inserts a key's glyph, deletes and copies (no rune list in JS). Copy buttons anywhere in the page
are `ui.cards.copy_button`s: ui/keys.js copies their `data-copy` text.
"""

from __future__ import annotations

import html

import gradio as gr

from runes import runic_text as library
from runes.rows import DEFAULT_ROW, ROW_IDS, WORD_SEPARATOR, get_row
from runes.runic_text import GLYPHS, MAX_CHARACTERS, RunicText
from ui import rows
from ui.cards import READ_TEXT_INPUT, READ_TEXT_TAB, copy_button
from ui.inputs import never_raises

TAB_LABEL, INPUT_ID = READ_TEXT_TAB, READ_TEXT_INPUT  # the textbox the keyboard writes into, found by its id
PROMPT = "Type or paste runes (ᚦᚢᚱ᛫ᚴᚢᚾ), or write them with the keyboard below, and read them in Latin letters."
_esc = html.escape


def keyboard_html(row_id: str) -> str:
    """The rune keyboard of a row: a key per glyph the row reads (both Younger forms in the Younger row), then the
    word separator, backspace and copy. Every key is a real button with a name for screen readers."""
    row = get_row(row_id)
    keys = "".join(
        f'<button type="button" class="rune-key" data-key="{_esc(glyph)}" '
        f'aria-label="{_esc(glyph)} {_esc(row.rune(rune_id).name)}, {_esc(row.rune(rune_id).transliteration)}" '
        f'title="{_esc(row.rune(rune_id).name)} ({_esc(row.rune(rune_id).transliteration)})">{_esc(glyph)}</button>'
        for glyph, rune_id in GLYPHS[row.id].items()
    )
    return (
        f'<div class="rune-keyboard" role="group" aria-label="Rune keyboard: {_esc(rows.in_words(row.id))}" '
        f'data-row="{_esc(row.id)}" data-target="{INPUT_ID}">{keys}'
        f'<button type="button" class="rune-key wide" data-key="{WORD_SEPARATOR}" '
        f'aria-label="Word separator {WORD_SEPARATOR}">{WORD_SEPARATOR} word</button>'
        '<button type="button" class="rune-key wide" data-key-action="backspace" '
        'aria-label="Delete the last character">⌫ Delete</button>'
        '<button type="button" class="rune-key wide" data-key-action="copy" '
        'aria-label="Copy text: the runes in the box">Copy text</button>'
        '<span class="copy-status"></span></div>'
    )


def reading_html(reading: RunicText | None, message: str = PROMPT) -> str:
    """A reading: the Latin (with a copy button), the runes word by word, and its notes; or `message`."""
    if reading is None or not reading.words:
        left = (
            f" These are no runes: {library.shown(reading.left_out)}. To write Latin letters in runes, use “Your name "
            "in runes”."
            if reading is not None and reading.left_out
            else ""
        )
        return f'<div class="runic-reading empty">{_esc(message)}{_esc(left)}</div>'
    words = "".join(
        f'<li><span class="runic-text">{_esc(word.text)}</span> <span class="latin">{_esc(word.transliteration)}</span>'
        f"</li>"
        for word in reading.words
    )
    return (
        f'<div class="runic-reading" data-transliteration="{_esc(reading.transliteration)}" '
        f'data-row="{_esc(reading.row)}" data-mixed="{str(reading.mixed).lower()}">'
        f'<p class="latin">{_esc(reading.transliteration)} {copy_button(reading.transliteration, "the Latin letters")}'
        f'</p><ol class="runic-words" aria-label="Word by word">{words}</ol>'
        + "".join(f'<p class="rune-footnote">{_esc(note)}</p>' for note in reading.notes)
        + "</div>"
    )


@never_raises(None, lambda message: reading_html(None, "⚠️ " + message))
def read_text(text: str, row: str = ""):
    """Read runic text (Unicode runes, e.g. "ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ") in Latin letters, word by word.
    Args:
        text: runes of the Younger or Elder Futhark, words separated by spaces, ᛫ ᛬ : or ·; at most 3,000 characters.
        row: the row to read in when every rune is in it: "younger" (default), "long-branch", "short-twig" or "elder"; otherwise the row is told by the runes.
    Returns:
        HTML of the transliteration (also in data-transliteration="..." and data-row="..."), word by word, with notes on the row, runes with several sounds and what was left out"""
    text = (text or "").encode("utf-8", "ignore").decode("utf-8")  # a lone surrogate is no rune
    if row not in ("", None):  # "" (API clients): told by the runes alone
        rows.check(row, ROW_IDS, DEFAULT_ROW)
    return reading_html(library.read_text(text, prefer=row or None))


def tab(default_row: str, row: gr.Radio) -> gr.Textbox:
    """The Runic text tab, laid out and wired inside the app's gr.Blocks, with the `/read_text` endpoint; returns its
    textbox. (The Inscription tab's reading reaches it through its own button, ui/keys.js.)"""
    with gr.Tab(TAB_LABEL, elem_id="tab-runic-text"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            text = gr.Textbox(
                label="Runic text", placeholder="ᚦᚢᚱ᛫ᚴᚢᚾ", lines=3, max_length=MAX_CHARACTERS, elem_id=INPUT_ID
            )
            keyboard = gr.HTML(keyboard_html(default_row), elem_id="rune-keyboard")
        with gr.Column(scale=1, min_width=300):
            reading = gr.HTML(reading_html(None), elem_id="runic-reading")
    gr.on(
        [text.change, row.change],
        read_text,
        inputs=[text, row],
        outputs=reading,
        api_name="read_text",
        trigger_mode="always_last",
        show_progress="hidden",
    )
    row.change(keyboard_for(default_row), row, keyboard, api_name=False, show_progress="hidden")
    return text


def keyboard_for(default_row: str):
    """The row choice's event: the keyboard of the chosen row (of `default_row` for one not offered)."""

    def keyboard(row: str) -> str:
        return keyboard_html(row if row in GLYPHS else default_row)

    return keyboard
