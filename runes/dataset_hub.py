"""Share contributed drawings on the Hugging Face Hub as a dataset repo (imagefolder layout).

    push_dataset("data/contributed", "owner/name")     # python -m runes.dataset push DATA_DIR --repo owner/name
    scheduler = start_sync("data/contributed", "owner/name")   # background uploads (the app on a Space)
    store = DrawingStore("data/contributed", lock=scheduler.lock)

The token comes from HF_TOKEN or the usual huggingface_hub login; nothing here prints or logs it.
Library code only: never imports gradio.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runes.alphabet import RUNE_IDS, get_rune
from runes.store import MAX_STORED_POINTS, METADATA_FILENAME, DrawingStore

log = logging.getLogger(__name__)

__all__ = ["SYNC_FOLDER", "dataset_card", "push_dataset", "start_sync"]

SYNC_FOLDER = "contributions"  # each app run syncs into SYNC_FOLDER/<run>/ of the dataset repo


def dataset_card(counts: dict[str, int], repo_id: str, license: str = "cc-by-4.0", flagged: int = 0) -> str:
    """README.md for the Hub dataset repo: YAML metadata (imagefolder, image-classification) and a summary.

    `counts`: drawings per rune id (flagged ones included); `flagged`: how many of them carry a flag."""
    from huggingface_hub import DatasetCardData

    total = sum(counts.values())
    size = "n<1K" if total < 1000 else "1K<n<10K" if total < 10_000 else "10K<n<100K"
    data = DatasetCardData(
        license=license,
        task_categories=["image-classification"],
        size_categories=[size],
        tags=["runes", "younger-futhark", "sketches", "handwriting"],
        pretty_name="Rune drawings",
    )
    rows = "\n".join(f"| `{r}` | {get_rune(r).glyphs} | {get_rune(r).name} | {n} |" for r, n in counts.items())
    return f"""---
{data.to_yaml()}
---
# Rune drawings: {repo_id}

{total} hand-drawn runes of the Younger Futhark, contributed in the Rune Reader app (a prompted rune, a round
of its game, or a correction of a wrong guess) or imported. Each image is the drawing as drawn: grayscale PNG, dark ink on white.

Layout (`imagefolder`): `<rune id>/<uuid>.png` plus `metadata.jsonl` with `file_name`, `label` (rune id),
`source` (prompted / game / correction / import), `created_at` (UTC), `width`, `height`, `app_version`,
`model_version` and `guess` (the model's answer for corrections), and two optional columns (null, or
missing in older rows):

- `strokes`: the drawing as vectors in the QuickDraw style, `[[xs, ys, ts], ...]`, one entry per stroke,
  x and y in the image's pixels (0.1 px), t in milliseconds from the first point; at most {MAX_STORED_POINTS}
  points, thinned evenly along the strokes when more were drawn. Null for uploads and imports.
- `flag`: null, or why the drawing is not trusted: `not_a_rune` (the model said it is no rune) or
  `other_rune` (the model read another rune with high confidence).
  {flagged} of the {total} drawings are flagged; they are kept, and `python -m runes.train --data` leaves them out.

Loaded with:

```python
from datasets import load_dataset
drawings = load_dataset("{repo_id}", split="train")   # or load_dataset("imagefolder", data_dir=...)
trusted = drawings.filter(lambda row: not row.get("flag"))
```

## Drawings per rune
| id | glyphs | name | drawings |
|---|---|---|---|
{rows}

## Use and limitations
For training and evaluating rune sketch recognisers. Anyone could draw; labels are what the person meant
to draw and may contain mistakes or scribbles. No personal data is collected with a drawing.
"""


def push_dataset(
    data_dir: str | os.PathLike,
    repo_id: str,
    private: bool = False,
    token: str | None = None,
    license: str = "cc-by-4.0",
):
    """Upload the committed drawings, their metadata.jsonl and a dataset card as a Hub dataset repo."""
    from huggingface_hub import HfApi

    store = DrawingStore(data_dir)
    if not store.metadata_path.is_file():
        raise FileNotFoundError(f"{str(store.root)!r} has no {METADATA_FILENAME}; nothing to publish.")
    with tempfile.TemporaryDirectory(prefix="rune-data-push-") as staging:
        stage = Path(staging)
        records = [r for r in store.records() if (store.root / r["file_name"]).is_file()]
        for record in records:
            (stage / record["label"]).mkdir(exist_ok=True)
            shutil.copyfile(store.root / record["file_name"], stage / record["file_name"])
        (stage / METADATA_FILENAME).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        counts = Counter(r["label"] for r in records)
        card = dataset_card(
            {r: counts.get(r, 0) for r in RUNE_IDS}, repo_id, license, flagged=sum(bool(r.get("flag")) for r in records)
        )
        (stage / "README.md").write_text(card, encoding="utf-8")
        api = HfApi(token=token)
        api.create_repo(repo_id=repo_id, repo_type="dataset", private=private, exist_ok=True)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=stage,
            commit_message=f"Upload {len(records)} rune drawings",
        )


def start_sync(data_dir: str | os.PathLike, repo_id: str, every_minutes: float = 5, hf_api: Any = None):
    """Sync new drawings to a Hub dataset repo in the background (huggingface_hub.CommitScheduler).

    Each app run uploads to its own `contributions/<run>/` folder (its own metadata.jsonl, file names relative
    to it), so a restarted Space with an empty disk never overwrites earlier uploads. Failed pushes are
    retried at the next interval; the local files are never touched. Save through
    `DrawingStore(data_dir, lock=scheduler.lock)` so an upload never sees a half-appended line.
    """
    from huggingface_hub import CommitScheduler

    run = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    return CommitScheduler(
        repo_id=repo_id,
        repo_type="dataset",
        folder_path=Path(data_dir),
        every=every_minutes,
        path_in_repo=f"{SYNC_FOLDER}/{run}",
        allow_patterns=[METADATA_FILENAME, "*/*.png"],
        hf_api=hf_api,
    )


def open_store(
    data_dir: str | os.PathLike, repo_id: str = "", every_minutes: float = 5
) -> tuple[DrawingStore, str | None]:
    """The drawing store for an app: repaired after a crash and, when `repo_id` is given, synced to that Hub
    dataset repo in the background. Returns (store, the repo it syncs to, or None when it keeps drawings
    locally: no repo, or syncing could not start, e.g. offline or no token; that is logged, never raised)."""
    lock, synced = None, None
    if repo_id:
        try:
            lock, synced = start_sync(data_dir, repo_id, every_minutes=every_minutes).lock, repo_id
        except Exception as error:  # noqa: BLE001  (offline, no token, no rights: keep collecting locally)
            log.warning("not syncing drawings to %s (%s); they stay in %s", repo_id, type(error).__name__, data_dir)
    store = DrawingStore(data_dir, lock=lock)
    report = store.repair()  # adopt complete drawings without a metadata line, drop unfinished temp files
    if not report.ok:
        log.warning("repaired %s: %s", data_dir, report)
    return store, synced
