"""Rune Reader: sketch a rune of the Younger or Elder Futhark and watch it be recognised as you draw.

    python app.py                        # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT honoured)
    RUNES_MODEL=path/to/model python app.py   # another model folder, or hf://owner/name[@rev] from the Hub

Layout and events only: recognition is `runes.Recognizer`, contributed drawings go to `runes.store` through
`ui.contributing` (RUNES_DATA_DIR, RUNES_DATASET_REPO), and the pad, cards and styles are in ui/. README.md lists the API.
"""

from __future__ import annotations

import logging
import os
import time

import gradio as gr

import ui
from runes import RUNES, Recognizer
from runes.writing import transliterate
from ui import cards, contributing, game, guess, limits, live, mcp, reading, rows, runic_text, share, teaching
from ui.contributing import Contributions
from ui.feed import Feed
from ui.inputs import INSCRIPTION, RUNE, api_sketchpad, drawing_image, never_raises, newest_only, sketch_image
from ui.offline import OfflineNote
from ui.pad import LIVE, StrokePad

CANVAS, INSCRIPTION_CANVAS = (384, 384), (960, 300)
READING = {"concurrency_id": "inscription", "concurrency_limit": 1}  # own queue; one at a time keeps answers in order

_started = time.perf_counter()
RECOGNIZER, MODEL_NOTE = Recognizer.load_with_fallback(os.environ.get("RUNES_MODEL") or None)  # folder or hf://
RECOGNIZER.warm_up()  # run the numpy path once now (no TensorFlow), not on the first visitor's stroke
LOAD_SECONDS = time.perf_counter() - _started
logging.getLogger("rune_reader").warning("%s", MODEL_NOTE)
MODEL_VERSION = RECOGNIZER.source + (f"@{RECOGNIZER.hub_commit[:12]}" if RECOGNIZER.hub_commit else "")

WEB_EXPORT = guess.web_export(RECOGNIZER)  # MODEL_DIR/web (bundled, local or Hub) or None
gr.set_static_paths(guess.static_paths(WEB_EXPORT))  # the page fetches the model and TensorFlow.js from here

CONTRIBUTIONS = Contributions.from_environment(RECOGNIZER, MODEL_VERSION)  # the Contribute tab and corrections

# --------------------------------------------------------------------------- recognise and read


@newest_only
@never_raises(cards.empty_answer, cards.failed_answer)
def predict_strokes(drawing: dict, taught: Recognizer | None = None, row: str = "younger"):
    """Recognise one hand-drawn rune of the Younger Futhark (or of another rune row), sent as pen strokes.
    Args:
        drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
        row: the rune row to read it in: "younger" (default), "long-branch", "short-twig" or "elder".
    Returns:
        the top 5 as {"label": "ᛏ týr", "confidences": [...]} (or "Not a rune", "Draw a rune", "Can't read that")
        HTML of the rune card (glyph, name, sound, meaning), or of why it is not a rune of the row or can't be read"""
    return reading.recognise(RECOGNIZER, drawing_image(drawing)[0], row, taught)


@never_raises(cards.empty_answer, cards.failed_answer)
def predict(sketch: dict, row: str = "younger"):
    """An image (gr.Sketchpad value) and a row id -> (top-5 runes as {label: probability}, rune card HTML)."""
    return reading.recognise(RECOGNIZER, sketch_image(sketch, RUNE), row)


@newest_only
@never_raises(cards.empty_reading, cards.failed_reading)
def read_strokes(drawing: dict, row: str = "younger"):
    """Read a line of runes written left to right (words split by dots or gaps), sent as strokes.
    Args:
        drawing: {"width": 960, "height": 300, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
        row: the rune row to read it in: "younger" (default), "long-branch", "short-twig" or "elder".
    Returns:
        HTML of the runic text (words joined by ᛫) and its transliteration (also in data-transliteration="...")
        the drawing as an image with a labelled box around every rune read"""
    return reading.read(RECOGNIZER, drawing_image(drawing, INSCRIPTION)[0], row)


@never_raises(cards.empty_reading, cards.failed_reading)
def read(sketch: dict, row: str = "younger"):
    """A line of runes as an image (gr.Sketchpad value) and a row id -> (runic text HTML, the image with boxes)."""
    return reading.read(RECOGNIZER, sketch_image(sketch, INSCRIPTION), row)


