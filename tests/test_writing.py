"""Rune rows as data, and names written in runes (runes.rows, runes.writing)."""

from __future__ import annotations

import numpy as np
import pytest

from runes import RUNES
from runes.rows import ROW_IDS, ROWS, get_row
from runes.writing import MAX_LETTERS, render_runes, transliterate


def test_top_level_api():
    import runes

    assert runes.transliterate("Harald", row="younger").text == "ᚼᛅᚱᛅᛚᛏ"
    assert runes.ROWS["elder"].name == "Elder Futhark"


def test_rows():
    assert ROW_IDS == ("younger", "long-branch", "short-twig", "elder")
    assert ROWS["younger"].glyphs == ROWS["long-branch"].glyphs == "".join(rune.glyph for rune in RUNES)
    assert ROWS["short-twig"].glyphs == "ᚠᚢᚦᚭᚱᚴᚽᚿᛁᛆᛌᛐᛓᛙᛚᛧ"
    assert ROWS["elder"].glyphs == "ᚠᚢᚦᚨᚱᚲᚷᚹᚺᚾᛁᛃᛇᛈᛉᛊᛏᛒᛖᛗᛚᛜᛞᛟ"
    assert len({rune.id for rune in ROWS["elder"].runes}) == 24
    with pytest.raises(KeyError, match="expected one of: younger, long-branch, short-twig, elder"):
        get_row("futhorc")
    with pytest.raises(KeyError, match="has no rune 'gebo'"):
        ROWS["younger"].glyph("gebo")


@pytest.mark.parametrize(
    "text, row, runes",
    [
        ("Harald", "younger", "ᚼᛅᚱᛅᛚᛏ"),  # haraltr on the Jelling stones, without the ending -R
        ("Gorm", "younger", "ᚴᚢᚱᛘ"),  # kurmr, idem
        ("Thor", "younger", "ᚦᚢᚱ"),  # þur, as the Inscription tab reads ᚦᚢᚱ
        ("Þórr", "younger", "ᚦᚢᚱ"),  # a doubled sound written once
        ("Harald", "short-twig", "ᚽᛆᚱᛆᛚᛐ"),
        ("Harald", "elder", "ᚺᚨᚱᚨᛚᛞ"),
        ("Ingrid", "elder", "ᛁᛜᚱᛁᛞ"),  # ng is one rune, ingwaz
        ("Odin", "elder", "ᛟᛞᛁᚾ"),
        ("Anna", "elder", "ᚨᚾᚨ"),
        ("Sven Forkbeard", "younger", "ᛋᚢᛁᚾ᛫ᚠᚢᚱᚴᛒᛁᛅᚱᛏ"),
        ("René", "younger", "ᚱᛁᚾᛁ"),  # accents dropped
        ("Max", "elder", "ᛗᚨᚲᛊ"),  # x = ks
    ],
)
def test_known_spellings(text, row, runes):
    assert transliterate(text, row=row).text == runes


def test_notes_say_what_was_merged_written_once_and_left_out():
    harald = transliterate("Harald")
    assert harald.merged == ("ᛏ = d, t",) and str(harald) == "ᚼᛅᚱᛅᛚᛏ"
    assert transliterate("Harald", row="elder").merged == ()
    anna = transliterate("Anna!  2024")
    assert anna.text == "ᛅᚾᛅ" and anna.written_once == ("nn",) and anna.left_out == ("!", "2", "0", "4")
    assert transliterate("").text == "" and transliterate("42").left_out == ("4", "2")
    assert len(transliterate("a" * 1000 + "b").text) <= MAX_LETTERS
    with pytest.raises(TypeError, match="Expected text"):
        transliterate(42)
    with pytest.raises(KeyError, match="Unknown rune row"):
        transliterate("Harald", row="klingon")


def test_render_runes_draws_every_glyph_with_the_font():
    image = render_runes("ᚼᛅᚱᛅᛚᛏ", font_size=64)
    assert image.dtype == np.uint8 and image.ndim == 2
    ink = image < 128
    assert 0.03 < ink.mean() < 0.5
    columns = np.flatnonzero(ink.any(axis=0))
    assert columns[-1] - columns[0] > 5 * 20  # six glyphs side by side, not one box
    # Different glyphs give different pictures (a missing glyph would draw the same box each time).
    pictures = {render_runes(glyph, font_size=48).tobytes() for glyph in ROWS["elder"].glyphs}
    assert len(pictures) == 24
    assert render_runes("").min() == 255
