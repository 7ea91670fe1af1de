"""ui.inputs: a pad's drawings are answered in the order they were drawn (NewestOnly), and each drawing's work is
bounded (Bounds: caps per endpoint, a bounded render size)."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
from rune_strokes import rune_drawing

from runes import Recognizer
from runes.preprocess import to_ink
from runes.strokes import check_strokes, render_strokes
from ui.inputs import INSCRIPTION, RUNE, Bounds, NewestOnly, drawing_image, sketch_image


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


def test_a_drawing_superseded_while_queued_or_read_costs_nothing_and_shows_nothing():
    """A newer drawing joining the queue (the validator) makes the older ones waiting stale before they start; one
    that arrives while a drawing is read makes that answer stale when it is done."""
    newest, answered = NewestOnly(), []
    alice = SimpleNamespace(session_hash="alice")

    @newest
    def read(drawing: dict, row: str = "younger"):
        answered.append(drawing["seq"])
        if drawing["seq"] == 5:  # the visitor draws on while this one is read
            read.validator({"seq": 6}, row, request=alice)
        return "answer"

    for seq in (1, 2, 3):
        assert read.validator({"seq": seq}, "younger", request=alice) == [None, None]  # queued: all accepted
    assert isinstance(read({"seq": 1}, request=alice), type(gr.skip()))  # 3 is queued: 1 and 2 cost nothing
    assert isinstance(read({"seq": 2}, request=alice), type(gr.skip()))
    assert read({"seq": 3}, request=alice) == "answer"
    read.validator({"seq": 5}, "younger", request=alice)
    assert isinstance(read({"seq": 5}, request=alice), type(gr.skip()))  # read, but 6 came meanwhile: not shown
    assert read({"seq": 6}, request=alice) == "answer"
    assert answered == [3, 5, 6]
    assert read.validator({"strokes": []}, "younger", request=alice) == [None, None]  # no seq: nothing noted
    assert "request" in inspect.signature(read.validator).parameters  # so Gradio passes the request


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


def grid_drawing(side: int, strokes: int, points: int) -> dict:
    """`strokes` separate vertical strokes of `points` points each, in a grid over a side x side canvas: the most
    work a drawing can ask (every stroke a component of its own)."""
    per_row = int(np.ceil(np.sqrt(strokes)))
    step = side / per_row
    drawn = []
    for index in range(strokes):
        x, top = (index % per_row + 0.5) * step, (index // per_row + 0.1) * step
        drawn.append([[x] * points, np.linspace(top, top + 0.8 * step, points).tolist(), list(range(points))])
    return {"width": side, "height": side, "strokes": drawn}


@pytest.mark.parametrize("bounds", [RUNE, INSCRIPTION], ids=["rune", "inscription"])
def test_the_largest_drawing_an_endpoint_accepts_is_rendered_at_a_bounded_size(bounds: Bounds):
    drawing = grid_drawing(bounds.max_side, bounds.max_strokes, bounds.max_points // bounds.max_strokes)
    image, strokes = drawing_image(drawing, bounds)
    assert image is not None and strokes is not None
    assert max(image.shape) == bounds.render_side < bounds.max_side  # 4-16x fewer pixels than the canvas
    assert max(max(xs) for xs, _, _ in strokes) <= bounds.render_side  # the strokes are in the image's pixels
    assert (image < 128).any(axis=0).sum() >= np.ceil(np.sqrt(bounds.max_strokes))  # every column of strokes inked


def test_yesterdays_worst_valid_request_is_refused_in_plain_words():
    """A 4096x4096 drawing of 500 strokes x 40 points: 31-34 s and +4.3 GB on /read_strokes before it was bounded."""
    drawing = grid_drawing(4096, 500, 40)
    for bounds, message in ((RUNE, "1 to 2048 whole pixels a side"), (INSCRIPTION, "500 strokes; at most 200")):
        with pytest.raises(ValueError, match=message):
            drawing_image(drawing, bounds)
    drawing["strokes"] = drawing["strokes"][: INSCRIPTION.max_strokes]  # within the caps: read, scaled down
    assert drawing_image(drawing, INSCRIPTION)[0].shape == (1024, 1024)


@pytest.mark.parametrize(("width", "height", "bounds"), [(384, 384, RUNE), (960, 300, INSCRIPTION)])
def test_the_normal_pads_are_rendered_exactly_as_before(width: int, height: int, bounds: Bounds):
    drawing = rune_drawing("hagall", width, height)
    image, strokes = drawing_image(drawing, bounds)
    before = render_strokes(check_strokes(drawing["strokes"], width, height), width, height)
    assert image is not None and np.array_equal(image, before) and image.shape == (height, width)


def test_a_large_image_for_an_inscription_is_shrunk_to_what_reading_sees():
    drawing = grid_drawing(4096, 30, 40)
    big = render_strokes(check_strokes(drawing["strokes"], 4096, 4096), 4096, 4096, 32)
    small = sketch_image({"composite": big}, INSCRIPTION)
    assert small is not None and small.shape == (1024, 1024) and small.dtype == np.uint8
    assert np.abs(to_ink(small) - to_ink(big)).max() < 0.01  # preprocess shrinks the same way: the same ink
    rgba = np.dstack([big[:2000, :3000]] * 3 + [np.full((2000, 3000), 255, np.uint8)])
    assert sketch_image(rgba, INSCRIPTION).shape == (666, 1000, 4)  # blocks of 3, the last partial row dropped
    normal = big[:300, :960]
    assert sketch_image({"composite": normal}, INSCRIPTION) is normal and sketch_image(big) is big  # as they are


def test_a_large_image_of_one_rune_is_shrunk_and_read_as_the_same_rune():
    recognizer = Recognizer.load()
    drawing = rune_drawing("tyr", 4096, 4096)
    big = render_strokes(check_strokes(drawing["strokes"], 4096, 4096), 4096, 4096, 48)
    small = sketch_image({"composite": big}, RUNE)
    assert small is not None and small.shape == (512, 512) and small.dtype == np.uint8
    whole, shrunk = recognizer.predict(big), recognizer.predict(small)
    assert whole.rune == shrunk.rune == "tyr", (whole, shrunk)
    assert abs(whole.confidence - shrunk.confidence) < 0.02
