"""Rune rows (futharks) as data: which runes a row has, their glyphs, names, sounds and meanings.

    ROWS["younger"].runes         # the 16 runes of the Younger Futhark (runes.alphabet), long-branch glyphs
    ROWS["short-twig"].glyph("tyr")   # 'ᛐ': the row's own form of a rune
    ROWS["elder"].runes           # the 24 runes of the Elder Futhark

Row ids: `younger` (the Viking-age row, long-branch glyphs; both forms are recognised), `long-branch`,
`short-twig` (the same 16 runes, one form each) and `elder` (c. 150-800 AD). The Younger rows share
their runes (and stroke templates) with `runes.alphabet`. Adding a row (the Anglo-Saxon futhorc, say)
means adding its runes here. The recogniser's model is trained on the Younger runes; the Elder row
is used for writing (`runes.writing`) until a model is trained on its shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from runes.alphabet import RUNES, Rune, Template, _line, get_rune

__all__ = ["Row", "ROWS", "ROW_IDS", "DEFAULT_ROW", "ELDER_RUNES", "SHARED_SHAPES", "ELDER_TEMPLATES", "get_row"]


@dataclass(frozen=True)
class Row:
    id: str
    name: str  # shown to people: "Younger Futhark (long-branch)"
    period: str
    runes: tuple[Rune, ...]
    short_twig: bool = False  # write the short-twig glyph where a rune has one

    def glyph(self, rune_id: str) -> str:
        """The row's glyph of a rune, e.g. ROWS["short-twig"].glyph("tyr") == "ᛐ"."""
        rune = next((rune for rune in self.runes if rune.id == rune_id), None)
        if rune is None:
            raise KeyError(f"The {self.name} has no rune {rune_id!r}; it has: {', '.join(r.id for r in self.runes)}")
        return (rune.short_twig_glyph or rune.glyph) if self.short_twig else rune.glyph

    @property
    def glyphs(self) -> str:
        return "".join(self.glyph(rune.id) for rune in self.runes)


# Elder runes that have the shape of a Younger rune: Elder id -> Younger id. The Younger Futhark grew out
# of the Elder, and these ten kept their shape (the long-branch form where the Younger rune has two; ᛉ algiz
# and ᛘ maðr are one shape, stem and upward fork). They reuse the Younger long-branch templates, the same
# objects, so one shape is one class for a model over several rows (issue 11); each rune keeps its own
# name, sound and meaning.
SHARED_SHAPES: dict[str, str] = {
    "fehu": "fe", "uruz": "ur", "thurisaz": "thurs", "raido": "reith", "naudiz": "nauthr", "isaz": "isa",
    "algiz": "mathr", "tiwaz": "tyr", "berkanan": "bjork", "laguz": "logr",
}

_STEM = _line((0.3, 0.0), (0.3, 1.0))  # the stem of runes with everything on its right
_LEFT, _RIGHT = _line((0.15, 0.0), (0.15, 1.0)), _line((0.85, 0.0), (0.85, 1.0))  # the two stems of ᚺ ᛖ ᛗ ᛞ

