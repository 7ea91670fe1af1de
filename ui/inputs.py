"""What the app's events receive, turned into images for the library, or a friendly message.

Two kinds of input: the stroke pad's vectors (`drawing_image`) and, for API clients, a gr.Sketchpad /
gr.ImageEditor value or a plain image (`sketch_image`). Each returns a numpy image, or None when
nothing is drawn, and raises ValueError with a message meant for the visitor when the input is bad.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np
from gradio.components.image_editor import EditorData
from pydantic import PrivateAttr, ValidationError, model_validator

from runes.preprocess import EmptySketchError, size_problem
from runes.strokes import check_strokes, fit_strokes, render_strokes

log = logging.getLogger("rune_reader")


@dataclass(frozen=True)
class Bounds:
    """The most one drawing may ask of the server: canvas side, strokes and points it may send, and the longer side
    it is rendered at (a larger canvas is scaled down to it), so every request's work is bounded."""

    max_side: int
    max_strokes: int
    max_points: int
    render_side: int


# A rune is a few strokes and a few hundred points on a 384x384 pad; an inscription a few dozen runes on 960x300.
# The render sides are the normal pads' (so their answers do not change) with room to spare: preprocess reads a
# rune at 32x32, and an inscription's line at 1024 px wide is still dozens of pixels tall.
RUNE = Bounds(max_side=2048, max_strokes=100, max_points=5_000, render_side=512)
INSCRIPTION = Bounds(max_side=4096, max_strokes=200, max_points=20_000, render_side=1024)


def drawing_image(value: Any, bounds: Bounds = RUNE) -> tuple[np.ndarray | None, list | None]:
    """(rendered image, checked strokes in its pixels) from a stroke pad value; (None, None) when nothing is drawn.

    A canvas larger than `bounds.render_side` is rendered scaled down (strokes, canvas and pen alike)."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or not {"width", "height", "strokes"} <= value.keys():
        raise ValueError('Send a drawing as {"width": W, "height": H, "strokes": [[xs, ys, ts], ...]}.')
    strokes = check_strokes(
        value["strokes"],
        value["width"],
        value["height"],
        max_side=bounds.max_side,
        max_strokes=bounds.max_strokes,
        max_points=bounds.max_points,
    )
    if not strokes:
        return None, None
    strokes, width, height, pen = fit_strokes(strokes, int(value["width"]), int(value["height"]), bounds.render_side)
    return render_strokes(strokes, width, height, pen), strokes


def shrunk(array: np.ndarray, side: int) -> np.ndarray:
    """The image averaged over n x n blocks, the smallest whole n that brings its longer side to `side` or less (as
    runes.preprocess shrinks a large image, so what is read is the same); an image that fits is returned as it is."""
    return shrunk_by(array, -(-max(array.shape[:2]) // side))


def shrunk_by(array: np.ndarray, factor: int) -> np.ndarray:
    """The image averaged over factor x factor blocks (a partial last row or column of blocks dropped)."""
    if factor <= 1:
        return array
    height, width = array.shape[0] // factor * factor, array.shape[1] // factor * factor
    blocks = array[:height, :width].reshape(height // factor, factor, width // factor, factor, *array.shape[2:])
    mean = blocks.mean(axis=(1, 3))
    return np.rint(mean).astype(array.dtype) if np.issubdtype(array.dtype, np.integer) else mean.astype(array.dtype)


def sketch_image(value: Any, bounds: Bounds | None = None) -> np.ndarray | None:
    """The drawing from a sketchpad value (dict with background/layers/composite) or an image; None if empty.

    With `bounds`, an image larger than `bounds.render_side` is shrunk to it (see `shrunk`)."""
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("error"):
            raise ValueError(value["error"])
        image = value.get("composite")
        if image is None:
            image = value.get("background")
        if image is None:
            layers = [layer for layer in value.get("layers") or [] if layer is not None]
            image = layers[-1] if layers else None
    else:
        image = value
    if image is None:
        return None
    array = np.asarray(image)
    if array.ndim < 2 or array.size == 0:
        raise ValueError("That is not a drawing.")
    if problem := size_problem(array.shape[1], array.shape[0]):
        raise ValueError(problem)
    return shrunk(array, bounds.render_side) if bounds is not None and np.issubdtype(array.dtype, np.number) else array


def first_line(error: Exception) -> str:
    """An error's message, short enough to show a visitor."""
    return (str(error).strip().splitlines() or ["That drawing could not be read."])[0][:200]


