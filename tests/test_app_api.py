"""The app's documented API (`/predict`, `/contribute`, `/correct`) through gradio_client, against the real running app."""

from __future__ import annotations

import html
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image
from rune_strokes import TEST_RUNES, draw_png

from runes import RUNE_IDS, get_rune

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
        # A clear answer: the friendly prompt, a short "can't read" message, "Not a rune" with the 3 nearest
        # runes, or a real top-5 guess.
        assert (label["label"] in (DRAW_PROMPT, ERROR_LABEL) or len(label["confidences"]) == 5
                or (label["label"] == "Not a rune" and len(label["confidences"]) == 4)), (name, label)
        assert len(card) < 2000, (name, card)
    assert answers["1x1"]["label"] == ERROR_LABEL
    assert answers["5000x5000"]["label"] == ERROR_LABEL
    assert answers["text file"]["label"] == ERROR_LABEL
    assert answers["fake png"]["label"] == ERROR_LABEL
    assert answers["all-black"]["label"] in (DRAW_PROMPT, ERROR_LABEL)
    assert answers["noise"]["label"] == "Not a rune"
    # ...and the server still works afterwards.
    assert app_process_alive()
    good = tmp_path / "tyr.png"
    draw_png("tyr", good)
    assert_recognised(*call(client, sketch(good)), "tyr")


# --------------------------------------------------------------------------- contribute and correct (issue 5)


def contribute(client: Client, value, rune_id: str) -> tuple[str, str, str]:
    status, prompt, next_rune, counts = client.predict(value, rune_id, api_name="/contribute")
    assert "Traceback" not in status and "File \"" not in status
    if "Saved your" not in status:
        return status, "", ""
    assert f'data-rune="{next_rune}"' in prompt and get_rune(next_rune).name in prompt  # the next prompt
    return status, next_rune, counts


def drawings_on_disk(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.parent.name for p in folder.glob("*/*.png")}


def records(folder) -> list[dict]:
    path = folder / "metadata.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_api_lists_contribute_and_correct(client: Client):
    info = client.view_api(print_info=False, return_format="dict")
    assert {"/predict", "/contribute", "/correct"} <= set(info["named_endpoints"])


def test_contribute_stores_the_drawing_and_prompts_the_least_collected(client: Client, contributed_dir, tmp_path):
    path = tmp_path / "ur.png"
    draw_png("ur", path)
    before = drawings_on_disk(contributed_dir)
    status, next_rune, counts = contribute(client, sketch(path), "ur")
    assert "Saved your ᚢ úr" in status
    new = set(drawings_on_disk(contributed_dir)) - set(before)
    assert len(new) == 1 and new.pop().startswith("ur/")
    record = [r for r in records(contributed_dir) if r["label"] == "ur"][-1]
    assert record["source"] == "prompted" and record["guess"] == "ur" and record["model_version"]
    assert (record["width"], record["height"]) == (256, 256)
    counted = {r["label"]: 0 for r in records(contributed_dir)}
    for r in records(contributed_dir):
        counted[r["label"]] += 1
    fewest = min(counted.get(rune_id, 0) for rune_id in RUNE_IDS)
    assert next_rune in RUNE_IDS and counted.get(next_rune, 0) == fewest  # least collected first
    assert f'data-rune="ur" data-count="{counted["ur"]}"' in counts


def test_correction_stores_the_right_label_and_the_models_guess(client: Client, contributed_dir, tmp_path):
    path = tmp_path / "tyr.png"
    draw_png("tyr", path)
    answer = client.predict(sketch(path), "isa", api_name="/correct")  # the visitor says it was ᛁ
    assert "Saved as ᛁ íss" in answer and "the model said ᛏ týr" in answer
    record = records(contributed_dir)[-1]
    assert record["label"] == "isa" and record["source"] == "correction" and record["guess"] == "tyr"
    assert (contributed_dir / record["file_name"]).is_file()


