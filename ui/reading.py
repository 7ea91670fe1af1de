"""From an image to what the page shows, read in the chosen rune row: the events' work, beside app.py.

Each takes the recognizer, the image (None when nothing is drawn) and the row id from the row choice
(`ui.rows`), passed on as it came: the library checks it once, and a row the model does not read is a ValueError
in plain words for the visitor (see `ui.inputs.never_raises`). `name_writer` makes the name tab's event.
"""

from __future__ import annotations

import math

import numpy as np

from runes import ModelLoadError, Recognizer
from runes.rows import ROW_IDS
from runes.writing import render_runes, transliterate
from ui import cards, rows, seeing
from ui.inputs import never_raises, shrunk_by

# A drawing larger than twice the Inscription pad (960x300) is shown scaled down: gr.AnnotatedImage makes and saves
# full-size masks for every box (4096x4096 drawn, 1024x1024 read, 40 boxes: seconds; benchmarks/bench_abuse.py).
SHOWN_PIXELS = 2 * 960 * 300
NO_LINE_READER = "This app's model reads single runes only: it has no line reader to read a line of runes with."


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
    try:
        inscription = recognizer.read(image, row)
    except ModelLoadError:  # the app's model has no line reader (lines.keras): say so, as a bad input is answered
        raise ValueError(NO_LINE_READER) from None
    text, (_, boxes) = cards.reading(inscription, image)
    return text, shown(image, boxes)


def shown(image: np.ndarray, boxes: list) -> tuple[np.ndarray, list]:
    """The image and boxes for gr.AnnotatedImage, scaled down by a whole factor to at most SHOWN_PIXELS pixels."""
    factor = math.ceil(math.sqrt(image.shape[0] * image.shape[1] / SHOWN_PIXELS))
    if factor <= 1:
        return image, boxes
    scaled = [(tuple(value // factor for value in box), label) for box, label in boxes]
    return shrunk_by(image, factor), scaled


def explain(recognizer: Recognizer, image: np.ndarray | None, row: str | None) -> str:
    """The "How it sees" panel HTML."""
    if image is None:
        recognizer.check_row(row)
        return cards.empty_seeing()
    return seeing.panel(recognizer.explain(image, row))


def name_writer(default_row: str):
    """The name tab's event (and the /transliterate endpoint): a name written in the runes of a row."""

    @never_raises(None, lambda message: (cards.name_failed(message), None))
    def write_name(text: str, row: str):
        """Write a name or word in runes, as it would have been carved.
        Args:
            text: a name, word or short phrase in Latin letters, e.g. "Harald".
            row: "younger" (Viking Age, long-branch), "long-branch", "short-twig" or "elder" (Elder Futhark).
        Returns:
            HTML of the runes (also in data-runes="...") with which letters share a rune or were left out
            a PNG of the runes drawn with Noto Sans Runic, or None when no letter has a rune"""
        text = (text or "").encode("utf-8", "ignore").decode("utf-8")  # a lone surrogate is no letter
        written = transliterate(text, row=rows.check(row, ROW_IDS, default_row))
        return cards.name_html(written), (render_runes(written.text) if written.text else None)

    return write_name


def reference(default_row: str):
    """The row choice's event: the reference strip of the chosen row (of `default_row` for one not offered)."""

    def reference_strip(row: str) -> str:
        try:
            return cards.reference_strip(rows.check(row, ROW_IDS, default_row))
        except ValueError:
            return cards.reference_strip(default_row)

    return reference_strip
