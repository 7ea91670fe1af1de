"""ui.cards and ui.rows: the answers follow the rune row a drawing was read in (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from runes import Prediction
from runes.inscription import Inscription, RuneReading
from runes.rows import ROWS
from runes.writing import transliterate
from ui import cards, reading, rows


def prediction(row: str, probabilities: dict[str, float], **kwargs) -> Prediction:
    best = max(probabilities, key=probabilities.get)
    return Prediction(rune=best, confidence=probabilities[best], probabilities=probabilities, row=row, **kwargs)


def test_an_elder_rune_gets_its_elder_card_and_labels():
    label, card = cards.answer(prediction("elder", {"gebo": 0.8, "algiz": 0.15, "hagalaz": 0.05}, shape="gebo"))
    assert list(label) == ["ᚷ gebō", "ᛉ algiz", "ᚺ hagalaz"]
    assert 'data-rune="gebo"' in card and 'data-row="elder"' in card
    assert "ᚷ" in card and "gebō" in card and "Sound: <b>g</b>" in card and "gift" in card
    assert "Elder Futhark, c. 150–800" in card and "next guess ᛉ algiz (15%)" in card


def test_a_short_twig_rune_shows_the_form_drawn_first():
    label, card = cards.answer(prediction("short-twig", {"tyr": 0.97, "isa": 0.03}, shape="tyr-short"))
    assert list(label) == ["ᛐ týr", "ᛁ íss"]
    assert card.index("ᛐ") < card.index("ᛏ")  # the short-twig form large, the long-branch one beside it
    label, card = cards.answer(prediction("younger", {"tyr": 0.97, "isa": 0.03}, shape="tyr"))
    assert list(label) == ["ᛏ týr", "ᛁ íss"] and card.index("ᛏ") < card.index("ᛐ")


def test_a_rune_of_another_row_is_named_with_its_row():
    guess = prediction(
        "younger",
        {"mathr": 0.9, "ar": 0.06, "reith": 0.04},
        is_rune=False,
        rune_probability=0.01,
        elsewhere=("elder", "gebo"),
    )
    label, card = cards.answer(guess)
    assert max(label, key=label.get) == "Not a Younger Futhark rune"
    assert "Not a rune of the Younger Futhark: that is <b>ᚷ gebō</b>, from the Elder Futhark." in card
    assert 'data-elsewhere="elder:gebo"' in card and 'data-rune=""' in card
    guess = prediction(
        "elder", {"algiz": 0.9, "gebo": 0.1}, is_rune=False, rune_probability=0.01, elsewhere=("long-branch", "hagall")
    )
    label, card = cards.answer(guess)
    assert "Not an Elder Futhark rune" in label and "that is <b>ᚼ hagall</b>, from the long-branch Younger" in card


@pytest.mark.parametrize("row", ["long-branch", "short-twig", "elder"])
def test_not_a_rune_names_the_row_read_in(row):
    runes = [rune.id for rune in ROWS[row].runes[:3]]
    _, card = cards.answer(
        prediction(row, dict(zip(runes, (0.5, 0.3, 0.2), strict=True)), is_rune=False, rune_probability=0.1)
    )
    assert "16 runes of the Younger Futhark" not in card
    assert f"None of the {len(ROWS[row].runes)} runes of the {rows.in_words(row)}" in card
    assert ROWS[row].label(runes[0]) in card


def test_the_reference_strip_shows_the_chosen_row():
    elder = cards.reference_strip("elder")
    assert "The 24 runes of the Elder Futhark" in elder and elder.count('class="cell"') == 24
    assert all(rune.glyph in elder for rune in ROWS["elder"].runes)
    younger = cards.reference_strip("younger")
    assert "The 16 runes of the Younger Futhark" in younger and "ᚼ ᚽ" in younger  # both forms
    short = cards.reference_strip("short-twig")
    assert "ᚽ" in short and "ᚼ" not in short


def test_row_check_is_friendly():
    assert rows.check(None, ["younger", "elder"], "younger") == "younger"
    assert rows.check("elder", ["younger", "elder"], "younger") == "elder"
    with pytest.raises(ValueError, match="There is no rune row 'runic' here: choose one of younger, elder"):
        rows.check("runic", ["younger", "elder"], "younger")


def test_a_long_inscription_keeps_every_rune_in_its_text_and_boxes_the_first_forty():
    runes = tuple(RuneReading("tyr", "ᛏ", 0.9, (0, 10 * i, 20, 10 * i + 8)) for i in range(50))
    inscription = Inscription(runes, (runes,), "ᛏ" * 50, "t" * 50)
    text, (image, boxes) = cards.reading(inscription, "the image")
    assert "ᛏ" * 50 in text and image == "the image"
    assert len(boxes) == cards.MAX_BOXES == 40 and boxes[-1] == ((390, 0, 398, 20), "ᛏ t")


def test_a_rune_card_shows_its_code_point_and_copies_the_form_drawn():
    _, card = cards.answer(prediction("younger", {"fe": 0.97, "ur": 0.03}, shape="fe"))
    assert '<span class="codepoint">U+16A0</span>' in card
    assert 'data-copy="ᚠ" aria-label="Copy the rune ᚠ">Copy the rune ᚠ</button>' in card
    _, card = cards.answer(prediction("short-twig", {"tyr": 0.97, "isa": 0.03}, shape="tyr-short"))
    assert "U+16D0" in card and 'data-copy="ᛐ"' in card and 'data-copy="ᛏ"' not in card
    assert cards.code_points("ᚼᚽ") == "U+16BC U+16BD"


def test_names_and_inscriptions_can_be_copied_and_read_as_text():
    assert 'data-copy="ᚼᛅᚱᛅᛚᛏ" aria-label="Copy your name in runes"' in cards.name_html(transliterate("Harald"))
    reading = RuneReading("tyr", "ᛏ", 0.9, (0, 0, 10, 10))
    html_text = cards.inscription_html(Inscription((reading,), ((reading,),), "ᛏ", "t"))
    assert 'data-copy="ᛏ" aria-label="Copy the runes"' in html_text
    assert 'data-read-text="ᛏ" data-tab="Runic text" data-target="runic-input"' in html_text


def test_a_large_drawing_is_shown_scaled_down_with_its_boxes():
    """gr.AnnotatedImage makes a full-size mask per box: what is shown stays within SHOWN_PIXELS; the pad's own
    960x300 drawing is shown as it is."""
    pad = np.zeros((300, 960), np.uint8)
    boxes = [((10, 20, 110, 220), "ᛏ t")]
    assert reading.shown(pad, boxes) == (pad, boxes)
    big = np.full((1024, 1024), 255, np.uint8)
    small, scaled = reading.shown(big, [((100, 200, 301, 501), "ᛏ t")])
    assert small.shape == (512, 512) and small.dtype == np.uint8 and (small == 255).all()
    assert small.size <= reading.SHOWN_PIXELS and scaled == [((50, 100, 150, 250), "ᛏ t")]


def test_a_model_without_a_line_reader_says_so_in_the_inscription_tab(tmp_path):
    import html as html_text
    import shutil

    from runes import Recognizer
    from runes.folder import BUNDLED_MODEL_DIR, MODEL_FILES
    from ui.inputs import never_raises

    for name in MODEL_FILES:
        shutil.copyfile(BUNDLED_MODEL_DIR / name, tmp_path / name)
    single_runes_only = Recognizer.load(tmp_path)
    line = np.zeros((60, 120), np.uint8)
    line[10:50, 20:24] = line[10:50, 80:84] = 255
    answer = never_raises(cards.empty_reading, cards.failed_reading)(reading.read)
    html, boxes = answer(single_runes_only, line, "younger")
    assert html_text.escape(reading.NO_LINE_READER) in html and boxes is None and "Error" not in html
    html, (_, shown_boxes) = answer(Recognizer.load(), line, "younger")  # the bundled model reads it
    assert [label for _, label in shown_boxes] == ["ᛁ i", "ᛁ i"] and "⚠️" not in html
