"""Hugging Face Hub pull/push with the real huggingface_hub code path and no internet.

Downloads: a Hub cache is pre-populated in huggingface_hub's layout (models--owner--name/{blobs,refs,snapshots})
and read with HF_HUB_OFFLINE=1; the errors the Hub answers (repo not found, gated, revision not found) come from
a tiny local HTTP server via HF_ENDPOINT. Both env vars must be set before huggingface_hub is imported, so the
loads run in a subprocess (one per scenario group). Push: the HfApi methods we call are patched and the
generated card is validated with huggingface_hub.ModelCard.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from runes.alphabet import RUNE_IDS
from runes.model import BUNDLED_MODEL_DIR, Recognizer
from runes.sketches import draw_sketch

REPO = Path(__file__).resolve().parent.parent
FILES = ["model.keras", "config.json", "metrics.json", "README.md"]

RUNNER = r"""
import json, sys
import numpy as np
from runes.model import Recognizer, ModelLoadError
inputs = np.random.default_rng(0).random((4, 32, 32, 1)).astype(np.float32)
out = {}
for source in json.loads(sys.argv[1]):
    try:
        if source.startswith("fallback:"):
            rec, note = Recognizer.load_with_fallback(source[len("fallback:"):])
        else:
            rec, note = Recognizer.load(source), ""
        out[source] = {"ok": True, "source": rec.source, "note": note, "rows": rec.rows,
                       "probs": rec.predict_tensors(inputs).tolist()}
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
    """Put `folder`'s files into the cache as one commit of `repo_id`, pointed to by `refs`; returns the commit."""
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
        if not link.exists():
            link.symlink_to(Path("..") / ".." / "blobs" / blob)
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


def test_push_calls_and_model_card(small_model, monkeypatch):
    from huggingface_hub import HfApi, ModelCard

    from runes import hub

    calls, uploaded = [], {}

    def record(name):
        def method(self, *args, **kwargs):
            calls.append((name, args, kwargs))
            if name == "upload_folder":
                folder = Path(kwargs["folder_path"])
                uploaded.update({p.name: p.read_bytes() for p in folder.iterdir()})
            return f"{name}-result"

        return method

    for name in ("create_repo", "create_branch", "upload_folder"):
        monkeypatch.setattr(HfApi, name, record(name))
    result = hub.push_model(small_model, "alice/runes", private=True, revision="exp")
    assert result == "upload_folder-result"
    assert [c[0] for c in calls] == ["create_repo", "create_branch", "upload_folder"]
    assert calls[0][2] == {"repo_id": "alice/runes", "repo_type": "model", "private": True, "exist_ok": True}
    assert calls[1][2] == {"repo_id": "alice/runes", "repo_type": "model", "branch": "exp", "exist_ok": True}
    upload = calls[2][2]
    assert upload["repo_id"] == "alice/runes" and upload["revision"] == "exp" and upload["repo_type"] == "model"
    assert sorted(uploaded) == sorted(FILES)
    assert uploaded["model.keras"] == (small_model / "model.keras").read_bytes()

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
    card = (BUNDLED_MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert card == model_card(config, metrics), "run python -m runes.card models"
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


def test_pull_cli_writes_a_loadable_folder(hub_cache, tmp_path):
    env = _clean_env(tmp_path, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(hub_cache))
    out = tmp_path / "pulled"
    done = subprocess.run(
        [sys.executable, "-m", "runes.hub", "pull", "alice/pinned@v1", "--to", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
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
