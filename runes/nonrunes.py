"""Hand-drawn sketches of things that are NOT runes, to teach the model to say so.

Half come from stroke templates of everyday symbols, Latin letters and digits that look like
no rune (circles, crossed circles, boxes, stars, hearts, waves, spirals, A C E G S Z, 2 3 5 ...);
the other half are random smooth scribbles and hooked strokes. They are drawn by the same
hand as the runes (`runes.sketches.render_template`), so the model cannot tell them apart by
pen style. Shapes too close to a rune of any row are deliberately left out (I l 1 F P R B Y T U N K X, φ, ψ, 9,
and H O M: ᚺ hagalaz, ᛜ ingwaz and ᛖ ehwaz of the Elder Futhark),
and so are the scripts used to *measure* rejection (Omniglot katakana, Devanagari, Tagalog).

The Bluetooth logo, a bind rune of ᚼ (h) and ᛒ (b) for Harald Bluetooth, gets its own template.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np

from runes.alphabet import Template, _arc, _line
from runes.labels import BLUETOOTH, EXTRA_LABELS, NOT_A_RUNE
from runes.sketches import SketchStyle, render_template

__all__ = [
    "NON_RUNE_TEMPLATES",
    "BLUETOOTH_TEMPLATES",
    "draw_nonrune",
    "draw_bluetooth",
    "random_scribble",
    "draw_extra",
]


_CIRCLE = _arc(0.5, 0.5, 0.48, 0.48, -90, 270, n=21)

NON_RUNE_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "circle": ((_CIRCLE,), (_arc(0.5, 0.5, 0.48, 0.3, -90, 270, n=21),)),
    "circle with cross": (
        (_CIRCLE, _line((0.5, 0.02), (0.5, 0.98)), _line((0.02, 0.5), (0.98, 0.5))),
        (_CIRCLE, _line((0.16, 0.16), (0.84, 0.84)), _line((0.84, 0.16), (0.16, 0.84))),
    ),
    "square": (
        (_line((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9), (0.1, 0.1)),),
        (_line((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9), (0.1, 0.1)), _line((0.1, 0.5), (0.9, 0.5))),
    ),
    "triangle": (
        (_line((0.5, 0.05), (0.95, 0.9), (0.05, 0.9), (0.5, 0.05)),),
        (_line((0.05, 0.1), (0.95, 0.1), (0.5, 0.95), (0.05, 0.1)),),
    ),
    "star": ((_line((0.5, 0.0), (0.79, 0.9), (0.02, 0.35), (0.98, 0.35), (0.21, 0.9), (0.5, 0.0)),),),
    "heart": (((*_arc(0.28, 0.3, 0.22, 0.22, 0, -180), (0.5, 0.95), *_arc(0.72, 0.3, 0.22, 0.22, 0, -180)[::-1]),),),
    "spiral": (
        (
            tuple(
                (0.5 + 0.05 * t * math.cos(t), 0.5 + 0.05 * t * math.sin(t))
                for t in np.linspace(0.0, 3.2 * math.pi, 30)
            ),
        ),
    ),
    "wave": (
        (tuple((x, 0.5 + 0.25 * math.sin(2 * math.pi * 1.5 * x)) for x in np.linspace(0, 1, 20)),),
        (_line((0.0, 0.6), (0.2, 0.3), (0.4, 0.6), (0.6, 0.3), (0.8, 0.6), (1.0, 0.3)),),
    ),
    "equals": (
        (_line((0.05, 0.35), (0.95, 0.35)), _line((0.05, 0.65), (0.95, 0.65))),
        (_line((0.05, 0.2), (0.95, 0.2)), _line((0.05, 0.5), (0.95, 0.5)), _line((0.05, 0.8), (0.95, 0.8))),
    ),
    "hash": (
        (
            _line((0.35, 0.0), (0.3, 1.0)),
            _line((0.7, 0.0), (0.65, 1.0)),
            _line((0.05, 0.33), (0.95, 0.33)),
            _line((0.05, 0.67), (0.95, 0.67)),
        ),
    ),
    "plus": ((_line((0.5, 0.05), (0.5, 0.95)), _line((0.05, 0.5), (0.95, 0.5))),),
    "smiley": (
        (
            _CIRCLE,
            _arc(0.5, 0.5, 0.26, 0.22, 20, 160),
            _line((0.35, 0.33), (0.36, 0.36)),
            _line((0.65, 0.33), (0.66, 0.36)),
        ),
    ),
    "infinity": (
        (tuple((0.5 + 0.48 * math.sin(t), 0.5 + 0.25 * math.sin(2 * t)) for t in np.linspace(0, 2 * math.pi, 25)),),
    ),
    "arrow": ((_line((0.0, 0.5), (1.0, 0.5)), _line((0.7, 0.25), (1.0, 0.5), (0.7, 0.75))),),
    "A": ((_line((0.05, 1.0), (0.5, 0.0), (0.95, 1.0)), _line((0.25, 0.6), (0.75, 0.6))),),
    "C": ((_arc(0.55, 0.5, 0.45, 0.5, -50, -310, n=15),),),
    "E": ((_line((0.85, 0.0), (0.15, 0.0), (0.15, 1.0), (0.85, 1.0)), _line((0.15, 0.5), (0.7, 0.5))),),
    "G": (((*_arc(0.5, 0.5, 0.45, 0.5, -40, -360, n=15), (0.55, 0.5)),),),
    "S": (((*_arc(0.5, 0.27, 0.35, 0.25, -20, -270, n=10), *_arc(0.5, 0.75, 0.35, 0.25, -90, 160, n=10)),),),
    "Z": ((_line((0.1, 0.0), (0.9, 0.0), (0.1, 1.0), (0.9, 1.0)),),),
    "L": ((_line((0.2, 0.0), (0.2, 1.0), (0.85, 1.0)),),),
    "J": ((((0.7, 0.0), *_arc(0.45, 0.75, 0.25, 0.25, 0, 180, n=8)),),),
    "W": ((_line((0.0, 0.0), (0.25, 1.0), (0.5, 0.35), (0.75, 1.0), (1.0, 0.0)),),),
    "a": (((*_arc(0.45, 0.6, 0.35, 0.35, -20, 340, n=15), (0.8, 1.0)),),),
    "e": ((((0.1, 0.55), (0.9, 0.55), *_arc(0.5, 0.55, 0.4, 0.42, 0, 300, n=14)),),),
    "2": (((*_arc(0.5, 0.3, 0.38, 0.3, 200, 380, n=8), (0.1, 1.0), (0.9, 1.0)),),),
    "3": ((_arc(0.45, 0.27, 0.4, 0.27, 200, 450, n=10) + _arc(0.45, 0.73, 0.42, 0.27, 270, 520, n=10),),),
    "4": ((_line((0.65, 1.0), (0.65, 0.0), (0.05, 0.7), (0.95, 0.7)),),),
    "5": ((_line((0.85, 0.0), (0.2, 0.0), (0.15, 0.45)) + _arc(0.45, 0.68, 0.4, 0.3, 220, 500, n=12),),),
    "6": ((((0.75, 0.0), *_arc(0.5, 0.68, 0.35, 0.32, 200, 560, n=16)),),),
    "7": ((_line((0.1, 0.0), (0.9, 0.0), (0.35, 1.0)),),),
    "8": ((_arc(0.5, 0.27, 0.3, 0.25, 90, 450, n=14) + _arc(0.5, 0.73, 0.36, 0.25, -90, 270, n=14),),),
    "lambda-free hook": ((_line((0.2, 0.1), (0.8, 0.1), (0.8, 0.9)),), (_line((0.1, 0.5), (0.9, 0.5), (0.6, 1.0)),)),
}

# The Bluetooth logo: ᛒ's two pockets on a stem, crossed by ᚼ's diagonals.
BLUETOOTH_TEMPLATES: tuple[Template, ...] = (
    (_line((0.1, 0.28), (0.8, 0.73), (0.45, 1.0), (0.45, 0.0), (0.8, 0.27), (0.1, 0.72)),),
    (_line((0.45, 1.0), (0.45, 0.0), (0.8, 0.27), (0.1, 0.72)), _line((0.1, 0.28), (0.8, 0.73), (0.45, 1.0))),
)

_TEMPLATE_LIST = [template for templates in NON_RUNE_TEMPLATES.values() for template in templates]


def _chaikin(points: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Round the corners of a polyline (Chaikin's corner cutting)."""
    for _ in range(rounds):
        q = 0.75 * points[:-1] + 0.25 * points[1:]
        r = 0.25 * points[:-1] + 0.75 * points[1:]
        points = np.concatenate([points[:1], np.stack([q, r], axis=1).reshape(-1, 2), points[-1:]])
    return points


