"""Runic text to Latin letters: the other way from `runes.writing.transliterate`.

    reading = read_text("ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ")   # the Jelling stone of King Gorm (DR 41)
    reading.transliteration                  # 'kurmʀ kunukʀ' (Rundata writes ʀ as R: kurmR kunukR)
    reading.row                              # 'long-branch': told by the code points
    reading.several_sounds                   # ('ᚢ = u/o/v/w/y', 'ᚴ = k/c/g/q'): one rune, several sounds
    [word.transliteration for word in reading.words]   # ['kurmʀ', 'kunukʀ']

Every rune is read with its row's usual transliteration (`Rune.transliteration` in runes.alphabet and runes.rows:
ᚦ þ, ᚬ ą, ᛦ ʀ, ᛉ z). The row comes from the code points: ᚴ and ᛦ are Younger runes, ᚲ and ᛉ Elder ones, ᛐ and ᛌ
short-twig forms; runes both rows share (ᚠ ᚢ ᚦ ᚱ ᚾ ᛁ ᛏ ᛒ ᛚ) sound the same in both. A text whose runes no one
row has (ᚨ with ᚴ) is read rune by rune in the row each belongs to, and says so (`mixed`). Words are split by
spaces and the separators of the inscriptions (᛫ ᛬ ᛭ : · and others, `SEPARATORS`); the editors' marks ( ) [ ]
< > { } and - (a lost rune) are kept as they are, so "ᚴ(ᛅᚱ)ᚦᛁ" reads "k(ar)þi". Anything else is left out and named.
The work is linear in the text, which is capped at MAX_CHARACTERS.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from dataclasses import dataclass

from runes.rows import ROW_IDS, ROWS, Row, get_row
from runes.writing import letters_of

__all__ = [
    "RunicText",
    "RunicWord",
    "ReadRune",
    "read_text",
    "shown",
    "SEPARATORS",
    "EDITORIAL_MARKS",
    "MAX_CHARACTERS",
]

MAX_CHARACTERS = 3000  # the longest rune stone, Rök, has about 760 runes; a paste over this is refused
SEPARATORS = "᛫᛬᛭:·•⁚⁝⁖⸽|÷×*+"  # word dividers of the inscriptions and of their editions; spaces too
EDITORIAL_MARKS = "()[]<>{}-"  # kept in the Latin as written: uncertain, restored or lost runes
RUNIC_BLOCK = (0x16A0, 0x16FF)


@dataclass(frozen=True)
class ReadRune:
    """One rune as read: its glyph, the row it was read in, its id, name and usual transliteration."""

    glyph: str
    row: str
    rune_id: str
    name: str
    sound: str


@dataclass(frozen=True)
class RunicWord:
    """A word: its runes (and editorial marks) as written, and in Latin letters."""

    text: str
    transliteration: str
    runes: tuple[ReadRune, ...]


@dataclass(frozen=True)
class RunicText:
    """Runic text read: the Latin (words joined by spaces), the row, the words, and notes for the reader."""

    text: str  # the words as read, joined by ᛫
    transliteration: str
    row: str  # the row the text was read in (detected, or the one asked for)
    words: tuple[RunicWord, ...] = ()
    rows: tuple[str, ...] = ()  # every row a rune was read in, the main one first
    mixed: bool = False  # True when no one row has all its runes
    several_sounds: tuple[str, ...] = ()  # "ᚢ = u/o/v/w/y": runes that stand for several sounds
    other_runes: tuple[str, ...] = ()  # runes of rows this app does not read (ᚩ, ᛥ), shown as "?"
    left_out: tuple[str, ...] = ()  # characters that are no runes, separators or editorial marks
    notes: tuple[str, ...] = ()  # plain sentences: the row, mixed rows, several sounds, what was left out

    def __str__(self) -> str:
        return self.transliteration


def _glyphs(row: Row) -> dict[str, str]:
    """Glyph -> rune id: the row's own glyph of each rune, and both Younger forms in a row that reads both."""
    glyphs = {}
    for rune in row.runes:
        glyphs[row.glyph(rune.id)] = rune.id
        if row.forms == "both":
            glyphs.setdefault(rune.glyph, rune.id)
            if rune.short_twig_glyph:
                glyphs.setdefault(rune.short_twig_glyph, rune.id)
    return glyphs


