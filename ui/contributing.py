"""The Contribute tab and "Wrong? It was …": drawings saved as training data with the model's guess and flag.

`Contributions` holds what every save needs (the store, the recognizer that reviews a drawing, the model's
version, the per-visitor rate limit of ui.ratelimit); its `contribute` and `correct` are the app's endpoints of those names (their docstrings are the API's);
`keep_round` keeps a round of the game (ui/game.py) when the visitor agreed to it.
"""

from __future__ import annotations

import os
import random
from typing import Any

import gradio as gr

from runes import RUNE_IDS, Recognizer, __version__, get_rune
from runes.dataset_hub import open_store
from runes.store import DrawingStore, default_data_dir
from ui import cards, live
from ui.inputs import drawing_image, never_raises
from ui.pad import StrokePad
from ui.ratelimit import RateLimit, rate_limited


class Contributions:
    @classmethod
    def from_environment(cls, recognizer: Recognizer, model_version: str) -> Contributions:
        """The store in $RUNES_DATA_DIR, synced to $RUNES_DATASET_REPO every $RUNES_SYNC_MINUTES when set."""
        store, synced_repo = open_store(
            default_data_dir(),
            os.environ.get("RUNES_DATASET_REPO", "").strip(),
            every_minutes=float(os.environ.get("RUNES_SYNC_MINUTES") or 5),
        )
        return cls(store, recognizer, model_version, synced_repo)

    def __init__(self, store: DrawingStore, recognizer: Recognizer, model_version: str, synced_repo: str) -> None:
        self.store, self.recognizer, self.model_version = store, recognizer, model_version
        self.note = (
            f"They are shared as the Hugging Face dataset {synced_repo}."
            if synced_repo
            else "They are kept on this server as a data set for training."
        )
        self.prompts = random.Random()
        self.limit = RateLimit()  # saves per visitor (session and address), contributions and corrections together

    def _save(self, drawing: Any, rune_id: str, source: str) -> tuple[str, str | None]:
        """Save a drawing with the model's guess and flag; a ValueError says why not."""
        if rune_id not in RUNE_IDS:
            message = "Pick the rune you drew from the list first." if not rune_id else f"Unknown rune {rune_id!r}."
            raise ValueError(message)
        image, strokes = drawing_image(drawing)
        if image is None:
            raise ValueError(f"The canvas is empty: draw {get_rune(rune_id).label} first.")
        return self.store.save_reviewed(
            image,
            rune_id,
            source,
            self.recognizer,
            strokes=strokes,
            app_version=__version__,
            model_version=self.model_version,
        )

    def start(self) -> tuple[str, str, str]:
        """A new visitor's prompt card, its rune id and the counts per rune."""
        rune_id = self.store.next_prompt(self.prompts)
        return cards.prompt_card(rune_id), rune_id, cards.counts_strip(self.store.counts(), self.note)

    @never_raises(None, lambda message: (cards.status(message, False), *[gr.skip()] * 4))
    @rate_limited
    def contribute(self, drawing: dict, rune_id: str):
        """Add a drawing of a rune to the training data (kept with its strokes; likely junk is flagged for review).
        Args:
            drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            rune_id: the rune drawn, one of fe ur thurs as reith kaun hagall nauthr isa ar sol tyr bjork mathr logr yr.
        Returns:
            HTML status ("Saved your ᛏ týr, thank you!" or why not), next rune to draw (HTML, id), counts, an empty pad"""
        guess, flag = self._save(drawing, rune_id, "prompted")
        next_id = self.store.next_prompt(self.prompts)
        message = (
            f"Saved your {get_rune(rune_id).label}, thank you!{cards.flag_note(rune_id, guess, flag)} "
            f"Next: {get_rune(next_id).label}."
        )
        counts = cards.counts_strip(self.store.counts(), self.note)
        return cards.status(message, True), cards.prompt_card(next_id), next_id, counts, None

    @rate_limited
    def keep_round(self, drawing: dict, rune_id: str) -> tuple[str, str | None]:
        """Keep a round of the game (ui/game.py, source "game") as the contributions are kept: same caps, rate
        limit and flags. Returns (the model's guess, flag); a ValueError says why it was not kept."""
        return self._save(drawing, rune_id, "game")

    @never_raises(None, lambda message: cards.status(message, False))
    @rate_limited
    def correct(self, drawing: dict, rune_id: str | None) -> str:
        """Store a drawing the model read wrong, with the rune it really is (and the model's guess), as training data.
        Args:
            drawing: {"width": 384, "height": 384, "strokes": [[xs, ys, ts], ...]}: one stroke = x, y (px) and t (ms) lists.
            rune_id: the rune it really is, a rune id such as "tyr".
        Returns:
            HTML status: "Thanks! Saved as ᛏ týr (the model said ...)", or why the drawing was not saved"""
        guess, flag = self._save(drawing, rune_id or "", "correction")
        said = f" (the model said {get_rune(guess).label})" if guess in RUNE_IDS else ""
        return cards.status(
            f"Thanks! Saved as {get_rune(rune_id or '').label}{said}; it will help the next model."
            + cards.flag_note(rune_id, guess, flag),
            True,
        )


def tab(demo: gr.Blocks, contributions: Contributions, canvas: tuple[int, int]) -> tuple[StrokePad, gr.Textbox]:
    """The Contribute tab, laid out and wired inside `demo` (the `/contribute` endpoint, and the first prompt at page
    load); returns its pad and the hidden id of the rune asked for (the MCP tool's inputs)."""
    with gr.Tab("Contribute", elem_id="tab-contribute"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            pad = StrokePad(
                *canvas, label="Draw the rune shown", hint="Draw the rune shown here", elem_id="contribute-pad"
            )
            save_button = gr.Button("Save", variant="primary", elem_id="contribute-save")
        with gr.Column(scale=1, min_width=300):
            prompt = gr.HTML("", elem_id="contribute-prompt")
            prompt_rune = gr.Textbox("", label="rune id", visible=False, elem_id="contribute-rune")
            status = gr.HTML("", elem_id="contribute-status", html_template=live.STATUS)
            gr.Markdown(
                "Your drawing (the image and its strokes) is stored as training data for the next model "
                "(no personal data). Collected per rune:"
            )
            counts = gr.HTML("", elem_id="contribute-counts")
    save_button.click(
        contributions.contribute,
        inputs=[pad, prompt_rune],
        outputs=[status, prompt, prompt_rune, counts, pad],
        api_name="contribute",
        concurrency_limit=4,
    )
    demo.load(contributions.start, outputs=[prompt, prompt_rune, counts], api_name=False)
    return pad, prompt_rune
