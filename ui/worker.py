"""Inscription reads in one worker process of lower priority, so a heavy read leaves the server's CPU and GIL to
everybody else's guesses (issue 17: heavy endpoints must not make others wait).

The worker is forked at start-up (before the first request, sharing the loaded process's memory) and loads the model
folder again, numpy forward pass only; RUNES_READ_WORKER=0, a model that needs Keras, or a worker that died read in
the server process as before. `python benchmarks/bench_abuse.py` measures a visitor's p95 while heavy reads run.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from runes import Recognizer
from runes.inscription import Inscription

log = logging.getLogger("rune_reader")
NICENESS = 10  # the worker's priority below the server's

_recognizer: Recognizer | None = None  # in the worker: its own copy of the model


def _start(folder: str) -> None:
    global _recognizer
    os.nice(NICENESS)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    _recognizer = Recognizer.load(folder)


def _exit_with(parent: int) -> None:
    """End the worker when the server process is gone (a stopped server does not always stop its pool)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _read(image: np.ndarray, row: str | None) -> Inscription:
    assert _recognizer is not None, "the worker loads the model when it starts"
    return _recognizer.read(image, row)


class ReadingWorker:
    """`read(image, row)` like `Recognizer.read`, in the worker process when there is one."""

    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        numpy_only = recognizer.folder is not None and recognizer._numpy_forward is not None
        if numpy_only and os.environ.get("RUNES_READ_WORKER", "1") != "0":
            self._pool = concurrent.futures.ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start,
                initargs=(str(recognizer.folder),),
            )
            self._pool.submit(int).result()  # fork now, before the server's threads start

    def read(self, image: np.ndarray, row: str | None) -> Inscription:
        if self._pool is not None:
            try:
                return self._pool.submit(_read, image, row).result()
            except BrokenProcessPool:  # the worker died (out of memory, say): read here from now on
                log.exception("the reading worker stopped; reading in the server process")
                self._pool = None
        return self.recognizer.read(image, row)
