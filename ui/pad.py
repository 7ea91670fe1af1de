"""`StrokePad`: a drawing pad on Gradio's own gr.HTML that sends strokes as vectors, not images.

Ink starts on the first pointer-down (mouse, pen or touch; no tool to pick, no page scroll while drawing),
with Undo (also Ctrl+Z) and Clear. For a screen reader the canvas is an image named by `label` and by how many
strokes are on it; the hint is only for the eye (the label says it), and the buttons are named Undo and Clear. Its value is the drawing in the QuickDraw style,
`{"width": W, "height": H, "strokes": [[xs, ys, ts], ...]}`, a few hundred bytes per rune, sent at every
pen-up and every 100 ms while a stroke is drawn; the server renders it with `runes.strokes`.
The behaviour is in pad.js, the looks in style.css (`.stroke-pad`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from runes.strokes import DEFAULT_STROKE_WIDTH

HERE = Path(__file__).resolve().parent
PAD_JS = (HERE / "pad.js").read_text(encoding="utf-8")

TEMPLATE = """
<div class="stroke-pad" data-width="{width}" data-height="{height}" data-pen="{pen}"
     style="aspect-ratio: {width} / {height}">
  <canvas role="img" aria-label="{label}" data-label="{label}"></canvas>
  <p class="pad-hint" aria-hidden="true">{hint}</p>
</div>
<div class="pad-tools">
  <button type="button" class="pad-undo" title="Undo the last stroke (Ctrl+Z)" disabled>
    <span aria-hidden="true">↶</span> Undo</button>
  <button type="button" class="pad-clear" title="Start over" disabled>Clear</button>
</div>
"""


# How a pad's `change` is wired (app.py and benchmarks/bench_browser.py): every drawing is sent at once, not
# held back while the previous answer is on its way ("always_last" made a pen-up wait for the answer to the
# mid-stroke drawing before it: ~100 ms instead of ~45 ms in bench_browser). The server answers them in
# order (one at a time per event), so the newest drawing's answer is shown last.
LIVE = {"trigger_mode": "multiple", "show_progress": "hidden"}


def empty_drawing(width: int, height: int) -> dict[str, Any]:
    return {"width": width, "height": height, "strokes": []}


class StrokePad(gr.HTML):
    """A canvas that draws at once and whose value is the strokes drawn on it (a dict, see the module doc)."""

    def __init__(
        self,
        width: int = 384,
        height: int = 384,
        *,
        label: str = "Draw here",
        hint: str = "Draw here",
        pen: float = DEFAULT_STROKE_WIDTH,
        **kwargs: Any,
    ) -> None:
        self.width, self.height, self.hint, self.pen = width, height, hint, pen
        template = TEMPLATE.format(
            width=width, height=height, pen=pen, label=html.escape(label), hint=html.escape(hint)
        )
        super().__init__(
            value=empty_drawing(width, height), html_template=template, js_on_load=PAD_JS, label=label, **kwargs
        )

    def preprocess(self, payload: Any) -> Any:
        """The drawing as sent (checked by the handler with runes.strokes.check_strokes)."""
        return payload

    def postprocess(self, value: Any) -> Any:
        return empty_drawing(self.width, self.height) if value is None else value

    def api_info(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "A drawing as strokes: x, y in canvas pixels, t in ms from the first point.",
            "properties": {
                "width": {"type": "integer"},
                "height": {"type": "integer"},
                "strokes": {
                    "type": "array",
                    "description": "[[xs, ys, ts], ...], one entry per stroke",
                    "items": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                },
            },
            "required": ["width", "height", "strokes"],
        }

    def example_payload(self) -> Any:
        return {"width": self.width, "height": self.height, "strokes": [[[192, 192], [60, 324], [0, 400]]]}

    def example_value(self) -> Any:
        return self.example_payload()
