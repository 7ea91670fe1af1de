"""The contributed-drawings store: a Hugging Face `imagefolder` data set that many visitors write to at once.

    store = DrawingStore(default_data_dir())           # $RUNES_DATA_DIR, else data/contributed
    store.save(array, "tyr", "prompted", guess="isa")  # -> DATA_DIR/tyr/<uuid>.png
    store.save(rendered, "tyr", "prompted", strokes=[[xs, ys, ts], ...],     # the drawing as vectors too,
               flag=flag_for("tyr", recognizer.predict(rendered)))          # and junk marked, not trusted
    store.counts(), store.next_prompt(random.Random()), store.verify(), store.repair()

`runes.dataset` adds importing JSON drawings and the `python -m runes.dataset` commands; `runes.dataset_hub`
shares a folder on the Hub. Both build on this module, which imports neither.

Layout: DATA_DIR/<rune id>/<uuid>.png (the drawing as drawn, grayscale) plus DATA_DIR/metadata.jsonl,
one JSON line per drawing (file_name relative to DATA_DIR, label, source, UTC time, size, versions, guess,
strokes, flag). `strokes` is the drawing as vectors in the QuickDraw style, [[xs, ys, ts], ...] in the
PNG's pixels and milliseconds (rounded to 0.1 px and 1 ms, thinned to MAX_STORED_POINTS), or null (uploads,
imports, older rows).
`flag` is null, or why the drawing is not trusted: "not_a_rune" (the model says it is no rune) or
"other_rune" (the model reads another rune with high confidence; see `flag_for`). Flagged drawings are
kept and counted by `counts()` (they were saved), but `runes.train --data` leaves them out unless asked.

Consistency: the metadata line is the commit point. A save runs under a thread lock and an flock on
DATA_DIR/.lock: it writes the PNG to a hidden `.<uuid>.png.tmp`, fsyncs it, renames it into place, then
appends its line in one write and fsyncs. A crash can therefore leave only (a) a temp file, never read
as a drawing, (b) a complete PNG without a line (an "orphan", still a valid labelled drawing for
`runes.train --data`), or (c) a torn last line, which readers skip and the next append fences off.
Each PNG carries its own metadata line in a compressed text chunk, so `repair()` restores (a)-(c) exactly.

Bounds: a drawing's strokes are thinned to MAX_STORED_POINTS points with times clamped to MAX_STROKE_MS, its
PNG must fit in MAX_DRAWING_BYTES, and the whole store in `quota_bytes` ($RUNES_DATA_QUOTA_MB, default QUOTA_MB;
StoreFullError past it). `counts()` and the quota read only the metadata lines appended since they last looked
(by any process), so a page load costs the same with 10 or 10,000 drawings stored.
Library code only: never imports gradio; never prints or logs a token.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from runes import __version__
from runes.alphabet import RUNE_IDS, RUNES, get_rune
from runes.labels import BLUETOOTH, NOT_A_RUNE
from runes.preprocess import MAX_SIDE, MIN_SIDE, EmptySketchError, preprocess, size_problem
from runes.strokes import InvalidStrokesError, Strokes, check_strokes

__all__ = [
    "FLAGS",
    "FLAG_NOT_A_RUNE",
    "FLAG_OTHER_RUNE",
    "LOCK_FILENAME",
    "MAX_SIDE",
    "METADATA_FILENAME",
    "MIN_SIDE",
    "OTHER_RUNE_CONFIDENCE",
    "PNG_KEY",
    "SOURCES",
    "DrawingStore",
    "InvalidDrawingError",
    "MAX_DRAWING_BYTES",
    "MAX_STORED_POINTS",
    "MAX_STROKE_MS",
    "QUOTA_MB",
    "StoreFullError",
    "StoreReport",
    "default_data_dir",
    "default_quota_bytes",
    "flag_for",
    "flagged_files",
]

METADATA_FILENAME = "metadata.jsonl"
LOCK_FILENAME = ".lock"
PNG_KEY = "rune-reader"  # PNG text chunk holding the drawing's own metadata line
SOURCES = ("prompted", "correction", "import", "game")  # "game": a round of ui/game.py's Learn the runes
FLAG_NOT_A_RUNE = "not_a_rune"  # the model says the drawing is no rune at all
FLAG_OTHER_RUNE = "other_rune"  # the model reads another rune than the label, with high confidence
FLAGS = (FLAG_NOT_A_RUNE, FLAG_OTHER_RUNE)
# A drawing the model reads as another rune with at least this confidence is flagged "other_rune".
# Measured by benchmarks/flag_threshold.py (bundled model, default arguments): at 0.95 it flags 0 of the 138
# real drawings in ../shared/real-runes/dev under their own label (the one misread, sol/0003 as ar, has 0.62;
# from 0.63 up none is flagged), 3 of 800 generated sketches (1 "not a rune", misreads at 0.963 and 0.997),
# and as junk 96.4% of the real drawings and 97.0% of the sketches saved under a wrong label, 99.3% of 2120
# Omniglot characters (97.6% of them as "not a rune") and all of 200 noise images. At 0.9: 97.1% / 97.4%
# of the wrong labels, the same honest figures; at 0.99: 94.2% / 95.4%.
OTHER_RUNE_CONFIDENCE = 0.95
# What one drawing may take on disk: its strokes are thinned evenly to at most MAX_STORED_POINTS points (a rune
# drawn on the pad has a few dozen to a couple of hundred) with times clamped to 0..MAX_STROKE_MS, and its PNG
# (with the metadata line inside, compressed) must fit in MAX_DRAWING_BYTES (a pad drawing takes 2-4 KB).
MAX_STORED_POINTS = 256
MAX_STROKE_MS = 600_000  # ten minutes after the first point
MAX_DRAWING_BYTES = 64 * 1024
QUOTA_MB = 500.0  # the whole store, unless $RUNES_DATA_QUOTA_MB says otherwise (a free Space has a few GB)
# Runes whose short-twig form is a lone stroke (ᛌ sól, ᛧ yr): drawn alone they read as ísa, honestly.
_READ_AS_ISA = frozenset(rune.id for rune in RUNES if rune.short_twig_glyph and not rune.short_twig_templates)


class InvalidDrawingError(ValueError):
    """A drawing or label the store refuses; the message is meant for the person who drew it."""


class StoreFullError(InvalidDrawingError):
    """The store has reached its disk quota; the message is meant for the person who drew."""


@dataclass
class StoreReport:
    """What `verify()` found (or `repair()` fixed): committed drawings and the traces of crashes."""

    drawings: int = 0
    orphans: list[str] = field(default_factory=list)  # PNGs without a metadata line
    temp_files: list[str] = field(default_factory=list)  # unfinished writes
    missing: list[str] = field(default_factory=list)  # metadata lines whose PNG is gone
    bad_lines: int = 0  # torn or unparsable metadata lines

    @property
    def ok(self) -> bool:
        return not (self.orphans or self.temp_files or self.missing or self.bad_lines)


def flag_for(
    label: str, prediction: Any, confidence: float = OTHER_RUNE_CONFIDENCE, source: str = "prompted"
) -> str | None:
    """Why a drawing saved as `label` should not be trusted, from the model's prediction for it, or None.

    `prediction` is a `runes.model.Prediction` (anything with `.is_rune`, `.rune` and `.confidence`):
    FLAG_NOT_A_RUNE when the model says it is no rune, FLAG_OTHER_RUNE when it reads another rune with at
    least `confidence` (a lone stroke labelled sól or yr may read as ísa: that is their short-twig form).
    A "correction" is by definition a drawing the model read as another rune: only FLAG_NOT_A_RUNE for it.
    """
    if not prediction.is_rune:
        return FLAG_NOT_A_RUNE
    if source == "correction" or prediction.rune == label or (label in _READ_AS_ISA and prediction.rune == "isa"):
        return None
    return FLAG_OTHER_RUNE if prediction.confidence >= confidence else None


def flagged_files(data_dir: str | os.PathLike) -> set[str]:
    """File names (relative to data_dir, e.g. "tyr/<uuid>.png") whose metadata line carries a flag, also
    for orphans (a crash before their line: the line in the PNG counts). Empty when data_dir has no
    metadata.jsonl (a plain folder of PNGs)."""
    store = DrawingStore(data_dir)
    if not store.metadata_path.is_file():
        return set()
    records = store.records() + [r for r in map(store._embedded_record, store.verify().orphans) if r]
    return {record["file_name"] for record in records if record.get("flag")}


def _compact(value: float, digits: int) -> float | int:
    """Rounded to `digits` decimals, as an int when whole: "12" instead of "12.0" in the metadata line."""
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def _thinned(strokes: Strokes, limit: int) -> Strokes:
    """At most `limit` points over all strokes (`limit` >= 2 per stroke): each stroke keeps its ends and a share
    of the rest in proportion to its length in points, spread evenly along it. Strokes within the limit come back as they are."""
    total = sum(len(xs) for xs, _, _ in strokes)
    if total <= limit:
        return strokes
    thinned, spare, extra = [], limit - 2 * len(strokes), total - 2 * len(strokes)  # points beyond the ends
    for xs, ys, ts in strokes:
        keep = min(len(xs), 2 + max(0, len(xs) - 2) * spare // extra)
        picks = sorted({round(i * (len(xs) - 1) / max(1, keep - 1)) for i in range(keep)})
        thinned.append([[xs[i] for i in picks], [ys[i] for i in picks], [ts[i] for i in picks]])
    return thinned


def _check_drawing_strokes(strokes: Any, width: int, height: int, label: str) -> Strokes:
    """Validated strokes made compact for storage: 0.1 px, whole ms clamped to 0..MAX_STROKE_MS, at most
    MAX_STORED_POINTS points (see `_thinned`). Raises InvalidDrawingError."""
    try:
        checked = check_strokes(strokes, width, height)
    except InvalidStrokesError as error:
        raise InvalidDrawingError(f"Those strokes cannot be stored: {error}") from None
    if not checked:
        raise InvalidDrawingError(f"The strokes are empty: draw {get_rune(label).label} first.")
    if len(checked) > MAX_STORED_POINTS // 2:  # every stroke keeps its two ends
        raise InvalidDrawingError(
            f"That drawing has {len(checked)} strokes; a rune takes a few. Draw one rune, then save it."
        )
    return [
        [
            [_compact(x, 1) for x in xs],
            [_compact(y, 1) for y in ys],
            [int(min(max(round(t), 0), MAX_STROKE_MS)) for t in ts],
        ]
        for xs, ys, ts in _thinned(checked, MAX_STORED_POINTS)
    ]


def default_data_dir() -> Path:
    return Path(os.environ.get("RUNES_DATA_DIR") or "data/contributed")


def default_quota_bytes() -> int:
    """The store's disk quota: $RUNES_DATA_QUOTA_MB megabytes (QUOTA_MB when unset or not a positive number)."""
    try:
        megabytes = float(os.environ.get("RUNES_DATA_QUOTA_MB") or QUOTA_MB)
    except ValueError:
        megabytes = QUOTA_MB
    return int((megabytes if megabytes > 0 else QUOTA_MB) * 1024 * 1024)


