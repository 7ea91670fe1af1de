"""What the CNN looked at: its input, its feature maps and which ink mattered for its guess.

    explanation = Recognizer.load().explain(image)
    explanation.input            # (32, 32) float in [0, 1]: the drawing as the network sees it
    explanation.feature_maps     # one (H, W, channels) array per conv block: 32x32x16, 16x16x32, 8x8x64
    explanation.saliency         # (image height, image width) in [0, 1]: how much each bit of ink mattered
    explanation.input_saliency   # the same on the 32x32 input
    explanation.prediction       # the usual Prediction

Saliency by occlusion: a small square of the input is blanked at every position in turn and the drop of
the model's probability for its answer is noted; a pixel's saliency is the mean drop of the squares that
cover it, kept on the ink only and carried back onto the given image. Occlusion is chosen over gradients
because it measures exactly what the saliency claims (hiding this ink changes the answer this much),
costs one batch of 256 small inputs, and needs no gradient code for a model that runs in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from runes.preprocess import INPUT_SIZE, place, to_ink

if TYPE_CHECKING:
    from runes.model import Prediction, Recognizer

__all__ = ["Explanation", "explain", "OCCLUSION_PATCH", "OCCLUSION_STRIDE"]

OCCLUSION_PATCH = 4  # side of the blanked square, in input pixels (a stroke is 2-3 pixels wide)
OCCLUSION_STRIDE = 2  # 16 x 16 positions


@dataclass(frozen=True)
class Explanation:
    """One drawing as the CNN saw it (see the module doc)."""

    input: np.ndarray
    feature_maps: list[np.ndarray] = field(repr=False)
    saliency: np.ndarray = field(repr=False)
    input_saliency: np.ndarray = field(repr=False)
    prediction: Prediction
    label: (
        str  # the output whose probability the saliency explains: a shape id, "other", "bluetooth" or a taught symbol
    )


def _occluded(x: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    positions = [
        (row, col)
        for row in range(0, INPUT_SIZE - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE)
        for col in range(0, INPUT_SIZE - OCCLUSION_PATCH + 1, OCCLUSION_STRIDE)
    ]
    batch = np.repeat(x[None], len(positions), axis=0)
    for index, (row, col) in enumerate(positions):
        batch[index, row : row + OCCLUSION_PATCH, col : col + OCCLUSION_PATCH] = 0.0
    return batch, positions


def occlusion_map(recognizer: Recognizer, x: np.ndarray, output: int) -> np.ndarray:
    """(32, 32) mean drop of output `output`'s probability when a square covering each pixel is blanked."""
    base = float(recognizer.predict_tensors(x[None])[0, output])
    batch, positions = _occluded(x)
    drops = base - recognizer.predict_tensors(batch)[:, output]
    total = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
    count = np.zeros_like(total)
    for drop, (row, col) in zip(drops, positions, strict=True):
        total[row : row + OCCLUSION_PATCH, col : col + OCCLUSION_PATCH] += drop
        count[row : row + OCCLUSION_PATCH, col : col + OCCLUSION_PATCH] += 1
    return np.clip(total / np.maximum(count, 1), 0.0, None)


def explain(recognizer: Recognizer, image, row: str | None = None) -> Explanation:
    """Explain one sketch (numpy array or PIL image). Raises EmptySketchError if nothing is drawn, ValueError for a
    row the recognizer does not read."""
    row = recognizer.check_row(row)
    x, placement = place(image)
    probabilities = recognizer.predict_tensors(x[None])[0]
    output = int(np.argmax(probabilities))
    grid = occlusion_map(recognizer, x, output) * (x[..., 0] > 0.1)  # the ink only
    saliency = placement.to_image(grid)
    if placement.shrink == 1:  # also off the faint edges the resizing smeared
        saliency *= to_ink(image) > 0.1
    peak, grid_peak = float(saliency.max()), float(grid.max())
    return Explanation(
        input=x[..., 0],
        feature_maps=recognizer.feature_maps(x),
        saliency=saliency / peak if peak > 0 else saliency,
        input_saliency=grid / grid_peak if grid_peak > 0 else grid,
        prediction=recognizer.outputs.prediction(probabilities, row),
        label=recognizer.labels[output],
    )
