"""`Feed`: a hidden value that changes when a server event is needed for the Recognize pad, and only then.

The pad announces every drawing in the page ('stroke-pad-drawing', pad.js). A Feed counts the drawings (and
changes of the row choice) that need the server, so firing `change` and a server event for those alone:
- `Feed("pad", panel="seeing")`: only while the element `seeing` is on screen ("How it sees" open), so a closed
  panel costs no request per stroke (opening it explains what is drawn at once: app.py wires `expand`);
- `Feed("pad")`: only while the page cannot answer itself (`window.runeReaderPage`, ui/guess.js: its model not
  loaded, or a taught symbol only the server knows), so the server answers instead, silently.
The handler reads the pad and the row itself: the Feed's value is only a count.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

FEED_JS = """
const feed = element.querySelector('.feed');
let drawn = false, count = 0;
function needed() {
  if (feed.dataset.panel) {  // open: on screen
    const panel = document.getElementById(feed.dataset.panel);
    return Boolean(panel && panel.getClientRects().length);
  }
  const page = window.runeReaderPage;
  return !(page && page.ready());
}
function send() { if (drawn && needed()) props.value = ++count; }
document.addEventListener('stroke-pad-drawing', (event) => {
  if (!event.target.closest('#' + feed.dataset.pad)) return;
  drawn = true;
  send();
});
document.addEventListener('change', (event) => {
  if (event.target.closest && event.target.closest('#' + feed.dataset.row)) send();
});
"""


class Feed(gr.HTML):
    """Value: a count of the drawings of pad `pad` (and changes of radio `row`) the server must answer, see above."""

    def __init__(self, pad: str, *, row: str = "row", panel: str = "", **kwargs: Any) -> None:
        template = (
            f'<span class="feed" data-pad="{html.escape(pad)}" data-row="{html.escape(row)}"'
            f' data-panel="{html.escape(panel)}"></span>'
        )
        super().__init__(value=0, html_template=template, js_on_load=FEED_JS, elem_classes=["feed-block"], **kwargs)

    def preprocess(self, payload: Any) -> Any:
        return payload

    def postprocess(self, value: Any) -> Any:
        return value
