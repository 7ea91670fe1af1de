"""ui.runic_text: the Runic text tab's reading, keyboard and endpoint (no browser, no model)."""

from __future__ import annotations

import html

from runes.rows import ROWS
from runes.runic_text import GLYPHS, MAX_CHARACTERS
from ui import runic_text


def test_the_endpoint_reads_runes_and_answers_bad_input_in_plain_words():
    answer = runic_text.read_text("ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ", "")
    assert 'data-transliteration="kurmʀ kunukʀ"' in answer and 'data-row="long-branch"' in answer
    assert 'data-copy="kurmʀ kunukʀ" aria-label="Copy the Latin letters"' in answer
    assert "ᚢ = u/o/v/w/y" in answer
    assert 'data-row="younger"' in runic_text.read_text("ᚴᚢᚱᛘᛦ", "younger")  # the chosen row has them all
    assert 'data-row="elder"' in runic_text.read_text("ᚦᚢᚱ", "elder")
    assert "Type or paste runes" in runic_text.read_text("", "younger")
    assert "Type or paste runes" in runic_text.read_text(None, "younger")  # type: ignore[arg-type]
    latin = runic_text.read_text("Hello", "younger")
    assert "These are no runes: H e l o" in latin and "Your name in runes" in latin
    huge = html.unescape(runic_text.read_text("ᚠ" * (MAX_CHARACTERS + 1), "younger"))
    assert f"{MAX_CHARACTERS + 1:,} characters long; this reads up to {MAX_CHARACTERS:,} at once" in huge
    assert "There is no rune row 'futhorc' here" in html.unescape(runic_text.read_text("ᚠ", "futhorc"))
    assert "⚠️" in runic_text.read_text("ᚠ\ud800", 5)  # type: ignore[arg-type]  # no traceback, ever


def test_the_keyboard_has_a_labelled_button_per_rune_of_the_row():
    for row in ROWS:
        keyboard = runic_text.keyboard_html(row)
        keys = [part.split('"', 1)[0] for part in keyboard.split('data-key="')[1:]]
        assert keys == [*GLYPHS[row], "᛫"], row  # the glyphs runes.runic_text reads, then the separator
        assert keyboard.count("<button") == len(keys) + 2 and keyboard.count("aria-label=") == len(keys) + 3
    assert 'aria-label="ᚠ fé, f"' in runic_text.keyboard_html("younger")
    assert 'data-key="ᛐ"' in runic_text.keyboard_html("younger") and 'data-key="ᛏ"' in runic_text.keyboard_html(
        "younger"
    )
    assert 'aria-label="ᚨ ansuz, a"' in runic_text.keyboard_html("elder")
    assert runic_text.keyboard_for("younger")("futhorc") == runic_text.keyboard_html("younger")
