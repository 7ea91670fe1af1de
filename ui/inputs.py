"""What the app's events receive, turned into images for the library, or a friendly message.

Two kinds of input: the stroke pad's vectors (`drawing_image`) and, for API clients, a gr.Sketchpad /
gr.ImageEditor value or a plain image (`sketch_image`). Each returns a numpy image, or None when
nothing is drawn, and raises ValueError with a message meant for the visitor when the input is bad.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr
import numpy as np

from runes.preprocess import EmptySketchError
from runes.strokes import check_strokes, render_strokes

MAX_SIDE = 4096  # larger images are answered with a message instead of being processed
MIN_SIDE = 8

log = logging.getLogger("rune_reader")


def drawing_image(value: Any) -> tuple[np.ndarray | None, list | None]:
    """(rendered image, checked strokes) from a stroke pad value; (None, None) when nothing is drawn."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or not {"width", "height", "strokes"} <= value.keys():
        raise ValueError('Send a drawing as {"width": W, "height": H, "strokes": [[xs, ys, ts], ...]}.')
    strokes = check_strokes(value["strokes"], value["width"], value["height"])
    if not strokes:
        return None, None
    return render_strokes(strokes, value["width"], value["height"]), strokes


def sketch_image(value: Any) -> np.ndarray | None:
    """The drawing from a sketchpad value (dict with background/layers/composite) or an image; None if empty."""
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
    if problem := size_problem(array):
        raise ValueError(problem)
    return array


def size_problem(image: np.ndarray) -> str | None:
    """Why an image is too small or too large to read, or None."""
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        return f"That image is only {width}x{height} pixels; draw a rune on the canvas."
    if max(height, width) > MAX_SIDE:
        return f"That image is {width}x{height} pixels; please send at most {MAX_SIDE}x{MAX_SIDE}."
    return None


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
        def handler(*args: Any):
            try:
                return fn(*args)
            except EmptySketchError as error:
                return empty() if empty is not None else failed(first_line(error))
            except (ValueError, TypeError) as error:
                return failed(first_line(error))
            except Exception:  # noqa: BLE001
                log.exception("%s failed", fn.__name__)
                return failed("Something went wrong with that drawing. Please try again.")
        return handler
    return decorate


def api_sketchpad(canvas_size: tuple[int, int]) -> gr.Sketchpad:
    """A hidden sketchpad: the input of the image endpoints (/predict, /read) that API clients call.

    Its preprocess is wrapped so that a file that is not an image becomes a friendly answer.
    """
    pad = gr.Sketchpad(image_mode="L", type="numpy", format="png", canvas_size=canvas_size, layers=False,
                       transforms=(), sources=(), visible=False)
    original = pad.preprocess

    def preprocess(payload):
        try:
            return original(payload)
        except Exception as error:  # noqa: BLE001  (e.g. PIL.UnidentifiedImageError, decompression bomb)
            log.info("unreadable sketchpad payload: %s", error)
            return {"error": "That file is not an image I can read. Send a PNG or JPEG drawing.",
                    "background": None, "layers": [], "composite": None}

    pad.preprocess = preprocess
    return pad
