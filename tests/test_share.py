"""The share link's code (ui/share_link.py) and the share card (ui/share_card.py), without a browser."""

from __future__ import annotations

import numpy as np
import pytest
from rune_strokes import rune_drawing

from runes import Recognizer, get_rune
from runes.rows import ROW_IDS
from runes.strokes import check_strokes, render_strokes
from ui.inputs import RUNE
from ui.share import opener, sharer
from ui.share_card import CARD_SIZE, DRAWING_BOX, card_image
from ui.share_link import MAX_CODE_CHARS, LinkError, decode, encode

CANVAS = (384, 384)


def checked(rune_id: str) -> dict:
    drawing = rune_drawing(rune_id)
    return {**drawing, "strokes": check_strokes(drawing["strokes"], *CANVAS)}


@pytest.mark.parametrize("rune_id", ["fe", "tyr", "hagall", "isa"])
def test_a_code_gives_back_the_drawing_and_the_row(rune_id: str):
    drawing = checked(rune_id)
    code = encode(drawing, "elder")
    assert code.startswith("1.elder.")
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert decode(code, CANVAS, ROW_IDS) == (drawing, "elder")


def test_tenths_of_a_pixel_negative_steps_and_late_times_survive():
    strokes = [[[383.9, 0.1, 200.5, -3.2], [0.0, 383.9, 12.3, 390.0], [0, 16, 32, 48]], [[5.5], [6.6], [90_000]]]
    drawing = {"width": 384, "height": 384, "strokes": strokes}
    assert decode(encode(drawing, "younger"), CANVAS, ROW_IDS)[0] == drawing


def test_a_hand_drawn_rune_is_a_short_link():
    """A rune as a hand draws it: its strokes sampled every 2 px (the pad keeps points 0.5 px apart, a mouse or
    pen sends one every few px) and every 8 ms."""
    strokes = []
    for xs, ys, _ in rune_drawing("hagall")["strokes"]:
        length = np.hypot(np.diff(xs), np.diff(ys)).sum()
        steps = np.linspace(0, 1, max(2, int(length / 2)))
        strokes.append(
            [
                list(np.round(np.interp(steps, np.linspace(0, 1, len(xs)), xs), 1)),
                list(np.round(np.interp(steps, np.linspace(0, 1, len(ys)), ys), 1)),
                [8 * index for index in range(len(steps))],
            ]
        )
    points = sum(len(stroke[0]) for stroke in strokes)
    code = encode({"width": 384, "height": 384, "strokes": strokes}, "younger")
    assert points > 150
    assert len(code) < 6 * points  # ~2 characters a number


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (None, "no drawing"),
        ("", "no drawing"),
        ("<script>alert(1)</script>", "damaged"),
        ("9.younger.AAAA", "another version"),
        ("1.klingon.AAAA", "rune row"),
        ("1.younger.A*A", "characters a link never has"),
        ("1.younger." + "g" * 8 + "A", "far too long"),
        ("1.younger.gYgY", "not a drawing of this pad"),
        ("1.younger.gYgYC", "cut short"),
        ("1.younger.gYgYCCAAAAAA", "more in it"),
        ("1.younger." + "A" * (MAX_CODE_CHARS + 1), "too long"),
    ],
)
def test_a_bad_code_says_why_in_words(code, said: str):
    with pytest.raises(LinkError, match=said):
        decode(code, CANVAS, ROW_IDS)


def test_a_code_past_the_pads_caps_is_refused():
    stroke = [[10.0, 20.0], [10.0, 20.0], [0, 10]]
    too_many = {"width": 384, "height": 384, "strokes": [stroke] * (RUNE.max_strokes + 1)}
    with pytest.raises(LinkError, match="too many strokes"):
        decode(encode(too_many, "younger"), CANVAS, ROW_IDS)
    long_stroke = [[float(i % 300) for i in range(RUNE.max_points + 1)]] * 2 + [list(range(RUNE.max_points + 1))]
    with pytest.raises(LinkError, match="cannot be opened"):
        decode(encode({"width": 384, "height": 384, "strokes": [long_stroke]}, "younger"), CANVAS, ROW_IDS)


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.load_with_fallback(None)[0]


def test_share_then_open_gives_the_same_drawing_and_answer(recognizer: Recognizer):
    drawing = rune_drawing("fe")
    said, card = sharer(recognizer, CANVAS)(drawing, "younger")
    assert card is not None and card.size == CARD_SIZE
    code = said.split('data-share-href="#d=', 1)[1].split('"', 1)[0]
    pad, row, top5, answer, note = opener(recognizer, CANVAS)(code)
    assert pad == {**drawing, "strokes": check_strokes(drawing["strokes"], *CANVAS)} and row == "younger"
    assert max(top5, key=top5.get) == get_rune("fe").label  # the top 5 ({label: probability}) of the drawing
    assert 'data-rune="fe"' in answer and "shared drawing" in note


def test_nothing_drawn_is_no_link(recognizer: Recognizer):
    said, card = sharer(recognizer, CANVAS)({"width": 384, "height": 384, "strokes": []}, "younger")
    assert "Draw a rune first" in said and card is None
    said, card = sharer(recognizer, CANVAS)({"width": 960, "height": 300, "strokes": [[[1], [1], [0]]]}, "younger")
    assert "Recognize pad" in said and card is None


def test_the_card_shows_the_drawing_and_the_rune(recognizer: Recognizer):
    drawing = checked("tyr")
    image = render_strokes(drawing["strokes"], *CANVAS)
    card = np.asarray(card_image(image, recognizer.predict(image, "younger")).convert("L"))
    assert card.shape == (CARD_SIZE[1], CARD_SIZE[0])
    assert (card[30 : 30 + DRAWING_BOX, 30 : 30 + DRAWING_BOX] < 128).mean() > 0.01  # the drawing
    assert (card[20:180, 400:530] < 128).mean() > 0.01  # the glyph
