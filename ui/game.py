"""The "Learn the runes" tab: a game of rounds, "Draw ᚠ fé (wealth, cattle) in 20 s", in the chosen row.

`tab` lays it out and wires it inside the app's gr.Blocks. The rounds are `runes.game` (which rune comes next,
missed runes sooner, score and streak), kept per visitor in a gr.State; this module writes what the page shows, as
HTML with the round's facts in data attributes. The round itself runs in the page (ui/game.js): its clock, and the
judging of every drawing on the game pad by the page's own guesser (`window.runeReaderPage`, ui/guess.js), with no
server request per stroke. A round is won when the guess is the rune asked for, in any of its forms, as the card
would name it (`accepted_labels`: the labels of ui.answers, the very words the page answers with). Only the end of a
round reaches the server (one event: the round's number, how it ended and its drawing), checked here; with the
visitor's consent the drawing is kept like a contribution (`Contributions.keep_round`, source "game").
While the page cannot judge (its model not loaded: no export for this model, a browser that cannot run it, or a
taught symbol), the server judges the game pad instead, as it answers the Recognize pad then (ui/feed.py): `judge`
sends its verdict to the page through a hidden `Verdict`.
"""

from __future__ import annotations

import functools
import html
import json
import random
from pathlib import Path
from typing import Any

import gradio as gr

from runes import RUNE_IDS, Recognizer
from runes.game import MISS_GAP, ROUND_SECONDS, ROUNDS, Game, new_game
from runes.rows import ROWS, get_row
from ui import answers, cards, live, rows
from ui.contributing import Contributions
from ui.feed import Feed
from ui.inputs import drawing_image, first_line, never_raises, newest_only
from ui.pad import LIVE, StrokePad

HERE = Path(__file__).resolve().parent
GAME_JS = (HERE / "game.js").read_text(encoding="utf-8")
TAB_LABEL = "Learn the runes"
OUTCOMES = {"won": True, "skipped": False, "timeout": False}  # how a round may end (ui/game.js) -> won
CONSENT = "Keep my drawings as training data (the image and its strokes, nothing about you)"
SEEN = "The model sees: {guess}"  # the page's guess while drawing (ui/game.js fills {guess})
CLOCK = "{seconds} s left"
_esc = html.escape

# The board: the clock and what the model sees are the page's (ui/game.js), outside the announced part, which is
# the round's value (the prompt, the score, how the last round went), read out once per round. Skip is enabled by
# game.js while a round is played, and stays so across rounds (a keyboard user keeps the focus on it).
TEMPLATE = (
    f'<div class="game-board" data-seen="{_esc(SEEN)}" data-clock="{_esc(CLOCK)}">'
    '<p class="game-clock" role="timer" aria-live="off"></p>'
    f"{live.STATUS}"
    '<p class="game-seen" aria-hidden="true"></p>'
    '<button type="button" class="game-skip">I don\'t know: skip</button></div>'
)


@functools.cache
def accepted_labels(row_id: str, rune_id: str) -> tuple[str, ...]:
    """What the page's answer names the rune as, in each form the row reads ("ᛏ týr", "ᛐ týr"): drawn so, it is won."""
    data, row = answers.row_data(row_id), get_row(row_id)
    shapes = [data["shape_labels"][shape] for shape, rune in row.shapes.items() if rune == rune_id]
    lone = [data["labels"][rune_id]] if rune_id in data["lone_cards"] else []
    return tuple(dict.fromkeys(shapes + lone))


def intro_html(row_id: str) -> str:
    """Before a game: what it is, in the chosen row."""
    return (
        f'<div class="game-round" data-state="idle" data-row="{_esc(row_id)}"><p>Press <b>Start</b> for {ROUNDS} '
        f"rounds in the {_esc(rows.in_words(row_id))}, one rune at a time: draw it on the pad within {ROUND_SECONDS} "
        f"seconds, and the model says when it sees it. A rune you miss comes back after {MISS_GAP} rounds.</p></div>"
    )


def _rune_words(row_id: str, rune_id: str) -> str:
    rune = get_row(row_id).rune(rune_id)
    return f"{get_row(row_id).glyph(rune_id)} {rune.name} ({rune.meaning})"