@pytest.mark.parametrize("endpoint, value, rune_id, message", [
    ("/contribute", "empty", "fe", "The canvas is empty: draw ᚠ fé first."),
    ("/contribute", "white", "fe", "The canvas is empty: draw ᚠ fé first."),
    ("/contribute", "tyr", "../fe", "Unknown rune"),
    ("/contribute", "tyr", "", "Pick the rune you drew"),
    ("/contribute", "text", "fe", "not an image I can read"),
    ("/contribute", "huge", "fe", "at most 4096x4096"),
    ("/correct", "empty", "fe", "The canvas is empty: draw ᚠ fé first."),
    ("/correct", "tyr", None, "Pick the rune you drew from the list first."),
])
def test_contribute_and_correct_refuse_bad_input_without_writing(client: Client, contributed_dir, tmp_path,
                                                                  endpoint, value, rune_id, message):
    paths = {"tyr": tmp_path / "tyr.png", "white": tmp_path / "white.png", "text": tmp_path / "notes.txt",
             "huge": tmp_path / "huge.png"}
    draw_png("tyr", paths["tyr"])
    Image.new("L", (300, 300), 255).save(paths["white"])
    paths["text"].write_text("not an image")
    huge = Image.new("L", (5000, 300), 255)
    huge.paste(0, (100, 100, 4000, 200))
    huge.save(paths["huge"])
    payload = ({"background": None, "layers": [], "composite": None} if value == "empty" else sketch(paths[value]))
    before = drawings_on_disk(contributed_dir), len(records(contributed_dir))
    answer = client.predict(payload, rune_id, api_name=endpoint)
    status = answer[0] if isinstance(answer, (tuple, list)) else answer
    assert message in html.unescape(status) and "⚠️" in status and "Traceback" not in status
    assert (drawings_on_disk(contributed_dir), len(records(contributed_dir))) == before


def test_correct_with_a_label_outside_the_dropdown_is_refused_by_gradio(client: Client, contributed_dir, tmp_path):
    from gradio_client.exceptions import AppError

    draw_png("tyr", tmp_path / "tyr.png")
    before = drawings_on_disk(contributed_dir), len(records(contributed_dir))
    with pytest.raises(AppError, match="thorn is not in the list of choices"):
        client.predict(sketch(tmp_path / "tyr.png"), "thorn", api_name="/correct")
    assert (drawings_on_disk(contributed_dir), len(records(contributed_dir))) == before


def test_concurrent_contributions_through_the_api(app_url: str, contributed_dir, tmp_path):
    """Several visitors at once: every drawing is stored exactly once, with the right label."""
    runes = ("fe", "isa", "tyr", "hagall", "kaun")
    pngs = {}
    for rune_id in runes:
        pngs[rune_id] = tmp_path / f"{rune_id}.png"
        draw_png(rune_id, pngs[rune_id])
    before_files, before_lines = drawings_on_disk(contributed_dir), len(records(contributed_dir))

    def visitor(index: int) -> list[str]:
        own = Client(app_url, verbose=False)
        labels = []
        for i in range(8):
            rune_id = runes[(index + i) % len(runes)]
            status, _, _ = contribute(own, sketch(pngs[rune_id]), rune_id)
            assert "Saved your" in status, status
            labels.append(rune_id)
        return labels

    with ThreadPoolExecutor(5) as pool:
        sent = [label for labels in pool.map(visitor, range(5)) for label in labels]
    new_files = {k: v for k, v in drawings_on_disk(contributed_dir).items() if k not in before_files}
    new_records = records(contributed_dir)[before_lines:]
    assert len(sent) == 40 and len(new_files) == 40 and len(new_records) == 40
    assert sorted(r["file_name"] for r in new_records) == sorted(new_files)
    assert Counter(r["label"] for r in new_records) == Counter(sent) == Counter(new_files.values())
    for record in new_records:
        assert record["source"] == "prompted" and record["guess"] == record["label"]
        with Image.open(contributed_dir / record["file_name"]) as image:
            image.load()
            assert image.size == (256, 256)
