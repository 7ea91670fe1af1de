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

from runes.alphabet import RUNES, Rune

__all__ = ["Row", "ROWS", "ROW_IDS", "DEFAULT_ROW", "ELDER_RUNES", "get_row"]


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


def _elder(rune_id: str, name: str, glyph: str, sound: str, meaning: str) -> Rune:
    return Rune(rune_id, name, glyph, None, sound, meaning, long_branch_templates=())


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
