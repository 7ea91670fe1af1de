"""The Teach tab: its layout and events (`tab`), the drawings a visitor collects per symbol name, and the status HTML.

The drawings live in the visitor's session (a gr.State dict name -> list of drawings as checked strokes, a few kB
each: not images) until Teach is pressed; they are drawn then, and `runes.teach.teach` makes a session copy of the
recognizer that also knows the new symbols. A session holds at most MAX_SYMBOLS symbols of MAX_DRAWINGS drawings,
and its taught copy is let go when the session ends (`forget`, app.py's gr.State delete_callback).
"""

from __future__ import annotations

import functools
import gc
import html
from typing import Any

import gradio as gr
import numpy as np

from runes import Recognizer
from runes.folder import symbol_name_problem
from runes.strokes import render_strokes
from runes.teach import MAX_SYMBOLS, MIN_DRAWINGS, teach
from ui import live
from ui.inputs import drawing_image, first_line
from ui.pad import StrokePad

GOOD_DRAWINGS = 5  # we ask for this many of each symbol; runes.teach accepts MIN_DRAWINGS
MAX_DRAWINGS = 20  # of one symbol in a session: more teaches no better ("5 to 20 is best")
KEEP_SECONDS = 3600  # a session's drawings and taught model are let go this long after their last change
Drawing = dict[str, Any]  # {"width": W, "height": H, "strokes": checked strokes}


def add(examples: dict[str, list[Drawing]], name: str, drawing: Drawing | None) -> dict[str, list[Drawing]]:
    """A new dict with `drawing` added under `name`; ValueError with a message for the visitor otherwise."""
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("Give your symbol a name first (for example “heart”).")
    if problem := symbol_name_problem(name):
        raise ValueError(f"Pick another name: {problem}.")
    if drawing is None:
        raise ValueError(f"Draw {name} on the pad first.")
    if name not in examples and len(examples) >= MAX_SYMBOLS:
        raise ValueError(f"That is {MAX_SYMBOLS} symbols already: teach those first.")
    if len(examples.get(name, [])) >= MAX_DRAWINGS:
        raise ValueError(f"That is {MAX_DRAWINGS} drawings of {name} already: press Teach.")
    return {**examples, name: [*examples.get(name, []), drawing]}


def images(examples: dict[str, list[Drawing]]) -> dict[str, list[np.ndarray]]:
    """The collected drawings, drawn (what runes.teach.teach takes)."""
    return {
        name: [render_strokes(d["strokes"], d["width"], d["height"]) for d in drawings]
        for name, drawings in examples.items()
    }


def forget(taught: Recognizer | None) -> None:
    """A session ended: let its taught copy (a Keras model of its own) go now, not at the next collection."""
    if taught is not None:
        taught.model = None  # the session's only reference to its network
        gc.collect()


def status(examples: dict[str, list[Drawing]], message: str = "", taught: bool = False) -> str:
    """What has been collected, what is missing, and what to do next."""
    rows = "".join(
        f'<li data-symbol="{html.escape(name)}" data-count="{len(drawings)}">{html.escape(name)}: '
        f"{len(drawings)} drawing{'s' if len(drawings) != 1 else ''}</li>"
        for name, drawings in examples.items()
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
        short = [name for name, drawings in examples.items() if len(drawings) < GOOD_DRAWINGS]
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
        image, strokes = drawing_image(drawing)  # checked, scaled to the bounded render size, not empty
        kept = None if image is None else {"width": image.shape[1], "height": image.shape[0], "strokes": strokes}
        examples = add(examples, name, kept)
        return status(examples), examples, None
    except ValueError as error:
        return status(examples, first_line(error)), gr.skip(), gr.skip()


def teach_symbols(recognizer: Recognizer, examples: dict) -> tuple[str, Any]:
    """Event: a copy of `recognizer` that also knows the session's symbols -> (status, the taught recognizer)."""
    try:
        return status(examples, taught=True), teach(recognizer, images(examples))
    except ValueError as error:
        return status(examples, first_line(error)), gr.skip()


def tab(recognizer: Recognizer, canvas: tuple[int, int]) -> gr.State:
    """The Teach tab, laid out and wired inside the app's gr.Blocks; returns the State of the session's taught
    model (None until Teach), for the Recognize events."""
    with gr.Tab("Teach it a symbol", elem_id="tab-teach"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            name = gr.Textbox(label="Name of your symbol", placeholder="heart", elem_id="teach-name")
            pad = StrokePad(*canvas, label="Draw your symbol", hint="Draw your symbol here", elem_id="teach-pad")
            with gr.Row():
                add_button = gr.Button("Add this drawing", elem_id="teach-add")
                teach_button = gr.Button("Teach", variant="primary", elem_id="teach-go")
        teach_status = gr.HTML(status({}), elem_id="teach-status", html_template=live.STATUS)
        examples = gr.State({}, time_to_live=KEEP_SECONDS)  # a session's drawings and taught model
        taught = gr.State(time_to_live=KEEP_SECONDS, delete_callback=forget)
    add_button.click(add_example, [pad, name, examples], [teach_status, examples, pad], api_name=False)
    teach_button.click(
        functools.partial(teach_symbols, recognizer),
        examples,
        [teach_status, taught],
        api_name=False,
        concurrency_limit=1,
    )
    return taught
