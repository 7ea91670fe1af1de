"""Any image -> the model's input tensor. One function, used by training and inference.

`preprocess(image)` accepts a numpy array or a PIL image of any size and mode (L, LA,
RGB, RGBA, I, F, 1 ...), with dark ink on a light ground, light ink on a dark ground,
or ink only in the alpha channel. It finds the ink, crops to it, scales the longer side
to fit, keeps the aspect ratio, centres it and pads, and returns a float32 array of shape
(INPUT_SIZE, INPUT_SIZE, 1) in [0, 1] with the ink bright (1) on black (0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = [
    "preprocess",
    "place",
    "Placement",
    "scale_ink",
    "ink_input",
    "to_ink",
    "ink_box",
    "ink_mask",
    "mask_box",
    "size_problem",
    "EmptySketchError",
    "MIN_SIDE",
    "MAX_SIDE",
    "INPUT_SIZE",
    "PREPROCESSING_VERSION",
]

INPUT_SIZE = 32  # side of the square tensor the model sees
GLYPH_SIZE = 26  # the longer side of the ink is scaled to this many pixels, leaving a margin
PREPROCESSING_VERSION = 1  # bump when the output of preprocess() changes for the same input
MIN_SIDE = 8  # images smaller than this a side hold no drawing
MAX_SIDE = 4096  # images and canvases larger than this a side are refused with a message, not processed
INK_THRESHOLD = 0.25  # a pixel with at least this much ink counts when finding the ink's box...
FAINT_INK = 0.1  # ...or half the strongest ink for faint drawings; an image whose ink never reaches this is empty
MAX_WORKING_SIDE = 1024  # larger images are first shrunk to this, so a huge upload stays cheap


class EmptySketchError(ValueError):
    """The image holds no ink: nothing was drawn."""

    def __init__(self, message: str = "The canvas is empty: draw a rune first.") -> None:
        super().__init__(message)


def _as_float_channels(image: np.ndarray | Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (luminance in [0, 1] as HxW float32, alpha in [0, 1] or None)."""
    if isinstance(image, Image.Image):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
            luma = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
            return luma, rgba[..., 3]
        if image.mode in ("I", "I;16", "F"):
            image = np.asarray(image, dtype=np.float32)
        else:
            return np.asarray(image.convert("L"), dtype=np.float32) / 255.0, None

    array = np.asarray(image)
    if array.dtype == bool:
        array = array.astype(np.float32)
    elif not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"Expected a numeric image array, got dtype {array.dtype}.")
    array = array.astype(np.float32)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (2, 3, 4)):
        raise ValueError(f"Expected an image of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got {array.shape}.")
    if array.size == 0:
        raise EmptySketchError("The image is empty (zero pixels): draw a rune first.")
    # uint8-style ranges are scaled to [0, 1]; images already in [0, 1] are kept.
    if np.nanmax(array) > 1.0:
        array = array / (65535.0 if np.nanmax(array) > 255.0 else 255.0)
    array = np.nan_to_num(np.clip(array, 0.0, 1.0))
    if array.ndim == 2:
        return array, None
    if array.shape[-1] == 2:
        return array[..., 0], array[..., 1]
    luma = array[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return luma, (array[..., 3] if array.shape[-1] == 4 else None)


def _shrink_factor(height: int, width: int) -> int:
    """Large images are averaged over factor x factor blocks first (1: kept as they are)."""
    return max(1, int(np.ceil(max(height, width) / MAX_WORKING_SIDE)))


def _shrink(channel: np.ndarray) -> np.ndarray:
    height, width = channel.shape
    factor = _shrink_factor(height, width)
    if factor <= 1:
        return channel
    height, width = height // factor * factor, width // factor * factor
    return channel[:height, :width].reshape(height // factor, factor, width // factor, factor).mean(axis=(1, 3))


def to_ink(image: np.ndarray | Image.Image) -> np.ndarray:
    """Ink map of an image: HxW float32 in [0, 1], 1 where there is ink, whatever the polarity."""
    luma, alpha = _as_float_channels(image)
    if alpha is not None and alpha.min() < 0.98:
        # Transparency present: what is drawn is what is opaque. Ink drawn on an opaque
        # ground inside a transparent image still shows as a luminance difference.
        opaque = alpha > 0.5
        if opaque.mean() > 0.5:  # mostly opaque ground: read the colours where opaque
            ground = float(np.median(luma[opaque]))
            return _shrink(np.abs(luma - ground) * alpha)
        return _shrink(alpha)
    # The ground is the typical border colour; ink is whatever differs from it.
    border = np.concatenate([luma[0], luma[-1], luma[:, 0], luma[:, -1]])
    ground = float(np.median(border))
    ink = (ground - luma) / max(ground, 1e-6) if ground >= 0.5 else (luma - ground) / max(1.0 - ground, 1e-6)
    return _shrink(np.clip(ink, 0.0, 1.0))


def size_problem(width: int, height: int, what: str = "image") -> str | None:
    """Why a width x height image (or canvas, `what`) is too small or too large to read, in plain words; or None."""
    if min(width, height) < MIN_SIDE:
        return f"That {what} is only {width}x{height} pixels; draw on the canvas."
    if max(width, height) > MAX_SIDE:
        return f"That {what} is {width}x{height} pixels; at most {MAX_SIDE}x{MAX_SIDE} can be read."
    return None


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """The pixels that count as ink (>= INK_THRESHOLD, or half the strongest ink in a faint drawing).

    Raises EmptySketchError when no ink reaches FAINT_INK: nothing is drawn."""
    strongest = float(ink.max()) if ink.size else 0.0
    if strongest < FAINT_INK:
        raise EmptySketchError()
    return ink >= min(INK_THRESHOLD, strongest / 2)


def ink_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels with ink >= threshold (bottom/right exclusive), or None."""
    return mask_box(ink >= threshold)


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the True pixels (bottom/right exclusive), or None when there are none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


@dataclass(frozen=True)
class Placement:
    """Where `preprocess` put an image's ink: its box, how it was scaled and where it sits in the input."""

    image_shape: tuple[int, int]  # (height, width) of the image given to preprocess
    shrink: int  # the ink map is the image averaged over shrink x shrink blocks (large images only)
    box: tuple[int, int, int, int]  # (top, left, bottom, right) of the ink in the ink map
    size: tuple[int, int]  # (height, width) of the scaled ink in the input
    offset: tuple[int, int]  # (row, column) where it starts in the input

    @property
    def ink_height(self) -> float:
        """Height of the whole image in ink-map pixels (the units of `box`)."""
        return self.image_shape[0] / self.shrink

    def to_image(self, grid: np.ndarray) -> np.ndarray:
        """A map over the model's input (size x size) carried back onto the image's pixels (0 off the ink box)."""
        top, left, bottom, right = self.box
        (height, width), (y0, x0) = self.size, self.offset
        shape = self.image_shape
        out = np.zeros(shape, dtype=np.float32)
        rows = np.arange(shape[0]) // self.shrink
        cols = np.arange(shape[1]) // self.shrink
        inside_rows = np.flatnonzero((rows >= top) & (rows < bottom))
        inside_cols = np.flatnonzero((cols >= left) & (cols < right))
        grid_rows = y0 + ((rows[inside_rows] - top + 0.5) * height / (bottom - top)).astype(int)
        grid_cols = x0 + ((cols[inside_cols] - left + 0.5) * width / (right - left)).astype(int)
        out[np.ix_(inside_rows, inside_cols)] = grid[np.ix_(grid_rows, grid_cols)]
        return out


def scale_ink(crop: np.ndarray, scale: float, width_scale: float | None = None) -> np.ndarray:
    """An ink crop scaled by `scale` (its width by `width_scale` when given; bilinear when it grows either way,
    averaged when it shrinks both ways), its strongest ink brought back to 1: thin strokes on a big canvas average
    out to faint grey."""
    across = scale if width_scale is None else width_scale
    height, width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * across))
    resized = np.asarray(
        Image.fromarray(crop.astype(np.float32), mode="F").resize(
            (width, height), Image.Resampling.BILINEAR if max(scale, across) > 1 else Image.Resampling.BOX
        ),
        dtype=np.float32,
    )
    return np.clip(resized / max(float(resized.max()), 1e-6), 0.0, 1.0)


