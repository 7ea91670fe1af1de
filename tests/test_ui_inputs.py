"""ui.inputs.NewestOnly: a pad's drawings are answered in the order they were drawn."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import gradio as gr

from ui.inputs import NewestOnly


def test_an_older_drawing_arriving_late_is_skipped():
    newest = NewestOnly()
    answered = []

    @newest
    def predict(drawing: dict):
        answered.append(drawing.get("seq"))
        return "answer"

    alice, bob = SimpleNamespace(session_hash="alice"), SimpleNamespace(session_hash="bob")
    assert predict({"seq": 2}, request=alice) == "answer"
    assert isinstance(predict({"seq": 1}, request=alice), type(gr.skip()))  # drawn before seq 2: stale
    assert predict({"seq": 1}, request=bob) == "answer"  # another visitor's own order
    assert predict({"strokes": []}, request=alice) == "answer"  # no seq (an API client): always answered
    assert predict({"seq": 3}, request=alice) == "answer"
    assert answered == [2, 1, None, 3]
    assert "request" in inspect.signature(predict).parameters  # so Gradio passes the request


def test_each_event_keeps_its_own_order_and_memory_is_bounded():
    newest = NewestOnly(sessions=2)
    request = SimpleNamespace(session_hash="alice")
    assert newest.is_stale("predict", {"seq": 5}, request) is False
    assert newest.is_stale("explain", {"seq": 4}, request) is False  # another event: its own order
    assert newest.is_stale("predict", {"seq": 4}, request) is True
    newest.is_stale("read", {"seq": 1}, SimpleNamespace(session_hash="bob"))  # a third key: the oldest is dropped
    assert newest.is_stale("predict", {"seq": 4}, request) is False
