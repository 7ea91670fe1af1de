"""Rune Reader: recognise hand-drawn runes of the Younger and the Elder Futhark.

from runes import Recognizer
prediction = Recognizer.load().predict(image)   # numpy array or PIL image; the Younger Futhark
prediction.label, prediction.confidence, prediction.top(3)      # 'ᛏ týr', 0.99, [('tyr', 0.99), ...]
Recognizer.load().predict(image, row="elder").label             # 'ᚷ gebō'; rows: runes.ROWS
read_text("ᚴᚢᚱᛘᛦ").transliteration                               # 'kurmʀ': runic text to Latin
"""

__version__ = "0.1.0"

from runes.alphabet import NUM_RUNES, RUNE_IDS, RUNES, Rune, get_rune
from runes.model import ModelLoadError, Prediction, Recognizer, build_model
from runes.preprocess import EmptySketchError, preprocess
from runes.rows import ROWS, Row
from runes.runic_text import read_text
from runes.writing import transliterate

__all__ = [
    "Recognizer",
    "Prediction",
    "EmptySketchError",
    "ModelLoadError",
    "RUNES",
    "RUNE_IDS",
    "NUM_RUNES",
    "Rune",
    "get_rune",
    "preprocess",
    "build_model",
    "ROWS",
    "Row",
    "transliterate",
    "read_text",
    "__version__",
]