def _centred(
    ink: np.ndarray, size: int
) -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int], tuple[int, int]]:
    """(input, ink box, scaled size, offset): the ink cropped to its box, scaled so its longer side is the glyph's
    (GLYPH_SIZE of INPUT_SIZE) and centred in a size x size input."""
    box = mask_box(ink_mask(ink))
    assert box is not None, "ink_mask found ink"
    top, left, bottom, right = box
    crop = ink[top:bottom, left:right]
    height, width = crop.shape
    glyph = GLYPH_SIZE * size / INPUT_SIZE
    resized = scale_ink(crop, glyph / max(height, width))
    new_height, new_width = resized.shape
    out = np.zeros((size, size), dtype=np.float32)
    y0 = (size - new_height) // 2
    x0 = (size - new_width) // 2
    out[y0 : y0 + new_height, x0 : x0 + new_width] = resized
    return out[..., None], box, (new_height, new_width), (y0, x0)


def place(image: np.ndarray | Image.Image, size: int = INPUT_SIZE) -> tuple[np.ndarray, Placement]:
    """`preprocess(image, size)` and where it put the ink (to map the input's pixels back onto the image)."""
    shape = image.size[::-1] if isinstance(image, Image.Image) else np.shape(image)[:2]
    tensor, box, scaled, offset = _centred(to_ink(image), size)
    return tensor, Placement(tuple(shape), _shrink_factor(*shape), box, scaled, offset)


def ink_input(ink: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """The model's input for a piece of an ink map (`to_ink`'s output, e.g. one rune cut from a line), as
    `preprocess` makes it from an image. Raises EmptySketchError when no ink reaches FAINT_INK."""
    return _centred(ink, size)[0]


def preprocess(image: np.ndarray | Image.Image, size: int = INPUT_SIZE) -> np.ndarray:
    """Turn any image of a sketch into the model's input: float32 (size, size, 1), ink bright.

    Raises EmptySketchError when the image holds no ink.
    """
    return place(image, size)[0]
