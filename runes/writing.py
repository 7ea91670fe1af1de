"""Your name in runes: Latin letters -> the runes of a row, with what had to be merged.

    transliterate("Harald").text                 # 'ᚼᛅᚱᛅᛚᛏ'   (Younger Futhark, as on the Jelling stone)
    transliterate("Harald", row="elder").text    # 'ᚺᚨᚱᚨᛚᛞ'
    transliterate("Harald").merged               # ('ᛏ = d, t',): the Younger row has one rune for both
    render_runes("ᚼᛅᚱᛅᛚᛏ")                        # uint8 image, black runes on white, in Noto Sans Runic

The Younger Futhark has 16 runes for many more sounds, so letters merge: c/g/k/q -> ᚴ, d/t -> ᛏ,
e/i/j -> ᛁ, o/u/v/w/y -> ᚢ, b/p -> ᛒ, s/z -> ᛋ. As in Viking-age inscriptions a sound written twice in a
row is written once (Anna -> ᛅᚾᛅ), and words are joined by the separator ᛫. Accents are dropped (é -> e);
Old Norse and Nordic letters have their own runes (þ, ð -> ᚦ; æ -> ᛅ; ø, ö -> ᚢ; å, ǫ -> ᚬ).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from runes.rows import DEFAULT_ROW, WORD_SEPARATOR, get_row

__all__ = [
    "Transliteration",
    "transliterate",
    "letters_of",
    "render_runes",
    "FONT_PATH",
    "WORD_SEPARATOR",
    "MAX_LETTERS",
]

FONT_PATH = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "NotoSansRunic-Regular.ttf"
MAX_LETTERS = 200  # a name or a short phrase; longer text is cut

# Letters (and digraphs, tried first) -> rune ids, per family of rows. Unlisted letters lose their accents.
_YOUNGER = {
    "th": ("thurs",),
    "þ": ("thurs",),
    "ð": ("thurs",),
    "f": ("fe",),
    "u": ("ur",),
    "o": ("ur",),
    "v": ("ur",),
    "w": ("ur",),
    "y": ("ur",),
    "ø": ("ur",),
    "ö": ("ur",),
    "ü": ("ur",),
    "å": ("as",),
    "ǫ": ("as",),
    "r": ("reith",),
    "k": ("kaun",),
    "c": ("kaun",),
    "g": ("kaun",),
    "q": ("kaun",),
    "x": ("kaun", "sol"),
    "h": ("hagall",),
    "n": ("nauthr",),
    "i": ("isa",),
    "e": ("isa",),
    "j": ("isa",),
    "a": ("ar",),
    "æ": ("ar",),
    "ä": ("ar",),
    "s": ("sol",),
    "z": ("sol",),
    "t": ("tyr",),
    "d": ("tyr",),
    "b": ("bjork",),
    "p": ("bjork",),
    "m": ("mathr",),
    "l": ("logr",),
}
_ELDER = {
    "th": ("thurisaz",),
    "þ": ("thurisaz",),
    "ð": ("thurisaz",),
    "ng": ("ingwaz",),
    "f": ("fehu",),
    "u": ("uruz",),
    "ü": ("uruz",),
    "a": ("ansuz",),
    "æ": ("ansuz",),
    "ä": ("ansuz",),
    "r": ("raido",),
    "k": ("kaunan",),
    "c": ("kaunan",),
    "q": ("kaunan",),
    "x": ("kaunan", "sowilo"),
    "g": ("gebo",),
    "w": ("wunjo",),
    "v": ("wunjo",),
    "h": ("hagalaz",),
    "n": ("naudiz",),
    "i": ("isaz",),
    "y": ("isaz",),
    "j": ("jera",),
    "p": ("perth",),
    "z": ("algiz",),
    "s": ("sowilo",),
    "t": ("tiwaz",),
    "b": ("berkanan",),
    "e": ("ehwaz",),
    "m": ("mannaz",),
    "l": ("laguz",),
    "d": ("dagaz",),
    "o": ("othala",),
    "ø": ("othala",),
    "ö": ("othala",),
    "å": ("othala",),
    "ǫ": ("othala",),
}
_TABLES = {"younger": _YOUNGER, "long-branch": _YOUNGER, "short-twig": _YOUNGER, "elder": _ELDER}
_BASIC = set("abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Transliteration:
    """`text` in runes, with notes for the reader: letters that share a rune, sounds written once, left out."""

    text: str
    row: str
    merged: tuple[str, ...] = ()  # e.g. "ᛏ = d, t": the row writes these letters with one rune
    written_once: tuple[str, ...] = ()  # e.g. "nn": a doubled sound written with one rune
    left_out: tuple[str, ...] = ()  # characters with no rune (digits, punctuation)

    def __str__(self) -> str:
        return self.text


def _letters(word: str) -> str:
    """Lower case; accents dropped from letters the tables do not list (é -> e), others kept (þ, ø, å)."""
    out = []
    for char in word.lower():
        if char in _YOUNGER or char in _ELDER:
            out.append(char)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)))
    return "".join(out)


def transliterate(text: str, row: str = DEFAULT_ROW) -> Transliteration:
    """Latin text -> runes of `row` ("younger", "long-branch", "short-twig" or "elder")."""
    the_row = get_row(row)
    table = _TABLES[the_row.id]
    if not isinstance(text, str):
        raise TypeError(f"Expected text (a name or a word), got {type(text).__name__}.")
    words: list[str] = []
    used: dict[str, set[str]] = {}
    once: list[str] = []
    left_out: list[str] = []
    for word in _letters(text[:MAX_LETTERS]).split():
        runes: list[tuple[str, str]] = []
        position = 0
        while position < len(word):
            key = word[position : position + 2] if word[position : position + 2] in table else word[position]
            position += len(key)
            if key not in table:
                if key not in left_out:
                    left_out.append(key)
                continue
            for rune_id in table[key]:
                if runes and runes[-1][0] == rune_id:  # a doubled sound is written once
                    once.append(runes[-1][1] + key)
                    continue
                runes.append((rune_id, key))
                used.setdefault(rune_id, set()).add(key)
        if runes:
            words.append("".join(the_row.glyph(rune_id) for rune_id, _ in runes))
    merged = []
    for rune_id in used:
        sharing = letters_of(rune_id, the_row.id)
        if len(sharing) > 1:
            merged.append(f"{the_row.glyph(rune_id)} = {', '.join(sharing)}")
    return Transliteration(
        WORD_SEPARATOR.join(words), the_row.id, tuple(merged), tuple(dict.fromkeys(once)), tuple(left_out)
    )


def letters_of(rune_id: str, row: str = DEFAULT_ROW) -> tuple[str, ...]:
    """The Latin letters a-z the row writes with this rune alone, in alphabetical order: ("o", "u", "v", "w", "y")
    for ᚢ úr in the Younger rows, ("u",) for ᚢ ūruz in the Elder. Reading runes, these are the sounds it may stand for."""
    table = _TABLES[get_row(row).id]
    return tuple(sorted(letter for letter, ids in table.items() if ids == (rune_id,) and letter in _BASIC))


def render_runes(text: str, font_size: int = 96, margin: int = 24) -> np.ndarray:
    """The runes drawn with the bundled Noto Sans Runic: uint8 (H, W), black on white. Empty text: a blank."""
    font = ImageFont.truetype(str(FONT_PATH), font_size)
    left, top, right, bottom = (round(edge) for edge in font.getbbox(text or " "))
    image = Image.new("L", (max(1, right - left) + 2 * margin, max(1, bottom - top) + 2 * margin), 255)
    ImageDraw.Draw(image).text((margin - left, margin - top), text, font=font, fill=0)
    return np.asarray(image)
