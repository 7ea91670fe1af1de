"""Rune Reader: sketch one of the 16 Younger Futhark runes and watch it be recognised.

    python app.py                        # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT honoured)
    RUNES_MODEL=path/to/model python app.py   # another model folder, or hf://owner/name[@rev] from the Hub

All UI code lives here; recognition is `runes.Recognizer`, storage of contributed drawings is
`runes.dataset.DrawingStore` (RUNES_DATA_DIR, default data/contributed; RUNES_DATASET_REPO=owner/name syncs
it to a Hub dataset repo in the background). API endpoints: `/predict`, `/read`, `/contribute`, `/correct`:

    from gradio_client import Client, handle_file
    sketch = {"background": None, "layers": [], "composite": handle_file("rune.png")}
    Client(url).predict(sketch, api_name="/predict")    # one rune, or "Not a rune"
    Client(url).predict(sketch, api_name="/read")       # an inscription: runic text + transliteration, boxes
    Client(url).predict(sketch, "tyr", api_name="/contribute")   # store a drawing of ᛏ; prompts the next rune
    Client(url).predict(sketch, "tyr", api_name="/correct")      # "Wrong? It was ᛏ": store with the model's guess
"""

from __future__ import annotations

import base64
import html
import logging
import os
import random
import time
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

from runes import RUNE_IDS, RUNES, EmptySketchError, Recognizer, __version__, get_rune
from runes.dataset import DrawingStore, InvalidDrawingError, default_data_dir
from runes.inscription import Inscription

HERE = Path(__file__).resolve().parent
FONT_PATH = HERE / "assets" / "fonts" / "NotoSansRunic-Regular.ttf"
CANVAS_SIZE = 384
INSCRIPTION_CANVAS = (960, 300)
TOP_K = 5

DRAW_PROMPT = "Draw a rune"
ERROR_LABEL = "Can't read that"
NOT_A_RUNE_LABEL = "Not a rune"
BLUETOOTH_LABEL = "Bluetooth logo (ᚼ+ᛒ)"

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
MODEL_VERSION = RECOGNIZER.source + (f"@{RECOGNIZER.hub_commit[:12]}" if getattr(RECOGNIZER, "hub_commit", "") else "")

# --------------------------------------------------------------------------- contributed drawings


def _open_store() -> tuple[DrawingStore, str]:
    """The drawing store, synced in the background to RUNES_DATASET_REPO when set (a failure only logs)."""
    data_dir = default_data_dir()
    repo = os.environ.get("RUNES_DATASET_REPO", "").strip()
    lock, note = None, "They are kept on this server as a data set for training."
    if repo:
        try:
            from runes.dataset_hub import start_sync

            scheduler = start_sync(data_dir, repo, every_minutes=float(os.environ.get("RUNES_SYNC_MINUTES") or 5))
            lock, note = scheduler.lock, f"They are shared as the Hugging Face dataset {repo}."
        except Exception as error:  # noqa: BLE001  (offline, no token, no rights: keep collecting locally)
            log.warning("not syncing contributions to %s (%s); they stay in %s", repo, type(error).__name__, data_dir)
    store = DrawingStore(data_dir, lock=lock)
    report = store.repair()  # after a crash: adopt complete drawings without a metadata line, drop temp files
    if not report.ok:
        log.warning("repaired %s: %s", data_dir, report)
    return store, note


STORE, STORE_NOTE = _open_store()
PROMPT_RNG = random.Random()

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
.rune-card .nearest { opacity: 0.45; margin-right: 0.6rem; font-family: 'Noto Sans Runic', var(--font), sans-serif; }
.inscription .runic-text { font-size: 3rem; line-height: 1.2; font-family: 'Noto Sans Runic', var(--font), sans-serif; }
.inscription .latin { font-size: 1.6rem; font-weight: 600; }
.rune-strip { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 0.4rem; }
.rune-strip .cell { text-align: center; border: 1px solid var(--border-color-primary);
                    border-radius: 6px; padding: 0.3rem 0.1rem; }
