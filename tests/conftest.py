"""Shared pytest fixtures."""

import sys
from pathlib import Path

# App-server fixtures (one shared `python app.py` for the browser and gradio_client tests).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_app import app_process_alive, app_url, artifacts_dir, browser, contributed_dir  # noqa: F401
