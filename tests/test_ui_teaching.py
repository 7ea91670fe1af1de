"""ui.teaching: a session keeps compact drawings (strokes, not images), a bounded number of them, and lets its
taught model go when the session ends; a teach that cannot be done says why in words."""

from __future__ import annotations

import datetime
import json

import gradio as gr
from rune_strokes import rune_drawing

from runes import Recognizer
from runes.teach_process import TeachWorker
from ui import teaching


def test_a_session_keeps_strokes_not_images():
    drawing = rune_drawing("tyr")
    status, examples, cleared = teaching.add_example(drawing, "arrow", {})
    assert cleared is None and 'data-count="1"' in status
    kept = examples["arrow"][0]
    assert set(kept) == {"width", "height", "strokes"}
    assert len(json.dumps(kept)) < 4 * len(json.dumps(drawing["strokes"])) + 100  # a few kB, not a 384x384 image
    (image,) = teaching.images(examples)["arrow"]
    assert image.shape == (drawing["height"], drawing["width"]) and image.any()


def test_drawings_per_symbol_and_symbols_are_bounded():
    drawing = rune_drawing("isa")
    examples: dict = {}
    for _ in range(teaching.MAX_DRAWINGS):
        _, examples, _ = teaching.add_example(drawing, "stick", examples)
    status, unchanged, pad = teaching.add_example(drawing, "stick", examples)
    assert f"That is {teaching.MAX_DRAWINGS} drawings of stick already" in status
    assert isinstance(unchanged, type(gr.skip())) and len(examples["stick"]) == teaching.MAX_DRAWINGS
    status, _, _ = teaching.add_example({"width": 384, "height": 384, "strokes": []}, "stick", examples)
    assert "Draw stick on the pad first" in status


def test_a_closed_session_lets_its_taught_model_go():
    recognizer = Recognizer.load(None)
    teaching.forget(recognizer)
    assert recognizer.model is None
    teaching.forget(None)  # a session that taught nothing


def test_a_session_used_again_after_its_page_closed_is_kept():
    """A heartbeat dropped by the network comes back with the same session: if the page sent an event after the
    close, end_session keeps the session; otherwise it lets every State of it go."""
    with gr.Blocks() as demo:
        kept = gr.State(time_to_live=teaching.KEEP_SECONDS, delete_callback=teaching.forget)
    holder = gr.state_holder.StateHolder()
    holder.set_blocks(demo)
    recognizer = Recognizer.load(None)
    holder["back"][kept._id] = recognizer
    holder["gone"][kept._id] = Recognizer.load(None)
    closed_at = datetime.datetime.now()
    holder["back"]  # an event of the page after the close
    assert not teaching.end_session(demo, "back", closed_at)
    assert holder["back"][kept._id] is recognizer
    assert teaching.end_session(demo, "gone", closed_at)
    assert "gone" not in holder and "back" in holder
    assert not teaching.end_session(demo, "gone", closed_at)  # ended once


def sticks(count: int) -> dict:
    """`count` drawings of a stick, collected as the Add button does."""
    examples: dict = {}
    for _ in range(count):
        _, examples, _ = teaching.add_example(rune_drawing("isa"), "stick", examples)
    return examples


def test_teach_refuses_too_few_drawings_before_starting_a_child():
    worker = TeachWorker(Recognizer.load(None), timeout=0.01)  # a child would time out at once
    status, taught = teaching.teach_symbols(worker, sticks(2))
    assert "stick&#x27; has 2 drawings; draw it at least 3 times" in status
    assert isinstance(taught, type(gr.skip())) and worker._waiting is None


def test_a_teach_that_takes_too_long_is_stopped_with_a_message():
    worker = TeachWorker(Recognizer.load(None), timeout=1)  # importing Keras alone takes longer
    status, taught = teaching.teach_symbols(worker, sticks(3))
    assert "Teaching took longer than 1 seconds and was stopped" in status
    assert isinstance(taught, type(gr.skip()))


def test_a_teach_that_fails_in_its_child_says_so():
    worker = TeachWorker(Recognizer.load(None), settings={"no_such_setting": 1})  # the child's teach raises
    status, taught = teaching.teach_symbols(worker, sticks(3))
    assert "Teaching failed on an error in the server" in status and "TypeError" not in status
    assert isinstance(taught, type(gr.skip()))
