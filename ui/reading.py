"""From an image to what the page shows, read in the chosen rune row: the events' work, beside app.py.

Each takes the recognizer, the image (None when nothing is drawn) and the row id from the row choice
(`ui.rows`); a row the model does not read is a ValueError for the visitor (see `ui.inputs.never_raises`).
"""

from __future__ import annotations

import numpy as np

from runes import Recognizer
from ui import cards, rows, seeing


def row_for(recognizer: Recognizer, row: str | None) -> str:
    """The row to read in: `row` if the model reads it, its default row for None."""
    return rows.check(row, recognizer.rows, recognizer.default_row)


def recognise(
    recognizer: Recognizer, image: np.ndarray | None, row: str | None, taught: Recognizer | None = None
) -> tuple[dict[str, float] | str, str]:
    """(top guesses for gr.Label, card HTML); `taught` is the visitor's copy that also knows their symbols."""
    row = row_for(recognizer, row)
    return cards.empty_answer() if image is None else cards.answer((taught or recognizer).predict(image, row))


def read(recognizer: Recognizer, image: np.ndarray | None, row: str | None):
    """(inscription HTML, the image with a labelled box per rune for gr.AnnotatedImage)."""
    row = row_for(recognizer, row)
    return cards.empty_reading() if image is None else cards.reading(recognizer.read(image, row), image)


def explain(recognizer: Recognizer, image: np.ndarray | None, row: str | None) -> str:
    """The "How it sees" panel HTML."""
    row = row_for(recognizer, row)
    return cards.empty_seeing() if image is None else seeing.panel(recognizer.explain(image, row))
