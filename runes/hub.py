"""Pull rune models from the Hugging Face Hub and publish trained ones with a model card.

    Recognizer.load("hf://owner/name")            # or hf://owner/name@revision (branch, tag or commit)
    python -m runes.hub pull owner/name[@rev] --to DIR
    python -m runes.hub push MODEL_DIR --repo owner/name [--private] [--revision BRANCH]

The token comes from HF_TOKEN or the usual huggingface_hub login; this module never prints or logs it.
Library code only: never imports gradio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from runes import __version__
from runes.alphabet import get_rune
from runes.model import CONFIG_FILENAME, MODEL_FILENAME, ModelLoadError, _read_config
from runes.nonrunes import BLUETOOTH, NOT_A_RUNE
from runes.preprocess import INPUT_SIZE, PREPROCESSING_VERSION

__all__ = ["HubError", "HubUnavailableError", "HF_PREFIX", "HUB_FILES", "parse_hf_source", "hf_source",
           "download_model", "load_recognizer", "push_model", "model_card", "main"]

HF_PREFIX = "hf://"
METRICS_FILENAME = "metrics.json"
CARD_FILENAME = "README.md"
HUB_FILES = [MODEL_FILENAME, CONFIG_FILENAME, METRICS_FILENAME, CARD_FILENAME]


class HubError(ModelLoadError):
    """A model on the Hub could not be used; the message names the repo and says what is wrong."""


class HubUnavailableError(HubError):
    """The Hub could not be reached (offline, HF_HUB_OFFLINE=1, network down) and nothing is cached."""


def parse_hf_source(source: str) -> tuple[str, str | None]:
    """"hf://owner/name@rev" (or "owner/name@rev") -> ("owner/name", "rev"); revision None when not given."""
    text = source[len(HF_PREFIX):] if source.startswith(HF_PREFIX) else source
    repo_id, _, revision = text.partition("@")
    repo_id = repo_id.strip().strip("/")
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(parts):
        raise HubError(f"{source!r} is not a Hub model reference; expected hf://owner/name or hf://owner/name@revision.")
    if "@" in text and not revision:
        raise HubError(f"{source!r} has an empty revision after '@'.")
    return repo_id, revision or None


def hf_source(repo_id: str, revision: str | None = None) -> str:
    return f"{HF_PREFIX}{repo_id}" + (f"@{revision}" if revision else "")


def download_model(repo_id: str, revision: str | None = None, token: str | bool | None = None) -> Path:
    """Download (or reuse from the cache) the model files of a Hub repo; returns the local snapshot folder."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        HFValidationError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = hf_source(repo_id, revision)
    try:
        path = snapshot_download(repo_id, revision=revision, allow_patterns=list(HUB_FILES), token=token)
    except GatedRepoError:
        raise HubError(f"{where}: the repo is gated or private and the current token has no access. Accept its "
                       "terms on huggingface.co and log in (HF_TOKEN or `hf auth login`).") from None
    except RepositoryNotFoundError:
        raise HubError(f"{where}: repository {repo_id!r} was not found on the Hub (check the name; if it is "
                       "private, log in with a token that can read it).") from None
    except RevisionNotFoundError:
        raise HubError(f"{where}: revision {revision!r} was not found in {repo_id!r} "
                       "(use an existing branch, tag or commit).") from None
    except HFValidationError as error:
        raise HubError(f"{where}: invalid repo id or revision ({error}).") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled, ConnectionError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
        why = "offline mode is on (HF_HUB_OFFLINE=1)" if offline else "the Hub could not be reached"
        raise HubUnavailableError(f"{where}: {why} and the model is not in the local cache "
                                  f"({type(error).__name__}).") from None
    except HfHubHTTPError as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status in (401, 403):
            raise HubError(f"{where}: not authorised (HTTP {status}); log in with a token that can read "
                           f"{repo_id!r}.") from None
        raise HubError(f"{where}: the Hub answered with an error (HTTP {status}).") from None
    folder = Path(path)
    missing = [name for name in (MODEL_FILENAME, CONFIG_FILENAME) if not (folder / name).is_file()]
    if missing:
        raise HubError(f"{where}: the repo is missing {', '.join(missing)}; a rune model repo needs "
                       f"{MODEL_FILENAME} and {CONFIG_FILENAME} (upload one with `python -m runes.hub push`).")
    return folder


