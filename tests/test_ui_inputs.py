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


def test_gradio_hands_the_request_to_a_decorated_handler():
    """Gradio finds a request only in a positional parameter typed gr.Request (a keyword-only one is never
    filled): check with Gradio's own argument filling that the handler gets it, after every input."""
    from gradio.helpers import special_args

    newest, seen = NewestOnly(), []

    @newest
    def read(drawing: dict, row: str = "younger"):
        seen.append(row)
        return row

    request = gr.Request(username=None, session_hash="carol")
    inputs, *_ = special_args(read, [{"seq": 2}, "elder"], request)
    assert inputs[-1] is request and read(*inputs) == "elder"
    inputs, *_ = special_args(read, [{"seq": 1}, "elder"], request)
    assert isinstance(read(*inputs), type(gr.skip()))  # older than the one answered: skipped
    assert seen == ["elder"]