def _check_label(label: Any, what: str = "rune") -> str:
    if not isinstance(label, str) or label not in RUNE_IDS:
        raise InvalidDrawingError(f"Unknown {what} {str(label)[:40]!r}: expected one of {', '.join(RUNE_IDS)}.")
    return label


def _check_size(width: int, height: int) -> None:
    if problem := size_problem(width, height, "drawing"):
        raise InvalidDrawingError(problem)


def _to_gray(image: Any) -> np.ndarray:
    """bytes, PIL image or numpy array -> uint8 HxW grayscale (transparency composited onto white)."""
    if isinstance(image, (bytes, bytearray)):
        try:
            image = Image.open(io.BytesIO(image))
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            raise InvalidDrawingError("That file is not an image I can read; send a PNG or JPEG drawing.") from None
    if isinstance(image, Image.Image):
        _check_size(*image.size)  # from the header, before decoding any pixels
        try:
            rgba = image.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError):
            raise InvalidDrawingError("That image is damaged or truncated; it could not be read.") from None
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("L"))
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    numeric = np.issubdtype(array.dtype, np.number) or array.dtype == bool
    if not numeric or array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise InvalidDrawingError(f"Expected a grayscale, RGB or RGBA image, got an array of shape {array.shape}.")
    _check_size(array.shape[1], array.shape[0])
    array = np.nan_to_num(array.astype(np.float32))
    array = np.clip(array * 255.0 if array.max(initial=0) <= 1.0 else array, 0, 255).astype(np.uint8)
    return _to_gray(Image.fromarray(array)) if array.ndim == 3 else array


