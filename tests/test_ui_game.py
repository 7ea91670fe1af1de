"""ui.game: the labels that win a round agree with the server's reading, a round's end is checked, consent keeps."""

from __future__ import annotations

import html
import random
from types import SimpleNamespace

import gradio as gr
import pytest
from rune_strokes import rune_drawing

from runes import Recognizer
from runes.game import ROUNDS, new_game
from runes.rows import ROWS, SHORT, get_row, get_shape
from runes.sketches import sketch_drawing
from runes.store import DrawingStore
from runes.strokes import render_strokes
from ui import game as ui_game
from ui.contributing import Contributions
from ui.ratelimit import SLOW_DOWN, Bucket, RateLimit


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.load()


@pytest.fixture()
def contributions(recognizer, tmp_path) -> Contributions:
    return Contributions(DrawingStore(tmp_path), recognizer, "test-model", "")


def younger_game(first: str = "tyr") -> object:
    game = new_game([rune.id for rune in get_row("younger").runes], random.Random(0))
    queue = (first, *[rune_id for rune_id in game.queue if rune_id != first])
    return type(game)(row="younger", queue=queue)


@pytest.mark.parametrize("row_id", list(ROWS))
def test_a_round_is_won_exactly_when_the_server_reads_the_rune_asked_for(recognizer, row_id):
    """The page wins a round when its guess line names the rune asked for (ui/game.js); that line is the server's
    label (tests/test_web.py), so on sketches of every shape of the row: label accepted <=> read as the rune."""
    row, agreed, won = get_row(row_id), 0, 0
    for shape_id, rune_id in row.shapes.items():
        for seed, template in enumerate(get_shape(shape_id).templates[:2]):
            drawing = sketch_drawing(template, seed)
            prediction = recognizer.predict(render_strokes(drawing["strokes"], 384, 384), row_id)
            is_it = prediction.is_rune and prediction.rune == rune_id
            line = prediction.label if prediction.is_rune else "Not a rune"
            assert (line in ui_game.accepted_labels(row_id, rune_id)) == is_it, (shape_id, seed, line)
            agreed, won = agreed + 1, won + is_it
    assert won >= 0.8 * agreed  # most sketches win: the check above is not only about misses
    for rune in row.runes:
        assert all(label.endswith(" " + rune.name) for label in ui_game.accepted_labels(row_id, rune.id))


def test_both_younger_forms_win_in_the_younger_row_and_one_in_each_of_its_forms():
    assert ui_game.accepted_labels("younger", "tyr") == ("ᛏ týr", "ᛐ týr")
    assert ui_game.accepted_labels("long-branch", "tyr") == ("ᛏ týr",)
    assert ui_game.accepted_labels("short-twig", "tyr") == ("ᛐ týr",)
    assert "tyr" + SHORT in get_row("short-twig").shapes


def test_the_round_shows_the_rune_from_python_and_the_labels_for_the_page():
    shown = ui_game.round_html(younger_game("fe"))
    assert 'data-rune="fe"' in shown and 'data-round="1"' in shown and "Round 1 of 10" in shown
    assert "Draw <span" in shown and "fé</b> (wealth, cattle) in 20 s" in shown
    assert "data-labels='[&quot;ᚠ fé&quot;]'" in shown


def finish(contributions, game, consent=False, **data):
    """ui.game.finish without a request, its HTML unescaped (as the visitor reads it)."""
    after, shown, pad = ui_game.finish(contributions, game, consent, data, None)
    return after, html.unescape(shown) if isinstance(shown, str) else shown, pad


def test_a_round_ends_once_and_only_as_the_page_can_end_it(contributions):
    game = younger_game("tyr")
    for stale in ({"round": 2, "outcome": "won"}, {"round": 1, "outcome": "cheated"}, {"round": "1", "outcome": "won"}):
        assert all(isinstance(part, type(gr.skip())) for part in finish(contributions, game, **stale)), stale
    assert all(isinstance(part, type(gr.skip())) for part in ui_game.finish(contributions, game, False, "x", None))
    assert all(isinstance(part, type(gr.skip())) for part in finish(contributions, None, round=1, outcome="won"))
    after, shown, pad = finish(contributions, game, round=1, outcome="won")
    assert (after.score, after.number, pad) == (1, 2, None)
    assert "✓ Right: ᛏ týr (the god Týr)!" in shown and "Round 2 of 10" in shown
    after, shown, _ = finish(contributions, after, round=2, outcome="timeout")
    assert "Time's up for" in shown and after.streak == 0