GLYPHS: dict[str, dict[str, str]] = {row_id: _glyphs(row) for row_id, row in ROWS.items()}
GLYPHS_ROW: dict[str, str] = {glyph: row_id for row_id in reversed(ROW_IDS) for glyph in GLYPHS[row_id]}  # first row
SHORT_ONLY = GLYPHS["short-twig"].keys() - GLYPHS["long-branch"].keys()  # ᛐ ᛌ ᚭ ...: short-twig forms


def _detect(runes: Counter[str]) -> tuple[str, bool]:
    """(the row these runes belong to, whether they mix rows): the narrowest row that has them all, else the row
    that has most of them (the first of ROW_IDS on a tie)."""
    having = [row_id for row_id in ROW_IDS if runes.keys() <= GLYPHS[row_id].keys()]
    if "long-branch" in having and "short-twig" in having:
        return "younger", False  # only forms both Younger rows share (ᚠ ᚢ ᚦ ᚱ ᚴ ᛁ ᛚ)
    for row_id in ("long-branch", "short-twig", "younger", "elder"):
        if row_id in having:
            return row_id, False
    if having:
        return having[0], False
    counts = {row_id: sum(n for glyph, n in runes.items() if glyph in GLYPHS[row_id]) for row_id in ROW_IDS}
    return max(ROW_IDS, key=lambda row_id: (counts[row_id], -ROW_IDS.index(row_id))), True


def _home(glyph: str, row_id: str) -> str | None:
    """The row to read a glyph in: `row_id` if it has it, else the first row that does (None: no row has it)."""
    if glyph in GLYPHS[row_id]:
        return row_id
    return next((other for other in ROW_IDS if glyph in GLYPHS[other]), None)


@functools.cache
def _sounds(row_id: str, rune_id: str) -> tuple[str, ...]:
    """The sounds a rune stands for, its usual transliteration first: ("u", "o", "v", "w", "y") for ᚢ úr."""
    sound = get_row(row_id).rune(rune_id).transliteration
    return (sound, *(letter for letter in letters_of(rune_id, row_id) if letter != sound))


def _words(text: str) -> list[str]:
    """The text split at spaces and separators into words of runes, marks and anything else."""
    spaced = "".join(" " if char in SEPARATORS else char for char in text)
    return spaced.split()


