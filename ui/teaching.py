"""The Teach tab's bookkeeping: the drawings a visitor collects per symbol name, and the status HTML.

The drawings live in the visitor's session (a gr.State dict name -> list of images) until Teach is pressed;
`runes.teach.teach` then makes a session copy of the recognizer that also knows the new symbols.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr
import numpy as np

from runes import Recognizer
from runes.folder import symbol_name_problem
from runes.teach import MAX_SYMBOLS, MIN_DRAWINGS, teach
from ui.inputs import drawing_image, first_line

GOOD_DRAWINGS = 5  # we ask for this many of each symbol; runes.teach accepts MIN_DRAWINGS


def add(examples: dict[str, list[np.ndarray]], name: str, image: np.ndarray | None) -> dict[str, list[np.ndarray]]:
    """A new dict with `image` added under `name`; ValueError with a message for the visitor otherwise."""
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("Give your symbol a name first (for example “heart”).")
    if problem := symbol_name_problem(name):
        raise ValueError(f"Pick another name: {problem}.")
    if image is None:
        raise ValueError(f"Draw {name} on the pad first.")
    if name not in examples and len(examples) >= MAX_SYMBOLS:
        raise ValueError(f"That is {MAX_SYMBOLS} symbols already: teach those first.")
    return {**examples, name: [*examples.get(name, []), image]}


def status(examples: dict[str, list[np.ndarray]], message: str = "", taught: bool = False) -> str:
    """What has been collected, what is missing, and what to do next."""
    rows = "".join(
        f'<li data-symbol="{html.escape(name)}" data-count="{len(images)}">{html.escape(name)}: '
        f"{len(images)} drawing{'s' if len(images) != 1 else ''}</li>"
        for name, images in examples.items()
    )
    if taught:
        advice = (
            "Taught! Go back to <b>Recognize</b> and draw it: the guess now knows your symbols "
            "(for this visit only; the app's model is unchanged)."
        )
    elif not examples:
        advice = (
            f"Name a new symbol, draw it and press <b>Add this drawing</b>; draw it {GOOD_DRAWINGS} times "
            "or so, a little differently each time. Then press <b>Teach</b>."
        )
    else:
        short = [name for name, images in examples.items() if len(images) < GOOD_DRAWINGS]
        advice = (
            f"Draw {', '.join(map(html.escape, short))} a few more times, or press <b>Teach</b>."
            if short
            else "Enough drawings: press <b>Teach</b> (it takes a few seconds), or add another symbol."
        )
    note = f'<p class="rune-status refused">⚠️ {html.escape(message)}</p>' if message else ""
    return (
        f'<div class="teach-status{" taught" if taught else ""}">{note}<p>{advice}</p>'
        f'{f"<ul>{rows}</ul>" if rows else ""}<p class="rune-footnote">At least {MIN_DRAWINGS} drawings of '
        "each symbol. The network keeps what its convolution layers learned from runes and learns only "
        "to tell your symbols apart: transfer learning.</p></div>"
    )


def add_example(drawing: dict, name: str, examples: dict) -> tuple[str, Any, Any]:
    """Event: keep the pad's drawing as an example of the symbol `name` -> (status, examples, a cleared pad)."""
    try:
        examples = add(examples, name, drawing_image(drawing)[0])
        return status(examples), examples, None
    except ValueError as error:
        return status(examples, first_line(error)), gr.skip(), gr.skip()


def teach_symbols(recognizer: Recognizer, examples: dict) -> tuple[str, Any]:
    """Event: a copy of `recognizer` that also knows the session's symbols -> (status, the taught recognizer)."""
    try:
        return status(examples, taught=True), teach(recognizer, examples)
    except ValueError as error:
        return status(examples, first_line(error)), gr.skip()
