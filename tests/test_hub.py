"""Hugging Face Hub pull/push with the real huggingface_hub code path and no internet.

Downloads: a Hub cache is pre-populated in huggingface_hub's layout (models--owner--name/{blobs,refs,snapshots})
and read with HF_HUB_OFFLINE=1; the errors the Hub answers (repo not found, gated, revision not found) come from
a tiny local HTTP server via HF_ENDPOINT. Both env vars must be set before huggingface_hub is imported, so the
loads run in a subprocess (one per scenario group). Push and download together: `LocalHub`, a small Hub on
127.0.0.1 that keeps repos, branches and commits in memory and answers the endpoints huggingface_hub calls to
create a repo and a branch, commit files and download them; pushes point HfApi at it (its ENDPOINT constant),
downloads run in a subprocess with HF_ENDPOINT. The generated card is validated with huggingface_hub.ModelCard.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from runes.alphabet import RUNE_IDS
from runes.model import BUNDLED_MODEL_DIR, Recognizer
from runes.sketches import draw_sketch
from runes.web import WEB_FILES, export

REPO = Path(__file__).resolve().parent.parent
FILES = ["model.keras", "config.json", "metrics.json", "README.md"]
TOKEN = "hf_local_test_token"  # what the pushes send the local Hub (never a real one)

RUNNER = r"""
import hashlib, json, sys
import numpy as np
from runes.model import Recognizer, ModelLoadError
from runes.web import WEB_FILES, find_export
inputs = np.random.default_rng(0).random((4, 32, 32, 1)).astype(np.float32)
out = {}
for source in json.loads(sys.argv[1]):
    try:
        if source.startswith("fallback:"):
            rec, note = Recognizer.load_with_fallback(source[len("fallback:"):])
        else:
            rec, note = Recognizer.load(source), ""
        web = {name: hashlib.sha256((rec.folder / name).read_bytes()).hexdigest()
               for name in WEB_FILES if (rec.folder / name).is_file()}
        out[source] = {"ok": True, "source": rec.source, "note": note, "rows": rec.rows,
                       "probs": rec.predict_tensors(inputs).tolist(), "folder": str(rec.folder),
                       "commit": rec.hub_commit, "web": web, "page_export": str(find_export(rec.folder, rec.labels))}
    except ModelLoadError as error:
        out[source] = {"ok": False, "type": type(error).__name__, "message": str(error)}
