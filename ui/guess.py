"""`GuessLine`: the best guess, made in the visitor's browser, and the page's own answer to the Recognize pad.

The page runs the model exported by `python -m runes.web` (MODEL_DIR/web/) with ui/guesser.js on the vendored
TensorFlow.js, and answers each drawing itself with ui/answer.js from `ui.answers.page_data` (the server's own
words and card frames): the line just above the pad (in sight on a phone while drawing) and, through
`PAGE_ANSWER` (app.py), the top 5 and the card, at every pen-up and while the pen moves, with no server round
trip. guess.js publishes `window.runeReaderPage` for that; while it cannot answer (no export for this model, a
page that cannot load it, a taught symbol only the server knows) the line is hidden and ui.feed.Feed sends the
drawing to the server instead. Behaviour in guess.js, looks in style.css.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from runes import Recognizer
from runes.web import MANIFEST_FILENAME, WEIGHTS_FILENAME, find_export
from ui.answers import page_data

HERE = Path(__file__).resolve().parent
GUESS_JS = (HERE / "guess.js").read_text(encoding="utf-8")
BUSY_JS = (HERE / "busy.js").read_text(encoding="utf-8")  # in the page's head: the card busy while a stroke is drawn
VENDOR = HERE / "vendor"
SCRIPTS = (  # loaded in this order
    VENDOR / "tfjs-core" / "tf-core.es2017.min.js",
    VENDOR / "tfjs-backend-cpu" / "tf-backend-cpu.es2017.min.js",  # the fallback where WebAssembly cannot start
    VENDOR / "tfjs-backend-wasm" / "tf-backend-wasm.es2017.min.js",
    HERE / "guesser.js",
    HERE / "answer.js",
)
WASM_FOLDER = VENDOR / "tfjs-backend-wasm"
WASM_FILES = (WASM_FOLDER / "tfjs-backend-wasm-simd.wasm", WASM_FOLDER / "tfjs-backend-wasm.wasm")  # SIMD or not
# Not a live region itself: it changes every 100 ms while drawing; the card beside it announces the answer
# (ui/live.py), whether the page or the server made it, and guess.js keeps it quiet while a stroke is drawn.
TEMPLATE = """<div class="guess-line"><span class="guess-text"></span></div>"""


def web_export(recognizer: Recognizer) -> Path | None:
    """The loaded model folder's browser export (bundled, local or Hub), if it has one for these labels, else None."""
    return None if recognizer.taught_labels else find_export(recognizer.folder, recognizer.labels)


ANSWERS_ID = "rune-reader-answers"


def page_head(recognizer: Recognizer) -> str:
    """For demo.launch(head=...): what answer.js reads (`ui.answers.page_data`), once per page load, and busy.js.
    Not a prop of the line: Gradio copies every component's props into each new session, and 69 kB there cost
    every API call ~30% more server time (benchmarks/bench_load.py)."""
    data = json.dumps(page_data(recognizer), ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{ANSWERS_ID}">{data}</script><script>{BUSY_JS}</script>'


def file_url(path: Path) -> str:
    """The URL Gradio serves a static file at (the folder must be in gr.set_static_paths)."""
    return f"/gradio_api/file={path.as_posix()}"


def static_paths(export: Path | None) -> list[Path]:
    """What the page fetches from disk, for gr.set_static_paths: files, not folders (a Hub cache's files are
    links into its blobs/ folder, and Gradio checks the file a link resolves to)."""
    return [*SCRIPTS, *WASM_FILES, *([export / MANIFEST_FILENAME, export / WEIGHTS_FILENAME] if export else [])]


# app.py's event on the pad and the row choice, and after each server answer: the page's answer as the top 5 and the
# card, or (while the page cannot answer) both left as they are for the server's answer. After a server answer it
# puts the page's answer back when the page's guesser came in while the server read an older drawing.
PAGE_ANSWER = """(drawing, row, top5, card) => {
  const page = window.runeReaderPage;
  if (!page || !page.ready()) return [top5, card];
  const answer = page.answer(drawing, row);
  return [answer.top5, answer.card];
}"""


class GuessLine(gr.HTML):
    """The browser's best guess for the pad above which it sits; empty (and no request) without an export."""

    def __init__(self, recognizer: Recognizer, export: Path | None, **kwargs: Any) -> None:
        super().__init__(
            value="",
            html_template=TEMPLATE,
            js_on_load=GUESS_JS,
            # props for guess.js: the scripts to load in order, the export's URL ("": none)
            scripts=[file_url(path) for path in SCRIPTS],
            wasm=file_url(WASM_FOLDER) + "/",
            model=file_url(export) + "/" if export else "",
            **kwargs,
        )