def _has_stem(strokes: list[np.ndarray]) -> bool:
    """Whether a near-vertical segment spans most of the drawing's height (every rune but ᚢ ᛋ has one)."""
    points = np.concatenate(strokes)
    height = float(np.ptp(points[:, 1])) or 1.0
    for stroke in strokes:
        for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
            if abs(y1 - y0) > 0.55 * height and abs(x1 - x0) < 0.6 * abs(y1 - y0):
                return True
    return False


def random_scribble(rng: np.random.Generator) -> Template:
    """1-3 random strokes (straight zigzags or smooth curls and hooks) with no rune-like stem."""
    while True:
        controls = [rng.uniform(0.0, 1.0, (int(rng.integers(2, 5)), 2)) for _ in range(int(rng.integers(1, 4)))]
        if not _has_stem(controls):
            strokes = [_chaikin(points) if rng.random() < 0.5 else points for points in controls]
            return tuple(tuple((float(x), float(y)) for x, y in stroke) for stroke in strokes)


_DEFAULT_STYLE = SketchStyle()


def draw_nonrune(rng: np.random.Generator, style: SketchStyle = _DEFAULT_STYLE) -> np.ndarray:
    """A hand-drawn non-rune: a symbol/letter template (half the time) or a random scribble."""
    if rng.random() < 0.5:
        return render_template(_TEMPLATE_LIST[int(rng.integers(len(_TEMPLATE_LIST)))], rng, style)
    # Scribbles have many points of their own: jittering each would turn them into fuzz.
    return render_template(random_scribble(rng), rng, dataclasses.replace(style, point_jitter=0.0))


def draw_bluetooth(rng: np.random.Generator, style: SketchStyle = _DEFAULT_STYLE) -> np.ndarray:
    """A hand-drawn Bluetooth logo (the ᚼ+ᛒ bind rune)."""
    return render_template(BLUETOOTH_TEMPLATES[int(rng.integers(len(BLUETOOTH_TEMPLATES)))], rng, style)


def draw_extra(label: str, rng: np.random.Generator, style: SketchStyle = _DEFAULT_STYLE) -> np.ndarray:
    """A hand-drawn sketch for one of EXTRA_LABELS."""
    if label == BLUETOOTH:
        return draw_bluetooth(rng, style)
    if label == NOT_A_RUNE:
        return draw_nonrune(rng, style)
    raise KeyError(f"Unknown extra label {label!r}; expected one of: {', '.join(EXTRA_LABELS)}")
