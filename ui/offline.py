"""`OfflineNote`: a kind word at the foot of the screen while the visitor's connection is down.

Once the page has its model (ui/guess.py) the Recognize pad guesses with no network at all; what needs the
server (inscriptions, saving drawings, names as pictures, teaching, "How it sees", and the pad itself while the
page cannot guess) waits for the connection. The note says which, in plain words, when the browser goes offline
(navigator.onLine, the 'offline' and 'online' events) and goes away when it is back. Looks in style.css.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

PAGE_GUESSES = "You are offline. The Recognize pad still guesses, right here in your browser."
PAGE_WAITS = "You are offline. Rune Reader guesses again as soon as you are back online."
NEEDS_SERVER = (
    "Reading inscriptions, saving drawings, names as pictures, teaching a symbol and “How it sees” need the "
    "connection: they work again as soon as you are back."
)

TEMPLATE = """<div class="offline-note" role="status" aria-live="polite">
  <span class="offline-page"></span> <span class="offline-server"></span></div>"""

OFFLINE_JS = """
const note = element.querySelector('.offline-note');
function update() {
  const offline = !navigator.onLine;
  note.classList.toggle('shown', offline);
  if (!offline) return;
  const page = window.runeReaderPage;  // ui/guess.js: can the page answer the pad itself?
  note.querySelector('.offline-page').textContent = page && page.ready() ? props.page_guesses : props.page_waits;
  note.querySelector('.offline-server').textContent = props.needs_server;
}
window.addEventListener('offline', update);
window.addEventListener('online', update);
update();
"""


class OfflineNote(gr.HTML):
    """Shown only while the browser is offline: what still works, and what waits for the connection."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            value="",
            html_template=TEMPLATE,
            js_on_load=OFFLINE_JS,
            page_guesses=PAGE_GUESSES,
            page_waits=PAGE_WAITS,
            needs_server=NEEDS_SERVER,
            **kwargs,
        )
