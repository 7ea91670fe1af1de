"""Rune rows (futharks) as data: which runes a row has, their glyphs, names, sounds and meanings.

    ROWS["younger"].runes         # the 16 runes of the Younger Futhark (runes.alphabet), long-branch glyphs
    ROWS["short-twig"].glyph("tyr")   # 'ᛐ': the row's own form of a rune
    ROWS["elder"].runes           # the 24 runes of the Elder Futhark

Row ids: `younger` (the Viking-age row, long-branch glyphs; both forms are recognised), `long-branch`,
`short-twig` (the same 16 runes, one form each) and `elder` (c. 150-800 AD). The Younger rows share
their runes (and stroke templates) with `runes.alphabet`.

The model learns glyph *shapes*, not runes: `SHAPES` lists every shape of every row once (the Younger
long-branch forms under their rune ids, the short-twig forms as "<rune id>-short", the Elder shapes no
Younger rune has under their Elder ids), and `Row.shapes` maps the shapes a row reads to its runes. A
shape two rows share (ᛉ algiz = ᛘ maðr, ᚠ, ᚢ, ᛁ, ᛏ, ᛒ...) is one class, read as each row's own rune.
Adding a row (the Anglo-Saxon futhorc, say) means adding its runes here, with templates for its new
shapes; the model code reads everything from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from runes.alphabet import RUNES, Rune, Template, _line, get_rune

__all__ = [
    "WORD_SEPARATOR",
    "Row",
    "Shape",
    "ROWS",
    "ROW_IDS",
    "DEFAULT_ROW",
    "ELDER_RUNES",
    "SHARED_SHAPES",
    "ELDER_TEMPLATES",
    "SHAPES",
    "SHAPE_IDS",
    "SHORT",
    "LONE_STROKES",
    "get_row",
    "get_shape",
    "row_of_shape",
    "shape_glyphs",
]

WORD_SEPARATOR = "᛫"  # joins runic words (in runes.writing and runes.inscription); the Latin gets a space
SHORT = "-short"  # a short-twig shape's id is its rune's id plus this: "tyr-short" is ᛐ
# Short-twig runes written as a lone short stroke: only where it sits in the line tells them from ᛁ íss.
LONE_STROKES = {"upper": "sol", "lower": "yr"}


@dataclass(frozen=True)
class Shape:
    """One glyph shape the model tells apart: its id (a model label), glyph and stroke templates."""

    id: str
    glyph: str
    templates: tuple[Template, ...]


@dataclass(frozen=True)
class Row:
    id: str
    name: str  # shown to people: "Younger Futhark (long-branch)"
    period: str
    runes: tuple[Rune, ...]
    short_twig: bool = False  # write the short-twig glyph where a rune has one
    forms: str = "both"  # which Younger forms the row reads: "both", "long" (long-branch) or "short" (short-twig)

    def rune(self, rune_id: str) -> Rune:
        """The row's rune with this id; a KeyError naming the row's runes otherwise."""
        rune = next((rune for rune in self.runes if rune.id == rune_id), None)
        if rune is None:
            raise KeyError(f"The {self.name} has no rune {rune_id!r}; it has: {', '.join(r.id for r in self.runes)}")
        return rune

    def label(self, rune_id: str) -> str:
        """Glyph and name as shown to people, in this row: "ᛐ týr" in the short-twig row."""
        return f"{self.glyph(rune_id)} {self.rune(rune_id).name}"

    @property
    def shapes(self) -> dict[str, str]:
        """Shape id -> rune id: the shapes this row reads, each as one of its runes (several shapes may share one).

        The short-twig row has no shape for ᛌ sól and ᛧ yr: a lone short stroke, which only its place in
        the frame tells from ᛁ íss (see `runes.model.Recognizer.predict`)."""
        shapes = {}
        for rune in self.runes:
            long_id = SHARED_SHAPES.get(rune.id, rune.id)
            short_id = rune.id + SHORT if rune.short_twig_templates else None
            if self.forms in ("both", "long") or rune.short_twig_glyph is None:
                shapes[long_id] = rune.id
            if self.forms in ("both", "short") and short_id:
                shapes[short_id] = rune.id
        return shapes

    def glyph(self, rune_id: str) -> str:
        """The row's glyph of a rune, e.g. ROWS["short-twig"].glyph("tyr") == "ᛐ"."""
        rune = self.rune(rune_id)
        return (rune.short_twig_glyph or rune.glyph) if self.short_twig else rune.glyph

    def form_glyph(self, rune_id: str, shape_id: str = "") -> str:
        """The row's glyph of a rune in the form drawn: the short-twig glyph for a short-twig shape ("tyr-short" is
        ᛐ, in any row that reads it), else `glyph(rune_id)`."""
        rune = self.rune(rune_id)
        if shape_id.endswith(SHORT) and rune.short_twig_glyph:
            return rune.short_twig_glyph
        return self.glyph(rune_id)

    def lone_stroke(self, centre: float) -> str | None:
        """The rune a short lone stroke is in this row, by where its centre sits (0 = top of the frame, 1 = bottom).

        Only a row with short-twig forms reads one (ᛌ sól high, ᛧ yr low, `LONE_STROKES`); elsewhere it is ᛁ íss."""
        if self.forms == "long":
            return None
        rune_id = LONE_STROKES["upper" if centre < 0.5 else "lower"]
        return rune_id if any(rune.id == rune_id for rune in self.runes) else None

    @property
    def glyphs(self) -> str:
        return "".join(self.glyph(rune.id) for rune in self.runes)