print("RESULT" + json.dumps(out))
"""


def _inputs() -> np.ndarray:
    return np.random.default_rng(0).random((4, 32, 32, 1)).astype(np.float32)


def _clean_env(tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
    env.update(
        HF_HOME=str(tmp / "hf_home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _export_hashes(model_dir: Path, tmp: Path) -> dict[str, str]:
    """sha256 of each file of a fresh browser export of `model_dir`, by its path in the repo (web/model.json...)."""
    export(model_dir, tmp / "web")
    return {name: _sha256((tmp / name).read_bytes()) for name in WEB_FILES}


def _run(sources: list[str], env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(sources)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT") :])


def add_revision(
    cache: Path, repo_id: str, folder: Path, refs: list[str], files=FILES, overrides: dict[str, bytes] | None = None
) -> str:
    """Put `folder`'s files into the cache as one commit of `repo_id`, pointed to by `refs`; returns the commit.

    `files` are paths in the repo ("web/model.json" sits in a web/ folder of the snapshot, as huggingface_hub
    writes it)."""
    overrides = overrides or {}
    repo_dir = cache / ("models--" + repo_id.replace("/", "--"))
    contents = {
        name: overrides.get(name, (folder / name).read_bytes() if (folder / name).is_file() else None) for name in files
    }
    contents = {k: v for k, v in contents.items() if v is not None}
    commit = hashlib.sha1(b"".join(k.encode() + v for k, v in sorted(contents.items()))).hexdigest()
    snapshot = repo_dir / "snapshots" / commit
    (repo_dir / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        blob = hashlib.sha256(data).hexdigest()
        (repo_dir / "blobs" / blob).write_bytes(data)
        link = snapshot / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(Path(*[".."] * (name.count("/") + 2)) / "blobs" / blob)
    (repo_dir / "refs").mkdir(exist_ok=True)
    for ref in refs:
        (repo_dir / "refs" / ref).write_text(commit)
    return commit


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Path:
    from runes.train import TrainConfig, train

    out = tmp_path_factory.mktemp("small_model")
    train(
        TrainConfig(out=str(out), samples_per_rune=20, val_samples_per_rune=4, epochs=1, filters=4, workers=1),
        verbose=0,
    )
    return out


@pytest.fixture(scope="module")
def model_before_rows(tmp_path_factory) -> Path:
    """A model folder as published before rows: 16 rune ids (+ extras) as labels, no "rows" in config.json."""
    from runes.train import TrainConfig, train

    out = tmp_path_factory.mktemp("before_rows")
    train(
        TrainConfig(
            out=str(out),
            rows="long-branch",
            samples_per_rune=10,
            val_samples_per_rune=3,
            epochs=1,
            filters=4,
            workers=1,
        ),
        verbose=0,
    )
    config = json.loads((out / "config.json").read_text())
    del config["rows"], config["row_thresholds"]
    (out / "config.json").write_text(json.dumps(config))
    return out


@pytest.fixture(scope="module")
def hub_cache(tmp_path_factory, small_model, model_before_rows) -> Path:
    cache = tmp_path_factory.mktemp("hub") / "cache"
    add_revision(cache, "alice/runes", small_model, ["main"])
    # revision pinning: main = the bundled model, branch v1 = the small trained one
    add_revision(cache, "alice/pinned", BUNDLED_MODEL_DIR, ["main"])
    add_revision(cache, "alice/pinned", small_model, ["v1"])
    add_revision(cache, "alice/no-weights", small_model, ["main"], files=["config.json", "README.md"])
    config = json.loads((small_model / "config.json").read_text())
    before_rows = {k: v for k, v in config.items() if k not in ("rows", "row_thresholds")}
    add_revision(
        cache,
        "alice/few-labels",
        small_model,
        ["main"],
        overrides={"config.json": json.dumps(dict(before_rows, labels=config["labels"][:15])).encode()},
    )
    add_revision(cache, "alice/before-rows", model_before_rows, ["main"])
    add_revision(
        cache,
        "alice/unknown-label",
        small_model,
        ["main"],
        overrides={"config.json": json.dumps(dict(config, labels=["zzz"] + config["labels"][1:])).encode()},
    )
    add_revision(cache, "alice/corrupt", small_model, ["main"], overrides={"model.keras": b"not a zip file"})
    exported = tmp_path_factory.mktemp("exported")
    export(small_model, exported / "web")
    web = {name: (exported / name).read_bytes() for name in WEB_FILES}
    add_revision(cache, "alice/exported", small_model, ["main"], files=[*FILES, *WEB_FILES], overrides=web)
    return cache


@pytest.fixture(scope="module")
def offline_results(hub_cache, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("offline")
    env = _clean_env(tmp, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(hub_cache))
    sources = [
        "hf://alice/runes",
        "hf://alice/pinned",
        "hf://alice/pinned@v1",
        "hf://alice/no-weights",
        "hf://alice/few-labels",
        "hf://alice/unknown-label",
        "hf://alice/corrupt",
        "hf://bob/not-cached",
        "fallback:hf://bob/not-cached",
        "fallback:hf://alice/runes",
        "hf://alice/before-rows",
        "hf://alice/exported",
    ]
    return _run(sources, env)


def test_parse_hf_source():
    from runes.hub import HubError, parse_hf_source

    assert parse_hf_source("hf://owner/name") == ("owner/name", None)
    assert parse_hf_source("hf://owner/name@v1.0") == ("owner/name", "v1.0")
    assert parse_hf_source("owner/name@0123abcd") == ("owner/name", "0123abcd")
    for bad in ("hf://justname", "hf://a/b/c", "hf://owner/name@"):
        with pytest.raises(HubError, match="hf://"):
            parse_hf_source(bad)


def test_round_trip_same_probabilities_as_local_folder(offline_results, small_model):
    local = Recognizer.load(small_model).predict_tensors(_inputs())
    result = offline_results["hf://alice/runes"]
    assert result["ok"], result
    assert result["source"] == "hf://alice/runes"
    np.testing.assert_allclose(np.array(result["probs"]), local, rtol=1e-5, atol=1e-6)


def test_a_cached_hub_model_gives_its_export(offline_results, small_model, tmp_path):
    """Offline, from huggingface_hub's cache: recognizer.folder is the snapshot folder, with web/ when the repo has
    one (the same bytes a fresh export writes) and without it when not."""
    result = offline_results["hf://alice/exported"]
    assert result["ok"], result
    assert result["web"] == _export_hashes(small_model, tmp_path)
    assert Path(result["folder"]).name == result["commit"]
    plain = offline_results["hf://alice/runes"]
    assert plain["web"] == {} and Path(plain["folder"]).name == plain["commit"]
    assert not (Path(plain["folder"]) / "web").exists()


def test_models_from_before_rows_still_load_and_read_the_younger_row(offline_results, model_before_rows, small_model):
    assert offline_results["hf://alice/runes"]["rows"] == ["younger", "long-branch", "short-twig", "elder"]
    result = offline_results["hf://alice/before-rows"]
    assert result["ok"], result
    assert result["rows"] == ["younger"]
    old = Recognizer.load(model_before_rows)
    assert old.rune_labels == list(RUNE_IDS) and old.row_runes() == list(RUNE_IDS)
    prediction = old.predict(draw_sketch("tyr", 1))
    assert prediction.row == "younger" and set(prediction.probabilities) == set(RUNE_IDS)
    with pytest.raises(ValueError, match="reads the rows younger, not 'elder'"):
        old.predict(draw_sketch("tyr", 1), row="elder")


def test_revision_pinning(offline_results, small_model):
    main, v1 = offline_results["hf://alice/pinned"], offline_results["hf://alice/pinned@v1"]
    assert main["ok"] and v1["ok"]
    assert v1["source"] == "hf://alice/pinned@v1"
    np.testing.assert_allclose(
        np.array(v1["probs"]), Recognizer.load(small_model).predict_tensors(_inputs()), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        np.array(main["probs"]), Recognizer.load().predict_tensors(_inputs()), rtol=1e-5, atol=1e-6
    )
    assert not np.allclose(np.array(main["probs"]), np.array(v1["probs"]))


@pytest.mark.parametrize(
    "source, error_type, fragments",
    [
        ("hf://alice/no-weights", "HubError", ["hf://alice/no-weights", "missing model.keras"]),
        ("hf://alice/few-labels", "HubError", ["hf://alice/few-labels", "outputs but 15 labels"]),
        ("hf://alice/unknown-label", "HubError", ["hf://alice/unknown-label", "zzz"]),
        ("hf://alice/corrupt", "HubError", ["hf://alice/corrupt", "Could not load", "model.keras"]),
        (
            "hf://bob/not-cached",
            "HubUnavailableError",
            ["hf://bob/not-cached", "HF_HUB_OFFLINE=1", "not in the local cache"],
        ),
    ],
)
def test_offline_failure_modes(offline_results, source, error_type, fragments):
    result = offline_results[source]
    assert not result["ok"]
    assert result["type"] == error_type
    for fragment in fragments:
        assert fragment in result["message"], result["message"]


def test_fallback_to_bundled_when_offline_and_not_cached(offline_results):
    fallback = offline_results["fallback:hf://bob/not-cached"]
    assert fallback["ok"] and fallback["source"] == "bundled model"
    assert "bundled model because hf://bob/not-cached" in fallback["note"]
    assert "HF_HUB_OFFLINE=1" in fallback["note"]
    cached = offline_results["fallback:hf://alice/runes"]
    assert cached["source"] == "hf://alice/runes" and "Hugging Face Hub" in cached["note"]


class _FakeHub(http.server.BaseHTTPRequestHandler):
    """Answers repo_info like the Hub does for missing repos, gated repos and missing revisions."""

    def _answer(self):
        path = self.path.split("?")[0]
        if path.startswith("/api/models/alice/gated/"):
            status, code, msg = 401, "GatedRepo", "Access to model alice/gated is restricted."
        elif path.startswith("/api/models/alice/real/revision/"):
            status, code, msg = 404, "RevisionNotFound", "Invalid rev id: nope"
        else:
            status, code, msg = 404, "RepoNotFound", "Repository not found"
        body = json.dumps({"error": msg}).encode()
        self.send_response(status)
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", msg)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer

    def log_message(self, *args):
        pass


def test_hub_error_answers_via_local_endpoint(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = _clean_env(
            tmp_path, HF_ENDPOINT=f"http://127.0.0.1:{server.server_address[1]}", HF_HUB_CACHE=str(tmp_path / "cache")
        )
        results = _run(["hf://alice/missing", "hf://alice/gated", "hf://alice/real@nope"], env)
    finally:
        server.shutdown()
    missing, gated, revision = (results[s] for s in ("hf://alice/missing", "hf://alice/gated", "hf://alice/real@nope"))
    assert missing["type"] == "HubError" and "hf://alice/missing" in missing["message"]
    assert "was not found on the Hub" in missing["message"]
    assert gated["type"] == "HubError" and "hf://alice/gated" in gated["message"]
    assert "gated or private" in gated["message"]
    assert revision["type"] == "HubError" and "revision 'nope' was not found in 'alice/real'" in revision["message"]


def _git_oid(data: bytes) -> str:
    """The git blob id of `data`, as the Hub gives it for a regular (not LFS) file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class LocalHub:
    """A small Hub on 127.0.0.1 for push and download tests, answering what huggingface_hub asks of huggingface.co:
    create a repo (POST /api/repos/create) and a branch, ask how to upload (preupload: every file "regular", sent
    base64 in the commit), commit (NDJSON: files added and deleted), and for downloads the revision's info, its
    tree and each file (/resolve/, HEAD and GET). Repos, branches and commits are kept in memory; `requests` holds
    (method, path, JSON payload or NDJSON lines) of every write, `unknown` any request it cannot answer."""

    def __init__(self) -> None:
        self.branches: dict[str, dict[str, str]] = {}  # repo id -> branch -> commit
        self.commits: dict[str, tuple[str, dict[str, bytes]]] = {}  # commit -> (repo id, path -> content)
        self.requests: list[tuple[str, str, object]] = []
        self.authorizations: set[str] = set()
        self.unknown: list[str] = []
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                hub._handle(self)

            do_GET = do_POST = do_HEAD

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.lock = threading.Lock()

    def __enter__(self) -> LocalHub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        """The files of the repo at a branch or commit."""
        return self.commits[self._commit(repo_id, revision) or ""][1]

    def add_commit(self, repo_id: str, branch: str, files: dict[str, bytes], deleted=()) -> str:
        """A commit adding `files` to the branch (and deleting the paths `deleted`), which then points to it; a new
        repo or a new branch starts from nothing or from main."""
        with self.lock:
            heads = self.branches.setdefault(repo_id, {})
            parent = heads.get(branch) or heads.get("main")
            before = self.commits[parent][1] if parent else {}
            content = {path: data for path, data in before.items() if path not in deleted} | files
            commit = hashlib.sha1(repr((parent, sorted((k, _sha256(v)) for k, v in content.items()))).encode())
            self.commits[commit.hexdigest()] = (repo_id, content)
            heads[branch] = commit.hexdigest()
            return commit.hexdigest()

    def _commit(self, repo_id: str, revision: str) -> str | None:
        """The commit a branch name or a commit hash of the repo stands for; None when there is none."""
        if self.commits.get(revision, ("",))[0] == repo_id:
            return revision
        return self.branches.get(repo_id, {}).get(revision)

    @staticmethod
    def _send(request, status: int, body: bytes = b"", headers: dict | None = None, error: str = "") -> None:
        if error:
            body = json.dumps({"error": error}).encode()
            headers = {"X-Error-Code": error, "X-Error-Message": error, **(headers or {})}
        request.send_response(status)
        for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)

    def _json(self, request, value, status: int = 200) -> None:
        self._send(request, status, json.dumps(value).encode())

    def _handle(self, request) -> None:
        url = urllib.parse.urlsplit(request.path)
        parts = [urllib.parse.unquote(part) for part in url.path.strip("/").split("/")]
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        method = request.command
        if method == "GET" and parts == ["api", "agent-harnesses"]:  # huggingface_hub's best-effort user-agent list
            return self._send(request, 404, error="NotFound")
        self.authorizations.add(request.headers.get("Authorization", ""))
        if method == "POST" and parts == ["api", "repos", "create"]:
            payload = json.loads(body)
            repo_id = f"{payload['organization']}/{payload['name']}"
            self.requests.append((method, url.path, payload))
            if repo_id in self.branches:  # the Hub names the repo it already has
                answer = {"error": "You already created this model repo", "url": f"{self.url}/{repo_id}"}
                return self._json(request, answer, status=409)
            self.add_commit(repo_id, "main", {".gitattributes": b"*.keras filter=lfs diff=lfs merge=lfs -text\n"})
            return self._json(request, {"url": f"{self.url}/{repo_id}"})
        if method == "POST" and parts == ["api", "validate-yaml"]:  # create_commit checks README.md's metadata
            return self._json(request, {"errors": [], "warnings": []})
        if len(parts) >= 5 and parts[:2] == ["api", "models"]:
            repo_id, action, rest = f"{parts[2]}/{parts[3]}", parts[4], parts[5:]
            if repo_id not in self.branches:
                return self._send(request, 404, error="RepoNotFound")
            revision = rest[0] if rest else "main"
            if method == "POST" and action == "branch":
                payload = json.loads(body or b"{}")
                self.requests.append((method, url.path, payload))
                if revision in self.branches[repo_id]:
                    return self._send(request, 409, error="BranchExists")
                start = self._commit(repo_id, payload.get("startingPoint", "main"))
                self.branches[repo_id][revision] = start or ""
                return self._json(request, {})
            commit = self._commit(repo_id, revision)
            if commit is None:
                return self._send(request, 404, error="RevisionNotFound")
            files = self.commits[commit][1]
            if method == "POST" and action == "preupload":
                asked = json.loads(body)["files"]
                self.requests.append((method, url.path, asked))
                modes = [
                    {
                        "path": f["path"],
                        "uploadMode": "regular",
                        "shouldIgnore": False,
                        "oid": _git_oid(files[f["path"]]) if f["path"] in files else None,
                    }
                    for f in asked
                ]
                return self._json(request, {"files": modes})
            if method == "POST" and action == "commit":
                lines = [json.loads(line) for line in body.splitlines() if line.strip()]
                self.requests.append((method, url.path, lines))
                if any(item["key"] not in ("header", "file", "deletedFile") for item in lines):
                    return self._send(request, 400, error="BadRequest")  # no LFS: every file was "regular"
                added = {
                    item["value"]["path"]: base64.b64decode(item["value"]["content"])
                    for item in lines
                    if item["key"] == "file"
                }
                deleted = {item["value"]["path"] for item in lines if item["key"] == "deletedFile"}
                new = self.add_commit(repo_id, revision, added, deleted)
                return self._json(request, {"commitUrl": f"{self.url}/{repo_id}/commit/{new}", "commitOid": new})
            if method == "GET" and action == "revision":
                siblings = [{"rfilename": path} for path in sorted(files)]
                return self._json(request, {"id": repo_id, "sha": commit, "siblings": siblings})
            if method == "GET" and action == "tree":
                folders = sorted({str(Path(path).parent) for path in files} - {"."})
                tree = [{"type": "directory", "path": folder, "oid": _git_oid(folder.encode())} for folder in folders]
                tree += [
                    {"type": "file", "path": path, "size": len(data), "oid": _git_oid(data)}
                    for path, data in sorted(files.items())
                ]
                return self._json(request, tree)
        if len(parts) >= 5 and parts[2] == "resolve" and method in ("HEAD", "GET"):
            repo_id, path = f"{parts[0]}/{parts[1]}", "/".join(parts[4:])
            commit = self._commit(repo_id, parts[3])
            if commit is None:
                return self._send(
                    request, 404, error="RepoNotFound" if repo_id not in self.branches else "RevisionNotFound"
                )
            data = self.commits[commit][1].get(path)
            if data is None:
                return self._send(request, 404, error="EntryNotFound", headers={"X-Repo-Commit": commit})
            headers = {
                "X-Repo-Commit": commit,
                "ETag": f'"{_git_oid(data)}"',
                "Content-Type": "application/octet-stream",
            }
            return self._send(request, 200, data, headers)
        self.unknown.append(f"{method} {request.path}")
        return self._send(request, 404, error="NotFound")


