"""The Teach tab: its layout and events (`tab`), the drawings a visitor collects per symbol name, and the status HTML.

The drawings live in the visitor's session (a gr.State dict name -> list of drawings as checked strokes, a few kB
each: not images) until Teach is pressed; they are drawn then, and `runes.teach.teach` makes a session copy of the
recognizer that also knows the new symbols, in a child process (`runes.teach_process`): the server never imports
TensorFlow, and the child's memory all goes back when it exits. The session keeps the taught copy as a numpy
model. A session holds at most MAX_SYMBOLS symbols of MAX_DRAWINGS drawings.

A session ends when its page closes: Gradio's heartbeat stream drops and runs the app's unload events; one of them
(`closing`) ends the session CLOSED_KEEP_SECONDS later, unless it was used again meanwhile (a heartbeat dropped by
the network comes back with the same session): `end_session` lets every State of the session go at once (`forget`,
the taught State's delete_callback, drops the taught network and returns its memory). Gradio alone keeps a closed
page's State an hour; KEEP_SECONDS is the backstop for clients without a heartbeat. Opening the Teach tab starts a
child that imports Keras (about 0.5 GB, seconds) and waits for work (`TeachWorker.warm`), so that pressing Teach
does not wait for that import; at most one child waits, and it exits after runes.teach_process.IDLE_SECONDS.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime
import gc
import html
import threading
from typing import Any

import gradio as gr
import numpy as np
from gradio.context import Context

from runes import Recognizer
from runes.folder import symbol_name_problem
from runes.strokes import render_strokes
from runes.teach import MAX_SYMBOLS, MIN_DRAWINGS
from runes.teach_process import TeachProcessError, TeachWorker
from ui import live
from ui.inputs import drawing_image, first_line
from ui.pad import StrokePad

GOOD_DRAWINGS = 5  # we ask for this many of each symbol; runes.teach accepts MIN_DRAWINGS
MAX_DRAWINGS = 20  # of one symbol in a session: more teaches no better ("5 to 20 is best")
KEEP_SECONDS = 3600  # a session's drawings and taught model are let go this long after their last change
CLOSED_KEEP_SECONDS = 15.0  # ... and this long after its page closed: one heartbeat (a dropped line comes back)
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
    """A session ended: let its taught copy (a numpy network of its own) go now, not at the next collection."""
    if taught is not None:
        taught.model = None  # the session's only reference to its network
        return_freed_memory()


def return_freed_memory() -> None:
    """Collect now, and give back to the system what glibc keeps after a free (a network's tensors are many
    mallocs it would otherwise hold on to)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def end_session(blocks: gr.Blocks, session_hash: str | None, closed_at: datetime.datetime) -> bool:
    """The page of `session_hash` closed at `closed_at`: unless the session was used since (its heartbeat came
    back after a dropped connection and the page sent an event), every State it kept is let go now (each one's
    delete_callback runs), and Gradio's record of the session with them. Returns whether it ended."""
    holder = getattr(blocks, "state_holder", None)
    if holder is None or session_hash is None or session_hash not in holder:
        return False
    if holder.time_last_used.get(session_hash, closed_at) > closed_at:
        return False
    holder.delete_state(session_hash)
    with holder.lock:
        holder.session_data.pop(session_hash, None)
        holder.time_last_used.pop(session_hash, None)
    return_freed_memory()
    return True


def closing(blocks: gr.Blocks, session_hash: str | None) -> threading.Timer:
    """A page closed (Gradio's heartbeat stream dropped): end its session CLOSED_KEEP_SECONDS from now."""
    timer = threading.Timer(CLOSED_KEEP_SECONDS, end_session, (blocks, session_hash, datetime.datetime.now()))
    timer.daemon = True
    timer.start()
    return timer


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


def teach_symbols(worker: TeachWorker, examples: dict) -> tuple[str, Any]:
    """Event: a copy of the worker's recognizer that also knows the session's symbols, taught in a child process
    -> (status, the taught recognizer)."""
    try:
        return status(examples, taught=True), worker.teach(images(examples))
    except (ValueError, TeachProcessError) as error:
        return status(examples, first_line(error)), gr.skip()


def tab(recognizer: Recognizer, canvas: tuple[int, int], worker: TeachWorker | None = None) -> gr.State:
    """The Teach tab, laid out and wired inside the app's gr.Blocks; returns the State of the session's taught
    model (None until Teach), for the Recognize events. `worker` teaches (default: TeachWorker(recognizer))."""
    worker = worker or TeachWorker(recognizer)
    blocks = Context.root_block
    if blocks is None:
        raise RuntimeError("teaching.tab(...) lays out a tab: call it inside `with gr.Blocks() as demo:`.")
    with gr.Tab("Teach it a symbol", elem_id="tab-teach") as teach_tab, gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            name = gr.Textbox(label="Name of your symbol", placeholder="heart", elem_id="teach-name")
            pad = StrokePad(*canvas, label="Draw your symbol", hint="Draw your symbol here", elem_id="teach-pad")
            with gr.Row():
                add_button = gr.Button("Add this drawing", elem_id="teach-add")
                teach_button = gr.Button("Teach", variant="primary", elem_id="teach-go")
        teach_status = gr.HTML(status({}), elem_id="teach-status", html_template=live.STATUS)
        examples = gr.State({}, time_to_live=KEEP_SECONDS)  # a session's drawings and taught model
        taught = gr.State(time_to_live=KEEP_SECONDS, delete_callback=forget)

    def opened() -> None:
        worker.warm()

    def closed(request: gr.Request) -> None:
        closing(blocks, request.session_hash)

    teach_tab.select(opened, None, None, api_name=False, queue=False, show_progress="hidden")
    add_button.click(add_example, [pad, name, examples], [teach_status, examples, pad], api_name=False)
    blocks.unload(closed)
    teach_button.click(
        lambda drawings: teach_symbols(worker, drawings),
        examples,
        [teach_status, taught],
        api_name=False,
        concurrency_limit=1,  # one teach at a time; a visitor waiting sees "queue: 1/1" over the status:
        show_progress="full",  # Gradio's progress tracker, so it must not be hidden there
    )
    return taught
