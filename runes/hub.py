"""Pull rune models from the Hugging Face Hub and publish trained ones with a model card.

    Recognizer.load("hf://owner/name")            # or hf://owner/name@revision (branch, tag or commit)
    python -m runes.hub pull owner/name[@rev] --to DIR
    python -m runes.hub push MODEL_DIR --repo owner/name [--private] [--revision BRANCH]

A Hub model carries its browser export (web/model.json and web/weights.bin, `runes.web`): a push writes it
afresh from the model.keras being pushed, a download and a pull fetch it when the repo has it (older repos
without it still load; the page then asks the server).

The token comes from HF_TOKEN or the usual huggingface_hub login; this module never prints or logs it.
Library code only: never imports gradio.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from runes.card import model_card
from runes.folder import (
    CARD_FILENAME,
    CONFIG_FILENAME,
    HF_PREFIX,
    LINE_READER_FILES,
    MODEL_FILENAME,
    MODEL_FILES,
    ModelLoadError,
    read_config,
    read_lines_config,
    read_metrics,
)
from runes.web import WEB_DIRNAME, WEB_FILES, export

if TYPE_CHECKING:  # runes.model imports this module to load "hf://" sources, never the other way round
    from runes.model import Recognizer

__all__ = [
    "HubError",
    "HubUnavailableError",
    "HF_PREFIX",
    "HUB_FILES",
    "parse_hf_source",
    "hf_source",
    "download_model",
    "load_recognizer",
    "push_model",
    "model_card",
    "main",
]

# model.keras, config.json, metrics.json, README.md, lines.keras, lines.json, lines-2.keras, web/...
HUB_FILES = [*MODEL_FILES, *LINE_READER_FILES, *WEB_FILES]

log = logging.getLogger(__name__)


class HubError(ModelLoadError):
    """A model on the Hub could not be used; the message names the repo and says what is wrong."""


class HubUnavailableError(HubError):
    """The Hub could not be reached (offline, HF_HUB_OFFLINE=1, network down) and nothing is cached."""


def parse_hf_source(source: str) -> tuple[str, str | None]:
    """ "hf://owner/name@rev" (or "owner/name@rev") -> ("owner/name", "rev"); revision None when not given."""
    text = source[len(HF_PREFIX) :] if source.startswith(HF_PREFIX) else source
    repo_id, _, revision = text.partition("@")
    repo_id = repo_id.strip().strip("/")
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(parts):
        raise HubError(
            f"{source!r} is not a Hub model reference; expected hf://owner/name or hf://owner/name@revision."
        )
    if "@" in text and not revision:
        raise HubError(f"{source!r} has an empty revision after '@'.")
    return repo_id, revision or None


def hf_source(repo_id: str, revision: str | None = None) -> str:
    return f"{HF_PREFIX}{repo_id}" + (f"@{revision}" if revision else "")


def download_model(repo_id: str, revision: str | None = None, token: str | bool | None = None) -> Path:
    """Download (or reuse from the cache) the model files of a Hub repo; returns the local snapshot folder.

    The browser export (WEB_FILES) comes too when the repo has it; a repo without it loads the same."""
    from huggingface_hub import errors as hf_errors
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

    # huggingface_hub 2 refuses a cached snapshot that lacks a file it once listed; older versions have no such error
    incomplete = getattr(hf_errors, "IncompleteSnapshotError", ())
    where = hf_source(repo_id, revision)
    try:
        try:
            path = snapshot_download(repo_id, revision=revision, allow_patterns=list(HUB_FILES), token=token)
        except incomplete:
            # Offline, with a snapshot cached before this package fetched the export: the model files alone do.
            path = snapshot_download(repo_id, revision=revision, allow_patterns=list(MODEL_FILES), token=token)
            log.info("%s: the cached copy has no browser export (web/); the Hub could not be asked for it.", where)
    except GatedRepoError:
        raise HubError(
            f"{where}: the repo is gated or private and the current token has no access. Accept its "
            "terms on huggingface.co and log in (HF_TOKEN or `hf auth login`)."
        ) from None
    except RepositoryNotFoundError:
        raise HubError(
            f"{where}: repository {repo_id!r} was not found on the Hub (check the name; if it is "
            "private, log in with a token that can read it)."
        ) from None
    except RevisionNotFoundError:
        raise HubError(
            f"{where}: revision {revision!r} was not found in {repo_id!r} (use an existing branch, tag or commit)."
        ) from None
    except HFValidationError as error:
        raise HubError(f"{where}: invalid repo id or revision ({error}).") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled, ConnectionError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
        why = "offline mode is on (HF_HUB_OFFLINE=1)" if offline else "the Hub could not be reached"
        raise HubUnavailableError(
            f"{where}: {why} and the model is not in the local cache ({type(error).__name__})."
        ) from None
    except HfHubHTTPError as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status in (401, 403):
            raise HubError(
                f"{where}: not authorised (HTTP {status}); log in with a token that can read {repo_id!r}."
            ) from None
        raise HubError(f"{where}: the Hub answered with an error (HTTP {status}).") from None
    folder = Path(path)
    missing = [name for name in (MODEL_FILENAME, CONFIG_FILENAME) if not (folder / name).is_file()]
    if missing:
        raise HubError(
            f"{where}: the repo is missing {', '.join(missing)}; a rune model repo needs "
            f"{MODEL_FILENAME} and {CONFIG_FILENAME} (upload one with `python -m runes.hub push`)."
        )
    return folder


def load_recognizer(cls: type[Recognizer], source: str) -> Recognizer:
    """`Recognizer.load("hf://...")`: download, then load the folder like a local one (safe mode)."""
    repo_id, revision = parse_hf_source(source)
    folder = download_model(repo_id, revision)
    where = hf_source(repo_id, revision)
    try:
        recognizer = cls.load(folder)
    except ModelLoadError as error:
        raise HubError(f"{where}: {error}") from None
    recognizer.source = where
    recognizer.folder = folder  # the snapshot folder in the cache (its files link to the cache's blobs)
    recognizer.hub_commit = folder.name  # snapshot folders are named after the commit hash
    return recognizer


# --------------------------------------------------------------------------- push


def push_model(
    model_dir: str | os.PathLike,
    repo_id: str,
    private: bool = False,
    revision: str | None = None,
    token: str | None = None,
    license: str = "mit",
):
    """Create the repo if needed (and the branch), then upload the model folder with a generated card.

    The browser export is written afresh from the model.keras being uploaded (the folder's own web/, maybe stale,
    is not used). A model `runes.web` cannot export is uploaded without web/, with a logged warning, and an
    export left in the repo by an earlier push is deleted in the same commit."""
    from huggingface_hub import HfApi

    folder = Path(model_dir).expanduser()
    if not folder.is_dir():
        raise HubError(f"Model folder {str(folder)!r} does not exist.")
    config = read_config(folder)
    if not (folder / MODEL_FILENAME).is_file():
        raise HubError(f"{folder} has no {MODEL_FILENAME}; nothing to publish.")
    lines = read_lines_config(folder)
    card = model_card(config, read_metrics(folder), repo_id, license, lines)  # the folder's card, naming the repo

    api = HfApi(token=token)
    with tempfile.TemporaryDirectory(prefix="rune-push-") as staging:
        staging_path = Path(staging)
        for name in (*MODEL_FILES, *LINE_READER_FILES):  # the line reader when the folder has one
            if name != CARD_FILENAME and (folder / name).is_file():
                shutil.copyfile(folder / name, staging_path / name)
        (staging_path / CARD_FILENAME).write_text(card, encoding="utf-8")
        exported = _stage_export(staging_path, hf_source(repo_id, revision))
        api.create_repo(repo_id=repo_id, repo_type="model", private=private, exist_ok=True)
        if revision:
            api.create_branch(repo_id=repo_id, repo_type="model", branch=revision, exist_ok=True)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="model",
            folder_path=staging_path,
            revision=revision,
            commit_message=f"Upload rune model ({len(config['labels'])} labels)",
            delete_patterns=([] if exported else list(WEB_FILES))
            + [name for name in LINE_READER_FILES if not (staging_path / name).is_file()]
            or None,
        )


def _stage_export(staging: Path, where: str) -> bool:
    """Write the browser export of the model staged in `staging` into staging/web. False, with a warning saying
    why, when `runes.web` cannot export it (a network that is not a build_model() one, a model.keras Keras
    cannot load in safe mode)."""
    try:
        export(staging)
    except (ModelLoadError, ValueError) as error:  # what `python -m runes.web` reports too
        shutil.rmtree(staging / WEB_DIRNAME, ignore_errors=True)
        log.warning(
            "%s: pushing without the browser export (%s/): it could not be written from this model: %s. "
            "The app's page will not guess by itself with it; the server still reads every drawing.",
            where,
            WEB_DIRNAME,
            error,
        )
        return False
    return True


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
            info = push_model(
                args.model_dir, args.repo, private=args.private, revision=args.revision, license=args.license
            )
            print(
                f"pushed {args.model_dir} to {hf_source(args.repo, args.revision)}: {getattr(info, 'commit_url', info)}"
            )
        else:
            repo_id, revision = parse_hf_source(args.source)
            folder = download_model(repo_id, revision)
            out = Path(args.to).expanduser()
            out.mkdir(parents=True, exist_ok=True)
            for name in HUB_FILES:
                if (folder / name).is_file():
                    (out / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(folder / name, out / name)  # follows the cache's symlinks
                elif name in WEB_FILES or name in LINE_READER_FILES:
                    (out / name).unlink(missing_ok=True)  # an export or line reader of another model would not match
            read_config(out)
            print(f"pulled {hf_source(repo_id, revision)} (commit {folder.name}) into {out}")
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
