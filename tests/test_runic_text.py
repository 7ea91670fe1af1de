"""Runic text to Latin (runes.runic_text.read_text): known inscriptions against their standard transliterations.

Editions write the runes' transliteration in lower case with ʀ (the Younger yr) as R, and separate words with
":", "÷", "|" or "*"; `edition` turns such a text into what read_text gives (ʀ for R, one space between words).
"""

from __future__ import annotations

import pytest

import runes
from runes.rows import ROWS
from runes.runic_text import MAX_CHARACTERS, SEPARATORS, read_text
from runes.writing import transliterate


def edition(transliteration: str) -> str:
    """An edition's transliteration as read_text writes it: R -> ʀ, word dividers -> one space."""
    words = "".join(" " if char in SEPARATORS else char for char in transliteration.replace("R", "ʀ"))
    return " ".join(words.split())


# (name and source, runic text as published, the standard transliteration, the row its runes belong to)
KNOWN = [
    (
        # Jelling 1, King Gorm's stone, DR 41 (Jacobsen & Moltke 1941-42, as quoted by Wikipedia, "Jelling stones").
        "Jelling 1 (DR 41)",
        "᛬ ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ ᛬ ᚴ(ᛅᚱ)ᚦᛁ ᛬ ᚴᚢᛒᛚ ᛬ ᚦᚢᛋᛁ ᛬ ᛅ(ᚠᛏ) ᛬ ᚦᚢᚱᚢᛁ ᛬ ᚴᚢᚾᚢ ᛬ ᛋᛁᚾᛅ ᛬ ᛏᛅᚾᛘᛅᚱᚴᛅᛦ ᛬ ᛒᚢᛏ ᛬",
        ": kurmR : kunukR : k(ar)þi : kubl : þusi : a(ft) : þurui : kunu | sina | tanmarkaR | but |",
        "long-branch",
    ),
    (
        # Jelling 2, Harald Bluetooth's stone, DR 42, side A (idem). ᚭ in þąurui is a short-twig form: the text
        # mixes the two Younger forms, so it is read in the Younger Futhark (both forms).
        "Jelling 2 (DR 42), side A",
        "ᚼᛅᚱᛅᛚᛏᚱ ᛬ ᚴᚢᚾᚢᚴᛦ ᛬ ᛒᛅᚦ ᛬ ᚴᛅᚢᚱᚢᛅ ᚴᚢᛒᛚ ᛬ ᚦᛅᚢᛋᛁ ᛬ ᛅᚠᛏ ᛬ ᚴᚢᚱᛘ ᚠᛅᚦᚢᚱ ᛋᛁᚾ ᛅᚢᚴ ᛅᚠᛏ ᛬ ᚦᚭᚢᚱᚢᛁ ᛬ ᛘᚢᚦᚢᚱ ᛬ ᛋᛁᚾᛅ",
        "haraltr : kunukR : baþ : kaurua kubl : þausi : aft : kurm faþur sin auk aft : þąurui : muþur : sina",
        "younger",
    ),
    (
        # Rök, Ög 136, the first line as carved, without word dividers (runes: Swedish Wikisource, "Rökstenen");
        # Samnordisk runtextdatabas normalises it "Ept Vámóð standa rúnar þær". Long-branch ᛏ ᛘ among short-twig.
        # No edition's transliteration is quoted for the Rök lines: the expected Latin is letter for letter.
        "Rök (Ög 136), line 1",
        "ᛆᚠᛏᚢᛆᛘᚢᚦᛌᛏᚭᚿᛏᛆᚱᚢᚿᛆᛧᚦᛆᛧ",
        "aftuamuþstąntarunaRþaR",
        "younger",
    ),
    (
        # Rök, line 2, idem: "En Varinn fáði, faðir, ept feigjan son"; short-twig forms only.
        "Rök (Ög 136), line 2",
        "ᚿᚢᛆᚱᛁᚿᚠᛆᚦᛁᚠᛆᚦᛁᛧᛆᚠᛐᚠᛆᛁᚴᛁᚭᚿᛌᚢᚿᚢ",
        "nuarinfaþifaþiRaftfaikiąnsunu",
        "short-twig",
    ),
    (
        # The Gallehus horn, DR 12 (Samnordisk runtextdatabas: "ek hlewagastiz ÷ holtijaz ÷ horna ÷ tawido ÷"), in
        # the Elder Futhark; the horn is lost, its runes are known from drawings of the 1730s. Here, as for Einang and
        # Noleby, the runes are written from the edition letter for letter (the Jelling runes are as published).
        "Gallehus horn (DR 12)",
        "ᛖᚲ ÷ ᚺᛚᛖᚹᚨᚷᚨᛊᛏᛁᛉ ÷ ᚺᛟᛚᛏᛁᛃᚨᛉ ÷ ᚺᛟᚱᚾᚨ ÷ ᛏᚨᚹᛁᛞᛟ ÷",
        "ek hlewagastiz ÷ holtijaz ÷ horna ÷ tawido ÷",
        "elder",
    ),
    (
        # The Einang stone, N KJ63, in Erik Moltke's 1938 reading "[ek go]dagastiz runo faihido" (Wikipedia, "Einang
        # stone"): the restored runes in brackets.
        "Einang stone (KJ 63)",
        "[ᛖᚲ ᚷᛟ]ᛞᚨᚷᚨᛊᛏᛁᛉ ᚱᚢᚾᛟ ᚠᚨᛁᚺᛁᛞᛟ",
        "[ek go]dagastiz runo faihido",
        "elder",
    ),
    (
        # The Noleby stone, Vg 63 (Samnordisk runtextdatabas), its first words: "runo fahi raginakundo".
        "Noleby stone (Vg 63)",
        "ᚱᚢᚾᛟ ᚠᚨᚺᛁ ᚱᚨᚷᛁᚾᚨᚲᚢᚾᛞᛟ",
        "runo fahi raginakundo",
        "elder",
    ),
]


