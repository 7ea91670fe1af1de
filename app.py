"""Rune Reader: sketch one of the 16 Younger Futhark runes and watch it be recognised.

    python app.py                        # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT honoured)
    RUNES_MODEL=path/to/model python app.py   # another model folder, or hf://owner/name[@rev] from the Hub

All UI code lives here; recognition is `runes.Recognizer`. The API endpoint is `/predict`:

    from gradio_client import Client, handle_file
    Client(url).predict({"background": None, "layers": [], "composite": handle_file("rune.png")},
                        api_name="/predict")
"""

from __future__ import annotations

import base64
import html
import logging
import os
import time
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

from runes import RUNES, EmptySketchError, Recognizer, get_rune

HERE = Path(__file__).resolve().parent
FONT_PATH = HERE / "assets" / "fonts" / "NotoSansRunic-Regular.ttf"
CANVAS_SIZE = 384
TOP_K = 5

DRAW_PROMPT = "Draw a rune"
ERROR_LABEL = "Can't read that"

log = logging.getLogger("rune_reader")

# --------------------------------------------------------------------------- model


def _load_recognizer() -> tuple[Recognizer, str]:
    source = os.environ.get("RUNES_MODEL") or None  # a folder, or hf://owner/name[@revision]
    recognizer, note = Recognizer.load_with_fallback(source)
    log.warning("%s", note)
    recognizer.warm_up()  # trace the graph now, not on the first visitor's stroke
    return recognizer, note


_started = time.perf_counter()
RECOGNIZER, MODEL_NOTE = _load_recognizer()
LOAD_SECONDS = time.perf_counter() - _started

# --------------------------------------------------------------------------- HTML pieces


def _font_css() -> str:
    """@font-face for Noto Sans Runic, embedded (9 kB) so it works behind any proxy or root path."""
    data = base64.b64encode(FONT_PATH.read_bytes()).decode("ascii")
    return ("@font-face { font-family: 'Noto Sans Runic'; font-style: normal; font-weight: 400; "
            f"font-display: block; src: url(data:font/ttf;base64,{data}) format('truetype'); }}\n")


CSS = _font_css() + """
.runic, .rune-card .glyph, .rune-strip .glyph, #top5 { font-family: 'Noto Sans Runic', var(--font), sans-serif; }
.rune-card { display: flex; gap: 1.2rem; align-items: center; padding: 0.6rem 0.2rem; }
.rune-card .glyphs { display: flex; gap: 0.6rem; align-items: baseline; }
.rune-card .glyph.long { font-size: 5.5rem; line-height: 1; }
.rune-card .glyph.short { font-size: 3.2rem; line-height: 1; opacity: 0.75; }
.rune-card .name { font-size: 1.6rem; font-weight: 600; margin: 0 0 0.2rem 0; }
.rune-card p { margin: 0.15rem 0; }
.rune-card .confidence { opacity: 0.85; font-size: 0.95rem; }
.rune-card.empty, .rune-card.error { font-size: 1.1rem; opacity: 0.85; }
.rune-strip { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 0.4rem; }
.rune-strip .cell { text-align: center; border: 1px solid var(--border-color-primary);
                    border-radius: 6px; padding: 0.3rem 0.1rem; }
.rune-strip .glyph { font-size: 1.9rem; line-height: 1.2; }
.rune-strip .name { font-size: 0.85rem; }
.rune-strip .translit { font-size: 0.8rem; opacity: 0.7; }
.rune-footnote, .rune-footer { font-size: 0.85rem; opacity: 0.75; }
@media (max-width: 640px) { .rune-strip { grid-template-columns: repeat(4, minmax(0, 1fr)); } }
"""

_esc = html.escape


def empty_card() -> str:
    return (f'<div class="rune-card empty">{DRAW_PROMPT} in the box: one rune, big, with the brush. '
            "The best guess updates after every stroke.</div>")


def error_card(message: str) -> str:
    return f'<div class="rune-card error">⚠️ {_esc(message)}</div>'


def confidence_line(top: list[tuple[str, float]]) -> str:
    best_id, best_p = top[0]
    runner = f"{get_rune(top[1][0]).label} ({top[1][1]:.0%})" if len(top) > 1 else ""
    if best_p >= 0.9:
        return f"Confident: {best_p:.0%}."
    if best_p >= 0.6:
        return f"Fairly sure: {best_p:.0%}; next guess {runner}."
    return f"Unsure: only {best_p:.0%}; it could also be {runner}. Try a cleaner, larger stroke."


def rune_card(rune_id: str, top: list[tuple[str, float]]) -> str:
    rune = get_rune(rune_id)
    short = (f'<span class="glyph short" title="short-twig form">{_esc(rune.short_twig_glyph)}</span>'
             if rune.short_twig_glyph else "")
    forms = "long-branch and short-twig forms" if rune.short_twig_glyph else "one form in both rows"
    return (
        f'<div class="rune-card" data-rune="{_esc(rune.id)}">'
        f'<div class="glyphs"><span class="glyph long" title="long-branch form">{_esc(rune.glyph)}</span>{short}</div>'
        f'<div class="info"><p class="name">{_esc(rune.name)}</p>'
        f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · Meaning: {_esc(rune.meaning)}</p>"
        f'<p class="forms">{forms}</p>'
        f'<p class="confidence">{_esc(confidence_line(top))}</p></div></div>'
    )


