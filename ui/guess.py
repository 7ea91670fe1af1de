"""`GuessLine`: the best guess, made in the visitor's browser, on a line just above the Recognize pad.

The page runs the model exported by `python -m runes.web` (MODEL_DIR/web/) with ui/guesser.js on the vendored
TensorFlow.js, and shows the guess at every pen-up and while the pen moves, with no server round trip; on a phone
it stays in sight while drawing. The words it shows (rune labels in the form drawn, "Not a rune", "Not a
long-branch rune", the Bluetooth logo) are made here from the same functions as the server's top 5 (ui.cards,
ui.rows), and handed to the page as data. A model folder without the export, or a page that cannot load it, shows
no line: the server's answers below the pad are there either way. Behaviour in guess.js, looks in style.css.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import gradio as gr

from runes import Recognizer
from runes.folder import BUNDLED_MODEL_DIR, HF_PREFIX
from runes.rows import get_row
from runes.web import MANIFEST_FILENAME, WEB_DIRNAME
from ui import cards, rows

HERE = Path(__file__).resolve().parent
GUESS_JS = (HERE / "guess.js").read_text(encoding="utf-8")
SCRIPTS = (
    HERE / "vendor" / "tfjs-core" / "tf-core.es2017.min.js",
    HERE / "vendor" / "tfjs-backend-cpu" / "tf-backend-cpu.es2017.min.js",
    HERE / "guesser.js",
)
TEMPLATE = """<div class="guess-line" data-words="{words}" data-scripts="{scripts}" data-model="{model}"
     aria-live="polite"><span class="guess-text"></span></div>"""


def model_folder(source: str | None) -> Path | None:
    """The local model folder app.py loads for RUNES_MODEL (None: the bundled one); None for a Hub model."""
    if not source:
        return BUNDLED_MODEL_DIR
    return None if source.startswith(HF_PREFIX) else Path(source).expanduser()


def web_export(folder: Path | None, recognizer: Recognizer) -> Path | None:
    """The model folder's browser export when it exists and matches the loaded model's labels, else None."""
    if folder is None:
        return None
    web = folder / WEB_DIRNAME
    try:
        manifest = json.loads((web / MANIFEST_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return web if manifest.get("labels") == recognizer.labels and not recognizer.taught_labels else None


def words(recognizer: Recognizer) -> dict[str, Any]:
    """What the line says, per row, as the top 5's label says it (ui.cards.answer)."""
    per_row = {}
    for row_id in recognizer.rows:
        row = get_row(row_id)
        shapes = {}
        for shape, rune_id in row.shapes.items():
            shapes[shape] = f"{row.form_glyph(rune_id, shape)} {row.rune(rune_id).name}"
        per_row[row_id] = {
            "shapes": shapes,
            "runes": {rune.id: row.label(rune.id) for rune in row.runes},
            "not_of_row": rows.not_of_row(row_id),
        }
    return {
        "rows": per_row,
        "default_row": recognizer.default_row,
        "not_a_rune": cards.NOT_A_RUNE_LABEL,
        "bluetooth": cards.BLUETOOTH_LABEL,
        "draw": cards.DRAW_PROMPT,
        # the row choice's labels (ui.rows.radio), to know the row from what the page shows
        "choices": {(rows.CHOICES.get(row_id) or get_row(row_id).name): row_id for row_id in recognizer.rows},
    }


def file_url(path: Path) -> str:
    """The URL Gradio serves a static file at (the folder must be in gr.set_static_paths)."""
    return f"/gradio_api/file={path.as_posix()}"


def static_paths(export: Path | None) -> list[Path]:
    """What the page fetches from disk, for gr.set_static_paths."""
    return [*SCRIPTS, *([export] if export else [])]


class GuessLine(gr.HTML):
    """The browser's best guess for the pad above which it sits; empty (and no request) without an export."""

    def __init__(self, recognizer: Recognizer, export: Path | None, **kwargs: Any) -> None:
        template = TEMPLATE.format(
            words=html.escape(json.dumps(words(recognizer), ensure_ascii=False)),
            scripts=html.escape(json.dumps([file_url(path) for path in SCRIPTS])),
            model=html.escape(file_url(export) + "/" if export else ""),
        )
        super().__init__(value="", html_template=template, js_on_load=GUESS_JS, **kwargs)