.rune-strip .glyph { font-size: 1.9rem; line-height: 1.2; }
.rune-strip .name { font-size: 0.85rem; }
.rune-strip .translit { font-size: 0.8rem; opacity: 0.7; }
.rune-footnote, .rune-footer { font-size: 0.85rem; opacity: 0.75; }
.rune-prompt { display: flex; gap: 1.2rem; align-items: center; }
.rune-prompt .glyph { font-size: 5rem; line-height: 1; font-family: 'Noto Sans Runic', var(--font), sans-serif; }
.rune-prompt .name { font-size: 1.5rem; font-weight: 600; margin: 0; }
.rune-strip .count { font-size: 0.9rem; font-weight: 600; }
.rune-status { font-size: 1rem; padding: 0.3rem 0; }
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


def not_a_rune_card(top: list[tuple[str, float]]) -> str:
    nearest = " ".join(f'<span class="nearest">{_esc(get_rune(rune_id).label)}</span>' for rune_id, _ in top)
    return ('<div class="rune-card not-rune" data-rune="">'
            '<div class="info"><p class="name">This doesn\'t look like a rune</p>'
            "<p>None of the 16 runes of the Younger Futhark matches it well. Try one of the runes below, "
            "drawn big with the brush.</p>"
            f'<p class="nearest-runes">Nearest: {nearest}</p></div></div>')


def bluetooth_card() -> str:
    return ('<div class="rune-card bluetooth" data-rune="bluetooth">'
            '<div class="glyphs"><span class="glyph long">ᚼ</span><span class="glyph long">ᛒ</span></div>'
            '<div class="info"><p class="name">That\'s the Bluetooth logo!</p>'
            "<p>It is a bind rune: ᚼ (h) and ᛒ (b) drawn on one stem, the initials of Harald Bluetooth "
            "(Haraldr Blátǫnn), the 10th-century king who united Denmark and Norway, and whom the wireless "
            "standard is named after.</p></div></div>")


def reference_strip() -> str:
    cells = "".join(
        f'<div class="cell" title="{_esc(rune.meaning)}"><div class="glyph">{_esc(rune.glyphs)}</div>'
        f'<div class="name">{_esc(rune.name)}</div><div class="translit">{_esc(rune.transliteration)}</div></div>'
        for rune in RUNES
    )
    return (f'<div class="rune-strip">{cells}</div>'
            '<p class="rune-footnote">Long-branch form first, short-twig form second where it differs. '
            "The short-twig ᛌ (sól) and ᛧ (yr) are a lone short stroke: drawn on their own they are "
            "indistinguishable from ᛁ (íss) and are read as íss; in the Inscription tab a short stroke high in the "
            "line reads as ᛌ, low in the line as ᛧ.</p>")


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


def _size_problem(image: np.ndarray) -> str | None:
    """Why an image is too small or too large to read, or None."""
    height, width = image.shape[:2]
    if min(height, width) < 8:
        return f"That image is only {width}x{height} pixels; draw a rune on the canvas."
    if max(height, width) > _MAX_SIDE:
        return f"That image is {width}x{height} pixels; please send at most {_MAX_SIDE}x{_MAX_SIDE}."
    return None


def _first_line(error: Exception) -> str:
    """An error's message, short enough to show a visitor."""
    return (str(error).strip().splitlines() or ["That drawing could not be read."])[0][:200]


def predict(value: Any) -> tuple[dict[str, float] | str, str]:
    """Sketchpad value -> (top-5 label, rune card HTML). Never raises."""
    try:
        image = _extract_image(value)
        if image is None:
            return DRAW_PROMPT, empty_card()
        if problem := _size_problem(image):
            return ERROR_LABEL, error_card(problem)
        prediction = RECOGNIZER.predict(image)
        top = prediction.top(TOP_K)
        if prediction.is_rune:
            return {get_rune(rune_id).label: float(p) for rune_id, p in top}, rune_card(prediction.rune, top)
        # Not a rune: say so first; the nearest runes follow, scaled by how rune-like the sketch is.
        verdict = BLUETOOTH_LABEL if prediction.bluetooth else NOT_A_RUNE_LABEL
        label = {verdict: 1.0 - prediction.rune_probability}
        label.update({get_rune(rune_id).label: float(p) * prediction.rune_probability for rune_id, p in top[:3]})
        return label, (bluetooth_card() if prediction.bluetooth else not_a_rune_card(top[:3]))
    except EmptySketchError:
        return DRAW_PROMPT, empty_card()
    except (ValueError, TypeError) as error:
        return ERROR_LABEL, error_card(_first_line(error))
    except Exception:  # never show a traceback to a visitor
        log.exception("prediction failed")
        return ERROR_LABEL, error_card("Something went wrong reading that drawing. Please try again.")


