"""Session fixtures for the app tests: ONE real `python app.py` process shared by the browser and API tests.

The app is started exactly as on a server (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT), with whatever
RUNES_MODEL the test run has (unset = the bundled model). Its output goes to tests/artifacts/app_server.log.
Contributed drawings go to a fresh temporary RUNES_DATA_DIR (the `contributed_dir` fixture), never to
data/contributed, and are never synced to the Hub (RUNES_DATASET_REPO is cleared).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
START_TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@contextlib.contextmanager
def running_app(env_overrides: dict[str, str], log_path: Path, base_env: dict[str, str] | None = None):
    """Start `python app.py` on a free port with these env vars, wait until it answers, yield its URL, stop it."""
    port = _free_port()
    env = dict(
        os.environ if base_env is None else base_env,
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        **env_overrides,
    )
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(url):
            if process.poll() is not None:
                pytest.fail(f"app.py exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"app.py did not answer on {url} within {START_TIMEOUT_S} s:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def contributed_dir(tmp_path_factory) -> Path:
    """The shared app's RUNES_DATA_DIR: where its Contribute tab and corrections store drawings."""
    return tmp_path_factory.mktemp("contributed")


@pytest.fixture(scope="session")
def app_url(artifacts_dir: Path, contributed_dir: Path):
    """URL of a running `python app.py`; the process is stopped after the session."""
    env = {"RUNES_DATA_DIR": str(contributed_dir), "RUNES_DATASET_REPO": ""}
    with running_app(env, artifacts_dir / "app_server.log") as url:
        yield url


@pytest.fixture(scope="session")
def app_process_alive(app_url: str):
    """A callable that says whether the shared app still answers HTTP."""
    return lambda: _answers(app_url)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (tests/chromium.py launches it); each test opens its own context."""
    import chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()