def load_recognizer(cls, source: str):
    """`Recognizer.load("hf://...")`: download, then load the folder like a local one (safe mode)."""
    repo_id, revision = parse_hf_source(source)
    folder = download_model(repo_id, revision)
    where = hf_source(repo_id, revision)
    try:
        recognizer = cls.load(folder)
    except ModelLoadError as error:
        raise HubError(f"{where}: {error}") from None
    recognizer.source = where
    recognizer.hub_commit = folder.name  # snapshot folders are named after the commit hash
    return recognizer


# --------------------------------------------------------------------------- push


_EXTRA_LABEL_NAMES = {NOT_A_RUNE: "not a rune", BLUETOOTH: "Bluetooth logo (bind rune ᚼ+ᛒ)"}


def _glyphs(rune_id: str) -> str:
    try:
        return get_rune(rune_id).glyphs
    except KeyError:
        return ""


def _label_name(label: str) -> str:
    return _EXTRA_LABEL_NAMES.get(label) or (get_rune(label).name if _glyphs(label) else "?")


def model_card(config: dict, metrics: dict, repo_id: str, license: str = "mit") -> str:
    """The README.md model card (YAML front matter + markdown) for a model folder's config and metrics."""
    from huggingface_hub import EvalResult, ModelCardData

    real = metrics.get("real_drawings") or None
    eval_results = []
    if "val_accuracy" in metrics:
        eval_results.append(EvalResult(task_type="image-classification", task_name="Rune sketch recognition",
                                       dataset_type="synthetic-rune-sketches",
                                       dataset_name="Generated Younger Futhark sketches", dataset_split="validation",
                                       metric_type="accuracy", metric_name="Validation accuracy (generated)",
                                       metric_value=round(float(metrics["val_accuracy"]), 4)))
    if real:
        for key, name in (("accuracy", "Accuracy"), ("top3_accuracy", "Top-3 accuracy")):
            if key in real:
                eval_results.append(EvalResult(
                    task_type="image-classification", task_name="Rune sketch recognition",
                    dataset_type="real-rune-drawings", dataset_name="Real human rune drawings",
                    dataset_split=str(real.get("folder") or "test"), metric_type=key,
                    metric_name=f"{name} on real drawings (n={real.get('n')})",
                    metric_value=round(float(real[key]), 4)))
    data = ModelCardData(library_name="keras", pipeline_tag="image-classification", license=license,
                         tags=["runes", "younger-futhark", "sketch-recognition", "image-classification", "keras"],
                         model_name=repo_id.split("/")[-1], eval_results=eval_results or None)
    labels = config.get("labels", [])
    rows = "\n".join(f"| {i} | `{label}` | {_glyphs(label)} | {_label_name(label)} |" for i, label in enumerate(labels))
    rejects = NOT_A_RUNE in labels
    metric_lines = []
    if "val_accuracy" in metrics:
        metric_lines.append(f"- validation accuracy on generated sketches: {metrics['val_accuracy']:.4f}"
                            f" (n={metrics.get('val_samples', '?')})")
    if real:
        metric_lines.append(f"- accuracy on {real.get('n', '?')} real human drawings (never trained on): "
                            f"top-1 {real.get('accuracy', float('nan')):.4f}, "
                            f"top-3 {real.get('top3_accuracy', float('nan')):.4f}")
    else:
        metric_lines.append("- accuracy on real human drawings: not measured for this model")
    if "train_seconds" in metrics:
        metric_lines.append(f"- training time: {metrics['train_seconds']:.0f} s on {metrics.get('cpu_count', '?')} CPU cores")
    train_config = config.get("train_config") or {}
    settings = "\n".join(f"- `{k}`: {v}" for k, v in train_config.items() if k not in ("out", "workers", "eval_dir",
                                                                                        "data")) or "- not recorded"
    body = f"""
# Rune Reader CNN: {repo_id}

A small Keras CNN that recognises hand-drawn runes of the Younger Futhark ({len(labels)} labels, long-branch
and short-twig forms). Trained with `python -m runes.train` (Rune Reader package version
{config.get('package_version', __version__)}) on synthetic sketches generated from stroke templates.

## Metrics
{chr(10).join(metric_lines)}

## Labels (output order)
| index | id | glyphs | name |
|---|---|---|---|
{rows}

## Input and preprocessing
Input: `{config.get('input_size', INPUT_SIZE)}x{config.get('input_size', INPUT_SIZE)}x1` float32, ink bright on a dark
background, produced by `runes.preprocess.preprocess(image)` (preprocessing version
{config.get('preprocessing_version', PREPROCESSING_VERSION)}): the sketch is cropped to its ink, scaled so the longer side
is 26 px keeping the aspect ratio, and centred. Output: softmax probabilities in the label order above.

## Training config
{settings}

## Intended use and limitations
- For recognising single, hand-drawn Younger Futhark runes in a sketching app or for teaching.
- Not for reading inscriptions from photographs, other runic alphabets (Elder Futhark, Anglo-Saxon
  futhorc), or several runes at once (`Recognizer.read` segments an inscription first).
- {"It says 'not a rune' for sketches it finds unlike any rune (the `other` label; `rune_threshold` "
   "in config.json is calibrated on generated sketches), but a scribble close to a rune is still read as one."
   if rejects else "It always answers with one of its runes, even for scribbles."}
- Trained on generated sketches only; accuracy on real drawings is lower than on generated ones.

## How to load
```python
from runes import Recognizer                      # pip install the Rune Reader package
recognizer = Recognizer.load("hf://{repo_id}")     # or "hf://{repo_id}@<revision>"
print(recognizer.predict(image).top(3))
```

Without the package (plain Keras; apply the preprocessing described above yourself):
```python
import json, keras
from huggingface_hub import snapshot_download
folder = snapshot_download("{repo_id}", allow_patterns={HUB_FILES!r})
model = keras.saving.load_model(f"{{folder}}/{MODEL_FILENAME}", compile=False, safe_mode=True)
labels = json.load(open(f"{{folder}}/{CONFIG_FILENAME}"))["labels"]
```
"""
    return f"---\n{data.to_yaml()}\n---\n{body}"