def inscription_html(inscription: Inscription | None, message: str = "") -> str:
    if inscription is None:
        return f'<div class="inscription empty">{_esc(message)}</div>'
    words = " · ".join(" ".join(f"{reading.glyph}={reading.transliteration}" for reading in word)
                       for word in inscription.words)
    return (f'<div class="inscription" data-transliteration="{_esc(inscription.transliteration)}">'
            f'<p class="runic-text">{_esc(inscription.text)}</p>'
            f'<p class="latin">{_esc(inscription.transliteration)}</p>'
            f'<p class="rune-footnote">{len(inscription.runes)} runes in {len(inscription.words)} '
            f"word(s): {_esc(words)}</p></div>")


INSCRIPTION_PROMPT = ("Write a few runes left to right. Separate words with a dot (᛫), two dots (:) or a wider "
                      "gap.")


def read(value: Any):
    """Wide sketchpad value -> (runic text + transliteration HTML, image with a box per rune). Never raises."""
    try:
        image = _extract_image(value)
        if image is None:
            return inscription_html(None, INSCRIPTION_PROMPT), None
        if problem := _size_problem(image):
            return inscription_html(None, "⚠️ " + problem), None
        inscription = RECOGNIZER.read(image)
        boxes = [((left, top, right, bottom), f"{reading.glyph} {reading.transliteration}")
                 for reading in inscription.runes for top, left, bottom, right in [reading.box]]
        return inscription_html(inscription), (image, boxes)
    except EmptySketchError:
        return inscription_html(None, INSCRIPTION_PROMPT), None
    except (ValueError, TypeError) as error:
        return inscription_html(None, "⚠️ " + _first_line(error)), None
    except Exception:  # never show a traceback to a visitor
        log.exception("reading an inscription failed")
        return inscription_html(None, "⚠️ Something went wrong reading that. Please try again."), None


def clear_outputs() -> tuple[str, str]:
    return DRAW_PROMPT, empty_card()


CLICK_CANVAS_CLEAR = """() => {
    const button = document.querySelector('#sketchpad button[aria-label="Clear canvas"]');
    if (button) { button.click(); }
    return [];
}"""


def _safe_preprocess(component: gr.Sketchpad):
    """Wrap the sketchpad's preprocess so a non-image upload (API clients) becomes a friendly answer.

    Only for sketchpads that no event outputs to: Gradio keeps per-session copies of updated components,
    and a copy would lose this wrapper (so the Contribute canvas is cleared in the browser, not by an output).
    """
    original = component.preprocess

    def preprocess(payload):
        try:
            return original(payload)
        except Exception as error:  # noqa: BLE001  (e.g. PIL.UnidentifiedImageError, decompression bomb)
            log.info("unreadable sketchpad payload: %s", error)
            return {"error": "That file is not an image I can read. Send a PNG or JPEG drawing.",
                    "background": None, "layers": [], "composite": None}

    component.preprocess = preprocess


# --------------------------------------------------------------------------- contribute and correct


