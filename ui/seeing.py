"""The "How it sees" panel: the network's input, its strongest feature maps and the saliency, as HTML.

`panel(explanation)` turns a `runes.explain.Explanation` into one HTML block with small PNG images
inline (data URLs) and a plain-language caption under each, for people meeting a CNN for the first time.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from PIL import Image

from runes.explain import Explanation
from runes.labels import EXTRA_LABELS
from runes.rows import SHAPES, get_row, row_of_shape
from ui.rows import in_words

STRONGEST = 6  # feature maps shown per layer: the channels with the most activation
CAPTIONS = (
    "Layer 1 (16 filters on the full 32×32 picture) finds edges and stroke directions: each map lights up where "
    "its pattern, say a slanted edge, appears.",
    "Layer 2 (32 filters on 16×16, after pooling halved the picture) combines edges into stroke ends, corners "
    "and crossings.",
    "Layer 3 (64 filters on 8×8) sees whole parts of a rune: a branch leaving the stem, a closed bow. The dense "
    "layer and softmax turn these into the probabilities.",
)


def _png(array: np.ndarray, scale: int) -> str:
    """A data URL of a uint8 image, enlarged by `scale` with visible pixels."""
    image = Image.fromarray(array)
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _gray(values: np.ndarray) -> np.ndarray:
    peak = float(values.max())
    return (255 * (values / peak if peak > 0 else values)).astype(np.uint8)


def heat(saliency: np.ndarray, input_: np.ndarray) -> np.ndarray:
    """RGB picture of the input: ink in grey, the ink that mattered from yellow (a little) to red (most)."""
    grey = np.repeat((1 - 0.7 * np.clip(input_, 0, 1))[..., None], 3, axis=-1)
    hot = np.stack([np.ones_like(saliency), 0.85 * (1 - saliency), np.full_like(saliency, 0.1)], axis=-1)
    salient = ((saliency > 0.05) & (input_ > 0.1))[..., None]
    return (255 * np.where(salient, hot, grey)).astype(np.uint8)


def _figure(src: str, caption: str, css_class: str = "") -> str:
    return (
        f'<figure class="{css_class}"><img src="{src}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def said(explanation: Explanation) -> str:
    """The answer the saliency explains, in words: "ᛐ týr" (a shape of the row read in, in the form drawn),
    "ᚷ gebō (Elder Futhark)" (a shape of another row), or "not a rune" / a taught symbol."""
    label, row = explanation.label, get_row(explanation.prediction.row)
    if label in SHAPES:
        note = ""
        if label not in row.shapes:  # a rune of another row: say which
            row = row_of_shape(label)[0]
            note = f" ({in_words(row.id)})"
        rune_id = row.shapes[label]
        return f"{row.form_glyph(rune_id, label)} {row.rune(rune_id).name}{note}"
    return "“not a rune”" if label in EXTRA_LABELS else f"“{label}”"


def panel(explanation: Explanation) -> str:
    """The whole panel for one drawing, in the row it was read in."""
    x, row = explanation.input, get_row(explanation.prediction.row)
    top = "".join(
        f"<li>{html.escape(row.label(rune_id))}: {p:.0%}</li>" for rune_id, p in explanation.prediction.top(3)
    )
    layers = []
    for index, (maps, caption) in enumerate(zip(explanation.feature_maps, CAPTIONS, strict=True)):
        strongest = np.argsort(-maps.sum(axis=(0, 1)))[:STRONGEST]
        images = "".join(
            f'<img src="{_png(_gray(maps[..., channel]), 96 // maps.shape[0])}" '
            f'alt="layer {index + 1}, filter {channel + 1}">'
            for channel in strongest
        )
        layers.append(f'<div class="layer"><div class="maps">{images}</div><p>{html.escape(caption)}</p></div>')
    return (
        '<div class="seeing">'
        '<div class="seeing-row">'
        + _figure(
            _png((255 * (1 - x)).astype(np.uint8), 3),
            "What the network gets: your drawing cropped to its ink and shrunk to 32×32 pixels.",
        )
        + _figure(
            _png(heat(explanation.input_saliency, x), 3),
            f"Which ink mattered for {said(explanation)}: hiding the red parts lowers its probability most.",
            "heat",
        )
        + f'<div class="probabilities"><p>Its answer, after softmax:</p><ol>{top}</ol></div>'
        + "</div>"
        + "".join(layers)
        + "</div>"
    )