@pytest.mark.parametrize("name, runic, standard, row", KNOWN, ids=[known[0] for known in KNOWN])
def test_known_inscriptions_read_as_their_editions(name, runic, standard, row):
    reading = read_text(runic)
    assert reading.transliteration == edition(standard), name
    assert reading.row == row and not reading.mixed, (name, reading.notes)
    assert [word.transliteration for word in reading.words] == edition(standard).split()
    assert not reading.left_out and not reading.other_runes


def test_the_jelling_stone_word_by_word():
    reading = runes.read_text("ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ")
    assert reading.transliteration == "kurmʀ kunukʀ" and str(reading) == "kurmʀ kunukʀ"
    assert reading.row == "long-branch" and reading.rows == ("long-branch",)
    first = reading.words[0]
    assert first.text == "ᚴᚢᚱᛘᛦ" and first.transliteration == "kurmʀ"
    assert [(rune.rune_id, rune.name, rune.sound) for rune in first.runes] == [
        ("kaun", "kaun", "k"),
        ("ur", "úr", "u"),
        ("reith", "reið", "r"),
        ("mathr", "maðr", "m"),
        ("yr", "yr", "ʀ"),
    ]
    assert reading.text == "ᚴᚢᚱᛘᛦ᛫ᚴᚢᚾᚢᚴᛦ"
    # one rune, several sounds: the letters runes.writing writes with that rune, its own sound first
    assert reading.several_sounds == ("ᚴ = k/c/g/q", "ᚢ = u/o/v/w/y")
    assert "Read as the Younger Futhark (long-branch), from its runes." in reading.notes


@pytest.mark.parametrize("separator", ["᛫", "᛬", "᛭", ":", "·", " ", "  \n", "•", "|"])
def test_every_separator_splits_words(separator):
    assert read_text(f"ᚦᚢ{separator}ᚴᚢᚾ").transliteration == "þu kun"


def test_the_row_comes_from_the_code_points():
    assert read_text("ᛏᚢᚱ").row == "long-branch"  # ᛏ: the long-branch t
    assert read_text("ᛐᚢᚱ").row == "short-twig"  # ᛐ: the short-twig t
    assert read_text("ᛏᚢᚱ ᛐ").row == "younger"  # both forms: the Younger Futhark
    shared = read_text("ᚦᚢᚱ")  # in every row, with the same sounds
    assert shared.row == "younger" and "Its runes are in the Elder Futhark too, with the same sounds." in shared.notes
    assert read_text("ᚷᛁᚠᚢ").row == "elder"  # ᚷ gebō is Elder only
    for row in ROWS.values():  # every row's own runes read back in that row (the Younger's glyphs are long-branch)
        assert read_text(row.glyphs).row == {"younger": "long-branch"}.get(row.id, row.id)
        assert read_text(row.glyphs).transliteration == "".join(rune.transliteration for rune in row.runes)