def score_line(game: Game) -> str:
    return f"Score {game.score} of {len(game.played)} · streak {game.streak}"


def round_html(game: Game, last: str = "") -> str:
    """A round to play: its number, the rune to draw and the facts ui/game.js needs in data attributes."""
    row, rune_id = get_row(game.row), game.prompt
    rune = row.rune(rune_id)
    return (
        f'<div class="game-round" data-state="playing" data-round="{game.number}" data-rune="{_esc(rune_id)}" '
        f'data-row="{_esc(game.row)}" data-seconds="{ROUND_SECONDS}" '
        f"data-labels='{_esc(json.dumps(accepted_labels(game.row, rune_id), ensure_ascii=False))}'>"
        + (f'<p class="game-last">{_esc(last)}</p>' if last else "")
        + f'<p class="game-number">Round {game.number} of {game.rounds}</p>'
        f'<p class="game-prompt">Draw <span class="runic-glyph">{_esc(row.glyph(rune_id))}</span> '
        f"<b>{_esc(rune.name)}</b> ({_esc(rune.meaning)}) in {ROUND_SECONDS} s</p>"
        f'<p class="game-score" data-score="{game.score}" data-streak="{game.streak}">{score_line(game)}</p></div>'
    )


def summary_html(game: Game, last: str = "") -> str:
    """The card at the end of a game: the score, the best streak, the runes to practise, and a text to share."""
    row = get_row(game.row)
    glyphs = "".join(row.glyph(rune_id) for rune_id in game.won)
    practise = ", ".join(_rune_words(game.row, rune_id) for rune_id in game.missed)
    share = (
        f"I drew {game.score} of {game.rounds} runes of the {row.name} right in Rune Reader"
        + (f": {glyphs}" if glyphs else "")
        + f" (best streak {game.best_streak})."
    )
    return (
        f'<div class="game-round game-summary" data-state="over" data-score="{game.score}" '
        f'data-best-streak="{game.best_streak}" data-row="{_esc(game.row)}">'
        + (f'<p class="game-last">{_esc(last)}</p>' if last else "")
        + f'<p class="game-number">Game over: {game.score} of {game.rounds} right</p>'
        f"<p>Best streak: {game.best_streak}.</p>"
        + (f'<p>Drawn right: <span class="runic-glyph">{_esc(glyphs)}</span></p>' if glyphs else "")
        + (f'<p class="game-practise">To practise: {_esc(practise)}</p>' if practise else "")
        + f'<p class="game-share">{_esc(share)} {cards.copy_button(share, "the score to share")}</p>'
        "<p>Press <b>Start</b> to play again.</p></div>"
    )


def result_line(game: Game, outcome: str, kept: str) -> str:
    """How the round just played ended (`game` before it), and what became of its drawing."""
    rune = _rune_words(game.row, game.prompt)
    said = {
        "won": f"✓ Right: {rune}!",
        "skipped": f"Skipped {rune}: it comes back soon.",
        "timeout": f"Time's up for {rune}: it comes back soon.",
    }[outcome]
    return f"{said} {kept}".strip()


def keep(contributions: Contributions, game: Game, drawing: Any, request: Any) -> str:
    """Keep the round's drawing with the rune asked for (the visitor agreed); what to tell them."""
    if not isinstance(drawing, dict) or not drawing.get("strokes"):
        return ""  # nothing drawn: nothing to keep
    if game.prompt not in RUNE_IDS:
        return "(Elder runes are not kept yet: the collection takes Younger runes.)"
    try:
        contributions.keep_round(drawing, game.prompt, request)
    except ValueError as error:
        return f"(Not kept: {first_line(error)})"
    return "(Drawing kept, thank you.)"


# The server's verdict reaches ui/game.js as a page event (a hidden value holder, like ui/feed.py's).
VERDICT_JS = """watch('value', () => {
  if (props.value) document.dispatchEvent(new CustomEvent('rune-game-verdict', {detail: props.value}));
});"""