# Elder runes that have the shape of a Younger rune: Elder id -> Younger id. The Younger Futhark grew out
# of the Elder, and these ten kept their shape (the long-branch form where the Younger rune has two; ᛉ algiz
# and ᛘ maðr are one shape, stem and upward fork). They reuse the Younger long-branch templates, the same
# objects, so one shape is one class for a model over several rows (issue 11); each rune keeps its own
# name, sound and meaning.
SHARED_SHAPES: dict[str, str] = {
    "fehu": "fe",
    "uruz": "ur",
    "thurisaz": "thurs",
    "raido": "reith",
    "naudiz": "nauthr",
    "isaz": "isa",
    "algiz": "mathr",
    "tiwaz": "tyr",
    "berkanan": "bjork",
    "laguz": "logr",
}

_STEM = _line((0.3, 0.0), (0.3, 1.0))  # the stem of runes with everything on its right
_LEFT, _RIGHT = _line((0.15, 0.0), (0.15, 1.0)), _line((0.85, 0.0), (0.85, 1.0))  # the two stems of ᚺ ᛖ ᛗ ᛞ

# The 14 Elder shapes no Younger rune has, each as drawn by Noto Sans Runic (the first template) and the
# variants people draw. Branches are strokes that start on the stem (the generator turns and stretches a
# 2-point stroke about its start); a point shared by two strokes stays shared when jittered, so a
# crossing or a join written as a shared point stays together.
ELDER_TEMPLATES: dict[str, tuple[Template, ...]] = {
    # ᚨ: two parallel branches falling to the right from the top of the stem (ᚠ's rise; ᚭ's sit mid-stem).
    "ansuz": (
        (_STEM, _line((0.3, 0.0), (0.7, 0.2)), _line((0.3, 0.24), (0.7, 0.44))),
        (_STEM, _line((0.3, 0.02), (0.78, 0.3)), _line((0.3, 0.3), (0.78, 0.58))),
        (_STEM, _line((0.3, 0.0), (0.7, 0.3)), _line((0.3, 0.3), (0.7, 0.6))),
    ),
    # ᚲ: a "<" with no stem (ᚴ kaun has one); the font's is small, high up and narrow, some draw it wider.
    "kaunan": (
        (_line((0.65, 0.0), (0.25, 0.45), (0.25, 0.55), (0.65, 1.0)),),
        (_line((0.7, 0.0), (0.25, 0.5), (0.7, 1.0)),),
        (_line((0.8, 0.1), (0.2, 0.5), (0.8, 0.9)),),
    ),
    # ᚷ: an X with no stem (ᚼ hagall has one).
    "gebo": (
        (_line((0.1, 0.0), (0.5, 0.5), (0.9, 1.0)), _line((0.9, 0.0), (0.5, 0.5), (0.1, 1.0))),
        (_line((0.2, 0.0), (0.5, 0.5), (0.8, 1.0)), _line((0.8, 0.0), (0.5, 0.5), (0.2, 1.0))),
        (_line((0.1, 0.05), (0.9, 0.95)), _line((0.85, 0.0), (0.15, 1.0))),
    ),
    # ᚹ: a triangular flag at the top of the stem (ᚦ's sits mid-stem, ᛒ has two).
    "wunjo": (
        (_STEM, _line((0.3, 0.0), (0.72, 0.27), (0.72, 0.36), (0.3, 0.62))),
        (_STEM, _line((0.3, 0.0), (0.75, 0.26), (0.3, 0.52))),
        (_line((0.3, 1.0), (0.3, 0.0), (0.8, 0.3), (0.3, 0.6)),),
    ),
    # ᚺ: two stems and one falling bar; ᚻ, two parallel bars.
    "hagalaz": (
        (_LEFT, _RIGHT, _line((0.15, 0.28), (0.85, 0.66))),
        (_LEFT, _RIGHT, _line((0.15, 0.2), (0.5, 0.45), (0.85, 0.7))),
        (_LEFT, _RIGHT, _line((0.15, 0.17), (0.85, 0.5)), _line((0.15, 0.47), (0.85, 0.8))),
    ),
    # ᛃ: two offset chevrons, "<" high on the left and ">" low on the right; ᛄ, a stem through a diamond.
    "jera": (
        (_line((0.42, 0.0), (0.1, 0.38), (0.38, 0.68)), _line((0.6, 0.32), (0.9, 0.62), (0.58, 1.0))),
        (_line((0.45, 0.0), (0.1, 0.3), (0.45, 0.6)), _line((0.55, 0.4), (0.9, 0.7), (0.55, 1.0))),
        (_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.26), (0.2, 0.5), (0.5, 0.74), (0.8, 0.5), (0.5, 0.26))),
    ),
    # ᛇ: a stem with a hook falling right at the top and one rising left at the bottom (ᛚ lacks the second).
    "eihwaz": (
        (_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.0), (0.8, 0.2)), _line((0.5, 1.0), (0.2, 0.8))),
        (_line((0.2, 0.8), (0.5, 1.0), (0.5, 0.0), (0.8, 0.2)),),
        (_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.0), (0.78, 0.3)), _line((0.5, 1.0), (0.22, 0.7))),
    ),
    # ᛈ: a sideways cup: arms from both ends of the stem, bent back towards the middle (ᛒ's meet it).
    "perth": (
        (_STEM, _line((0.3, 0.0), (0.52, 0.26), (0.78, 0.0)), _line((0.3, 1.0), (0.52, 0.74), (0.78, 1.0))),
        (_STEM, _line((0.3, 0.0), (0.72, 0.22), (0.72, 0.34)), _line((0.3, 1.0), (0.72, 0.78), (0.72, 0.66))),
        (_line((0.72, 0.32), (0.72, 0.16), (0.3, 0.0), (0.3, 1.0), (0.72, 0.84), (0.72, 0.68)),),
    ),
    # ᛊ: the font's four-stroke zigzag (Σ-like), and the lightning ϟ: slanted strokes joined by a level one
    # (ᛋ sól's middle stroke rises between two upright ones).
    "sowilo": (
        (_line((0.75, 0.0), (0.25, 0.27), (0.75, 0.5), (0.25, 0.75), (0.75, 1.0)),),
        (_line((0.72, 0.0), (0.25, 0.5), (0.75, 0.5), (0.28, 1.0)),),
        (_line((0.7, 0.0), (0.25, 0.45), (0.75, 0.55), (0.3, 1.0)),),
    ),
    # ᛖ: an M: two stems joined by a V from their tops (ᛗ's lines cross, ᛞ's reach the bottom).
    "ehwaz": (
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.27), (0.85, 0.0))),
        (_line((0.15, 1.0), (0.15, 0.0), (0.5, 0.3), (0.85, 0.0), (0.85, 1.0)),),
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.18), (0.85, 0.0))),
    ),
    # ᛗ: two stems with an X between their upper halves.
    "mannaz": (
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.3), (0.85, 0.6)), _line((0.85, 0.0), (0.5, 0.3), (0.15, 0.6))),
        (_line((0.15, 1.0), (0.15, 0.0), (0.85, 0.62)), _line((0.85, 1.0), (0.85, 0.0), (0.15, 0.62))),
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.85, 0.66)), _line((0.85, 0.0), (0.15, 0.66))),
    ),
    # ᛜ: a small diamond; ᛝ, the diamond with crossed legs (a "<" over a ">").
    "ingwaz": (
        (_line((0.5, 0.0), (0.05, 0.5), (0.5, 1.0), (0.95, 0.5), (0.5, 0.0)),),
        (_line((0.5, 0.0), (0.1, 0.5), (0.5, 1.0)), _line((0.5, 0.0), (0.9, 0.5), (0.5, 1.0))),
        (_line((0.9, 0.0), (0.1, 0.5), (0.9, 1.0)), _line((0.1, 0.0), (0.9, 0.5), (0.1, 1.0))),
    ),
    # ᛞ: two stems with an X spanning their height, a bowtie.
    "dagaz": (
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.5), (0.85, 1.0)), _line((0.85, 0.0), (0.5, 0.5), (0.15, 1.0))),
        (_line((0.15, 1.0), (0.15, 0.0), (0.85, 1.0), (0.85, 0.0), (0.15, 1.0)),),
        (_LEFT, _RIGHT, _line((0.15, 0.0), (0.85, 1.0)), _line((0.85, 0.0), (0.15, 1.0))),
    ),
    # ᛟ: a diamond standing on two crossed legs.
    "othala": (
        (
            _line((0.5, 0.0), (0.1, 0.34), (0.5, 0.66), (0.9, 1.0)),
            _line((0.5, 0.0), (0.9, 0.34), (0.5, 0.66), (0.1, 1.0)),
        ),
        (_line((0.1, 1.0), (0.5, 0.66), (0.9, 0.34), (0.5, 0.0), (0.1, 0.34), (0.5, 0.66), (0.9, 1.0)),),
        (
            _line((0.5, 0.0), (0.15, 0.38), (0.5, 0.76), (0.85, 1.0)),
            _line((0.5, 0.0), (0.85, 0.38), (0.5, 0.76), (0.15, 1.0)),
        ),
    ),
}


