"""The 16 runes of the Younger Futhark in futhark order, with their facts and stroke templates.

Every rune has an id (used for folder names and labels), its Old Norse name, the
Unicode glyph of its long-branch form and, where it differs, of its short-twig form,
a Latin transliteration, a one-line meaning, and stroke templates: polylines in a unit
box (x to the right, y downwards, both in [0, 1]) that `runes.sketches` draws by hand.

Two short-twig forms, ᛌ (sol) and ᛧ (yr), are a single short stroke: once a lone sketch
is cropped to its ink they look exactly like ᛁ (isa), so they carry no templates; the
short-twig row reads such a stroke by where it sits (`runes.rows.Row.lone_stroke`).

This module does not set the model's outputs: those are the glyph shapes of every row
(`runes.rows.SHAPES`, which starts with these 16 long-branch forms), then `runes.labels.EXTRA_LABELS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Rune", "RUNES", "RUNE_IDS", "NUM_RUNES", "Point", "Stroke", "Template", "get_rune"]

Point = tuple[float, float]
Stroke = tuple[Point, ...]
Template = tuple[Stroke, ...]


@dataclass(frozen=True)
class Rune:
    id: str
    name: str  # Old Norse name
    glyph: str  # long-branch form
    short_twig_glyph: str | None  # short-twig form where it differs, else None
    transliteration: str
    meaning: str
    long_branch_templates: tuple[Template, ...]
    short_twig_templates: tuple[Template, ...] = ()

    @property
    def glyphs(self) -> str:
        """Both forms, e.g. "ᚼ ᚽ", or just the one glyph."""
        return self.glyph if self.short_twig_glyph is None else f"{self.glyph} {self.short_twig_glyph}"

    @property
    def templates(self) -> tuple[Template, ...]:
        return self.long_branch_templates + self.short_twig_templates

    @property
    def label(self) -> str:
        """Glyph and name, as shown to people: "ᛏ týr"."""
        return f"{self.glyph} {self.name}"


def _line(*points: Point) -> Stroke:
    return tuple((float(x), float(y)) for x, y in points)


def _arc(cx: float, cy: float, rx: float, ry: float, start_deg: float, end_deg: float, n: int = 9) -> Stroke:
    """Points on an elliptical arc; angles in degrees, 0 = right, 90 = down."""
    angles = [math.radians(start_deg + (end_deg - start_deg) * i / (n - 1)) for i in range(n)]
    return tuple((cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles)


STEM = _line((0.5, 0.0), (0.5, 1.0))
LEFT_STEM = _line((0.3, 0.0), (0.3, 1.0))

RUNES: tuple[Rune, ...] = (
    Rune(
        "fe",
        "fé",
        "ᚠ",
        None,
        "f",
        "wealth, cattle",
        (
            (LEFT_STEM, _line((0.3, 0.25), (0.75, 0.0)), _line((0.3, 0.5), (0.75, 0.22))),
            (_line((0.3, 0.15), (0.3, 1.0)), _line((0.3, 0.15), (0.68, -0.08)), _line((0.3, 0.4), (0.7, 0.15))),
            (_line((0.3, 0.1), (0.3, 1.0)), _line((0.3, 0.1), (0.62, -0.1)), _line((0.3, 0.32), (0.64, 0.1))),
            (_line((0.3, 0.05), (0.3, 1.0)), _line((0.3, 0.12), (0.72, -0.05)), _line((0.3, 0.38), (0.66, 0.2))),
            (LEFT_STEM, _line((0.3, 0.12), (0.56, -0.14)), _line((0.3, 0.42), (0.58, 0.12))),
            (_line((0.3, 0.02), (0.3, 1.0)), _line((0.3, 0.04), (0.52, -0.2)), _line((0.3, 0.32), (0.56, 0.04))),
            # A short upper twig and a long lower branch reaching the top, as many people draw ᚠ.
            (LEFT_STEM, _line((0.3, 0.18), (0.5, 0.0)), _line((0.3, 0.45), (0.75, 0.03))),
            (LEFT_STEM, _line((0.3, 0.2), (0.58, 0.02)), _line((0.3, 0.48), (0.82, 0.06))),
            (LEFT_STEM, _arc(0.3, -0.15, 0.45, 0.4, 90, 20, n=6), _arc(0.3, 0.1, 0.45, 0.4, 90, 20, n=6)),
            # As Noto Sans Runic draws it: both branches curve up to the top of the stem (ᛓ's short twigs stop short).
            (LEFT_STEM, _arc(0.3, 0.0, 0.27, 0.3, 90, 0, n=7), _arc(0.3, 0.0, 0.58, 0.56, 90, 0, n=9)),
            (
                LEFT_STEM,
                _line((0.3, 0.16), (0.45, 0.09), (0.56, 0.0)),
                _line((0.3, 0.44), (0.6, 0.32), (0.78, 0.14), (0.84, 0.0)),
            ),
        ),
    ),
    Rune(
        "ur",
        "úr",
        "ᚢ",
        None,
        "u",
        "drizzle, slag",
        (
            (_line((0.2, 1.0), (0.2, 0.0), (0.8, 0.3), (0.8, 1.0)),),
            (_line((0.2, 1.0), (0.2, 0.0), (0.8, 0.0), (0.8, 1.0)),),
            ((*_line((0.2, 1.0)), *_arc(0.5, 0.3, 0.3, 0.3, 180, 360), *_line((0.8, 1.0))),),
        ),
    ),
    Rune(
        "thurs",
        "þurs",
        "ᚦ",
        None,
        "þ",
        "giant",
        (
            (LEFT_STEM, _line((0.3, 0.3), (0.72, 0.5), (0.3, 0.7))),
            (LEFT_STEM, _arc(0.3, 0.5, 0.42, 0.22, 270, 450)),
            # Noto Sans Runic's: a tall bow over most of the stem (ᚱ ends in a leg, ᛒ has two bows).
            (LEFT_STEM, _arc(0.3, 0.47, 0.42, 0.3, 270, 450)),
        ),
    ),
    Rune(
        "as",
        "áss",
        "ᚬ",
        "ᚭ",
        "ą",
        "god (one of the Æsir)",
        ((STEM, _line((0.22, 0.2), (0.78, 0.45)), _line((0.22, 0.5), (0.78, 0.75))),),
        ((STEM, _line((0.5, 0.3), (0.85, 0.45)), _line((0.5, 0.55), (0.85, 0.7))),),
    ),
    Rune(
        "reith",
        "reið",
        "ᚱ",
        None,
        "r",
        "ride, journey",
        (
            (LEFT_STEM, _line((0.3, 0.0), (0.75, 0.22), (0.3, 0.45), (0.75, 1.0))),
            (LEFT_STEM, (*_arc(0.3, 0.23, 0.4, 0.23, 270, 450), (0.75, 1.0))),
            # Noto Sans Runic's: a narrow pointed bow and a steep leg.
            (LEFT_STEM, _line((0.3, 0.0), (0.56, 0.16), (0.56, 0.26), (0.34, 0.45), (0.62, 1.0))),
            (LEFT_STEM, _line((0.3, 0.0), (0.6, 0.18), (0.32, 0.42), (0.52, 1.0))),
        ),
    ),
    Rune(
        "kaun",
        "kaun",
        "ᚴ",
        None,
        "k",
        "ulcer, sore",
        (
            (LEFT_STEM, _line((0.3, 0.5), (0.8, 0.0))),
            (LEFT_STEM, _line((0.3, 0.38), (0.72, 0.0))),
            (LEFT_STEM, _arc(0.3, 0.05, 0.45, 0.45, 90, 0)),
        ),
    ),
    Rune(
        "hagall",
        "hagall",
        "ᚼ",
        "ᚽ",
        "h",
        "hail",
        ((STEM, _line((0.15, 0.3), (0.85, 0.7)), _line((0.85, 0.3), (0.15, 0.7))),),
        ((STEM, _arc(0.5, 0.5, 0.1, 0.12, 0, 360, n=13)),),
    ),
    Rune(
        "nauthr",
        "nauðr",
        "ᚾ",
        "ᚿ",
        "n",
        "need, distress",
        ((STEM, _line((0.28, 0.36), (0.72, 0.64))),),
        ((STEM, _line((0.5, 0.45), (0.85, 0.65))),),
    ),
    Rune("isa", "íss", "ᛁ", None, "i", "ice", ((STEM,),)),
    Rune(
        "ar",
        "ár",
        "ᛅ",
        "ᛆ",
        "a",
        "plenty, good year",
        ((STEM, _line((0.28, 0.64), (0.72, 0.36))),),
        ((STEM, _line((0.5, 0.45), (0.15, 0.65))),),
    ),
    Rune(
        "sol",
        "sól",
        "ᛋ",
        "ᛌ",
        "s",
        "sun",
        (
            (_line((0.2, 0.0), (0.2, 0.7), (0.8, 0.3), (0.8, 1.0)),),
            (_line((0.2, 0.0), (0.2, 0.55), (0.8, 0.45), (0.8, 1.0)),),
        ),
    ),
    Rune(
        "tyr",
        "týr",
        "ᛏ",
        "ᛐ",
        "t",
        "the god Týr",
        (
            (STEM, _line((0.15, 0.3), (0.5, 0.0), (0.85, 0.3))),
            (STEM, _line((0.2, 0.4), (0.5, 0.0), (0.8, 0.4))),
            (STEM, _line((0.12, 0.22), (0.5, 0.0), (0.88, 0.22))),
        ),
        ((STEM, _line((0.5, 0.0), (0.15, 0.3))), (STEM, _line((0.5, 0.0), (0.24, 0.22)))),
    ),
    Rune(
        "bjork",
        "bjarkan",
        "ᛒ",
        "ᛓ",
        "b",
        "birch",
        (
            (LEFT_STEM, _line((0.3, 0.0), (0.75, 0.25), (0.3, 0.5), (0.75, 0.75), (0.3, 1.0))),
            (LEFT_STEM, (*_arc(0.3, 0.25, 0.4, 0.25, 270, 450), *_arc(0.3, 0.75, 0.42, 0.25, 270, 450))),
        ),
        # ᛓ: short twigs on the upper half (ᚠ's long branches reach the top of the stem).
        (
            (STEM, _line((0.5, 0.33), (0.8, 0.18)), _line((0.5, 0.56), (0.8, 0.41))),
            (STEM, _line((0.5, 0.3), (0.72, 0.19)), _line((0.5, 0.52), (0.72, 0.41))),
            (STEM, _line((0.5, 0.32), (0.78, 0.2)), _line((0.5, 0.57), (0.78, 0.45))),
        ),
    ),
    Rune(
        "mathr",
        "maðr",
        "ᛘ",
        "ᛙ",
        "m",
        "man",
        ((STEM, _line((0.1, 0.0), (0.5, 0.4), (0.9, 0.0))), (STEM, _arc(0.5, 0.0, 0.38, 0.4, 180, 0))),
        ((_line((0.5, 0.14), (0.5, 1.0)), _arc(0.5, 0.06, 0.09, 0.08, 90, 450, n=13)),),
    ),
    Rune(
        "logr",
        "lögr",
        "ᛚ",
        None,
        "l",
        "water, sea",
        ((STEM, _line((0.5, 0.0), (0.85, 0.3))), (STEM, _line((0.5, 0.0), (0.82, 0.5)))),
    ),
    Rune(
        "yr",
        "yr",
        "ᛦ",
        "ᛧ",
        "ʀ",
        "yew",
        ((STEM, _line((0.1, 1.0), (0.5, 0.6), (0.9, 1.0))), (STEM, _arc(0.5, 1.0, 0.38, 0.4, 180, 360))),
    ),
)

RUNE_IDS: tuple[str, ...] = tuple(rune.id for rune in RUNES)
NUM_RUNES = len(RUNES)
_BY_ID = {rune.id: rune for rune in RUNES}


def get_rune(rune_id: str) -> Rune:
    """The rune with this id; a KeyError that lists the valid ids otherwise."""
    try:
        return _BY_ID[rune_id]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown rune id {rune_id!r}; expected one of: {', '.join(RUNE_IDS)}") from None