def test_the_last_round_gives_the_summary(contributions):
    game = younger_game("tyr")
    for number in range(1, ROUNDS + 1):
        game, shown, _ = finish(contributions, game, round=number, outcome="won" if number == 1 else "skipped")
    assert game.over and "Game over: 1 of 10 right" in shown and "To practise:" in shown
    assert "I drew 1 of 10 runes of the Younger Futhark right in Rune Reader: ᛏ (best streak 1)." in shown
    assert all(isinstance(part, type(gr.skip())) for part in finish(contributions, game, round=11, outcome="won"))


def test_consent_keeps_the_drawing_as_a_game_contribution(contributions):
    game = younger_game("tyr")
    drawing = rune_drawing("tyr")
    _, shown, _ = finish(contributions, game, consent=True, round=1, outcome="won", drawing=drawing)
    assert "Drawing kept" in shown
    (record,) = contributions.store.records()
    assert (record["label"], record["source"], record["guess"], record["flag"]) == ("tyr", "game", "tyr", None)
    _, shown, _ = finish(contributions, game, consent=True, round=1, outcome="skipped", drawing=rune_drawing("fe"))
    assert contributions.store.records()[-1]["flag"] == "other_rune"  # ᚠ kept as ᛏ: flagged like a contribution
    finish(contributions, game, consent=False, round=1, outcome="won", drawing=drawing)
    finish(contributions, game, consent=True, round=1, outcome="skipped", drawing={"width": 384, "height": 384})
    assert len(contributions.store.records()) == 2  # no consent, or nothing drawn: nothing kept


def test_what_cannot_be_kept_is_said_and_the_game_goes_on(contributions):
    game = younger_game("tyr")
    huge = {"width": 384, "height": 384, "strokes": [[[1, 2], [1, 2], [0, 1]]] * 101}  # over ui.inputs.RUNE
    after, shown, _ = finish(contributions, game, consent=True, round=1, outcome="won", drawing=huge)
    assert "Not kept:" in shown and after.number == 2
    contributions.limit = RateLimit(per_session=Bucket(1, 3600.0))
    visitor = SimpleNamespace(session_hash="visitor", client=SimpleNamespace(host="127.0.0.1"))
    for expected in ("Drawing kept", SLOW_DOWN):
        shown = ui_game.finish(
            contributions, game, True, {"round": 1, "outcome": "won", "drawing": rune_drawing("tyr")}, visitor
        )[1]
        assert expected in html.unescape(shown)
    elder = new_game([rune.id for rune in get_row("elder").runes], random.Random(0), "elder")
    shown = finish(contributions, elder, consent=True, round=1, outcome="won", drawing=rune_drawing("tyr"))[1]
    assert "Elder runes are not kept yet" in shown


def test_the_server_judges_for_a_page_that_cannot(recognizer):
    game = younger_game("tyr")
    assert ui_game.judge(recognizer, game, {**rune_drawing("tyr"), "seq": 7}) == {
        "round": 1,
        "line": "ᛏ týr",
        "won": True,
        "seq": 7,
    }
    assert ui_game.judge(recognizer, game, rune_drawing("fe"))["won"] is False
    assert ui_game.judge(recognizer, game, {"width": 384, "height": 384, "strokes": []})["line"] == ""
    assert isinstance(ui_game.judge(recognizer, None, rune_drawing("tyr")), type(gr.skip()))
    with pytest.raises(ValueError, match="strokes"):  # over the bounds: app.py's never_raises answers nothing
        ui_game.judge(recognizer, game, {"width": 384, "height": 384, "strokes": [[[1], [1], [0]]] * 101})