def _elder(rune_id: str, name: str, glyph: str, sound: str, meaning: str) -> Rune:
    if rune_id in SHARED_SHAPES:
        templates = get_rune(SHARED_SHAPES[rune_id]).long_branch_templates
    else:
        templates = ELDER_TEMPLATES[rune_id]
    return Rune(rune_id, name, glyph, None, sound, meaning, long_branch_templates=templates)


# Proto-Germanic names as reconstructed (an asterisk is customary and left out), the usual transliteration.
ELDER_RUNES: tuple[Rune, ...] = (
    _elder("fehu", "fehu", "ᚠ", "f", "cattle, wealth"),
    _elder("uruz", "ūruz", "ᚢ", "u", "aurochs"),
    _elder("thurisaz", "þurisaz", "ᚦ", "þ", "giant"),
    _elder("ansuz", "ansuz", "ᚨ", "a", "a god (of the Æsir)"),
    _elder("raido", "raidō", "ᚱ", "r", "ride, journey"),
    _elder("kaunan", "kaunan", "ᚲ", "k", "ulcer; or kenaz, torch"),
    _elder("gebo", "gebō", "ᚷ", "g", "gift"),
    _elder("wunjo", "wunjō", "ᚹ", "w", "joy"),
    _elder("hagalaz", "hagalaz", "ᚺ", "h", "hail"),
    _elder("naudiz", "naudiz", "ᚾ", "n", "need"),
    _elder("isaz", "īsaz", "ᛁ", "i", "ice"),
    _elder("jera", "jēra", "ᛃ", "j", "year, harvest"),
    _elder("eihwaz", "eihwaz", "ᛇ", "ï", "yew"),
    _elder("perth", "perþ", "ᛈ", "p", "unknown; perhaps a pear tree or a dice cup"),
    _elder("algiz", "algiz", "ᛉ", "z", "elk; protection"),
    _elder("sowilo", "sōwilō", "ᛊ", "s", "sun"),
    _elder("tiwaz", "tīwaz", "ᛏ", "t", "the god Týr"),
    _elder("berkanan", "berkanan", "ᛒ", "b", "birch"),
    _elder("ehwaz", "ehwaz", "ᛖ", "e", "horse"),
    _elder("mannaz", "mannaz", "ᛗ", "m", "man"),
    _elder("laguz", "laguz", "ᛚ", "l", "water, lake"),
    _elder("ingwaz", "ingwaz", "ᛜ", "ŋ", "the god Ing"),
    _elder("dagaz", "dagaz", "ᛞ", "d", "day"),
    _elder("othala", "ōþala", "ᛟ", "o", "inheritance, homeland"),
)

