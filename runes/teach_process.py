"""Teaching in a child process, so the process that serves never imports TensorFlow and keeps none of its memory.

    worker = TeachWorker(recognizer)           # a Recognizer loaded from a model folder (the bundled one, say)
    worker.warm()                              # optional: a child starts importing Keras now and waits for work
    taught = worker.teach({"heart": [image, ...]})   # 2-D uint8 drawings; a numpy Recognizer, taught labels and all

Each teach runs in a fresh child, `python -m runes.teach_process --model FOLDER`: it imports Keras, loads the
model, says it is ready, waits (at most IDLE_SECONDS) for one job, runs `runes.teach.teach` on it, writes the taught
model folder (`runes.card.write_model_folder`) and exits, returning every byte TensorFlow took (its fit-in-a-loop
leak included). The parent reads the folder with `Recognizer.load` (numpy, no TensorFlow: `runes.kerasfile`) and
deletes it. A job passes no pickles: the drawings go as an .npz file read with allow_pickle=False, the names and
settings as one JSON line on the child's stdin; the child answers with JSON lines on its stdout (anything else
written there goes to its stderr). A child that dies, or takes longer than TIMEOUT_SECONDS, is ended and the
teach fails with a TeachProcessError saying so in plain words; drawings that cannot be taught fail with the
TeachError
message, checked in this process before a child starts. `warm` keeps at most one child waiting; a teach takes it, or starts a fresh one.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from runes.model import Recognizer

__all__ = ["TeachWorker", "TeachProcessError", "TIMEOUT_SECONDS", "IDLE_SECONDS", "main"]

# Press-to-taught took 254 s with a load average of 20 on 2 cores (benchmarks/bench_abuse.py --teach 5, two apps
# teaching at once beside other work): twice that bounds what a stuck child holds without stopping slow teaches.
TIMEOUT_SECONDS = 600.0
IDLE_SECONDS = 600.0  # a warm child nobody gave work to exits after this long, returning its memory
_DRAWINGS_FILE = "drawings.npz"
_MODEL_DIR = "model"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class TeachProcessError(RuntimeError):
    """The child teaching process died, took too long or could not start; the message says so in plain words."""


class _Child:
    """One child process and what it has written so far of its answer lines."""

    def __init__(self, model_folder: Path, idle_seconds: float) -> None:
        command = [
            sys.executable,
            "-m",
            "runes.teach_process",
            "--idle",
            str(idle_seconds),
            "--model",
            str(model_folder),
        ]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH")]))
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.ready = False
        self._buffer = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def message(self, deadline: float) -> dict | None:
        """The child's next JSON line, or None when it ended (or the deadline passed) first."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                return None
            chunk = os.read(descriptor, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message = json.loads(line)
        self.ready = self.ready or bool(message.get("ready"))
        return message

    def wait_ready(self, deadline: float) -> bool:
        """Whether the child has imported Keras and loaded its model (waiting for it until the deadline)."""
        while not self.ready:
            if self.message(deadline) is None:
                return False
        return True

    def end(self) -> None:
        """End the child now (if it still runs) and collect it."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class TeachWorker:
    """Teaches `runes.teach.teach` in child processes, one per teach; see the module docstring.

    `base` is the Recognizer to teach from, loaded from a model folder (the child loads it again); `settings` are keyword arguments
    for `runes.teach.teach` (epochs, seed...), JSON values; `timeout` bounds one teach, child start included."""

    def __init__(
        self,
        base: Recognizer,
        *,
        settings: Mapping[str, int] | None = None,
        timeout: float = TIMEOUT_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        if base.folder is None:
            raise ValueError(
                f"{base.source} was not loaded from a model folder, so a child process cannot load it: "
                "save it with runes.card.write_model_folder and load that with Recognizer.load."
            )
        self.base, self.model_folder = base, base.folder
        self.settings = dict(settings or {})
        self.timeout, self.idle_seconds = timeout, idle_seconds
        self._lock = threading.Lock()
        self._waiting: _Child | None = None

    def warm(self) -> None:
        """Start a child that imports Keras and waits for work, unless one is already waiting."""
        with self._lock:
            if self._waiting is None or not self._waiting.alive():
                if self._waiting is not None:
                    self._waiting.end()
                self._waiting = _Child(self.model_folder, self.idle_seconds)

    def wait_warm(self, timeout: float) -> bool:
        """Whether a waiting child is ready (Keras imported), waiting up to `timeout` seconds for it."""
        with self._lock:
            child = self._waiting
            return child is not None and child.wait_ready(time.monotonic() + timeout)

    def close(self) -> None:
        """End the waiting child, if any."""
        with self._lock:
            child, self._waiting = self._waiting, None
        if child is not None:
            child.end()

    def _take(self) -> _Child:
        with self._lock:
            child, self._waiting = self._waiting, None
        if child is not None and child.alive():
            return child
        if child is not None:
            child.end()
        return _Child(self.model_folder, self.idle_seconds)

    def teach(self, examples: Mapping[str, Sequence[np.ndarray]]) -> Recognizer:
        """A Recognizer (numpy) that also knows the symbols of `examples`, {name: [2-D uint8 drawing, ...]}.

        Raises runes.teach.TeachError (a ValueError) with its message for drawings it cannot teach (checked here
        first, in numpy), and
        TeachProcessError when the child dies or takes longer than `timeout` seconds."""
        from runes.teach import TeachError, _checked_examples

        _checked_examples(self.base, examples)  # numpy only: bad drawings are refused before a child starts
        names = [str(name) for name in examples]
        with tempfile.TemporaryDirectory(prefix="rune-teach-") as folder:
            arrays = [np.asarray(drawing, np.uint8) for drawings in examples.values() for drawing in drawings]
            np.savez(Path(folder) / _DRAWINGS_FILE, *arrays)  # arr_0, arr_1...: the drawings in order
            job = {
                "folder": folder,
                "names": names,
                "counts": [len(drawings) for drawings in examples.values()],
                "settings": self.settings,
            }
            answer = self._run(job)
            if "refused" in answer:
                raise TeachError(str(answer["refused"]))
            taught = Recognizer.load(Path(folder) / _MODEL_DIR)
        taught.folder = None  # deleted: the taught model lives in memory only
        taught.share_line_reader(self.base)  # it reads inscriptions as its base does
        taught.source = f"{self.base.source} taught {', '.join(names)}"
        return taught

    def _run(self, job: dict) -> dict:
        """Send `job` to a child and return its answer; the child is ended either way."""
        deadline = time.monotonic() + self.timeout
        child = self._take()
        try:
            assert child.process.stdin is not None
            try:
                child.process.stdin.write(json.dumps(job).encode() + b"\n")
                child.process.stdin.flush()
            except BrokenPipeError:
                pass  # it ended (idle, or failed to start): told below
            while (answer := child.message(deadline)) is not None and answer.get("ready"):
                pass
        finally:
            child.end()
        if answer is None:
            if time.monotonic() >= deadline:
                raise TeachProcessError(
                    f"Teaching took longer than {self.timeout:.0f} seconds and was stopped: the server is busy, "
                    "try again in a minute."
                )
            raise TeachProcessError("Teaching stopped before it finished (the server ran short of memory?): try again.")
        if "failed" in answer:
            raise TeachProcessError("Teaching failed on an error in the server (its log says which): try again.")
        return answer


def _send(stream, message: dict) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def _drawings(job: dict) -> dict[str, list[np.ndarray]]:
    """The job's drawings, {name: [2-D uint8 array, ...]}, read from its .npz (no pickles)."""
    with np.load(Path(job["folder"]) / _DRAWINGS_FILE, allow_pickle=False) as stored:
        arrays = iter([stored[f"arr_{index}"] for index in range(sum(job["counts"]))])
        return {
            name: [next(arrays) for _ in range(count)] for name, count in zip(job["names"], job["counts"], strict=True)
        }


def main(argv: list[str] | None = None) -> int:
    """The child: load Keras and the model, say ready, teach one job from stdin, write its model folder, exit."""
    parser = argparse.ArgumentParser(prog="python -m runes.teach_process", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="model folder to teach from (default: the bundled model)")
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds to wait for a job before exiting")
    args = parser.parse_args(argv)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")  # the answer lines; stray prints go to stderr
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from runes.card import write_model_folder
    from runes.teach import TeachError, _teach

    base = Recognizer.load(args.model)
    base.model  # noqa: B018  (imports Keras and loads the network: the slow part, done before the job comes)
    _send(answers, {"ready": True})
    if not select.select([sys.stdin], [], [], args.idle)[0]:
        return 0  # nobody needed it
    line = sys.stdin.readline()
    if not line:
        return 0  # the parent closed
    job = json.loads(line)
    try:
        taught, metrics = _teach(base, _drawings(job), **job["settings"])
        write_model_folder(Path(job["folder"]) / _MODEL_DIR, taught.model, taught.config, metrics)
    except TeachError as error:
        _send(answers, {"refused": str(error)})
        return 1
    except Exception as error:  # noqa: BLE001  (the parent says it failed; the traceback goes to stderr)
        import traceback

        traceback.print_exc()
        print(f"teach_process: {type(error).__name__}: {error}", file=sys.stderr)
        _send(answers, {"failed": True})
        return 1
    _send(answers, {"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