def reference_strip() -> str:
    cells = "".join(
        f'<div class="cell" title="{_esc(rune.meaning)}"><div class="glyph">{_esc(rune.glyphs)}</div>'
        f'<div class="name">{_esc(rune.name)}</div><div class="translit">{_esc(rune.transliteration)}</div></div>'
        for rune in RUNES
    )
    return (f'<div class="rune-strip">{cells}</div>'
            '<p class="rune-footnote">Long-branch form first, short-twig form second where it differs. '
            "The short-twig ᛌ (sól) and ᛧ (yr) are a lone short stroke: drawn on their own they are "
            "indistinguishable from ᛁ (íss) and are read as íss.</p>")


# --------------------------------------------------------------------------- recognition

_MAX_SIDE = 4096  # larger uploads are answered with a message instead of being processed


def _extract_image(value: Any) -> np.ndarray | None:
    """The drawing from a sketchpad value (dict with background/layers/composite), or None when empty."""
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("error"):
            raise ValueError(value["error"])
        image = value.get("composite")
        if image is None:
            image = value.get("background")
        if image is None:
            layers = [layer for layer in value.get("layers") or [] if layer is not None]
            image = layers[-1] if layers else None
    else:
        image = value
    if image is None:
        return None
    array = np.asarray(image)
    if array.ndim < 2 or array.size == 0:
        raise ValueError("That is not a drawing.")
    return array


def predict(value: Any) -> tuple[dict[str, float] | str, str]:
    """Sketchpad value -> (top-5 label, rune card HTML). Never raises."""
    try:
        image = _extract_image(value)
        if image is None:
            return DRAW_PROMPT, empty_card()
        height, width = image.shape[:2]
        if min(height, width) < 8:
            return ERROR_LABEL, error_card(f"That image is only {width}x{height} pixels; draw a rune on the canvas.")
        if max(height, width) > _MAX_SIDE:
            return ERROR_LABEL, error_card(
                f"That image is {width}x{height} pixels; please send at most {_MAX_SIDE}x{_MAX_SIDE}.")
        prediction = RECOGNIZER.predict(image)
        top = prediction.top(TOP_K)
        label = {get_rune(rune_id).label: float(p) for rune_id, p in top}
        return label, rune_card(prediction.rune, top)
    except EmptySketchError:
        return DRAW_PROMPT, empty_card()
    except (ValueError, TypeError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else "That drawing could not be read."
        return ERROR_LABEL, error_card(message[:200])
    except Exception:  # never show a traceback to a visitor
        log.exception("prediction failed")
        return ERROR_LABEL, error_card("Something went wrong reading that drawing. Please try again.")


def clear_outputs() -> tuple[str, str]:
    return DRAW_PROMPT, empty_card()


CLICK_CANVAS_CLEAR = """() => {
    const button = document.querySelector('#sketchpad button[aria-label="Clear canvas"]');
    if (button) { button.click(); }
    return [];
}"""


def _safe_preprocess(component: gr.Sketchpad):
    """Wrap the sketchpad's preprocess so a non-image upload (API clients) becomes a friendly answer."""
    original = component.preprocess

    def preprocess(payload):
        try:
            return original(payload)
        except Exception as error:  # e.g. PIL.UnidentifiedImageError, decompression bomb
            log.info("unreadable sketchpad payload: %s", error)
            return {"error": "That file is not an image I can read. Send a PNG or JPEG drawing.",
                    "background": None, "layers": [], "composite": None}

    component.preprocess = preprocess


# --------------------------------------------------------------------------- UI

with gr.Blocks(title="Rune Reader") as demo:
    gr.Markdown("# ᚱᚢᚾᛅ Rune Reader\nSketch one of the 16 runes of the **Younger Futhark** "
                "(Viking Age, c. 800–1100) and see which one it is.", elem_classes="runic")
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            sketchpad = gr.Sketchpad(
                label="Draw here",
                image_mode="L",
                type="numpy",
                format="png",
                canvas_size=(CANVAS_SIZE, CANVAS_SIZE),
                fixed_canvas=True,
                brush=gr.Brush(default_size=8, colors=["#000000"], default_color="#000000", color_mode="fixed"),
                eraser=gr.Eraser(default_size=24),
                layers=False,
                transforms=(),
                sources=(),
                buttons=[],
                elem_id="sketchpad",
            )
            clear_button = gr.Button("Clear", variant="secondary", elem_id="clear")
        with gr.Column(scale=1, min_width=320):
            top5 = gr.Label(value=DRAW_PROMPT, num_top_classes=TOP_K, label="Best guesses", elem_id="top5")
            card = gr.HTML(empty_card(), elem_id="card")
    gr.Markdown("### The 16 runes")
    gr.HTML(reference_strip(), elem_id="reference")
    gr.HTML(f'<p class="rune-footer">Model: {_esc(RECOGNIZER.source)} · loaded in {LOAD_SECONDS:.1f} s · '
            "Runic font: Noto Sans Runic (SIL OFL 1.1)<br>"
            f'<span class="rune-model-note">{_esc(MODEL_NOTE)}</span></p>', elem_id="model-source")

    _safe_preprocess(sketchpad)
    # `change` fires after each finished stroke. Clearing goes through the sketchpad's own "Clear canvas"
    # tool (also for the Clear button), so the editor's state and the shown answer are reset together.
    sketchpad.change(predict, inputs=sketchpad, outputs=[top5, card], api_name="predict",
                     trigger_mode="always_last", show_progress="hidden")
    sketchpad.clear(clear_outputs, outputs=[top5, card], api_name=False, show_progress="hidden")
    clear_button.click(clear_outputs, outputs=[top5, card], api_name=False, show_progress="hidden",
                       js=CLICK_CANVAS_CLEAR)

if __name__ == "__main__":
    demo.launch(css=CSS)
