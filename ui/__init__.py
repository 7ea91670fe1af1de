"""The app's presentation, beside app.py: the stroke pad, HTML cards, the stylesheet and the theme.

Only app.py imports this package; the library (runes/) never does.
"""

from __future__ import annotations

import base64
from pathlib import Path

import gradio as gr

from runes.writing import FONT_PATH

HERE = Path(__file__).resolve().parent
RUNIC_FONT = "Noto Sans Runic"
RUNIC_RANGE = "U+16A0-16FF"  # the Runic block: the family is used for these code points only


def page_css() -> str:
    """style.css with the runic font embedded (a data URL of 9 kB works behind any proxy or root path)."""
    data = base64.b64encode(FONT_PATH.read_bytes()).decode("ascii")
    font_face = (
        f"@font-face {{ font-family: '{RUNIC_FONT}'; font-style: normal; font-weight: 100 900; "
        f"font-display: block; unicode-range: {RUNIC_RANGE}; "
        f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}\n"
    )
    return font_face + (HERE / "style.css").read_text(encoding="utf-8")


def page_js() -> str:
    """For demo.launch(js=...): copy buttons and the rune keyboard (ui/keys.js), run once when the page loads."""
    return (HERE / "keys.js").read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """Gradio's default theme with the runic font first in every font stack (see page_css), and colours that
    reach WCAG AA contrast (4.5:1 for text, checked by axe-core in tests/test_accessibility.py): the default
    footer and info text (zinc 400 on white, 1.9:1) and white on the orange primary buttons (2.8:1) do not."""
    return gr.themes.Default(
        font=(
            RUNIC_FONT,
            gr.themes.LocalFont("Source Sans Pro", weights=(400, 600)),
            "ui-sans-serif",
            "system-ui",
            "sans-serif",
        ),
        font_mono=(
            RUNIC_FONT,
            gr.themes.LocalFont("IBM Plex Mono", weights=(400, 600)),
            "ui-monospace",
            "Consolas",
            "monospace",
        ),
    ).set(
        body_text_color_subdued="*neutral_600",  # 7.7:1 on white (zinc 400 was 1.9:1)
        button_primary_background_fill="*primary_700",  # white on orange 700: 5.2:1 (orange 500 was 2.8:1)
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
    )