def test_a_text_that_mixes_rows_says_so():
    reading = read_text("ᚨᚾᛊᚢᛉ ᚴᚢᚱᛘᛦ")  # Elder ansuz ... and Younger kaun ... yr
    assert reading.mixed and reading.transliteration == "ansuz kurmʀ"
    assert set(reading.rows) == {"elder", "younger"}
    assert reading.row == "younger"  # the row with most of its runes; ᚾ ᚢ ᚱ are in both
    assert (
        "This text mixes rows: read in the Younger Futhark, with ᚨ ᛊ ᛉ of the Elder Futhark read in their own row."
        in reading.notes
    )
    assert [rune.row for rune in reading.words[1].runes][0] == "younger"


def test_a_row_asked_for_reads_the_others_in_their_own_row():
    reading = read_text("ᚦᚢᚱ ᚨ", row="younger")
    assert reading.row == "younger" and reading.transliteration == "þur a"
    assert "Not runes of the Younger Futhark, read in their own row: ᚨ of the Elder Futhark." in reading.notes
    assert read_text("ᚢ", row="elder").several_sounds == ()  # ūruz is u alone in the Elder row
    with pytest.raises(KeyError, match="expected one of"):
        read_text("ᚢ", row="futhorc")


def test_runes_and_names_come_from_the_same_tables_both_ways():
    """Latin -> runes -> Latin: a name written by transliterate reads back as the row's sounds."""
    for row in ROWS:
        written = transliterate("Harald Thor", row=row)
        back = read_text(written.text, row=row)
        expected = "harald þor" if row == "elder" else "haralt þur"  # the Younger rows write d with ᛏ, o with ᚢ
        assert back.text == written.text and back.row == row and back.transliteration == expected
    assert read_text(transliterate("Gorm").text).several_sounds == ("ᚴ = k/c/g/q", "ᚢ = u/o/v/w/y")


def test_empty_and_non_runic_text():
    empty = read_text("")
    assert (empty.transliteration, empty.words, empty.notes) == ("", (), ())
    assert read_text("  ᛫ : ").words == ()
    latin = read_text("Hello 42")
    assert latin.transliteration == "" and latin.left_out == ("H", "e", "l", "o", "4", "2")
    assert latin.notes == ("Not runes, left out: H e l o 4 2",)
    some = read_text("ᚦᚢᚱ!")
    assert some.transliteration == "þur" and some.left_out == ("!",)
    other = read_text("ᚩᚦ")  # ᚩ os: an Anglo-Saxon rune no row here has
    assert other.transliteration == "?þ" and other.other_runes == ("ᚩ",)
    assert any("ᚩ (runic letter os o)" in note for note in other.notes)
    invisible = read_text("ᚦ\u200b\x00ᚢ")
    assert invisible.transliteration == "þu" and invisible.notes[-1] == "Not runes, left out: U+200B U+0000"
    many = read_text("".join(chr(0x4E00 + index) for index in range(MAX_CHARACTERS)))  # 3,000 different characters
    assert len(many.left_out) == MAX_CHARACTERS and many.notes[-1].endswith(f" and {MAX_CHARACTERS - 20} more")
    with pytest.raises(TypeError, match="got int"):
        read_text(42)  # type: ignore[arg-type]


def test_huge_text_is_refused_in_plain_words_and_the_cap_is_cheap():
    with pytest.raises(ValueError, match=r"3,001 characters long; this reads up to 3,000 at once"):
        read_text("ᚠ" * (MAX_CHARACTERS + 1))
    reading = read_text(("ᚴᚢᚱᛘᛦ ᛬ " * 1000)[:MAX_CHARACTERS])  # the largest text read
    assert len(reading.words) == MAX_CHARACTERS // len("ᚴᚢᚱᛘᛦ ᛬ ") and reading.transliteration.startswith("kurmʀ kurmʀ")


def test_a_preferred_row_is_used_when_it_has_every_rune():
    assert read_text("ᚦᚢᚱ", prefer="elder").row == "elder"  # the row a visitor chose: ᚢ is u alone there
    assert read_text("ᚦᚢᚱ", prefer="elder").several_sounds == ()
    assert read_text("ᚴᚢᚱᛘᛦ", prefer="elder").row == "long-branch"  # ᚴ ᛘ ᛦ are no Elder runes: told by the runes
    assert read_text("ᚴᚢᚱᛘᛦ", prefer="younger").row == "younger"