def prompt_card(rune_id: str) -> str:
    rune = get_rune(rune_id)
    return (f'<div class="rune-prompt" data-rune="{_esc(rune.id)}"><span class="glyph">{_esc(rune.glyphs)}</span>'
            f'<div><p>Please draw</p><p class="name">{_esc(rune.name)}</p>'
            f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · {_esc(rune.meaning)}</p></div></div>")


def counts_strip() -> str:
    counts = STORE.counts()
    cells = "".join(
        f'<div class="cell" data-rune="{_esc(rune.id)}" data-count="{counts[rune.id]}">'
        f'<div class="glyph">{_esc(rune.glyph)}</div><div class="name">{_esc(rune.name)}</div>'
        f'<div class="count">{counts[rune.id]}</div></div>' for rune in RUNES)
    return (f'<div class="rune-strip">{cells}</div><p class="rune-footnote">{sum(counts.values())} drawings '
            f"collected so far. {_esc(STORE_NOTE)}</p>")


def status(message: str, ok: bool) -> str:
    return f'<div class="rune-status {"saved" if ok else "refused"}">{"✓" if ok else "⚠️"} {_esc(message)}</div>'


def _guess(image: np.ndarray) -> str | None:
    try:
        prediction = RECOGNIZER.predict(image)
        return prediction.rune if prediction.is_rune else ("bluetooth" if prediction.bluetooth else "other")
    except Exception:  # noqa: BLE001  (the guess is only a note in the metadata)
        return None


def _store(value: Any, rune_id: str, source: str) -> tuple[str | None, str]:
    """Save a sketchpad drawing; returns (the model's guess, "") or (None, a friendly refusal)."""
    try:
        rune = get_rune(rune_id) if rune_id in RUNE_IDS else None
        if rune is None:
            return None, "Pick the rune you drew from the list first." if not rune_id else f"Unknown rune {rune_id!r}."
        image = _extract_image(value)
        if image is None:
            return None, f"The canvas is empty: draw {rune.label} first."
        guess = _guess(image)
        STORE.save(image, rune_id, source, guess=guess, app_version=__version__, model_version=MODEL_VERSION)
        return guess, ""
    except (InvalidDrawingError, ValueError, TypeError) as error:
        return None, _first_line(error)
    except Exception:  # never show a traceback to a visitor
        log.exception("saving a drawing failed")
        return None, "Something went wrong saving that drawing. Please try again."


def contribute(value: Any, rune_id: str):
    """Store a prompted drawing -> (status, next prompt, next rune id, counts); the page then clears the canvas."""
    _, problem = _store(value, rune_id, "prompted")
    if problem:
        return status(problem, False), gr.skip(), gr.skip(), gr.skip()
    next_id = STORE.next_prompt(PROMPT_RNG)
    return (status(f"Saved your {get_rune(rune_id).label}, thank you! Next: {get_rune(next_id).label}.", True),
            prompt_card(next_id), next_id, counts_strip())


def correct(value: Any, rune_id: str | None) -> str:
    """"Wrong? It was ...": store the drawing with the right label and the model's guess."""
    guess, problem = _store(value, rune_id or "", "correction")
    if problem:
        return status(problem, False)
    said = f" (the model said {get_rune(guess).label})" if guess in RUNE_IDS else ""
    return status(f"Thanks! Saved as {get_rune(rune_id).label}{said}; it will help the next model.", True)


def start_session():
    rune_id = STORE.next_prompt(PROMPT_RNG)
    return prompt_card(rune_id), rune_id, counts_strip()


CLICK_CONTRIBUTE_CLEAR = CLICK_CANVAS_CLEAR.replace("#sketchpad", "#contribute-pad")
CLEAR_AFTER_SAVE = """(status) => {
    if (status && status.includes('rune-status saved')) {
        const button = document.querySelector('#contribute-pad button[aria-label="Clear canvas"]');
        if (button) { button.click(); }
    }
    return [];
}"""

# --------------------------------------------------------------------------- UI


def drawing_pad(label: str, elem_id: str, size: tuple[int, int] = (CANVAS_SIZE, CANVAS_SIZE)) -> gr.Sketchpad:
    """A black-brush sketchpad with no uploads, layers or transforms; unreadable payloads answer politely."""
    pad = gr.Sketchpad(
        label=label, image_mode="L", type="numpy", format="png", canvas_size=size, fixed_canvas=True,
        brush=gr.Brush(default_size=8, colors=["#000000"], default_color="#000000", color_mode="fixed"),
        eraser=gr.Eraser(default_size=24), layers=False, transforms=(), sources=(), buttons=[], elem_id=elem_id,
    )
    _safe_preprocess(pad)
    return pad


with gr.Blocks(title="Rune Reader") as demo:
    gr.Markdown("# ᚱᚢᚾᛅ Rune Reader\nSketch one of the 16 runes of the **Younger Futhark** "
                "(Viking Age, c. 800–1100) and see which one it is.", elem_classes="runic")
    with gr.Tab("Recognize", elem_id="tab-recognize"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            sketchpad = drawing_pad("Draw here", "sketchpad")
            clear_button = gr.Button("Clear", variant="secondary", elem_id="clear")
        with gr.Column(scale=1, min_width=320):
            top5 = gr.Label(value=DRAW_PROMPT, num_top_classes=TOP_K, label="Best guesses", elem_id="top5")
            card = gr.HTML(empty_card(), elem_id="card")
            with gr.Row(equal_height=True):
                correct_label = gr.Dropdown([(rune.label, rune.id) for rune in RUNES], value=None,
                                            label="Wrong? It was …", elem_id="correct-label", scale=3)
                correct_button = gr.Button("Save the right rune", elem_id="correct", scale=1)
            correct_status = gr.HTML("", elem_id="correct-status")
    with gr.Tab("Inscription", elem_id="tab-inscription"):
        inscription_pad = drawing_pad("Write runes left to right", "inscription-pad", INSCRIPTION_CANVAS)
        with gr.Row(equal_height=False):
            inscription_text = gr.HTML(inscription_html(None, INSCRIPTION_PROMPT), elem_id="inscription-text")
            inscription_boxes = gr.AnnotatedImage(label="What was read where", show_legend=False,
                                                  elem_id="inscription-boxes")
    with gr.Tab("Contribute", elem_id="tab-contribute"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            contribute_pad = drawing_pad("Draw the rune shown", "contribute-pad")
            with gr.Row():
                contribute_clear = gr.Button("Clear", variant="secondary", elem_id="contribute-clear")
                save_button = gr.Button("Save", variant="primary", elem_id="contribute-save")
        with gr.Column(scale=1, min_width=320):
            prompt = gr.HTML("", elem_id="contribute-prompt")
            prompt_rune = gr.Textbox("", label="rune id", visible=False, elem_id="contribute-rune")
            contribute_status = gr.HTML("", elem_id="contribute-status")
            gr.Markdown("Your drawing is stored as training data for the next model (no personal data). "
                        "Collected per rune:")
            counts = gr.HTML("", elem_id="contribute-counts")
    gr.Markdown("### The 16 runes")
    gr.HTML(reference_strip(), elem_id="reference")
    gr.HTML(f'<p class="rune-footer">Model: {_esc(RECOGNIZER.source)} · loaded in {LOAD_SECONDS:.1f} s · '
            "Runic font: Noto Sans Runic (SIL OFL 1.1)<br>"
            f'<span class="rune-model-note">{_esc(MODEL_NOTE)}</span></p>', elem_id="model-source")

    # `change` fires after each finished stroke. Clearing goes through the sketchpad's own "Clear canvas"
    # tool (also for the Clear button), so the editor's state and the shown answer are reset together.
    sketchpad.change(predict, inputs=sketchpad, outputs=[top5, card], api_name="predict",
                     trigger_mode="always_last", show_progress="hidden")
    sketchpad.clear(clear_outputs, outputs=[top5, card], api_name=False, show_progress="hidden")
    clear_button.click(clear_outputs, outputs=[top5, card], api_name=False, show_progress="hidden",
                       js=CLICK_CANVAS_CLEAR)
    inscription_pad.change(read, inputs=inscription_pad, outputs=[inscription_text, inscription_boxes],
                           api_name="read", trigger_mode="always_last", show_progress="hidden")
    correct_button.click(correct, inputs=[sketchpad, correct_label], outputs=correct_status, api_name="correct",
                         concurrency_limit=4)
    save_button.click(contribute, inputs=[contribute_pad, prompt_rune],
                      outputs=[contribute_status, prompt, prompt_rune, counts],
                      api_name="contribute", concurrency_limit=4
                      ).then(None, inputs=contribute_status, api_name=False, js=CLEAR_AFTER_SAVE)
    contribute_clear.click(None, api_name=False, js=CLICK_CONTRIBUTE_CLEAR)
    demo.load(start_session, outputs=[prompt, prompt_rune, counts], api_name=False)

if __name__ == "__main__":
    demo.launch(css=CSS)