@newest_only
@never_raises(cards.empty_seeing, cards.failed_seeing)
def explain_strokes(drawing: dict, looking: bool, row: str):
    """ "How it sees" for a drawing: the network's input, strongest feature maps and saliency (when shown)."""
    if not looking:
        return gr.skip()
    return reading.explain(RECOGNIZER, drawing_image(drawing)[0], row)


write_name = reading.name_writer(RECOGNIZER.default_row)  # the name tab and /transliterate


# --------------------------------------------------------------------------- layout and events


with gr.Blocks(title="Rune Reader") as demo:
    gr.Markdown(
        "# ᚱᚢᚾᛅ Rune Reader\nSketch a rune of the **Younger Futhark** (Viking Age, c. 800–1100) or of the "
        "**Elder Futhark** (c. 150–800) and see which one it is."
    )
    row = rows.radio(RECOGNIZER.rows, RECOGNIZER.default_row)
    with gr.Tab("Recognize", elem_id="tab-recognize"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            guess.GuessLine(RECOGNIZER, WEB_EXPORT, elem_id="guess-line")  # the guess made in the browser
            pad = StrokePad(*CANVAS, label="Draw one rune here", hint="Draw a rune here", elem_id="pad")
            with gr.Accordion("How it sees: inside the network", open=False, elem_id="seeing-panel") as panel:
                seeing_html, looking = gr.HTML(cards.empty_seeing(), elem_id="seeing"), gr.State(False)
            seeing_feed, server_feed = Feed("pad", panel="seeing"), Feed("pad")  # only while open / page can't answer
        with gr.Column(scale=1, min_width=300):
            top5 = gr.Label(value=cards.DRAW_PROMPT, num_top_classes=cards.TOP_K, label="Best guesses", elem_id="top5")
            card = gr.HTML(cards.empty_card(), elem_id="card", html_template=live.ANSWER)
            with gr.Row(equal_height=True):
                correct_label = gr.Dropdown(
                    [(rune.label, rune.id) for rune in RUNES],
                    value=None,
                    label="Wrong? It was …",
                    elem_id="correct-label",
                    scale=3,
                )
                correct_button = gr.Button("Save the right rune", elem_id="correct", scale=1)
            correct_status = gr.HTML("", elem_id="correct-status", html_template=live.STATUS)
            share.panel(RECOGNIZER, CANVAS, pad, row, top5, card)  # a link to the drawing and a PNG card
    with gr.Tab("Inscription", elem_id="tab-inscription"):
        inscription_pad = StrokePad(
            *INSCRIPTION_CANVAS,
            label="Write runes left to right",
            hint="Write a few runes left to right",
            elem_id="inscription-pad",
        )
        with gr.Row(equal_height=False):
            inscription_text = gr.HTML(
                cards.inscription_html(None, cards.INSCRIPTION_PROMPT),
                elem_id="inscription-text",
                html_template=live.ANSWER,
            )
            inscription_boxes = gr.AnnotatedImage(
                label="What was read where", show_legend=False, elem_id="inscription-boxes"
            )
    runic_input = runic_text.tab(RECOGNIZER.default_row, row)  # runes typed or pasted, a rune keyboard: /read_text
    contribute_pad, prompt_rune = contributing.tab(demo, CONTRIBUTIONS, CANVAS)  # the Contribute tab: /contribute
    with gr.Tab("Your name in runes", elem_id="tab-name"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            name = gr.Textbox(label="A name or a word", placeholder="Harald", elem_id="name-text")
        with gr.Column(scale=1, min_width=300):
            name_runes = gr.HTML(cards.name_html(transliterate("")), elem_id="name-runes")
            name_png = gr.Image(
                label="Your runes as a picture",
                type="numpy",
                format="png",
                interactive=False,
                buttons=["download"],
                alt_text="The same runes as a picture (PNG), to download",
                elem_id="name-png",
            )
    game.tab(RECOGNIZER.default_row, row, CONTRIBUTIONS, CANVAS)  # Learn the runes: rounds judged in the page
    taught = teaching.tab(RECOGNIZER, CANVAS)  # the Teach tab; its value: the session's taught model
    reference = gr.HTML(cards.reference_strip(RECOGNIZER.default_row), elem_id="reference")
    gr.HTML(cards.footer(RECOGNIZER.source, LOAD_SECONDS, MODEL_NOTE), elem_id="model-source")
    OfflineNote(elem_id="offline-note")  # what still works, and what waits, while the visitor is offline
    image_pad, wide_image_pad = api_sketchpad(CANVAS), api_sketchpad(INSCRIPTION_CANVAS)  # for API clients

    # A pad fires `change` at every pen-up and every 100 ms while drawing (ui.pad.LIVE says how it is sent); the
    # page answers it itself (ui/guess.py), the server only while the page cannot (server_feed); changing the row
    # re-reads what is drawn (and rewrites the name) in the new row.
    gr.on(
        [pad.change, row.change],
        None,
        [pad, row, top5, card],
        [top5, card],
        js=guess.PAGE_ANSWER,
        api_name=False,
        **LIVE,
    )
    server_feed.change(
        predict_strokes,
        [pad, taught, row],
        [top5, card],
        api_name="predict_strokes",
        validator=predict_strokes.validator,  # as for read_strokes below: the older drawings waiting are skipped
        **LIVE,
    ).then(  # an answer for an older drawing, landing after the page's guesser came in, gives way to the page's
        None, [pad, row, top5, card], [top5, card], js=guess.PAGE_ANSWER, api_name=False, show_progress="hidden"
    )
    seeing_feed.change(
        explain_strokes, [pad, looking, row], seeing_html, api_name=False, validator=explain_strokes.validator, **LIVE
    )
    panel.expand(lambda: True, outputs=looking, api_name=False).then(
        explain_strokes, inputs=[pad, looking, row], outputs=seeing_html, api_name=False
    )
    panel.collapse(lambda: False, outputs=looking, api_name=False)
    gr.on(
        [inscription_pad.change, row.change],
        read_strokes,
        inputs=[inscription_pad, row],
        outputs=[inscription_text, inscription_boxes],
        api_name="read_strokes",
        validator=read_strokes.validator,  # a newer drawing queued: the older ones waiting are skipped at once
        **LIVE,
        **READING,
    )
    row.change(reading.reference(RECOGNIZER.default_row), row, reference, api_name=False, show_progress="hidden")
    image_pad.change(predict, inputs=[image_pad, row], outputs=[top5, card], api_name="predict")
    wide_image_pad.change(
        read, inputs=[wide_image_pad, row], outputs=[inscription_text, inscription_boxes], api_name="read", **READING
    )
    correct_button.click(
        CONTRIBUTIONS.correct,
        inputs=[pad, correct_label],
        outputs=correct_status,
        api_name="correct",
        concurrency_limit=4,
    )
    gr.on(
        [name.change, row.change],
        write_name,
        inputs=[name, row],
        outputs=[name_runes, name_png],
        api_name="transliterate",
        trigger_mode="always_last",
        show_progress="hidden",
    )
    tools = mcp.Tools()  # the MCP tools: the same handlers, answered as plain JSON (ui/mcp.py)
    tools.add("predict_strokes", mcp.predict_tool(predict_strokes), [pad, row])
    tools.add("read_strokes", mcp.read_tool(read_strokes), [inscription_pad, row], **READING)
    tools.add(
        "contribute", mcp.contribute_tool(CONTRIBUTIONS.contribute), [contribute_pad, prompt_rune], concurrency_limit=4
    )
    tools.add("correct", mcp.correct_tool(CONTRIBUTIONS.correct), [pad, correct_label], concurrency_limit=4)
    tools.add("write_name", mcp.name_tool(write_name), [name, row])
    tools.add("read_text", mcp.text_tool(runic_text.read_text), [runic_input, row])

if __name__ == "__main__":
    demo.launch(
        theme=ui.theme(),
        css=ui.page_css(),
        js=ui.page_js(),  # copy buttons and the rune keyboard (ui/keys.js)
        mcp_server=True,  # also an MCP server, see ui/mcp.py
        enable_monitoring=os.environ.get("RUNES_MONITORING") == "1",  # Gradio's traffic summary: off unless asked
        pwa=True,  # installable (a web app manifest); the pad guesses offline once loaded (ui/guess.py)
        head=guess.page_head(RECOGNIZER),  # the words and card frames the page answers with (ui/answers.py)
        app_kwargs={"lifespan": tools.lifespan(demo), "middleware": limits.middleware()},
    )