def _push(hub: LocalHub, model_dir: Path, repo_id: str, **kwargs):
    """`runes.hub.push_model` to the local Hub: HfApi's default endpoint pointed at it, a test token."""
    from huggingface_hub import constants

    from runes import hub as runes_hub

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "ENDPOINT", hub.url)
        return runes_hub.push_model(model_dir, repo_id, token=TOKEN, **kwargs)


def _with_stale_export(model_dir: Path, out: Path) -> Path:
    """A copy of the model folder `model_dir` holding a web/ that does not match its model.keras."""
    shutil.copytree(model_dir, out)
    for name in WEB_FILES:
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(b"stale export of another model\n")
    return out


@pytest.fixture(scope="module")
def unexportable_model(tmp_path_factory, small_model) -> Path:
    """A model folder runes.web cannot export (a 5x5 convolution: not a build_model() network) that still loads,
    with a stale web/ from some other model."""
    import keras

    out = tmp_path_factory.mktemp("unexportable") / "model"
    out.mkdir()
    config = json.loads((small_model / "config.json").read_text())
    inputs = keras.Input((32, 32, 1))
    hidden = keras.layers.Flatten()(keras.layers.Conv2D(2, 5, padding="same")(inputs))
    outputs = keras.layers.Dense(len(config["labels"]), activation="softmax")(hidden)
    keras.Model(inputs, outputs).save(out / "model.keras")
    for name in ("config.json", "metrics.json"):
        shutil.copyfile(small_model / name, out / name)
    return _with_stale_export(out, out.parent / "with-stale-web")