class Verdict(gr.HTML):
    """Value: the server's judgement of the game pad, {"round", "line", "won", "seq"} (see `judge`), for ui/game.js."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            value=None,
            html_template='<span class="verdict"></span>',
            js_on_load=VERDICT_JS,
            elem_classes=["feed-block"],
            **kwargs,
        )

    def preprocess(self, payload: Any) -> Any:
        return payload

    def postprocess(self, value: Any) -> Any:
        return value


def judge(recognizer: Recognizer, game: Game | None, drawing: Any) -> Any:
    """The server's judgement of the game pad's drawing, for a page that cannot judge itself: what the model sees
    (the top label the Recognize pad would show) and whether that wins the round; gr.skip() with no round."""
    if game is None or game.over:
        return gr.skip()
    image = drawing_image(drawing)[0]
    seq = drawing.get("seq") if isinstance(drawing.get("seq"), int) else None  # each verdict new, so always shown
    if image is None:
        return {"round": game.number, "line": "", "won": False, "seq": seq}
    prediction = recognizer.predict(image, game.row)
    label = cards.answer(prediction)[0]
    line = max(label, key=lambda key: label[key]) if isinstance(label, dict) else str(label)
    won = bool(prediction.is_rune and prediction.rune == game.prompt)
    return {"round": game.number, "line": line, "won": won, "seq": seq}


def start(row_id: str) -> tuple[Game, str, None]:
    """Event: a new game in the chosen row -> (the game, its first round, a clear pad)."""
    row = get_row(row_id if row_id in ROWS else "younger")
    game = new_game([rune.id for rune in row.runes], random.Random(), row.id)
    return game, round_html(game), None


def finish(contributions: Contributions, game: Game | None, consent: bool, data: Any, request: Any) -> tuple:
    """A round ended in the page (`data`: {"round", "outcome", "drawing"}) -> (the game, the next round or the
    summary, a clear pad). A stale or malformed end (another round's, a game over, an unknown outcome) changes
    nothing."""
    data = data if isinstance(data, dict) else {}
    outcome, number = data.get("outcome"), data.get("round")
    if game is None or game.over or outcome not in OUTCOMES or number != game.number:
        return gr.skip(), gr.skip(), gr.skip()
    kept = keep(contributions, game, data.get("drawing"), request) if consent is True else ""
    last = result_line(game, str(outcome), kept)
    after = game.play(OUTCOMES[str(outcome)])
    return after, (summary_html if after.over else round_html)(after, last), None


def tab(default_row: str, row: gr.Radio, contributions: Contributions, canvas: tuple[int, int]) -> None:
    """The Learn the runes tab, laid out and wired inside the app's gr.Blocks (no API endpoint)."""
    with gr.Tab(TAB_LABEL, elem_id="tab-game"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):  # first: above the pad on a phone, in sight while drawing
            board = gr.HTML(intro_html(default_row), html_template=TEMPLATE, js_on_load=GAME_JS, elem_id="game-board")
            start_button = gr.Button("Start", variant="primary", elem_id="game-start")
            consent = gr.Checkbox(False, label=CONSENT, elem_id="game-consent")
        with gr.Column(scale=1, min_width=300):
            pad = StrokePad(*canvas, label="Draw the rune asked for", hint="Draw the rune here", elem_id="game-pad")
        game = gr.State(None, time_to_live=3600)
        feed, verdict = Feed("game-pad"), Verdict()  # the server judges only while the page cannot
    start_button.click(start, row, [game, board, pad], api_name=False, show_progress="hidden")

    def finished(game: Game | None, consent: bool, event: gr.EventData, request: gr.Request):
        return finish(contributions, game, consent, getattr(event, "_data", None), request)

    board.submit(finished, [game, consent], [game, board, pad], api_name=False, show_progress="hidden")

    @newest_only
    @never_raises(None, lambda message: gr.skip())
    def judge_strokes(drawing: dict, game: Game | None):
        return judge(contributions.recognizer, game, drawing)

    feed.change(judge_strokes, [pad, game], verdict, api_name=False, **LIVE)
    row.change(lambda row_id: (None, intro_html(row_id)), row, [game, board], api_name=False, show_progress="hidden")
