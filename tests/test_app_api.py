"""The app's documented API (`/predict`) through gradio_client, against the real running app."""

from __future__ import annotations

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from rune_strokes import TEST_RUNES, draw_png
from runes import get_rune

DRAW_PROMPT = "Draw a rune"
ERROR_LABEL = "Can't read that"


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


def sketch(path) -> dict:
    return {"background": None, "layers": [], "composite": handle_file(str(path))}


def call(client: Client, value) -> tuple[dict, str]:
    label, card = client.predict(value, api_name="/predict")
    assert isinstance(label, dict) and isinstance(card, str)
    assert "Traceback" not in card and "File \"" not in card
    return label, card


def assert_recognised(label: dict, card: str, rune_id: str) -> None:
    rune = get_rune(rune_id)
    assert label["label"] == rune.label, label
    confidences = label["confidences"]
    assert 1 <= len(confidences) <= 5
    assert confidences[0]["label"] == rune.label
    assert all(a["confidence"] >= b["confidence"] for a, b in zip(confidences, confidences[1:]))
    assert f'data-rune="{rune_id}"' in card
    assert rune.glyph in card and rune.name in card and rune.meaning in card


def test_api_lists_predict_endpoint(client: Client):
    info = client.view_api(print_info=False, return_format="dict")
    assert "/predict" in info["named_endpoints"]


@pytest.mark.parametrize("rune_id", TEST_RUNES)
def test_black_on_white_png(client: Client, tmp_path, rune_id: str):
    path = tmp_path / f"{rune_id}.png"
    draw_png(rune_id, path)
    assert_recognised(*call(client, sketch(path)), rune_id)


@pytest.mark.parametrize("rune_id", TEST_RUNES)
def test_black_ink_on_transparent_png(client: Client, tmp_path, rune_id: str):
    path = tmp_path / f"{rune_id}-transparent.png"
    draw_png(rune_id, path, transparent=True)
    assert Image.open(path).mode == "RGBA"
    assert_recognised(*call(client, sketch(path)), rune_id)


def test_generated_sketch_is_recognised(client: Client, tmp_path):
    from runes.sketches import draw_sketch

    path = tmp_path / "tyr-sketch.png"
    Image.fromarray(draw_sketch("tyr", seed=3)).save(path)
    label, card = call(client, sketch(path))
    assert label["confidences"] and len(label["confidences"]) == 5


def test_empty_canvas_gets_the_friendly_prompt(client: Client):
    label, card = call(client, {"background": None, "layers": [], "composite": None})
    assert label["label"] == DRAW_PROMPT
    assert not label.get("confidences")
    assert DRAW_PROMPT in card


def test_blank_white_image_gets_the_friendly_prompt(client: Client, tmp_path):
    path = tmp_path / "white.png"
    Image.new("L", (300, 300), 255).save(path)
    label, card = call(client, sketch(path))
    assert label["label"] == DRAW_PROMPT


def _bad_inputs(tmp_path):
    one = tmp_path / "one.png"
    Image.new("L", (1, 1), 0).save(one)
    huge = tmp_path / "huge.png"
    big = Image.new("L", (5000, 5000), 255)
    big.paste(0, (2450, 500, 2550, 4500))
    big.save(huge)
    black = tmp_path / "black.png"
    Image.new("L", (256, 256), 0).save(black)
    noise = tmp_path / "noise.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (256, 256), dtype=np.uint8)).save(noise)
    text = tmp_path / "notes.txt"
    text.write_text("this is not an image\n")
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n garbage, truncated")
    return {"1x1": one, "5000x5000": huge, "all-black": black, "noise": noise, "text file": text, "fake png": fake}


def test_bad_inputs_get_a_clear_answer_and_the_server_keeps_serving(client: Client, tmp_path, app_process_alive):
    answers = {}
    for name, path in _bad_inputs(tmp_path).items():
        label, card = call(client, sketch(path))
        answers[name] = label
        # A clear answer: either the friendly prompt, a short "can't read" message, or a real top-5 guess.
        assert label["label"] in (DRAW_PROMPT, ERROR_LABEL) or len(label["confidences"]) == 5, (name, label)
        assert len(card) < 2000, (name, card)
    assert answers["1x1"]["label"] == ERROR_LABEL
    assert answers["5000x5000"]["label"] == ERROR_LABEL
    assert answers["text file"]["label"] == ERROR_LABEL
    assert answers["fake png"]["label"] == ERROR_LABEL
    assert answers["all-black"]["label"] in (DRAW_PROMPT, ERROR_LABEL)
    # ...and the server still works afterwards.
    assert app_process_alive()
    good = tmp_path / "tyr.png"
    draw_png("tyr", good)
    assert_recognised(*call(client, sketch(good)), "tyr")
