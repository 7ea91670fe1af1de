"""The labels every part of the package shares: a model's outputs that are not glyph shapes.

A model's labels are the glyph shapes of its rows (`runes.rows.SHAPES`), then EXTRA_LABELS, then any symbols
taught by `runes.teach`. This module is the one place these names are written; it imports nothing, so the path
that loads a model and predicts needs neither the sketch generator nor training code to know them.
"""

from __future__ import annotations

__all__ = ["NOT_A_RUNE", "BLUETOOTH", "EXTRA_LABELS"]

NOT_A_RUNE = "other"  # model label for anything that is not a rune
BLUETOOTH = "bluetooth"  # model label for the Bluetooth logo, the ᚼ+ᛒ bind rune
EXTRA_LABELS = (BLUETOOTH, NOT_A_RUNE)  # labels a model has after the glyph shapes, in this order