class DrawingStore:
    """Labelled drawings in DATA_DIR/<rune id>/<uuid>.png + DATA_DIR/metadata.jsonl; thread- and process-safe."""

    def __init__(self, data_dir: str | os.PathLike, lock: Any = None, quota_bytes: int | None = None) -> None:
        """`quota_bytes`: how much the committed drawings and metadata.jsonl may take on disk (default
        `default_quota_bytes()`, from $RUNES_DATA_QUOTA_MB); a save past it raises StoreFullError."""
        self.root = Path(data_dir)
        self.metadata_path = self.root / METADATA_FILENAME
        self._lock = lock if lock is not None else threading.Lock()  # e.g. a CommitScheduler's lock
        self.quota_bytes = default_quota_bytes() if quota_bytes is None else quota_bytes
        # What metadata.jsonl held when last read (its inode, the offset after its last whole line and the bytes
        # just before it), and the tallies of those lines: each read parses only the lines appended since.
        self._index_lock = threading.Lock()
        self._index: tuple[int, int, bytes] = (-1, 0, b"")
        self._counted: Counter[str] = Counter()
        self._png_bytes = 0

    @contextlib.contextmanager
    def locked(self):
        """Exclusive access for this thread and every other process using the same folder."""
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / LOCK_FILENAME, "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, also if the process dies
                yield

    def save_reviewed(
        self, image: Any, label: str, source: str, recognizer: Any, **kwargs: Any
    ) -> tuple[str, str | None]:
        """Save a drawing with the model's reading of it: its guess (a rune id, or "bluetooth" / "other" when it
        is no rune) and the flag `flag_for` gives. `recognizer` is a `runes.Recognizer`; `kwargs` go to `save`.
        Returns (guess, flag). Raises InvalidDrawingError (or EmptySketchError) and writes nothing then."""
        _check_label(label)
        prediction = recognizer.predict(_to_gray(image))
        guess = prediction.rune if prediction.is_rune else (BLUETOOTH if prediction.bluetooth else NOT_A_RUNE)
        flag = flag_for(label, prediction, source=source)
        self.save(image, label, source, guess=guess, flag=flag, **kwargs)
        return guess, flag

    def save(
        self,
        image: Any,
        label: str,
        source: str,
        *,
        guess: str | None = None,
        strokes: Strokes | None = None,
        flag: str | None = None,
        app_version: str = __version__,
        model_version: str | None = None,
    ) -> Path:
        """Validate and store one drawing; returns its path. Raises InvalidDrawingError; writes nothing then.

        `strokes`: the drawing as vectors, [[xs, ys, ts], ...] in the image's pixels (checked with
        `runes.strokes.check_strokes` against the image's size; `image` is what they render to).
        `flag`: None, or one of FLAGS (see `flag_for`)."""
        _check_label(label)
        if source not in SOURCES:
            raise InvalidDrawingError(f"Unknown source {str(source)[:40]!r}: expected one of {', '.join(SOURCES)}.")
        if guess is not None and not (isinstance(guess, str) and re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", guess)):
            raise InvalidDrawingError(f"Unknown guess {str(guess)[:40]!r}: expected a model label such as 'tyr'.")
        if flag is not None and flag not in FLAGS:
            raise InvalidDrawingError(f"Unknown flag {str(flag)[:40]!r}: expected None or one of {', '.join(FLAGS)}.")
        gray = _to_gray(image)
        try:
            preprocess(gray)
        except EmptySketchError:
            raise InvalidDrawingError(f"The canvas is empty: draw {get_rune(label).label} first.") from None
        height, width = (int(side) for side in gray.shape)
        if strokes is not None:
            strokes = _check_drawing_strokes(strokes, width, height, label)
        uid = uuid.uuid4().hex
        record = {
            "file_name": (file_name := f"{label}/{uid}.png"),
            "label": label,
            "source": source,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "width": width,
            "height": height,
            "app_version": app_version,
            "model_version": model_version,
            "guess": guess,
            "strokes": strokes,
            "flag": flag,
        }
        line = json.dumps(record, ensure_ascii=False)
        info = PngImagePlugin.PngInfo()
        info.add_itxt(PNG_KEY, line, zip=True)  # the line again, compressed, for `repair()`
        buffer = io.BytesIO()
        Image.fromarray(gray, mode="L").save(buffer, format="PNG", pnginfo=info, optimize=True)
        if buffer.tell() > MAX_DRAWING_BYTES:
            raise InvalidDrawingError(
                "That drawing is too detailed to keep: draw one rune with a few clear strokes, then save it."
            )
        path = self.root / file_name
        with self.locked():
            if self.used_bytes() + buffer.tell() + len(line) + 1 > self.quota_bytes:
                raise StoreFullError(
                    "The collection is full for now, so I can't keep this drawing. Thank you for drawing it!"
                )
            self._write_atomic(path, buffer.getvalue())
            try:
                self._append(line)
            except BaseException:
                path.unlink(missing_ok=True)  # not committed: roll back (a hard crash leaves an orphan instead)
                raise
        return path

    def _write_atomic(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.tmp")
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)

    def _append(self, line: str) -> None:
        with open(self.metadata_path, "a+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            torn = size > 0 and os.pread(handle.fileno(), 1, size - 1) != b"\n"
            handle.write((b"\n" if torn else b"") + line.encode("utf-8") + b"\n")  # fence off a torn line
            handle.flush()
            os.fsync(handle.fileno())

    @staticmethod
    def _parse(raw: bytes) -> dict | None:
        """A metadata line's record, or None when it is torn or not a drawing's line."""
        try:
            record = json.loads(raw)
            _check_label(record.get("label"))
            if record.get("file_name") != f"{record['label']}/{Path(record['file_name']).name}":
                raise ValueError
            return record
        except (ValueError, TypeError, AttributeError, KeyError):
            return None

    def _read(self) -> tuple[list[dict], int]:
        if not self.metadata_path.is_file():
            return [], 0
        parsed = [self._parse(raw) for raw in filter(bytes.strip, self.metadata_path.read_bytes().split(b"\n"))]
        records = [record for record in parsed if record is not None]
        return records, len(parsed) - len(records)

    def _refresh(self) -> tuple[int, dict[str, int], int]:
        """Bring the tallies up to date with metadata.jsonl: (its size, drawings per label, their PNGs' bytes).

        Reads only the whole lines appended since the last call (by this or any other process); a new file
        (repair's rename), a shorter one or one whose last read line changed (edited by hand) is read from the
        start. A line still being written (no newline yet) is left for the next call."""
        with self._index_lock:
            try:
                seen = os.stat(self.metadata_path)
            except FileNotFoundError:
                self._index, self._counted, self._png_bytes = (-1, 0, b""), Counter(), 0
                return 0, {}, 0
            if self._index[:2] == (seen.st_ino, seen.st_size):  # nothing appended: no need to open it
                return seen.st_size, dict(self._counted), self._png_bytes
            with open(self.metadata_path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                inode, offset, tail = self._index
                if (
                    inode != stat.st_ino
                    or stat.st_size < offset
                    or os.pread(handle.fileno(), len(tail), offset - len(tail)) != tail
                ):
                    offset, tail, self._counted, self._png_bytes = 0, b"", Counter(), 0
                handle.seek(offset)
                new = handle.read(stat.st_size - offset)
            whole = new[: new.rfind(b"\n") + 1]
            for raw in filter(bytes.strip, whole.split(b"\n")):
                if (record := self._parse(raw)) is not None:
                    self._counted[record["label"]] += 1
                    with contextlib.suppress(OSError):
                        self._png_bytes += (self.root / record["file_name"]).stat().st_size
            offset += len(whole)
            self._index = (stat.st_ino, offset, (tail + whole)[-64:])
            return stat.st_size, dict(self._counted), self._png_bytes

    def used_bytes(self) -> int:
        """What the committed drawings and metadata.jsonl take on disk, as counted against `quota_bytes`."""
        size, _, png_bytes = self._refresh()
        return size + png_bytes

    def records(self) -> list[dict]:
        """The committed metadata records in the order they were saved (torn lines skipped)."""
        return self._read()[0]

    def counts(self) -> dict[str, int]:
        """Committed drawings per rune id, every rune present (0 when none). Flagged drawings count too:
        they were saved, and this is what visitors see grow (training leaves them out)."""
        counted = self._refresh()[1]
        return {rune_id: counted.get(rune_id, 0) for rune_id in RUNE_IDS}

    def next_prompt(self, rng: Any) -> str:
        """The rune to ask for next: the least collected, random among ties (rng: random.Random or numpy)."""
        counts = self.counts()
        fewest = min(counts.values())
        return str(rng.choice([rune_id for rune_id, n in counts.items() if n == fewest]))

    def verify(self) -> StoreReport:
        """Check the folder (read-only): orphans, unfinished temp files, lines without a PNG, torn lines."""
        records, bad = self._read()
        named = {record["file_name"] for record in records}
        on_disk = {p.relative_to(self.root).as_posix() for r in RUNE_IDS for p in (self.root / r).glob("*.png")}
        temps = sorted(p.relative_to(self.root).as_posix() for r in RUNE_IDS for p in (self.root / r).glob(".*.tmp"))
        return StoreReport(
            drawings=len(records),
            orphans=sorted(on_disk - named),
            temp_files=temps,
            missing=sorted(named - on_disk),
            bad_lines=bad,
        )

    def repair(self) -> StoreReport:
        """Make the folder consistent after a crash; returns what it found. Never deletes a finished drawing:
        orphans written by a store get their line back; other PNGs dropped in by hand are left as they are."""
        with self.locked():
            report = self.verify()
            for name in report.temp_files:
                (self.root / name).unlink(missing_ok=True)
            records = [r for r in self.records() if r["file_name"] not in set(report.missing)]
            # Adopt the orphans this store wrote (their line is in the PNG).
            records += [record for record in map(self._embedded_record, report.orphans) if record]
            if report.missing or report.orphans or report.bad_lines:
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
                self._write_atomic(self.metadata_path, data)  # same temp-file + rename, for the metadata file
            self._refresh()  # the tallies read now (an app repairs at start-up), not at the first page load
            return report

    def _embedded_record(self, name: str) -> dict | None:
        """The metadata line a store wrote into the PNG `name` (relative to the folder), or None."""
        with contextlib.suppress(OSError, ValueError, SyntaxError), Image.open(self.root / name) as image:
            text = image.text if isinstance(image, PngImagePlugin.PngImageFile) else {}
            record = json.loads(text.get(PNG_KEY, "{}"))
            if isinstance(record, dict) and record.get("file_name") == name:
                return record
        return None
