"""The app as an MCP server (`demo.launch(mcp_server=True)`, the `gradio[mcp]` extra): its tools answer plain data.

Gradio makes every named API endpoint an MCP tool and answers with the text of the endpoint's outputs: for the page's
events that is HTML, `gr.skip()` updates ({'__type__': 'update'}) and images saved as server temp files
(/tmp/gradio/...). So the tools are API-only events of their own (`Tools.add`, api_name `mcp_<tool>`): each calls
the same handler as the page's event and answers one JSON object of plain words and numbers (`to_text` turns the
cards' HTML into lines of text), described by its docstring (Google style: a summary, `Args:` one line per parameter,
`Returns:`). They take the same input components as the page's events, so their input schemas are the same.
`Tools.lifespan` makes them the MCP server's only tools, under the page's names (predict_strokes, read_strokes,
contribute, correct, write_name, read_text); the image endpoints `/predict` and `/read` stay API-only (a gr.Sketchpad value is
a dict of nested files, which Gradio 6.31 cannot pass through MCP).
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Callable
from typing import Any

import gradio as gr

BLOCK_END = re.compile(r"</(?:p|div|li|h\d)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def to_text(fragment: Any) -> str:
    """The visible words of an HTML fragment, one line per paragraph or block ("" for no fragment)."""
    if not isinstance(fragment, str):
        return ""
    text = html.unescape(TAG.sub(" ", BLOCK_END.sub("\n", fragment)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_update(value: Any) -> bool:
    """Whether an output is a Gradio update (gr.skip(), gr.update(...)) rather than a value."""
    return isinstance(value, dict) and value.get("__type__") == "update"


def as_json(answer: dict[str, Any]) -> str:
    """An answer as JSON text (runes and letters as they are, not escaped)."""
    return json.dumps(answer, ensure_ascii=False)


def guesses(label: Any) -> dict[str, Any]:
    """A gr.Label value as {"answer": best label, "top": [{"label", "probability"}, ...]}."""
    if not isinstance(label, dict):  # "Draw a rune", "Can't read that"
        return {"answer": str(label)}
    top = sorted(label.items(), key=lambda item: -item[1])
    return {
        "answer": top[0][0],
        "top": [{"label": name, "probability": round(float(p), 4)} for name, p in top],
    }


def predict_tool(predict_strokes: Callable) -> Callable[..., str]:
    def tool(drawing: dict, row: str = "younger") -> str:
        """Recognise one hand-drawn rune of the Younger Futhark (or of another rune row), sent as pen strokes.
        Args:
            drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            row: the rune row to read it in: "younger" (default), "long-branch", "short-twig" or "elder".
        Returns:
            JSON: {"answer": "ᛏ týr" (or "Not a rune", "Draw a rune", "Can't read that"), "top": [{"label", "probability"}] (best first), "card": the rune's name, sound and meaning, or why it is not read}"""
        label, card = predict_strokes(drawing, None, row)
        return as_json({**guesses(label), "card": to_text(card)})

    return tool


def read_tool(read_strokes: Callable) -> Callable[..., str]:
    def tool(drawing: dict, row: str = "younger") -> str:
        """Read a line of runes written left to right (words split by dots or gaps), sent as strokes.
        Args:
            drawing: {"width": 960, "height": 300, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            row: the rune row to read it in: "younger" (default), "long-branch", "short-twig" or "elder".
        Returns:
            JSON: {"reading": the runic text (words joined by ᛫) and its transliteration, or why nothing was read, "runes": [{"label": "ᛏ t", "box": [left, top, right, bottom]}] (canvas pixels, left to right)}"""
        text, boxes = read_strokes(drawing, row)
        image, found = boxes if isinstance(boxes, tuple) else (None, [])
        scale = drawing["width"] / image.shape[1] if image is not None else 1.0  # shown scaled down: canvas pixels
        runes = [{"label": label, "box": [round(v * scale) for v in box]} for box, label in found]
        return as_json({"reading": to_text(text), "runes": runes})

    return tool


def contribute_tool(contribute: Callable) -> Callable[..., str]:
    def tool(drawing: dict, rune_id: str, request: gr.Request) -> str:
        """Add a drawing of a rune to the training data (kept with its strokes; likely junk is flagged for review).
        Args:
            drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            rune_id: the rune drawn, one of fe ur thurs as reith kaun hagall nauthr isa ar sol tyr bjork mathr logr yr.
        Returns:
            JSON: {"status": "Saved your ᛏ týr, thank you! ..." or why not, "next_rune": the id of a rune to draw next (when saved)}"""
        status, _, next_id, *_ = contribute(drawing, rune_id, request)
        return as_json({"status": to_text(status), **({} if is_update(next_id) else {"next_rune": next_id})})

    return tool


def correct_tool(correct: Callable) -> Callable[..., str]:
    def tool(drawing: dict, rune_id: str | None, request: gr.Request) -> str:
        """Store a drawing the model read wrong, with the rune it really is (and the model's guess), as training data.
        Args:
            drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            rune_id: the rune it really is, a rune id such as "tyr".
        Returns:
            JSON: {"status": "Thanks! Saved as ᛏ týr (the model said ...)", or why the drawing was not saved}"""
        return as_json({"status": to_text(correct(drawing, rune_id, request))})

    return tool


def name_tool(write_name: Callable) -> Callable[..., str]:
    def tool(text: str, row: str) -> str:
        """Write a name or word in runes, as it would have been carved.
        Args:
            text: a name, word or short phrase in Latin letters, e.g. "Harald".
            row: "younger" (Viking Age, long-branch), "long-branch", "short-twig" or "elder" (Elder Futhark).
        Returns:
            JSON: {"runes": the runes, e.g. "ᚼᛅᚱᛅᛚᛏ" ("" when no letter has one), "notes": which letters share a rune or were left out, or why it could not be written}"""
        runes_html, _ = write_name(text, row)
        match = re.search(r'data-runes="([^"]*)"', runes_html or "")
        lines = to_text(runes_html).splitlines()
        runes = html.unescape(match.group(1)) if match else ""
        return as_json({"runes": runes, "notes": "\n".join(line for line in lines if line != runes)})

    return tool


def text_tool(read_text: Callable) -> Callable[..., str]:
    def tool(text: str, row: str = "") -> str:
        """Read runic text (Unicode runes, e.g. "ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ") in Latin letters, word by word.
        Args:
            text: runes of the Younger or Elder Futhark, words separated by spaces, ᛫ ᛬ : or ·; at most 3,000 characters.
            row: the row to read in when every rune is in it: "younger", "long-branch", "short-twig" or "elder"; "" (default): told by the runes.
        Returns:
            JSON: {"transliteration": "kurmʀ kunukʀ", "row": the row it was read in, "reading": the reading word by word with notes on the row, runes with several sounds and what was left out, or why it could not be read}"""
        reading_html = read_text(text, row) or ""
        found = dict(re.findall(r'data-(transliteration|row)="([^"]*)"', reading_html))
        return as_json(
            {**{key: html.unescape(value) for key, value in found.items()}, "reading": to_text(reading_html)}
        )

    return tool


class Tools:
    """The MCP tools, made inside the app's gr.Blocks: `add` one per tool, then launch with `lifespan()`."""

    def __init__(self) -> None:
        self.answer = gr.Textbox(visible=False)  # every tool's one output: its JSON text
        self.endpoints: dict[str, str] = {}  # tool name -> its API endpoint

    def add(self, name: str, tool: Callable[..., str], inputs: list, **event: Any) -> None:
        """Tool `name` answered by `tool` (a function of `predict_tool` etc.) from the `inputs` components; `event`
        are the page event's queue settings (concurrency_id, concurrency_limit), so a tool waits in the same queue."""
        tool.__name__ = name
        gr.on([], tool, inputs=inputs, outputs=self.answer, api_name=f"mcp_{name}", show_progress="hidden", **event)
        self.endpoints[name] = f"/mcp_{name}"

    def lifespan(self, demo: gr.Blocks):
        """A lifespan for `demo.launch(app_kwargs={"lifespan": ...})` that makes these tools the MCP server's only
        ones (launch() builds the server just before the web server starts; a lifespan runs before the first
        request is answered, so no client ever sees the page's events as tools)."""

        @contextlib.asynccontextmanager
        async def lifespan(app):
            server = getattr(demo, "mcp_server_obj", None)  # made by launch(mcp_server=True); None if MCP is off
            if server is not None:
                server.tool_to_endpoint = dict(self.endpoints)
            yield

        return lifespan
