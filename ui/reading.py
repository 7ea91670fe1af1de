"""From an image to what the page shows, read in the chosen rune row: the events' work, beside app.py.

Each takes the recognizer, the image (None when nothing is drawn) and the row id from the row choice
(`ui.rows`), passed on as it came: the library checks it once, and a row the model does not read is a ValueError
in plain words for the visitor (see `ui.inputs.never_raises`).
"""

from __future__ import annotations

import numpy as np

from runes import Recognizer
from ui import cards, seeing


def recognise(
    recognizer: Recognizer, image: np.ndarray | None, row: str | None, taught: Recognizer | None = None
) -> tuple[dict[str, float] | str, str]:
    """(top guesses for gr.Label, card HTML); `taught` is the visitor's copy that also knows their symbols."""
    if image is None:
        recognizer.check_row(row)  # a bad row is answered as such even on an empty pad
        return cards.empty_answer()
    return cards.answer((taught or recognizer).predict(image, row))


def read(recognizer: Recognizer, image: np.ndarray | None, row: str | None):
    """(inscription HTML, the image with a labelled box per rune for gr.AnnotatedImage)."""
    if image is None:
        recognizer.check_row(row)
        return cards.empty_reading()
    return cards.reading(recognizer.read(image, row), image)


def explain(recognizer: Recognizer, image: np.ndarray | None, row: str | None) -> str:
    """The "How it sees" panel HTML."""
    if image is None:
        recognizer.check_row(row)
        return cards.empty_seeing()
    return seeing.panel(recognizer.explain(image, row))
