"""The rune row choice: which row (futhark) the pads read and the name tab writes, and how rows are named.

One gr.Radio above the tabs (`radio`) offers the rows the model reads (`Recognizer.rows`); every event that
reads or writes runes takes its value. Row ids and their runes are in `runes.rows`; this module only adds the
words people see.
"""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr

from runes.rows import get_row

# The radio's choices, short enough for one line on a phone.
CHOICES = {
    "younger": "Younger Futhark",
    "long-branch": "Younger, long-branch",
    "short-twig": "Younger, short-twig",
    "elder": "Elder Futhark",
}
# A row in running text: "None of the 24 runes of the Elder Futhark", "Not a short-twig rune".
IN_WORDS = {
    "younger": "Younger Futhark",
    "long-branch": "long-branch Younger Futhark",
    "short-twig": "short-twig Younger Futhark",
    "elder": "Elder Futhark",
}
NOT_OF_ROW = {
    "younger": "Not a Younger Futhark rune",
    "long-branch": "Not a long-branch rune",
    "short-twig": "Not a short-twig rune",
    "elder": "Not an Elder Futhark rune",
}


def in_words(row_id: str) -> str:
    """The row as named in a sentence (after "the")."""
    return IN_WORDS.get(row_id) or get_row(row_id).name


def not_of_row(row_id: str) -> str:
    """The gr.Label verdict for a drawing that is a rune, but not one of this row."""
    return NOT_OF_ROW.get(row_id) or f"Not a rune of the {get_row(row_id).name}"


def radio(rows: Sequence[str], default: str) -> gr.Radio:
    """The row choice: the rows offered (those the model reads), `default` selected.

    Its value reaches the events unchecked, so that an API client sending a row that is not offered gets the
    event's own friendly answer (see `check`) instead of Gradio's error about the list of choices."""
    choice = gr.Radio(
        [(CHOICES.get(row) or get_row(row).name, row) for row in rows], value=default, label="Rune row", elem_id="row"
    )
    choice.preprocess = lambda payload: payload  # type="value": the same as Radio.preprocess for valid choices
    return choice


def check(row: str | None, offered: Sequence[str], default: str) -> str:
    """The row id to use: `row`, or `default` when none is given; a ValueError for the visitor otherwise."""
    if row is None or row == "":
        return default
    if row not in offered:
        raise ValueError(f"There is no rune row {str(row)[:40]!r} here: choose one of {', '.join(offered)}.")
    return row