@pytest.fixture(scope="module")
def local_hub(small_model, unexportable_model, tmp_path_factory):
    """The local Hub with three model repos: alice/exported pushed by runes.hub (with its export), alice/old as
    models were published before the export travelled with them (no web/), alice/unexportable pushed from a folder
    the export cannot be written for."""
    with LocalHub() as hub:
        _push(hub, _with_stale_export(small_model, tmp_path_factory.mktemp("stale") / "model"), "alice/exported")
        hub.add_commit("alice/old", "main", {name: (small_model / name).read_bytes() for name in FILES})
        _push(hub, unexportable_model, "alice/unexportable")
        yield hub


@pytest.fixture(scope="module")
def online_results(local_hub, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("online")
    env = _clean_env(tmp, HF_ENDPOINT=local_hub.url, HF_HUB_CACHE=str(tmp / "cache"))
    return _run(["hf://alice/exported", "hf://alice/old", "hf://alice/unexportable"], env)


def test_push_calls_and_model_card(small_model, tmp_path):
    """A push creates the repo and the branch, then commits the model files, a generated card and a browser
    export written afresh from model.keras (the folder's own web/ is stale here)."""
    from huggingface_hub import ModelCard

    with LocalHub() as hub:
        folder = _with_stale_export(small_model, tmp_path / "model")
        result = _push(hub, folder, "alice/runes", private=True, revision="exp")
    assert [(method, path) for method, path, _ in hub.requests] == [
        ("POST", "/api/repos/create"),
        ("POST", "/api/models/alice/runes/branch/exp"),
        ("POST", "/api/models/alice/runes/preupload/exp"),
        ("POST", "/api/models/alice/runes/commit/exp"),
    ]
    assert hub.requests[0][2] == {"name": "runes", "organization": "alice", "visibility": "private", "type": "model"}
    assert hub.unknown == [] and hub.authorizations == {f"Bearer {TOKEN}"}
    assert result.oid == hub.branches["alice/runes"]["exp"] and result.commit_url.endswith(result.oid)
    uploaded = hub.files("alice/runes", "exp")
    assert sorted(uploaded) == sorted([".gitattributes", *FILES, *WEB_FILES])
    assert uploaded["model.keras"] == (small_model / "model.keras").read_bytes()
    assert {name: _sha256(uploaded[name]) for name in WEB_FILES} == _export_hashes(small_model, tmp_path / "fresh")

    card = ModelCard(uploaded["README.md"].decode("utf-8"))
    data = card.data.to_dict()
    assert data["library_name"] == "keras" and data["pipeline_tag"] == "image-classification"
    assert data["license"] == "mit" and "younger-futhark" in data["tags"]
    metrics = json.loads((small_model / "metrics.json").read_text())
    results = data["model-index"][0]["results"]
    assert results[0]["metrics"][0]["value"] == round(metrics["val_accuracy"], 4)
    text = card.text
    assert "| 0 | `fe` | ᚠ | fé |" in text or "`fe` | ᚠ" in text
    assert 'Recognizer.load("hf://alice/runes")' in text and "safe_mode=True" in text
    assert "Intended use and limitations" in text and "preprocessing version" in text


def test_a_model_the_export_cannot_write_is_pushed_without_it(small_model, unexportable_model, caplog):
    """runes.web cannot export the network: the push says so in words, uploads no web/ (not the folder's stale
    one), and deletes the export an earlier push left in the repo, so no export disagrees with model.keras."""
    with LocalHub() as hub:
        _push(hub, small_model, "alice/changing")
        assert set(WEB_FILES) <= set(hub.files("alice/changing"))
        with caplog.at_level(logging.WARNING, logger="runes.hub"):
            _push(hub, unexportable_model, "alice/changing")
    files = hub.files("alice/changing")
    assert sorted(files) == sorted([".gitattributes", *FILES])
    assert files["model.keras"] == (unexportable_model / "model.keras").read_bytes()
    deleted = [item["value"]["path"] for item in hub.requests[-1][2] if item["key"] == "deletedFile"]
    assert sorted(deleted) == sorted(WEB_FILES)
    warning = "\n".join(record.getMessage() for record in caplog.records if record.name == "runes.hub")
    assert "hf://alice/changing: pushing without the browser export (web/)" in warning
    assert "only 3x3 convolutions are supported" in warning and TOKEN not in warning


def test_a_hub_model_gives_the_recognizer_its_export(online_results, small_model, tmp_path):
    """Downloaded from the Hub (online, huggingface_hub's own download code), the export pushed with the model
    lands in the snapshot folder beside it: recognizer.folder / "web" holds it, byte for byte."""
    result = online_results["hf://alice/exported"]
    assert result["ok"], result
    assert result["web"] == _export_hashes(small_model, tmp_path)
    folder = Path(result["folder"])
    assert folder.name == result["commit"] and (folder / "web" / "model.json").is_file()
    assert result["page_export"] == str(folder / "web")  # what app.py serves the page (ui.guess.web_export)
    np.testing.assert_allclose(
        np.array(result["probs"]), Recognizer.load(small_model).predict_tensors(_inputs()), rtol=1e-5, atol=1e-6
    )


def test_hub_models_without_an_export_still_load(online_results, local_hub):
    for source in ("hf://alice/old", "hf://alice/unexportable"):
        result = online_results[source]
        assert result["ok"], result
        assert result["web"] == {} and not (Path(result["folder"]) / "web").exists()
        assert result["page_export"] == "None"  # the page asks the server
    assert local_hub.unknown == []


def test_a_copy_cached_before_the_export_travelled_still_loads_offline(local_hub, tmp_path):
    """A snapshot cached by a version of this package that fetched the model files alone: offline, huggingface_hub
    finds the export missing from it (its cached listing of the repo names web/), and the model still loads."""
    cache = tmp_path / "cache"
    older = "import sys\nfrom huggingface_hub import snapshot_download\nsnapshot_download(sys.argv[1], allow_patterns=sys.argv[2:])"
    subprocess.run(
        [sys.executable, "-c", older, "alice/exported", *FILES],
        env=_clean_env(tmp_path, HF_ENDPOINT=local_hub.url, HF_HUB_CACHE=str(cache)),
        check=True,
        capture_output=True,
        timeout=60,
    )
    result = _run(["hf://alice/exported"], _clean_env(tmp_path, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(cache)))
    assert result["hf://alice/exported"]["ok"], result
    assert result["hf://alice/exported"]["web"] == {}


def test_pull_copies_the_export(local_hub, small_model, tmp_path):
    env = _clean_env(tmp_path, HF_ENDPOINT=local_hub.url, HF_HUB_CACHE=str(tmp_path / "cache"))
    out = tmp_path / "pulled"

    _pull("alice/exported", out, env)
    assert {name: _sha256((out / name).read_bytes()) for name in WEB_FILES} == _export_hashes(
        small_model, tmp_path / "fresh"
    )
    assert not any((out / name).is_symlink() for name in WEB_FILES)
    recognizer = Recognizer.load(out)
    assert recognizer.folder == out and (recognizer.folder / "web" / "model.json").is_file()
    _pull("alice/old", out, env)  # a model without an export: the other model's export must not stay beside it
    assert not any((out / name).exists() for name in WEB_FILES)
    assert (out / "model.keras").read_bytes() == (small_model / "model.keras").read_bytes()


def test_recognizer_folder(small_model):
    assert Recognizer.load(small_model).folder == small_model
    bundled = Recognizer.load()
    assert bundled.folder == BUNDLED_MODEL_DIR
    assert Recognizer(bundled.model, bundled.labels, config=bundled.config).folder is None


def test_card_includes_real_drawing_accuracy():
    from huggingface_hub import ModelCard

    from runes.hub import model_card

    config = json.loads((BUNDLED_MODEL_DIR / "config.json").read_text())
    metrics = json.loads((BUNDLED_MODEL_DIR / "metrics.json").read_text())
    card = ModelCard(model_card(config, metrics, "alice/runes"))
    results = card.data.to_dict()["model-index"][0]["results"]
    real = [r for r in results if r["dataset"]["type"] == "real-rune-drawings"]
    assert real and real[0]["metrics"][0]["value"] == round(metrics["real_drawings"]["accuracy"], 4)
    assert "real human drawings" in card.text and f"`epochs`: {config['train_config']['epochs']}" in card.text


def _front_matter(card: str) -> str:
    assert card.startswith("---\n"), card[:80]
    return card.split("---\n")[1]


def test_one_card_for_training_and_the_hub(small_model):
    """Training writes model_card(config, metrics); a push writes the same document with the repo filled in.
    Its metadata is what huggingface_hub writes back for it, unchanged."""
    from huggingface_hub import ModelCard

    from runes.card import model_card

    config = json.loads((small_model / "config.json").read_text())
    metrics = json.loads((small_model / "metrics.json").read_text())
    trained = (small_model / "README.md").read_text(encoding="utf-8")
    assert trained == model_card(config, metrics)
    pushed = model_card(config, metrics, "alice/runes")
    generic = (
        pushed.replace("# Rune Reader CNN: alice/runes", "# Rune Reader CNN")
        .replace("- name: runes\n", "- name: rune-reader-cnn\n")
        .replace("alice/runes", "owner/name")
    )
    assert generic == trained
    assert "## Line reader" not in trained  # this folder has no line reader
    for card in (trained, pushed):
        assert ModelCard(card).data.to_yaml() + "\n" == _front_matter(card)
        assert (
            "| 0 | `fe` | ᚠ | younger, long-branch, short-twig: fé (f, wealth, cattle); elder: fehu (f, cattle, "
            "wealth) |"
        ) in card
        assert "| 13 | `mathr` | ᛘ | younger, long-branch: maðr (m, man); elder: algiz (z, elk; protection) |" in card
        assert f"| {len(config['labels']) - 1} | `other` | | not a rune: scribbles" in card
        assert "| `elder` | Elder Futhark (c. 150-800) | ᚠᚢᚦᚨᚱᚲᚷᚹᚺᚾᛁᛃᛇᛈᛉᛊᛏᛒᛖᛗᛚᛜᛞᛟ |" in card  # the rows it reads
        assert f"validation accuracy on generated sketches: {metrics['val_accuracy']:.4f}" in card
        assert "accuracy on real human drawings: not measured for this model" in card
        assert "- `samples_per_rune`: 20" in card and "`out`" not in card and "`workers`" not in card
        assert "preprocessing version 1" in card and "ᛌ (short-twig sól) and ᛧ (short-twig yr)" in card


def test_bundled_card_is_generated_from_its_config_and_metrics():
    """models/README.md is `python -m runes.card models`: the card a training run would write for it."""
    from runes.card import model_card

    config = json.loads((BUNDLED_MODEL_DIR / "config.json").read_text())
    metrics = json.loads((BUNDLED_MODEL_DIR / "metrics.json").read_text())
    lines = json.loads((BUNDLED_MODEL_DIR / "lines.json").read_text())
    card = (BUNDLED_MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert card == model_card(config, metrics, lines=lines), "run python -m runes.card models"
    # The bundled folder has a line reader: the card says what it is and what it measured.
    assert "## Line reader" in card and "`recognizer.read(image)`" in card
    assert f"read exactly: {lines['metrics']['val_sequence_accuracy']:.4f} (n=400)" in card
    second = lines["metrics"]["second"]  # and its second network, read with the first
    assert (BUNDLED_MODEL_DIR / "lines-2.keras").is_file() and second["seed"] == lines["train_config"]["second_seed"]
    assert (
        f"`lines-2.keras` (trained the same way from seed {second['seed']})" in " ".join(card.split())
        and f"the first network alone reads {lines['metrics']['val_sequence_accuracy_first']:.4f}" in card
    )
    calibration, real = metrics["calibration"], metrics["real_drawings"]
    assert (
        f"- 'not a rune': rune_threshold {config['rune_threshold']:.3f} accepts {calibration['acceptance']:.4f} of "
        "generated runes"
    ) in card
    assert f"top-1 {real['accuracy']:.4f}, top-3 {real['top3_accuracy']:.4f}" in card
    assert "- `eval_dir`: ../shared/real-runes/dev" in card
    for row in config["rows"]:  # every row it reads, with its calibrated threshold
        assert (
            f"| `{row}` | " in card
            and f"- in the `{row}` row: rune_threshold {config['row_thresholds'][row]:.3f}" in card
        )


def test_a_broken_lines_json_is_said_plainly_and_loses_no_model(small_model, tmp_path, caplog):
    """`python -m runes.card` names the broken lines.json; training into the folder keeps its model and writes a
    card without the section; odd values in a lines.json that parses are left out rather than crash the card."""
    from runes.card import model_card, write_card, write_model_folder
    from runes.folder import ModelLoadError, read_config, read_metrics
    from runes.model import Recognizer

    folder = tmp_path / "broken"
    shutil.copytree(small_model, folder)
    (folder / "lines.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match=r"lines\.json is not valid JSON.*runes\.train_lines"):
        write_card(folder)
    done = subprocess.run(
        [sys.executable, "-m", "runes.card", str(folder)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and "lines.json is not valid JSON" in done.stderr and "Traceback" not in done.stderr
    config, metrics = read_config(folder), read_metrics(folder)
    with caplog.at_level(logging.WARNING, logger="runes.card"):
        write_model_folder(folder, Recognizer.load(small_model).model, config, metrics)
    assert "leaves its line reader out" in caplog.text
    assert (folder / "model.keras").is_file() and "## Line reader" not in (folder / "README.md").read_text()
    card = model_card(config, metrics, lines={"labels": "?", "metrics": [], "fire_offset": "x", "train_config": 3})
    assert (
        "## Line reader" in card and "read exactly: not measured" in card and "where labels fire: not measured" in card
    )
    odd = {"second": {"seed": [1]}, "val_sequence_accuracy_first": "x", "train_seconds": 5.0}
    card = model_card(config, metrics, lines={"labels": [], "metrics": odd})
    assert "a second network, `lines-2.keras` (trained the same way from seed ?)" in " ".join(card.split())
    assert "alone reads" not in card and "5 s on ? CPU cores (both networks)" in card
    assert "lines-2.keras" not in model_card(config, metrics, lines={"labels": [], "metrics": {"second": "?"}})


def _pull(source: str, out: Path, env: dict) -> subprocess.CompletedProcess:
    """`python -m runes.hub pull SOURCE --to OUT` in a subprocess with `env`; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "runes.hub", "pull", source, "--to", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_pull_cli_writes_a_loadable_folder(hub_cache, tmp_path):
    env = _clean_env(tmp_path, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(hub_cache))
    out = tmp_path / "pulled"
    done = _pull("alice/pinned@v1", out, env)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES) and not (out / "model.keras").is_symlink()
    assert "hf://alice/pinned@v1" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "runes.hub", "pull", "bob/nothing", "--to", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "hf://bob/nothing" in done.stderr and "not in the local cache" in done.stderr


def test_app_runs_hub_model_and_shows_it(hub_cache, tmp_path):
    from conftest_app import running_app

    env = _clean_env(tmp_path, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(hub_cache), RUNES_MODEL="hf://alice/pinned@v1")
    with (
        running_app({}, tmp_path / "app.log", base_env=env) as url,
        urllib.request.urlopen(f"{url}config", timeout=5) as response,
    ):
        config = response.read().decode("utf-8")
    assert "Model: hf://alice/pinned@v1" in config
    assert "from the Hugging Face Hub" in config


def test_a_line_reader_travels_with_its_model(small_model, tmp_path):
    """A folder's line reader (lines.keras, lines.json and its second network lines-2.keras) is pushed with it;
    pushing a folder without one removes the one an earlier push left, so no line reader disagrees with the model
    beside it."""
    from runes.folder import LINE_READER_FILES
    from runes.line_data import LABELS
    from runes.train_lines import build_line_model

    folder = tmp_path / "with-lines"
    shutil.copytree(small_model, folder)
    build_line_model(filters=2).save(folder / "lines.keras")
    build_line_model(filters=2).save(folder / "lines-2.keras")
    (folder / "lines.json").write_text(json.dumps({"labels": list(LABELS)}))
    with LocalHub() as hub:
        _push(hub, folder, "alice/lines")
        uploaded = hub.files("alice/lines")
        assert {name: uploaded[name] for name in LINE_READER_FILES} == {
            name: (folder / name).read_bytes() for name in LINE_READER_FILES
        }
        assert "## Line reader" in uploaded["README.md"].decode("utf-8")  # the card says it is there
        (folder / "lines-2.keras").unlink()  # one network now: the second one on the Hub must go
        _push(hub, folder, "alice/lines")
        assert "lines.keras" in hub.files("alice/lines") and "lines-2.keras" not in hub.files("alice/lines")
        _push(hub, small_model, "alice/lines")
        assert not set(LINE_READER_FILES) & set(hub.files("alice/lines"))
        assert "## Line reader" not in hub.files("alice/lines")["README.md"].decode("utf-8")
    assert Recognizer.load(folder).line_reader().labels == list(LABELS)
