"""ui.teaching: a session keeps compact drawings (strokes, not images), a bounded number of them, and lets its
taught model go when the session ends."""

from __future__ import annotations

import json

import gradio as gr
from rune_strokes import rune_drawing

from runes import Recognizer
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
