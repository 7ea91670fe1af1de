"""ui.worker: inscription reads in a worker process of lower priority read exactly as in the server process."""

from __future__ import annotations

import os

import pytest
from rune_strokes import as_quickdraw, strokes_in_box

from runes import Recognizer
from runes.preprocess import EmptySketchError
from ui import worker
from ui.inputs import INSCRIPTION, drawing_image


def test_a_read_in_the_worker_is_the_same_read(monkeypatch):
    recognizer = Recognizer.load()
    strokes = [
        as_quickdraw(stroke)
        for index, rune_id in enumerate(("tyr", "ur", "reith"))
        for stroke in strokes_in_box(rune_id, 240 + 160 * index, 50, 200)
    ]
    image = drawing_image({"width": 960, "height": 300, "strokes": strokes}, INSCRIPTION)[0]
    reader = worker.ReadingWorker(recognizer)
    assert reader._pool is not None
    assert reader.read(image, "younger") == recognizer.read(image, "younger")
    assert reader.read(image, "elder").transliteration == recognizer.read(image, "elder").transliteration
    pid, niceness = reader._pool.submit(os.getpid).result(), reader._pool.submit(os.nice, 0).result()
    assert pid != os.getpid() and niceness >= os.nice(0) + worker.NICENESS or niceness == 19
    with pytest.raises(ValueError, match="runic"):  # the worker's errors reach the caller, in words
        reader.read(image, "runic")
    with pytest.raises(EmptySketchError):
        reader.read(image * 0 + 255, "younger")
    monkeypatch.setenv("RUNES_READ_WORKER", "0")
    assert worker.ReadingWorker(recognizer)._pool is None  # read in the server process
