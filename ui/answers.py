"""What the page needs to answer a drawing itself (ui/answer.js): the server's words and card frames, as data.

The server answers with `ui.cards.answer`; the page answers the same way from a guess made by ui/guesser.js,
with the labels, verdicts, confidence lines and card frames made here by the very functions the server uses.
answer.js only picks a frame and fills its slots (`cards.CONFIDENCE_SLOT`, `NEAREST_SLOT`, `ROW_WORDS_SLOT`):
no card layout, rune fact or sentence is written in JS. tests/test_web.py checks page and server agree.
"""

from __future__ import annotations

from typing import Any

from runes import Recognizer
from runes.labels import BLUETOOTH
from runes.rows import ROWS, get_row
from ui import cards, rows


def row_data(row_id: str) -> dict[str, Any]:
    """One row: labels as the top 5 says them, and a card frame per shape drawn (and per lone-stroke rune)."""
    row = get_row(row_id)
    lone = [
        rune_id for place in (0.0, 1.0) if (rune_id := row.lone_stroke(place))
    ]  # high ᛌ, low ᛧ (if the row has them)
    return {
        "labels": {rune.id: row.label(rune.id) for rune in row.runes},  # the other guesses, as the row writes them
        # the best guess, in the form drawn (ᛐ týr), and its card; a lone stroke's rune (ᛌ sól) as the row writes it
        "shape_labels": {
            shape: f"{row.form_glyph(rune_id, shape)} {row.rune(rune_id).name}" for shape, rune_id in row.shapes.items()
        },
        "cards": {
            shape: cards.rune_card_frame(row_id, rune_id, row.form_glyph(rune_id, shape))
            for shape, rune_id in row.shapes.items()
        },
        "lone_cards": {rune_id: cards.rune_card_frame(row_id, rune_id, row.glyph(rune_id)) for rune_id in lone},
        "not_of_row": rows.not_of_row(row_id),
        "not_a_rune_card": cards.not_a_rune_frame(row_id),
        "in_words": rows.in_words(row_id),
    }


def page_data(recognizer: Recognizer) -> dict[str, Any]:
    """Everything answer.js and the guess line read, for the rows the model reads."""
    elsewhere = {
        other.id: {rune.id: cards.elsewhere_frame(other.id, rune.id) for rune in other.runes} for other in ROWS.values()
    }
    return {
        "rows": {row_id: row_data(row_id) for row_id in recognizer.rows},
        "elsewhere": elsewhere,  # other row -> rune -> the card of a rune drawn in a row it is not of
        "default_row": recognizer.default_row,
        "top_k": cards.TOP_K,
        "confidence_lines": cards.CONFIDENCE_LINES,
        "nearest": cards.NEAREST,
        "slots": {
            "confidence": cards.CONFIDENCE_SLOT,
            "nearest": cards.NEAREST_SLOT,
            "row_words": cards.ROW_WORDS_SLOT,
        },
        "draw": cards.DRAW_PROMPT,
        "empty_card": cards.empty_card(),
        "not_a_rune": cards.NOT_A_RUNE_LABEL,
        "bluetooth": {"label": cards.BLUETOOTH_LABEL, "card": cards.bluetooth_card(), "id": BLUETOOTH},
        # the row choice's labels (ui.rows.radio), to know the row from what the page shows
        "choices": {(rows.CHOICES.get(row_id) or get_row(row_id).name): row_id for row_id in recognizer.rows},
    }