def push_model(model_dir: str | os.PathLike, repo_id: str, private: bool = False, revision: str | None = None,
               token: str | None = None, license: str = "mit"):
    """Create the repo if needed (and the branch), then upload the model folder with a generated card."""
    from huggingface_hub import HfApi

    folder = Path(model_dir).expanduser()
    if not folder.is_dir():
        raise HubError(f"Model folder {str(folder)!r} does not exist.")
    config = _read_config(folder)
    if not (folder / MODEL_FILENAME).is_file():
        raise HubError(f"{folder} has no {MODEL_FILENAME}; nothing to publish.")
    metrics_path = folder / METRICS_FILENAME
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    card = model_card(config, metrics, repo_id, license=license)

    api = HfApi(token=token)
    api.create_repo(repo_id=repo_id, repo_type="model", private=private, exist_ok=True)
    if revision:
        api.create_branch(repo_id=repo_id, repo_type="model", branch=revision, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rune-push-") as staging:
        staging_path = Path(staging)
        for name in (MODEL_FILENAME, CONFIG_FILENAME, METRICS_FILENAME):
            if (folder / name).is_file():
                shutil.copyfile(folder / name, staging_path / name)
        (staging_path / CARD_FILENAME).write_text(card, encoding="utf-8")
        return api.upload_folder(repo_id=repo_id, repo_type="model", folder_path=staging_path, revision=revision,
                                 commit_message=f"Upload rune model ({len(config['labels'])} labels)")


# --------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m runes.hub", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    push = commands.add_parser("push", help="upload a model folder with a generated model card")
    push.add_argument("model_dir")
    push.add_argument("--repo", required=True, help="owner/name")
    push.add_argument("--private", action="store_true", help="create the repo as private")
    push.add_argument("--revision", default=None, help="branch to push to (created if needed)")
    push.add_argument("--license", default="mit")
    pull = commands.add_parser("pull", help="download a model folder for offline use")
    pull.add_argument("source", help="owner/name or owner/name@revision (hf:// prefix optional)")
    pull.add_argument("--to", required=True, help="folder to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "push":
            info = push_model(args.model_dir, args.repo, private=args.private, revision=args.revision,
                              license=args.license)
            print(f"pushed {args.model_dir} to {hf_source(args.repo, args.revision)}: {getattr(info, 'commit_url', info)}")
        else:
            repo_id, revision = parse_hf_source(args.source)
            folder = download_model(repo_id, revision)
            out = Path(args.to).expanduser()
            out.mkdir(parents=True, exist_ok=True)
            for name in HUB_FILES:
                if (folder / name).is_file():
                    shutil.copyfile(folder / name, out / name)  # follows the cache's symlinks
            _read_config(out)
            print(f"pulled {hf_source(repo_id, revision)} (commit {folder.name}) into {out}")
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