def read_text(text: str, row: str | None = None, prefer: str | None = None) -> RunicText:
    """Runic text -> Latin letters, word by word, in `row` (None: told by the runes; else "younger", "long-branch",
    "short-twig" or "elder"). `prefer`: a row to read in when it has every rune of the text (the row a visitor
    chose: ᚦᚢᚱ is in all of them), else told by the runes. A ValueError in plain words over MAX_CHARACTERS."""
    if not isinstance(text, str):
        raise TypeError(f"Expected runic text (a string of runes such as ᚦᚢᚱ), got {type(text).__name__}.")
    if len(text) > MAX_CHARACTERS:
        raise ValueError(
            f"That text is {len(text):,} characters long; this reads up to {MAX_CHARACTERS:,} at once "
            "(the longest rune stone has about 760 runes). Paste a shorter part."
        )
    asked = get_row(row).id if row else None
    text = unicodedata.normalize("NFC", text)
    runes = Counter(char for char in text if char in GLYPHS_ROW)
    detected, mixed = _detect(runes)
    if prefer and not asked and runes and runes.keys() <= GLYPHS[get_row(prefer).id].keys():
        detected = get_row(prefer).id
    main = asked or detected
    words: list[RunicWord] = []
    rows_used: Counter[str] = Counter()
    several: dict[str, str] = {}
    other_runes: list[str] = []
    left_out: dict[str, None] = {}  # in the order met
    for chunk in _words(text):
        written, latin, read = [], [], []
        for char in chunk:
            home = _home(char, main)
            if home is not None:
                rune = get_row(home).rune(GLYPHS[home][char])
                read.append(ReadRune(char, home, rune.id, rune.name, rune.transliteration))
                rows_used[home] += 1
                written.append(char)
                latin.append(rune.transliteration)
                if len(sounds := _sounds(home, rune.id)) > 1:
                    several.setdefault(char, f"{char} = {'/'.join(sounds)}")
            elif char in EDITORIAL_MARKS:
                written.append(char)
                latin.append(char)
            elif RUNIC_BLOCK[0] <= ord(char) <= RUNIC_BLOCK[1]:
                written.append(char)
                latin.append("?")
                if char not in other_runes:
                    other_runes.append(char)
            else:
                left_out.setdefault(char)
        if written:
            words.append(RunicWord("".join(written), "".join(latin), tuple(read)))
    rows = tuple(sorted(rows_used, key=lambda row_id: (row_id != main, -rows_used[row_id])))
    result = RunicText(
        text="᛫".join(word.text for word in words),
        transliteration=" ".join(word.transliteration for word in words),
        row=main,
        words=tuple(words),
        rows=rows,
        mixed=mixed,
        several_sounds=tuple(several.values()),
        other_runes=tuple(other_runes),
        left_out=tuple(left_out),
    )
    return _with_notes(result, asked)


def shown(characters: tuple[str, ...], most: int = 20) -> str:
    """Characters for a sentence: the first `most`, spaced, a code point for an invisible one ("U+200B")."""
    named = [char if char.isprintable() else f"U+{ord(char):04X}" for char in characters[:most]]
    more = f" and {len(characters) - most} more" if len(characters) > most else ""
    return " ".join(named) + more


def _row_words(row_id: str) -> str:
    """A row in a sentence, after "of" or "as": "the Younger Futhark (long-branch)"."""
    return f"the {get_row(row_id).name}"


def _with_notes(reading: RunicText, asked: str | None) -> RunicText:
    """The reading with its notes in plain sentences."""
    notes = []
    runes = [rune for word in reading.words for rune in word.runes]
    foreign: dict[str, list[str]] = {}  # row -> its runes in the text, for runes not of the row read in
    for rune in runes:
        if rune.row != reading.row and rune.glyph not in foreign.setdefault(rune.row, []):
            foreign[rune.row].append(rune.glyph)
    others = "; ".join(f"{' '.join(glyphs)} of {_row_words(row_id)}" for row_id, glyphs in foreign.items() if glyphs)
    if reading.mixed:
        notes.append(f"This text mixes rows: read in {_row_words(reading.row)}, with {others} read in their own row.")
    elif others:
        notes.append(f"Not runes of {_row_words(reading.row)}, read in their own row: {others}.")
    if runes and asked is None and not reading.mixed:
        if reading.row == "younger" and any(rune.glyph in SHORT_ONLY for rune in runes):
            notes.append("Read as the Younger Futhark: it has runes of both its forms, long-branch and short-twig.")
        else:
            notes.append(f"Read as {_row_words(reading.row)}, from its runes.")
        other = "younger" if reading.row == "elder" else "elder"  # the other family of rows
        if all(rune.glyph in GLYPHS[other] for rune in runes):
            notes.append(f"Its runes are in {_row_words(other)} too, with the same sounds.")
    if reading.several_sounds:
        notes.append("One rune, several sounds: " + "; ".join(reading.several_sounds) + ".")
    if reading.other_runes:
        named = ", ".join(f"{glyph} ({unicodedata.name(glyph, 'a rune').lower()})" for glyph in reading.other_runes)
        notes.append(f"Runes of rows this app does not read, shown as ?: {named}.")
    if reading.left_out:
        notes.append("Not runes, left out: " + shown(reading.left_out))
    return RunicText(**{**reading.__dict__, "notes": tuple(notes)})
