"""`PanelFeed`: the Recognize pad's drawing, passed on only while a panel is open (for "How it sees").

The pad announces every drawing in the page ('stroke-pad-drawing', pad.js). This hidden gr.HTML takes it as its
value, so firing `change` and a server event, only while the panel it feeds is on screen: a closed "How it sees"
costs no request per stroke. Opening the panel explains what is drawn at once (app.py wires `expand`).
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

FEED_JS = """
const feed = element.querySelector('.panel-feed');
document.addEventListener('stroke-pad-drawing', (event) => {
  if (!event.target.closest('#' + feed.dataset.pad)) return;
  const panel = document.getElementById(feed.dataset.panel);
  if (panel && panel.getClientRects().length) props.value = event.detail;  // open: on screen
});
"""


class PanelFeed(gr.HTML):
    """Value: the drawing of pad `pad` (an elem_id), set only while the element `panel` (an elem_id) is shown."""

    def __init__(self, pad: str, panel: str, **kwargs: Any) -> None:
        template = f'<span class="panel-feed" data-pad="{html.escape(pad)}" data-panel="{html.escape(panel)}"></span>'
        super().__init__(
            value=None, html_template=template, js_on_load=FEED_JS, elem_classes=["panel-feed-block"], **kwargs
        )

    def preprocess(self, payload: Any) -> Any:
        return payload

    def postprocess(self, value: Any) -> Any:
        return value