def never_raises(empty: Callable[[], Any] | None, failed: Callable[[str], Any]):
    """Decorate an event handler so that no ink answers `empty()` and a bad input `failed(reason)`.

    ValueError and TypeError carry a message for the visitor (with `empty` None, no ink is such a failure too);
    anything else is logged and answered with a generic apology, never a traceback.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def handler(*args: Any, **kwargs: Any):
            try:
                return fn(*args, **kwargs)
            except EmptySketchError as error:
                return empty() if empty is not None else failed(first_line(error))
            except (ValueError, TypeError) as error:
                return failed(first_line(error))
            except Exception:
                log.exception("%s failed", fn.__name__)
                return failed("Something went wrong with that drawing. Please try again.")

        return handler

    return decorate


class NewestOnly:
    """Answer a visitor's drawings in the order they were drawn, and only the newest: a pad sends each drawing at once
    (ui.pad.LIVE), and two sent close together may reach the server's queue in either order. Each drawing carries the
    page's `seq`; per session and event, the newest seq seen (queued, with `validator`, or started) is kept, and a
    drawing older than it is skipped (gr.skip()) when it would start, at no cost, and when it has been read (a newer
    one came meanwhile), so a stale answer never replaces a newer one. Drawings without `seq` (API clients) are
    always answered."""

    def __init__(self, sessions: int = 10_000) -> None:
        self._newest: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._sessions = sessions
        self._lock = threading.Lock()

    @staticmethod
    def _key(event: str, drawing: Any, request: gr.Request | None) -> tuple[tuple[str, str], int] | None:
        seq = drawing.get("seq") if isinstance(drawing, dict) else None
        session = getattr(request, "session_hash", None)
        if not isinstance(seq, int) or not session:
            return None
        return (session, event), seq

    def is_stale(self, event: str, drawing: Any, request: gr.Request | None, note: bool = True) -> bool:
        """Whether a newer drawing of this session and event has been seen; if not (and `note`), this one is the
        newest seen."""
        keyed = self._key(event, drawing, request)
        if keyed is None:
            return False
        key, seq = keyed
        with self._lock:
            if seq < self._newest.get(key, -1):
                return True
            if note:
                self._newest[key] = seq
                self._newest.move_to_end(key)
                while len(self._newest) > self._sessions:
                    self._newest.popitem(last=False)
            return False

    def __call__(self, fn):
        """Decorate an event handler whose first argument is a pad's drawing. Gradio passes the request as a
        trailing positional `request: gr.Request` (the only way it finds one); called without it, no skipping."""
        signature = inspect.signature(fn)
        count = len(signature.parameters)

        @functools.wraps(fn)
        def handler(*args: Any, request: gr.Request | None = None):
            if len(args) > count:  # through Gradio: every input, then the request
                args, request = args[:count], args[count]
            drawing = args[0] if args else None
            if self.is_stale(fn.__name__, drawing, request):
                return gr.skip()
            answer = fn(*args)
            return gr.skip() if self.is_stale(fn.__name__, drawing, request, note=False) else answer

        def validator(*args: Any, request: gr.Request | None = None):
            """For the event's `validator=`: Gradio runs it when a drawing joins the queue (before it waits), so a
            queued newer drawing makes the older ones waiting before it stale at once. Accepts every drawing."""
            if len(args) > count:
                args, request = args[:count], args[count]
            self.is_stale(fn.__name__, args[0] if args else None, request)
            return [None] * len(args)

        for function in (handler, validator):
            function.__signature__ = signature.replace(  # type: ignore[attr-defined]
                parameters=[
                    *signature.parameters.values(),
                    inspect.Parameter(
                        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request
                    ),
                ]
            )
            function.__annotations__ = {**fn.__annotations__, "request": gr.Request}  # what Gradio reads
        handler.validator = validator  # type: ignore[attr-defined]
        return handler


newest_only = NewestOnly()  # for the app's live pad events


UNREADABLE_IMAGE = "That file is not an image I can read. Send a PNG or JPEG drawing."


class LenientEditorData(EditorData):
    """The sketchpad's value as Gradio checks it before any handler runs, except that a value it cannot read
    (a string, a number, a dict of the wrong shape) becomes an empty one marked `unreadable`, so that the
    handler answers it in words instead of Gradio answering {"error": null}. Same fields, same API schema."""

    _unreadable: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _lenient(cls, value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            log.info("unreadable sketchpad value: %s", error.error_count())
            empty = handler({})
            empty._unreadable = True
            return empty


def api_sketchpad(canvas_size: tuple[int, int]) -> gr.Sketchpad:
    """A hidden sketchpad: the input of the image endpoints (/predict, /read) that API clients call.

    Its preprocess is wrapped so that a file that is not an image becomes a friendly answer.
    """
    pad = gr.Sketchpad(
        image_mode="L",
        type="numpy",
        format="png",
        canvas_size=canvas_size,
        layers=False,
        transforms=(),
        sources=(),
        visible=False,
    )
    original = pad.preprocess
    pad.data_model = LenientEditorData  # type: ignore[misc]

    def preprocess(payload):
        try:
            if getattr(payload, "_unreadable", False):
                raise ValueError(UNREADABLE_IMAGE)
            return original(payload)
        except Exception as error:  # noqa: BLE001  (e.g. PIL.UnidentifiedImageError, decompression bomb)
            log.info("unreadable sketchpad payload: %s", error)
            return {
                "error": UNREADABLE_IMAGE,
                "background": None,
                "layers": [],
                "composite": None,
            }

    pad.preprocess = preprocess
    return pad
