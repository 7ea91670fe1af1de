"""Contributed drawings: a Hugging Face `imagefolder` data set that many visitors write to at once.

    store = DrawingStore(default_data_dir())           # $RUNES_DATA_DIR, else data/contributed
    store.save(array, "tyr", "prompted", guess="isa")  # -> DATA_DIR/tyr/<uuid>.png
    store.save(rendered, "tyr", "prompted", strokes=[[xs, ys, ts], ...],     # the drawing as vectors too,
               flag=flag_for("tyr", recognizer.predict(rendered)))          # and junk marked, not trusted
    store.counts(), store.next_prompt(random.Random())
    python -m runes.dataset import-json SRC_DIR --to DATA_DIR     # the classic demo's JSON drawings
    python -m runes.dataset push DATA_DIR --repo owner/name       # a Hub dataset repo (runes.dataset_hub)
    python -m runes.dataset verify DATA_DIR [--repair]            # after a crash

The store itself (layout, flags, crash consistency) is `runes.store`, imported from there. This module adds
importing JSON drawings and the command line; it sits above `runes.store` and
`runes.dataset_hub`, which never import it. Library code only: never imports gradio; never prints or
logs a token.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from runes.dataset_hub import push_dataset
from runes.store import DrawingStore, InvalidDrawingError, default_data_dir

__all__ = ["import_json", "main"]


def import_json(src_dir: str | os.PathLike, store: DrawingStore) -> tuple[int, dict[str, int]]:
    """Import the classic demo's `{"rune": id, "data": [[0..255]*24]*24}` files (white ink on black).

    Stored like the app's drawings: dark ink on white. Returns (imported, skipped counts by reason).
    """
    imported, skipped = 0, Counter[str]()
    for path in sorted(Path(src_dir).rglob("*.json")):
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
            array = np.array(item["data"], dtype=np.float64)
            if array.ndim != 2 or not np.all((array >= 0) & (array <= 255)):
                raise ValueError
        except (ValueError, TypeError, KeyError, OSError, UnicodeDecodeError):
            skipped["unreadable"] += 1
            continue
        gray = array.astype(np.uint8)
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
        if np.median(border) < 128:  # light ink on a dark ground: flip to the app's dark ink on white
            gray = 255 - gray
        try:
            store.save(gray, item.get("rune"), "import")
            imported += 1
        except InvalidDrawingError as error:
            skipped[
                "empty" if "empty" in str(error) else "unknown rune" if "Unknown" in str(error) else "bad size"
            ] += 1
    return imported, dict(sorted(skipped.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runes.dataset", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import-json", help="import the classic demo's JSON drawings")
    imp.add_argument("src_dir")
    imp.add_argument("--to", default=str(default_data_dir()), help="data folder (default: $RUNES_DATA_DIR)")
    push = commands.add_parser("push", help="upload a data folder as a Hub dataset repo with a card")
    push.add_argument("data_dir")
    push.add_argument("--repo", required=True, help="owner/name")
    push.add_argument("--private", action="store_true")
    verify = commands.add_parser("verify", help="check a data folder after a crash (--repair fixes it)")
    verify.add_argument("data_dir")
    verify.add_argument("--repair", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "import-json":
            imported, skipped = import_json(args.src_dir, DrawingStore(args.to))
            print(f"imported {imported} drawings into {args.to} (skipped: {skipped or 'none'})")
        elif args.command == "push":
            info = push_dataset(args.data_dir, args.repo, private=args.private)
            print(f"pushed {args.data_dir} to dataset {args.repo}: {getattr(info, 'commit_url', info)}")
        else:
            store = DrawingStore(args.data_dir)
            report = store.repair() if args.repair else store.verify()
            print(
                f"{'repaired: ' if args.repair else ''}{report.drawings} drawings; orphans {len(report.orphans)}, "
                f"temp files {len(report.temp_files)}, missing {len(report.missing)}, torn lines {report.bad_lines}"
            )
            return 0 if report.ok or args.repair else 1
    except Exception as error:  # noqa: BLE001  (CLI boundary: one line, never a traceback or a token)
        print(f"error: {type(error).__name__}: {(str(error).splitlines() or [''])[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
