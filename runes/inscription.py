"""An inscription read: the runes left to right with their boxes, grouped into words, as runic text and Latin.

`Recognizer.read` returns one (the learned line reader, `runes.line_reader`, builds it); `inscription(words)`
joins the words into the runic text ("ᚦᚢᚱ᛫ᚴᚢᚾ": words joined by WORD_SEPARATOR) and its Latin ("þur kun").
"""

from __future__ import annotations

from dataclasses import dataclass

from runes.rows import DEFAULT_ROW, WORD_SEPARATOR, get_row

__all__ = ["Box", "RuneReading", "Inscription", "inscription", "WORD_SEPARATOR"]

Box = tuple[int, int, int, int]  # (top, left, bottom, right) in an image's pixels; bottom/right exclusive


@dataclass(frozen=True)
class RuneReading:
    """One rune of an inscription."""

    rune: str  # rune id in the row read, as in Prediction.rune
    glyph: (
        str  # the glyph as drawn: the row's form of the shape read (ᛐ for a short-twig týr), ᛌ / ᛧ for a short stroke
    )
    confidence: float  # how sure the reader is of that shape, 0-1 (for ᛌ / ᛧ: of ísa, the lone stroke)
    box: Box  # (top, left, bottom, right) of its ink in the input image's pixels; bottom/right exclusive
    row: str = DEFAULT_ROW  # the rune row it was read in

    @property
    def transliteration(self) -> str:
        return get_row(self.row).rune(self.rune).transliteration


@dataclass(frozen=True)
class Inscription:
    """What a reader read: runes left to right, grouped into words."""

    runes: tuple[RuneReading, ...]
    words: tuple[tuple[RuneReading, ...], ...]  # the same runes, split at separators and wide gaps
    text: str  # runic glyphs, words joined by WORD_SEPARATOR, e.g. "ᚦᚢᚱ᛫ᚴᚢᚾ"
    transliteration: str  # Latin, words joined by a space, e.g. "þur kun"


def inscription(readings: list[list[RuneReading]]) -> Inscription:
    """The Inscription of runes read word by word (words left without a rune are dropped)."""
    words = [word for word in readings if word]
    return Inscription(
        runes=tuple(r for word in words for r in word),
        words=tuple(tuple(word) for word in words),
        text=WORD_SEPARATOR.join("".join(r.glyph for r in word) for word in words),
        transliteration=" ".join("".join(r.transliteration for r in word) for word in words),
    )