ROWS: dict[str, Row] = {
    row.id: row
    for row in (
        Row("younger", "Younger Futhark", "Viking Age, c. 800-1100", RUNES),
        Row("long-branch", "Younger Futhark (long-branch)", "Viking Age, Denmark and beyond", RUNES, forms="long"),
        Row(
            "short-twig",
            "Younger Futhark (short-twig)",
            "Viking Age, Sweden and Norway",
            RUNES,
            short_twig=True,
            forms="short",
        ),
        Row("elder", "Elder Futhark", "c. 150-800", ELDER_RUNES),
    )
}
ROW_IDS: tuple[str, ...] = tuple(ROWS)
DEFAULT_ROW = "younger"


def get_row(row_id: str) -> Row:
    """The row with this id; a KeyError that lists the valid ids otherwise."""
    try:
        return ROWS[row_id]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown rune row {row_id!r}; expected one of: {', '.join(ROW_IDS)}") from None


def _shapes() -> tuple[Shape, ...]:
    """Every shape of every row once: Younger long-branch, Younger short-twig, then the other rows' own."""
    shapes = [Shape(rune.id, rune.glyph, rune.long_branch_templates) for rune in RUNES]
    shapes += [
        Shape(rune.id + SHORT, str(rune.short_twig_glyph), rune.short_twig_templates)
        for rune in RUNES
        if rune.short_twig_templates
    ]
    known = {shape.id for shape in shapes}
    for row in ROWS.values():
        for rune in row.runes:
            if rune.id not in known and rune.id not in SHARED_SHAPES:
                shapes.append(Shape(rune.id, rune.glyph, rune.long_branch_templates))
                known.add(rune.id)
    return tuple(shapes)