# The 14 Elder shapes no Younger rune has, each as drawn by Noto Sans Runic (the first template) and the
# variants people draw. Branches are strokes that start on the stem (the generator turns and stretches a
# 2-point stroke about its start); a point shared by two strokes stays shared when jittered, so a
# crossing or a join written as a shared point stays together.
ELDER_TEMPLATES: dict[str, tuple[Template, ...]] = {
    # ᚨ: two parallel branches falling to the right from the top of the stem (ᚠ's rise; ᚭ's sit mid-stem).
    "ansuz": ((_STEM, _line((0.3, 0.0), (0.7, 0.2)), _line((0.3, 0.24), (0.7, 0.44))),
              (_STEM, _line((0.3, 0.02), (0.78, 0.3)), _line((0.3, 0.3), (0.78, 0.58))),
              (_STEM, _line((0.3, 0.0), (0.7, 0.3)), _line((0.3, 0.3), (0.7, 0.6)))),
    # ᚲ: a "<" with no stem (ᚴ kaun has one); the font's is small, high up and narrow, some draw it wider.
    "kaunan": ((_line((0.65, 0.0), (0.25, 0.45), (0.25, 0.55), (0.65, 1.0)),),
               (_line((0.7, 0.0), (0.25, 0.5), (0.7, 1.0)),),
               (_line((0.8, 0.1), (0.2, 0.5), (0.8, 0.9)),)),
    # ᚷ: an X with no stem (ᚼ hagall has one).
    "gebo": ((_line((0.1, 0.0), (0.5, 0.5), (0.9, 1.0)), _line((0.9, 0.0), (0.5, 0.5), (0.1, 1.0))),
             (_line((0.2, 0.0), (0.5, 0.5), (0.8, 1.0)), _line((0.8, 0.0), (0.5, 0.5), (0.2, 1.0))),
             (_line((0.1, 0.05), (0.9, 0.95)), _line((0.85, 0.0), (0.15, 1.0)))),
    # ᚹ: a triangular flag at the top of the stem (ᚦ's sits mid-stem, ᛒ has two).
    "wunjo": ((_STEM, _line((0.3, 0.0), (0.72, 0.27), (0.72, 0.36), (0.3, 0.62))),
              (_STEM, _line((0.3, 0.0), (0.75, 0.26), (0.3, 0.52))),
              (_line((0.3, 1.0), (0.3, 0.0), (0.8, 0.3), (0.3, 0.6)),)),
    # ᚺ: two stems and one falling bar; ᚻ, two parallel bars.
    "hagalaz": ((_LEFT, _RIGHT, _line((0.15, 0.28), (0.85, 0.66))),
                (_LEFT, _RIGHT, _line((0.15, 0.2), (0.5, 0.45), (0.85, 0.7))),
                (_LEFT, _RIGHT, _line((0.15, 0.17), (0.85, 0.5)), _line((0.15, 0.47), (0.85, 0.8)))),
    # ᛃ: two offset chevrons, "<" high on the left and ">" low on the right; ᛄ, a stem through a diamond.
    "jera": ((_line((0.42, 0.0), (0.1, 0.38), (0.38, 0.68)), _line((0.6, 0.32), (0.9, 0.62), (0.58, 1.0))),
             (_line((0.45, 0.0), (0.1, 0.3), (0.45, 0.6)), _line((0.55, 0.4), (0.9, 0.7), (0.55, 1.0))),
             (_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.26), (0.2, 0.5), (0.5, 0.74), (0.8, 0.5), (0.5, 0.26)))),
    # ᛇ: a stem with a hook falling right at the top and one rising left at the bottom (ᛚ lacks the second).
    "eihwaz": ((_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.0), (0.8, 0.2)), _line((0.5, 1.0), (0.2, 0.8))),
               (_line((0.2, 0.8), (0.5, 1.0), (0.5, 0.0), (0.8, 0.2)),),
               (_line((0.5, 0.0), (0.5, 1.0)), _line((0.5, 0.0), (0.78, 0.3)), _line((0.5, 1.0), (0.22, 0.7)))),
    # ᛈ: a sideways cup: arms from both ends of the stem, bent back towards the middle (ᛒ's meet it).
    "perth": ((_STEM, _line((0.3, 0.0), (0.52, 0.26), (0.78, 0.0)), _line((0.3, 1.0), (0.52, 0.74), (0.78, 1.0))),
              (_STEM, _line((0.3, 0.0), (0.72, 0.22), (0.72, 0.34)), _line((0.3, 1.0), (0.72, 0.78), (0.72, 0.66))),
              (_line((0.72, 0.32), (0.72, 0.16), (0.3, 0.0), (0.3, 1.0), (0.72, 0.84), (0.72, 0.68)),)),
    # ᛊ: the font's four-stroke zigzag (Σ-like), and the lightning ϟ: slanted strokes joined by a level one
    # (ᛋ sól's middle stroke rises between two upright ones).
    "sowilo": ((_line((0.75, 0.0), (0.25, 0.27), (0.75, 0.5), (0.25, 0.75), (0.75, 1.0)),),
               (_line((0.72, 0.0), (0.25, 0.5), (0.75, 0.5), (0.28, 1.0)),),
               (_line((0.7, 0.0), (0.25, 0.45), (0.75, 0.55), (0.3, 1.0)),)),
    # ᛖ: an M: two stems joined by a V from their tops (ᛗ's lines cross, ᛞ's reach the bottom).
    "ehwaz": ((_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.27), (0.85, 0.0))),
              (_line((0.15, 1.0), (0.15, 0.0), (0.5, 0.3), (0.85, 0.0), (0.85, 1.0)),),
              (_LEFT, _RIGHT, _line((0.15, 0.0), (0.5, 0.18), (0.85, 0.0)))),
    # ᛗ: two stems with an X between their upper halves.
    "mannaz": ((_LEFT, _RIGHT,
                _line((0.15, 0.0), (0.5, 0.3), (0.85, 0.6)), _line((0.85, 0.0), (0.5, 0.3), (0.15, 0.6))),
               (_line((0.15, 1.0), (0.15, 0.0), (0.85, 0.62)), _line((0.85, 1.0), (0.85, 0.0), (0.15, 0.62))),
               (_LEFT, _RIGHT, _line((0.15, 0.0), (0.85, 0.66)), _line((0.85, 0.0), (0.15, 0.66)))),
    # ᛜ: a small diamond; ᛝ, the diamond with crossed legs (a "<" over a ">").
    "ingwaz": ((_line((0.5, 0.0), (0.05, 0.5), (0.5, 1.0), (0.95, 0.5), (0.5, 0.0)),),
               (_line((0.5, 0.0), (0.1, 0.5), (0.5, 1.0)), _line((0.5, 0.0), (0.9, 0.5), (0.5, 1.0))),
               (_line((0.9, 0.0), (0.1, 0.5), (0.9, 1.0)), _line((0.1, 0.0), (0.9, 0.5), (0.1, 1.0)))),
    # ᛞ: two stems with an X spanning their height, a bowtie.
    "dagaz": ((_LEFT, _RIGHT,
               _line((0.15, 0.0), (0.5, 0.5), (0.85, 1.0)), _line((0.85, 0.0), (0.5, 0.5), (0.15, 1.0))),
              (_line((0.15, 1.0), (0.15, 0.0), (0.85, 1.0), (0.85, 0.0), (0.15, 1.0)),),
              (_LEFT, _RIGHT, _line((0.15, 0.0), (0.85, 1.0)), _line((0.85, 0.0), (0.15, 1.0)))),
    # ᛟ: a diamond standing on two crossed legs.
    "othala": ((_line((0.5, 0.0), (0.1, 0.34), (0.5, 0.66), (0.9, 1.0)),
                _line((0.5, 0.0), (0.9, 0.34), (0.5, 0.66), (0.1, 1.0))),
               (_line((0.1, 1.0), (0.5, 0.66), (0.9, 0.34), (0.5, 0.0), (0.1, 0.34), (0.5, 0.66), (0.9, 1.0)),),
               (_line((0.5, 0.0), (0.15, 0.38), (0.5, 0.76), (0.85, 1.0)),
                _line((0.5, 0.0), (0.85, 0.38), (0.5, 0.76), (0.15, 1.0)))),
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

ROWS: dict[str, Row] = {row.id: row for row in (
    Row("younger", "Younger Futhark", "Viking Age, c. 800-1100", RUNES),
    Row("long-branch", "Younger Futhark (long-branch)", "Viking Age, Denmark and beyond", RUNES),
    Row("short-twig", "Younger Futhark (short-twig)", "Viking Age, Sweden and Norway", RUNES, short_twig=True),
    Row("elder", "Elder Futhark", "c. 150-800", ELDER_RUNES),
)}
ROW_IDS: tuple[str, ...] = tuple(ROWS)
DEFAULT_ROW = "younger"


def get_row(row_id: str) -> Row:
    """The row with this id; a KeyError that lists the valid ids otherwise."""
    try:
        return ROWS[row_id]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown rune row {row_id!r}; expected one of: {', '.join(ROW_IDS)}") from None
