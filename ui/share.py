"""Share on the Recognize tab: a link that reopens the page with the same drawing and reading, and a PNG card.

`panel` adds a Share button under the answer. Pressing it sends the pad's drawing and the row to the server, which
answers with a link (`#d=<code>`, ui/share_link.py: the drawing in the address itself, nothing stored on the
server) and the card (ui/share_card.py) to download. Opening a link, the page (ui/share.js) hands the code to
the server, which checks it with the pad's caps and puts the drawing on the pad, the row in the row choice and
the answer in the top 5 and the card; a link that cannot be opened leaves the page as it is, with a note saying
why. Gradio's gr.DeepLinkButton was not used: it saves every component of the session to a file on the server
per press (never deleted), and the page answers the pad itself, so the server's copy of it is not the drawing.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr
from PIL import Image

from runes import Recognizer
from ui import live, reading
from ui.inputs import RUNE, drawing_image, first_line
from ui.share_card import card_image
from ui.share_link import MAX_CODE_CHARS, LinkError, decode, encode

SHARE_JS = (Path(__file__).resolve().parent / "share.js").read_text(encoding="utf-8")
SHARING = {
    "concurrency_id": "share",
    "concurrency_limit": 2,
    "show_progress": "hidden",
}  # a card ~40 ms (bench_share.py)
_esc = html.escape


class LinkFeed(gr.HTML):
    """Hidden; its value is the code of the share link the page was opened with (set by share.js)."""

    def __init__(self, **kwargs: Any) -> None:
        template = f'<span class="share-feed" data-max="{MAX_CODE_CHARS}"></span>'
        super().__init__(value="", html_template=template, js_on_load=SHARE_JS, elem_classes=["feed-block"], **kwargs)

    def preprocess(self, payload: Any) -> Any:
        return payload

    def postprocess(self, value: Any) -> Any:
        return value


def note(text: str, kind: str = "note") -> str:
    return f'<p class="share-{kind}">{_esc(text)}</p>'


def link_html(code: str, is_rune: bool) -> str:
    """The link to a drawing (relative: `#d=...`) and a Copy link button (share.js makes the address absolute)."""
    href = "#d=" + code
    card = "" if is_rune else " No picture card: this drawing is not read as a rune of the row."
    return (
        f'<div class="share-result"><p><a class="share-link" href="{_esc(href)}">Link to this drawing</a>'
        f" ({len(href):,} characters; it opens this drawing and its reading).{_esc(card)}</p>"
        f'<button type="button" class="copy-button share-copy" data-copy="" data-share-href="{_esc(href)}" '
        f'aria-label="Copy link to this drawing">Copy link</button></div>'
    )


def sharer(recognizer: Recognizer, canvas: tuple[int, int]):
    """The Share button's event: (link HTML, the card or None) for the pad's drawing read in the row."""

    def share(drawing: Any, row: str) -> tuple[str, Image.Image | None]:
        try:
            image, strokes = drawing_image(drawing, RUNE)
            if image is None or strokes is None:
                return note("Draw a rune first, then share it."), None
            if (drawing["width"], drawing["height"]) != canvas:
                return note("Only a drawing of the Recognize pad can be shared."), None
            prediction = recognizer.predict(image, row)
        except (ValueError, TypeError, KeyError) as error:
            return note(first_line(error), "error"), None
        code = encode({"width": canvas[0], "height": canvas[1], "strokes": strokes}, prediction.row)
        card = card_image(image, prediction) if prediction.is_rune else None
        return link_html(code, prediction.is_rune), card

    return share


def opener(recognizer: Recognizer, canvas: tuple[int, int]):
    """The LinkFeed's event: the shared drawing, its row and its answer, or the page left as it is with a note."""

    def open_link(code: Any):
        if code == "":  # the feed's value before (or without) a link: nothing to open
            return (gr.skip(),) * 5
        try:
            drawing, row = decode(code, canvas, tuple(recognizer.rows))
            top5, card = reading.recognise(recognizer, drawing_image(drawing, RUNE)[0], row)
        except LinkError as error:
            skip = gr.skip()
            return skip, skip, skip, skip, note(f"{error} Draw a rune to start.", "error")
        return drawing, row, top5, card, note("This is a shared drawing and its reading. Draw your own any time.")

    return open_link


def panel(recognizer: Recognizer, canvas: tuple[int, int], pad: Any, row: Any, top5: Any, card: Any) -> None:
    """The Share button, its answer (link, note) and the card, under the Recognize tab's answer; wired."""
    button = gr.Button("Share: link and picture card", elem_id="share-button")
    said = gr.HTML("", elem_id="share-panel", html_template=live.STATUS)
    picture = gr.Image(
        label="Share card (PNG)",
        type="pil",
        format="png",
        interactive=False,
        buttons=["download"],
        alt_text="The drawing, the rune read, its name and meaning, as a picture (PNG) to download",
        elem_id="share-card",
    )
    feed = LinkFeed(elem_id="share-feed")
    button.click(sharer(recognizer, canvas), [pad, row], [said, picture], api_name=False, **SHARING)
    feed.change(opener(recognizer, canvas), feed, [pad, row, top5, card, said], api_name=False, **SHARING)