SHAPES: dict[str, Shape] = {shape.id: shape for shape in _shapes()}
SHAPE_IDS: tuple[str, ...] = tuple(SHAPES)


def get_shape(shape_id: str) -> Shape:
    """The shape with this id; a KeyError that lists the valid ids otherwise."""
    try:
        return SHAPES[shape_id]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown shape {shape_id!r}; expected one of: {', '.join(SHAPE_IDS)}") from None


def shape_glyphs(shape_id: str) -> tuple[str, ...]:
    """Every glyph that is written in this shape: ᛘ and ᛉ for "mathr"; for "isa" also ᛌ and ᛧ, the lone strokes."""
    glyphs = {get_shape(shape_id).glyph}
    for row in ROWS.values():
        if shape_id in row.shapes:
            glyphs.add(row.form_glyph(row.shapes[shape_id], shape_id))
        if shape_id == "isa" and row.short_twig:  # ᛌ ᛧ: a lone stroke, the shape of ᛁ
            glyphs |= {row.glyph(rune_id) for rune_id in LONE_STROKES.values()}
    return tuple(sorted(glyphs))


def row_of_shape(shape_id: str) -> tuple[Row, str]:
    """The row that best claims a shape (of the rows reading it, the one with fewest shapes) and its rune id."""
    rows = [row for row in ROWS.values() if shape_id in row.shapes]
    if not rows:
        raise KeyError(f"No row reads the shape {shape_id!r}.")
    row = min(rows, key=lambda row: len(row.shapes))
    return row, row.shapes[shape_id]
