"""The Teach tab's sessions in a real browser, against the tab served in this process (so the test can look at
Gradio's own session records and hold weak references to what a session taught):

- opening the Teach tab starts a child process that loads Keras, before Teach is pressed (the server never does);
- a closed page's session lets its taught model and drawings go promptly (Gradio's heartbeat ends, its unload
  event runs, and ui.teaching ends the session), not an hour later;
- a second visitor pressing Teach while another teach runs sees their place in the queue.

Teaching (in a child process, runes.teach_process) is made tiny here (one epoch, few samples); tests/test_teach.py
covers what teaching learns.
"""

from __future__ import annotations

import contextlib
import gc
import re
import socket
import threading
import time
import weakref

import gradio as gr
import pytest
from playwright.sync_api import Page, expect
from rune_strokes import mouse_strokes, strokes_in_box

from runes import Recognizer
from runes.teach_process import TeachWorker
from ui import teaching

TINY = {"epochs": 1, "fine_tune_epochs": 0, "samples_per_symbol": 6, "keep_per_label": 2}
RELEASE_DEADLINE_S = 90  # polled; a closed page's session ends CLOSED_KEEP_SECONDS (set below) after it closes


class Teacher(TeachWorker):
    """A tiny TeachWorker remembering (weakly) what it taught; a teach can be held until `go` is set."""

    def __init__(self, base: Recognizer) -> None:
        super().__init__(base, settings=TINY)
        self.taught: list[weakref.ref] = []
        self.started = threading.Event()
        self.go = threading.Event()
        self.go.set()

    def teach(self, examples: dict) -> Recognizer:
        self.started.set()
        assert self.go.wait(timeout=120), "the test never let the teach go on"
        taught = super().teach(examples)
        assert taught.lines_folder == self.base.folder  # it reads inscriptions with its base's line reader
        self.taught += [weakref.ref(taught), weakref.ref(taught._numpy_forward)]
        return taught


@pytest.fixture(scope="module")
def served():
    """(url, demo, teacher, recognizer): the Teach tab alone in a gr.Blocks, served on a free port in this process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(teaching, "CLOSED_KEEP_SECONDS", 0.5)
        recognizer = Recognizer.load(None)  # its Keras model is not loaded: serving runs in numpy, teaching in a child
        teacher = Teacher(recognizer)
        with gr.Blocks() as demo:
            teaching.tab(recognizer, (384, 384), teacher)
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        try:
            yield f"http://127.0.0.1:{port}/", demo, teacher, recognizer
        finally:
            demo.close()
            teacher.close()


@contextlib.contextmanager
def visitor(browser, url: str):
    """A first-time visitor's page (its own browser context), on the Teach tab; closed at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_role("tab", name="Teach it a symbol").click()
    try:
        yield page
    finally:
        context.close()


def draw_three_sticks(page: Page) -> None:
    """Name a symbol and add three drawings of it, as a visitor does."""
    page.locator("#teach-name textarea, #teach-name input").first.fill("stick")
    for count in range(1, 4):
        box = page.locator("#teach-pad canvas").bounding_box()
        assert box is not None
        size = 0.5 * box["width"]
        mouse_strokes(page, strokes_in_box("isa", box["x"] + size / 2 + 8 * count, box["y"] + size / 2, size))
        page.locator("#teach-add").click()
        expect(page.locator('#teach-status li[data-symbol="stick"]')).to_have_attribute("data-count", str(count))


def sessions_holding(demo: gr.Blocks, value: object) -> list[str]:
    """The sessions whose State holds `value` (Gradio's own record of each session's State)."""
    holder = demo.state_holder
    return [hash_ for hash_, session in list(holder.session_data.items()) if value in session.state_data.values()]


def test_opening_the_tab_starts_a_child_that_loads_keras(served, browser):
    url, _, teacher, recognizer = served
    assert teacher._waiting is None  # no child before a visitor opens the tab
    with visitor(browser, url):  # opens the Teach tab, and nothing else
        deadline = time.monotonic() + RELEASE_DEADLINE_S
        while teacher._waiting is None:  # polled: the tab's select event reaches the server
            assert time.monotonic() < deadline, "opening the Teach tab did not start a teaching child"
            time.sleep(0.05)
        assert teacher.wait_warm(RELEASE_DEADLINE_S), "the teaching child never loaded Keras"
    assert recognizer._model is None  # this process's recognizer still runs in numpy


def test_a_closed_page_lets_its_taught_model_go(served, browser):
    url, demo, teacher, _ = served
    with visitor(browser, url) as page:
        draw_three_sticks(page)
        page.locator("#teach-go").click()
        expect(page.locator("#teach-status .teach-status.taught")).to_be_visible(timeout=120_000)
        taught, network = (reference() for reference in teacher.taught[-2:])
        assert taught is not None and network is not None
        assert taught.taught_labels == ["stick"] and taught.folder is None  # a numpy model, its folder deleted
        (session,) = sessions_holding(demo, taught)  # the page's session keeps its taught copy while it is open
        drawings = next(v for v in demo.state_holder[session].state_data.values() if isinstance(v, dict) and v)
        assert len(drawings["stick"]) == 3
        del taught, network, drawings
    # The page is closed: its heartbeat ends, the unload event runs, and the session's State goes with it.
    deadline = time.monotonic() + RELEASE_DEADLINE_S
    while session in demo.state_holder.session_data or any(reference() is not None for reference in teacher.taught):
        assert time.monotonic() < deadline, "a closed page's taught model was still kept"
        gc.collect()
        time.sleep(0.05)


def test_a_second_teacher_sees_their_place_in_the_queue(served, browser):
    url, _, teacher, _ = served
    with visitor(browser, url) as first, visitor(browser, url) as second:
        draw_three_sticks(first)
        draw_three_sticks(second)
        teacher.started.clear()
        teacher.go.clear()  # the first teach is held running until the second visitor has seen the queue
        try:
            first.locator("#teach-go").click()
            assert teacher.started.wait(timeout=60)
            second.locator("#teach-go").click()
            # Gradio's progress tracker over the status (show_progress is not hidden there): 1st of 1 waiting.
            expect(second.locator("#teach-status").get_by_text(re.compile(r"queue: 1/1"))).to_be_visible()
            expect(first.locator("#teach-status")).not_to_contain_text("queue:")  # the first one is running
        finally:
            teacher.go.set()
        expect(first.locator("#teach-status .teach-status.taught")).to_be_visible(timeout=120_000)
        expect(second.locator("#teach-status .teach-status.taught")).to_be_visible(timeout=120_000)
