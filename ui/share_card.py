"""The share card: a PNG of a reading to download, the drawing beside the rune, its name, sound and meaning.

Server-rendered with PIL at a fixed size (CARD_SIZE), so its cost is bounded whatever was drawn: the drawing
comes checked and capped (ui.inputs.RUNE), is rendered at the pad's size and shrunk into its box. The facts are
the rune tables' (runes.rows), the rune in the bundled Noto Sans Runic (runes.writing.FONT_PATH), the words in
assets/fonts/DejaVuSans-Latin.ttf (DejaVu Sans cut to Latin, Latin-1, Latin Extended-A and ʀ, the letters of the
rune names: `pyftsubset DejaVuSans.ttf --unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0280,U+2013-2014,
U+2018-201D,U+2026,U+00B7"`, 52 kB; the runic font has no Latin letters).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from runes import Prediction
from runes.rows import get_row
from runes.writing import FONT_PATH

LATIN_FONT_PATH = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "DejaVuSans-Latin.ttf"
CARD_SIZE = (800, 400)  # width, height in px: a PNG of ~15-25 kB
DRAWING_BOX = 340  # the drawing's square on the left
INK, PAPER, FRAME, SUBDUED = (17, 17, 17), (255, 255, 255), (194, 65, 12), (82, 82, 91)


def _fonts() -> dict[str, ImageFont.FreeTypeFont]:
    return {
        "glyph": ImageFont.truetype(str(FONT_PATH), 150),
        "name": ImageFont.truetype(str(LATIN_FONT_PATH), 40),
        "text": ImageFont.truetype(str(LATIN_FONT_PATH), 24),
        "small": ImageFont.truetype(str(LATIN_FONT_PATH), 18),
    }


FONTS = _fonts()  # loaded once: a card costs only its drawing


def _wrapped(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` cut into lines no wider than `width` px (at word breaks)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def card_image(drawing: np.ndarray, prediction: Prediction) -> Image.Image:
    """The card (RGB, CARD_SIZE; the page sends it as a PNG): `drawing` (uint8 grey, black ink on white, any size) and the rune it was read as."""
    width, height = CARD_SIZE
    card = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, width - 1, height - 1), outline=FRAME, width=6)
    picture = Image.fromarray(drawing).convert("RGB")
    picture.thumbnail((DRAWING_BOX, DRAWING_BOX), Image.Resampling.LANCZOS)
    left, top = 30 + (DRAWING_BOX - picture.width) // 2, 30 + (DRAWING_BOX - picture.height) // 2
    card.paste(picture, (left, top))
    draw.rectangle((29, 29, 30 + DRAWING_BOX, 30 + DRAWING_BOX), outline=SUBDUED, width=1)

    row = get_row(prediction.row)
    rune = row.rune(prediction.rune)
    x = 400
    draw.text((x, 20), prediction.glyph, font=FONTS["glyph"], fill=INK)
    draw.text((x + 130, 60), rune.name, font=FONTS["name"], fill=INK)
    draw.text((x + 130, 112), f"sound: {rune.transliteration}", font=FONTS["text"], fill=INK)
    y = 200
    for line in _wrapped(f"Meaning: {rune.meaning}", FONTS["text"], width - x - 30)[:4]:
        draw.text((x, y), line, font=FONTS["text"], fill=INK)
        y += 32
    draw.text((x, height - 62), row.name, font=FONTS["small"], fill=SUBDUED)
    draw.text(
        (x, height - 38), f"Read by Rune Reader · {prediction.confidence:.0%} sure", font=FONTS["small"], fill=SUBDUED
    )
    return card
