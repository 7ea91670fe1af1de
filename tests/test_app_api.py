"""The app's documented API through gradio_client, against the real running app.

`/predict` and `/read` take an image (a gr.Sketchpad value); `/predict_strokes`, `/read_strokes`, `/contribute`
and `/correct` take a drawing as strokes, as the page's pads send it.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import socket
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image
from rune_strokes import TEST_RUNES, as_quickdraw, draw_png, rune_drawing, strokes_in_box

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
    assert "Traceback" not in card and 'File "' not in card
    return label, card


def assert_recognised(label: dict, card: str, rune_id: str) -> None:
    rune = get_rune(rune_id)
    assert label["label"] == rune.label, label
    confidences = label["confidences"]
    assert 1 <= len(confidences) <= 5
    assert confidences[0]["label"] == rune.label
    assert all(a["confidence"] >= b["confidence"] for a, b in itertools.pairwise(confidences))
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
        assert (
            label["label"] in (DRAW_PROMPT, ERROR_LABEL)
            or len(label["confidences"]) == 5
            or (label["label"] == "Not a rune" and len(label["confidences"]) == 4)
        ), (name, label)
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


# --------------------------------------------------------------------------- strokes and inscriptions (issue 10)


@pytest.mark.parametrize("rune_id", TEST_RUNES)
def test_predict_strokes(client: Client, rune_id: str):
    label, card = client.predict(rune_drawing(rune_id), api_name="/predict_strokes")
    assert_recognised(label, card, rune_id)


def test_readme_strokes_example(client: Client):
    stem, arms = [[192, 192], [40, 340], [0, 300]], [[120, 192, 264], [100, 40, 100], [400, 500, 600]]
    label, card = client.predict({"width": 384, "height": 384, "strokes": [stem, arms]}, api_name="/predict_strokes")
    assert_recognised(label, card, "tyr")


def test_strokes_and_image_of_the_same_drawing_agree(client: Client, tmp_path):
    """The stroke endpoint renders the drawing as the image endpoint reads it: the same top guesses."""
    from runes.strokes import render_strokes

    drawing = rune_drawing("kaun")
    path = tmp_path / "kaun.png"
    Image.fromarray(render_strokes(drawing["strokes"], 384, 384)).save(path)
    by_strokes, _ = client.predict(drawing, api_name="/predict_strokes")
    by_image, _ = call(client, sketch(path))
    assert by_strokes == by_image


def test_read_strokes_and_read_image(client: Client, tmp_path):
    from runes.strokes import render_strokes

    size = 200  # glyphs 160 px tall and at most 90 px wide, 160 px apart: one word
    strokes = [
        as_quickdraw(stroke)
        for index, rune_id in enumerate(("tyr", "ur", "reith"))
        for stroke in strokes_in_box(rune_id, 240 + 160 * index, 50, size)
    ]
    text, boxes = client.predict({"width": 960, "height": 300, "strokes": strokes}, api_name="/read_strokes")
    assert 'data-transliteration="tur"' in text and "ᛏᚢᚱ" in text
    assert len(boxes["annotations"]) == 3
    path = tmp_path / "line.png"
    Image.fromarray(render_strokes(strokes, 960, 300)).save(path)
    text, _ = client.predict(sketch(path), api_name="/read")
    assert 'data-transliteration="tur"' in text


def test_transliterate(client: Client):
    html_text, png = client.predict("Harald", "younger", api_name="/transliterate")
    assert 'data-runes="ᚼᛅᚱᛅᛚᛏ"' in html_text and "ᛏ = d, t" in html_text
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > image.height
    html_text, png = client.predict("Harald", "elder", api_name="/transliterate")
    assert 'data-runes="ᚺᚨᚱᚨᛚᛞ"' in html_text
    html_text, png = client.predict("2024!", "younger", api_name="/transliterate")
    assert "Type a name" in html_text and png is None


def test_read_text(client: Client):
    reading = client.predict("ᚺᛟᚱᚾᚨ ÷ ᛏᚨᚹᛁᛞᛟ", "", api_name="/read_text")  # the Gallehus horn (DR 12)
    assert 'data-transliteration="horna tawido"' in reading and 'data-row="elder"' in reading
    assert "Type or paste runes" in client.predict("", "younger", api_name="/read_text")
    assert "These are no runes: 2 0 4 !" in client.predict("2024!", "younger", api_name="/read_text")


# --------------------------------------------------------------------------- rune rows (issue 11)


def row_drawing(row_id: str, rune_id: str, size: float = 270) -> dict:
    """A 384x384 stroke pad value of a rune of any row, from its first template (glyph 80% of `size` tall)."""
    from runes.rows import ROWS

    height, left = 0.8 * size, (384 - 0.8 * size) / 2
    template = ROWS[row_id].rune(rune_id).long_branch_templates[0]
    return {
        "width": 384,
        "height": 384,
        "strokes": [
            as_quickdraw([(left + x * height, left + y * height) for x, y in stroke], 40 * index)
            for index, stroke in enumerate(template)
        ],
    }


def test_predict_strokes_in_the_elder_row(client: Client):
    label, card = client.predict(row_drawing("elder", "gebo"), "elder", api_name="/predict_strokes")
    assert label["label"] == "ᚷ gebō" and label["confidences"][0]["label"] == "ᚷ gebō", label
    assert 'data-rune="gebo"' in card and 'data-row="elder"' in card and "gift" in card
    label, card = client.predict(row_drawing("elder", "gebo"), api_name="/predict_strokes")  # default: Younger
    assert label["label"] == "Not a Younger Futhark rune", label
    assert "Not a rune of the Younger Futhark: that is <b>ᚷ gebō</b>, from the Elder Futhark." in card
    label, _ = client.predict(rune_drawing("tyr"), "short-twig", api_name="/predict_strokes")
    assert label["label"] == "Not a short-twig rune"  # ᛏ is the long-branch form


def test_a_generated_gebo_image_in_the_elder_row(client: Client, tmp_path):
    from runes.rows import ROWS
    from runes.sketches import draw_sketch

    gebo = ROWS["elder"].runes[6]
    for seed in range(3):
        path = tmp_path / f"gebo-{seed}.png"
        Image.fromarray(draw_sketch(gebo, seed)).save(path)
        label, card = client.predict(sketch(path), "elder", api_name="/predict")
        assert label["label"] == "ᚷ gebō" and 'data-rune="gebo"' in card, (seed, label)


def test_read_strokes_in_a_row(client: Client):
    strokes = [
        as_quickdraw(stroke)
        for index, rune_id in enumerate(("tyr", "ur", "reith"))
        for stroke in strokes_in_box(rune_id, 240 + 160 * index, 50, 200)
    ]
    text, boxes = client.predict({"width": 960, "height": 300, "strokes": strokes}, "elder", api_name="/read_strokes")
    assert 'data-transliteration="tur"' in text and "ᛏᚢᚱ" in text  # tīwaz, ūruz, raidō: the same shapes
    assert [box["label"] for box in boxes["annotations"]] == ["ᛏ t", "ᚢ u", "ᚱ r"]


@pytest.mark.parametrize("row", ["runic", "Elder Futhark", "../elder"])
def test_a_bad_row_gets_a_friendly_message(client: Client, row: str, app_process_alive):
    label, card = client.predict(rune_drawing("tyr"), row, api_name="/predict_strokes")
    assert label["label"] == ERROR_LABEL and "There is no rune row" in html.unescape(card) and "⚠️" in card
    text, boxes = client.predict(rune_drawing("tyr", 960, 300), row, api_name="/read_strokes")
    assert "There is no rune row" in html.unescape(text) and boxes is None
    written, png = client.predict("Harald", row, api_name="/transliterate")
    assert "There is no rune row" in html.unescape(written) and png is None
    for answer in (card, text, written):
        assert "Traceback" not in answer and "KeyError" not in answer and len(answer) < 500
    assert app_process_alive()


BAD_STROKES = {
    "not a dict": "ᛏ",
    "empty": {"width": 384, "height": 384, "strokes": []},
    "a point far away": {"width": 384, "height": 384, "strokes": [[[5000], [5000], [0]]]},
    "text in the numbers": {"width": 384, "height": 384, "strokes": [[["a", "b"], [1, 2], [0, 1]]]},
    "too many strokes": {"width": 384, "height": 384, "strokes": [[[10], [10], [0]]] * 501},
    "too many points": {"width": 384, "height": 384, "strokes": [[[10] * 60_000, [10] * 60_000, [0] * 60_000]]},
    "no size": {"strokes": [[[1, 200], [1, 200], [0, 1]]]},
    "zero size": {"width": 0, "height": 0, "strokes": [[[1, 200], [1, 200], [0, 1]]]},
    "one tap": {"width": 384, "height": 384, "strokes": [[[192], [192], [0]]]},
}


@pytest.mark.parametrize("name", BAD_STROKES)
def test_bad_strokes_get_a_clear_answer_on_every_stroke_endpoint(client: Client, name: str, app_process_alive):
    label, card = client.predict(BAD_STROKES[name], api_name="/predict_strokes")
    text, boxes = client.predict(BAD_STROKES[name], api_name="/read_strokes")
    for html_text in (card, text):
        assert "Traceback" not in html_text and 'File "' not in html_text and len(html_text) < 2000
    if name == "empty":
        assert label["label"] == DRAW_PROMPT and "Write a few runes" in text
    elif name == "one tap":  # a dot is a drawing: some answer, not an error
        assert label["label"] != ERROR_LABEL and "⚠️" not in text
    else:
        assert label["label"] == ERROR_LABEL and "⚠️" in card and "⚠️" in text and boxes is None
    assert app_process_alive()


def test_read_answers_noise_clearly(client: Client, tmp_path):
    """An image of pure noise on /read: a plain-language answer, no internal message."""
    path = tmp_path / "noise.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (300, 960), dtype=np.uint8)).save(path)
    text, _ = client.predict(sketch(path), api_name="/read")
    assert "argmax" not in text and "sequence" not in text and "Traceback" not in text
    assert "can't find any runes" in text or "⚠️" in text


# --------------------------------------------------------------------------- contribute and correct (issue 5)


def contribute(client: Client, value, rune_id: str) -> tuple[str, str, str]:
    status, prompt, next_rune, counts, pad = client.predict(value, rune_id, api_name="/contribute")
    assert "Traceback" not in status and 'File "' not in status
    if "Saved your" not in status:
        return status, "", ""
    assert f'data-rune="{next_rune}"' in prompt and get_rune(next_rune).name in prompt  # the next prompt
    assert pad["strokes"] == []  # the pad is cleared for the next rune
    return status, next_rune, counts


def drawings_on_disk(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.parent.name for p in folder.glob("*/*.png")}


def records(folder) -> list[dict]:
    path = folder / "metadata.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_api_lists_every_endpoint(client: Client):
    info = client.view_api(print_info=False, return_format="dict")
    assert {"/predict", "/predict_strokes", "/read", "/read_strokes", "/contribute", "/correct"} <= set(
        info["named_endpoints"]
    )


def test_contribute_stores_the_drawing_and_prompts_the_least_collected(client: Client, contributed_dir):
    drawing = rune_drawing("ur")
    before = drawings_on_disk(contributed_dir)
    status, next_rune, counts = contribute(client, drawing, "ur")
    assert "Saved your ᚢ úr" in status
    new = set(drawings_on_disk(contributed_dir)) - set(before)
    assert len(new) == 1 and new.pop().startswith("ur/")
    record = [r for r in records(contributed_dir) if r["label"] == "ur"][-1]
    assert record["source"] == "prompted" and record["guess"] == "ur" and record["model_version"]
    assert (record["width"], record["height"]) == (384, 384) and record.get("flag") is None
    assert record["strokes"] == drawing["strokes"]  # the strokes are kept, QuickDraw style
    counted = {r["label"]: 0 for r in records(contributed_dir)}
    for r in records(contributed_dir):
        counted[r["label"]] += 1
    fewest = min(counted.get(rune_id, 0) for rune_id in RUNE_IDS)
    assert next_rune in RUNE_IDS and counted.get(next_rune, 0) == fewest  # least collected first
    assert f'data-rune="ur" data-count="{counted["ur"]}"' in counts


def test_correction_stores_the_right_label_and_the_models_guess(client: Client, contributed_dir):
    answer = client.predict(rune_drawing("tyr"), "isa", api_name="/correct")  # the visitor says it was ᛁ
    assert "Saved as ᛁ íss" in answer and "the model said ᛏ týr" in answer
    record = records(contributed_dir)[-1]
    assert record["label"] == "isa" and record["source"] == "correction" and record["guess"] == "tyr"
    assert record["flag"] is None  # a correction disagrees with the model by design: not flagged for that
    assert (contributed_dir / record["file_name"]).is_file()


def test_junk_contributions_are_flagged_not_trusted(client: Client, contributed_dir):
    rng = np.random.default_rng(3)
    noise = [as_quickdraw([tuple(p) for p in rng.uniform(20, 364, (12, 2))]) for _ in range(6)]
    status, _, _ = contribute(client, {"width": 384, "height": 384, "strokes": noise}, "tyr")
    assert "Saved your ᛏ týr" in status and "kept aside" in status
    assert records(contributed_dir)[-1]["flag"] == "not_a_rune"
    status, _, _ = contribute(client, rune_drawing("hagall"), "tyr")  # a clear ᚼ sent as ᛏ
    assert "The model read ᚼ hagall" in status and "kept aside" in status
    assert records(contributed_dir)[-1]["flag"] == "other_rune"


BAD_DRAWINGS = {
    "empty": {"width": 384, "height": 384, "strokes": []},
    "dot far away": {"width": 384, "height": 384, "strokes": [[[5000], [5000], [0]]]},
    "not strokes": {"width": 384, "height": 384, "strokes": "ᛏ"},
    "no canvas": {"strokes": [[[1, 2], [1, 2], [0, 1]]]},
    "uneven": {"width": 384, "height": 384, "strokes": [[[1, 2, 3], [1, 2], [0, 1]]]},
    "huge canvas": {"width": 100_000, "height": 384, "strokes": [[[1, 2], [1, 2], [0, 1]]]},
    "an image": {"background": None, "layers": [], "composite": None},
}


@pytest.mark.parametrize(
    "endpoint, value, rune_id, message",
    [
        ("/contribute", "empty", "fe", "The canvas is empty: draw ᚠ fé first."),
        ("/contribute", "tyr", "../fe", "Unknown rune"),
        ("/contribute", "tyr", "", "Pick the rune you drew"),
        ("/contribute", "dot far away", "fe", "lies far outside the 384x384 canvas"),
        ("/contribute", "not strokes", "fe", "Strokes must be a list"),
        ("/contribute", "no canvas", "fe", 'Send a drawing as {"width": W, "height": H, "strokes"'),
        ("/contribute", "uneven", "fe", "needs as many xs, ys and ts"),
        ("/contribute", "huge canvas", "fe", "The canvas must be 1 to 2048 whole pixels a side, got 100000x384"),
        ("/contribute", "an image", "fe", "Send a drawing as"),
        ("/correct", "empty", "fe", "The canvas is empty: draw ᚠ fé first."),
        ("/correct", "tyr", None, "Pick the rune you drew from the list first."),
    ],
)
def test_contribute_and_correct_refuse_bad_input_without_writing(
    client: Client, contributed_dir, endpoint, value, rune_id, message
):
    payload = rune_drawing("tyr") if value == "tyr" else BAD_DRAWINGS[value]
    before = drawings_on_disk(contributed_dir), len(records(contributed_dir))
    answer = client.predict(payload, rune_id, api_name=endpoint)
    status = answer[0] if isinstance(answer, (tuple, list)) else answer
    assert message in html.unescape(status) and "⚠️" in status and "Traceback" not in status
    assert (drawings_on_disk(contributed_dir), len(records(contributed_dir))) == before


def test_correct_with_a_label_outside_the_dropdown_is_refused_by_gradio(client: Client, contributed_dir, tmp_path):
    from gradio_client.exceptions import AppError

    before = drawings_on_disk(contributed_dir), len(records(contributed_dir))
    with pytest.raises(AppError, match="thorn is not in the list of choices"):
        client.predict(rune_drawing("tyr"), "thorn", api_name="/correct")
    assert (drawings_on_disk(contributed_dir), len(records(contributed_dir))) == before


def test_a_flood_of_contributions_from_one_visitor_is_slowed_with_a_friendly_message(app_url: str, contributed_dir):
    from ui.ratelimit import SLOW_DOWN

    flooder = Client(app_url, verbose=False)  # one visitor (one session) sending as fast as it can
    before = len(drawings_on_disk(contributed_dir))
    answers = [contribute(flooder, rune_drawing("tyr"), "tyr")[0] for _ in range(30)]
    saved = [a for a in answers if "Saved your" in a]
    slowed = [a for a in answers if "Please slow down" in a]
    assert len(saved) + len(slowed) == 30 and len(slowed) >= 5, answers
    assert SLOW_DOWN in html.unescape(slowed[0]) and "⚠️" in slowed[0] and "Error" not in slowed[0]
    assert len(drawings_on_disk(contributed_dir)) == before + len(saved)  # a slowed call writes nothing
    # corrections share the limit (refilled at one save per 2 s: of 10 sent back to back, most are slowed)
    corrections = [flooder.predict(rune_drawing("tyr"), "isa", api_name="/correct") for _ in range(10)]
    assert sum("Please slow down" in answer for answer in corrections) >= 5, corrections
    other, _, _ = contribute(Client(app_url, verbose=False), rune_drawing("fe"), "fe")  # another visitor is not
    assert "Saved your" in other


def test_rate_limit_per_session_and_per_address():
    from types import SimpleNamespace

    from ui.ratelimit import Bucket, RateLimit

    now = [0.0]
    limit = RateLimit(per_session=Bucket(3, 2.0), per_address=Bucket(5, 1.0), clock=lambda: now[0])

    def visitor(session: str, host: str = "10.0.0.1") -> SimpleNamespace:
        return SimpleNamespace(session_hash=session, client=SimpleNamespace(host=host))

    assert [limit.allow(visitor("a")) for _ in range(4)] == [True, True, True, False]  # a burst of 3 a session
    assert [limit.allow(visitor("b")) for _ in range(3)] == [True, True, False]  # the address's 5 are used up
    assert limit.allow(visitor("c", host="10.0.0.2"))  # another address has its own
    now[0] += 2.0  # two seconds: one token more for the session, two for the address
    assert limit.allow(visitor("a")) and not limit.allow(visitor("a")) and limit.allow(visitor("b"))
    assert not limit.allow(visitor("d"))  # a fresh session on a busy address waits too


def test_a_full_store_and_a_hurried_visitor_are_told_in_plain_words(tmp_path):
    """In-process, with a stand-in recognizer: the Contribute and correction handlers over a store with a tiny quota."""
    from types import SimpleNamespace

    from runes.store import DrawingStore
    from ui.contributing import Contributions
    from ui.ratelimit import SLOW_DOWN, Bucket, RateLimit

    reads_tyr = SimpleNamespace(
        predict=lambda image: SimpleNamespace(is_rune=True, rune="tyr", confidence=0.99, bluetooth=False)
    )
    contributions = Contributions(DrawingStore(tmp_path, quota_bytes=6_000), reads_tyr, "m1", "")
    statuses = [contributions.contribute(rune_drawing("tyr"), "tyr")[0] for _ in range(6)]
    saved = sum("Saved your" in status for status in statuses)
    assert 1 <= saved < 6 and all("Saved your" in status for status in statuses[:saved])
    for status in [*statuses[saved:], contributions.correct(rune_drawing("tyr"), "isa")]:
        assert "The collection is full for now" in html.unescape(status) and "⚠️" in status
        assert "Error" not in status and "Traceback" not in status
    assert len(records(tmp_path)) == saved

    contributions = Contributions(DrawingStore(tmp_path / "roomy"), reads_tyr, "m1", "")
    contributions.limit = RateLimit(per_session=Bucket(2, 60.0), per_address=Bucket(100, 1.0))
    visitor = SimpleNamespace(session_hash="s1", client=SimpleNamespace(host="10.0.0.1"))
    answers = [contributions.correct(rune_drawing("tyr"), "isa", visitor) for _ in range(3)]  # as Gradio calls it
    assert ["Thanks!" in a for a in answers] == [True, True, False] and SLOW_DOWN in html.unescape(answers[2])
    assert len(records(tmp_path / "roomy")) == 2


def test_concurrent_contributions_through_the_api(app_url: str, contributed_dir):
    """Several visitors at once: every drawing is stored exactly once, with the right label."""
    runes = ("fe", "isa", "tyr", "hagall", "kaun")
    before_files, before_lines = drawings_on_disk(contributed_dir), len(records(contributed_dir))

    def visitor(index: int) -> list[str]:
        own = Client(app_url, verbose=False)
        labels = []
        for i in range(8):
            rune_id = runes[(index + i) % len(runes)]
            status, _, _ = contribute(own, rune_drawing(rune_id), rune_id)
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
            assert image.size == (384, 384)


def test_the_traffic_summary_is_off_unless_asked_for(app_url: str):
    """Gradio's /monitoring pages say nothing about the visitors unless RUNES_MONITORING=1."""
    import urllib.error
    import urllib.request

    for path in ("monitoring/summary", "monitoring"):
        try:
            with urllib.request.urlopen(app_url + path, timeout=30) as response:
                body, status = response.read().decode(), response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode(), error.code
        assert status == 403 and "functions" not in body, (path, status, body[:200])


@pytest.mark.parametrize("value", ["hello", 5, {"background": 5}, {"composite": "not a file"}, {"layers": "x"}])
def test_an_image_value_gradio_cannot_read_is_answered_in_words(client: Client, value):
    """Values Gradio's own check of a sketchpad refuses ({"error": null} before) reach the handlers' answer."""
    labels, card = client.predict(value, "younger", api_name="/predict")
    assert labels["label"] == "Can't read that" and "not an image I can read" in card
    text, boxes = client.predict(value, "younger", api_name="/read")
    assert "not an image I can read" in text and boxes is None


def test_a_lone_surrogate_in_a_name_is_no_letter(app_url: str):
    """JSON may carry a lone surrogate (\\udcff) that Python cannot encode: the name tab writes the rest."""
    import urllib.request

    body = b'{"data": ["Har\\udcffald", "younger"]}'  # the escape as JSON sends it (a client library refuses to)
    request = urllib.request.Request(
        app_url + "gradio_api/call/transliterate", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{app_url}gradio_api/call/transliterate/{event_id}", timeout=60) as response:
        stream = response.read().decode()
    assert "event: complete" in stream, stream[:500]
    html_text, png = json.loads(stream.split("data: ", 1)[1])
    assert 'data-runes="ᚼᛅᚱᛅᛚᛏ"' in html_text and png is not None, html_text


def test_the_row_choice_event_answers_a_row_that_is_not_offered():
    from runes.rows import DEFAULT_ROW
    from ui import cards, reading

    strip = reading.reference(DEFAULT_ROW)
    assert strip("elder") == cards.reference_strip("elder")
    assert strip("nope") == strip("") == strip(None) == cards.reference_strip(DEFAULT_ROW)  # not a KeyError


# --------------------------------------------------------------------------- bounded work per request (issue 17)


@pytest.mark.parametrize("value", [1e300, 10**400, -1], ids=["1e300", "400 digits", "negative"])
def test_absurd_timestamps_are_answered_in_plain_words(client: Client, value, app_process_alive):
    rune, line = rune_drawing("tyr"), rune_drawing("tyr", 960, 300)
    rune["strokes"][0][2][-1] = line["strokes"][0][2][-1] = value
    label, card = client.predict(rune, api_name="/predict_strokes")
    text, boxes = client.predict(line, api_name="/read_strokes")
    assert label["label"] == ERROR_LABEL and boxes is None
    for answer in (html.unescape(card), html.unescape(text)):
        assert "stroke 1: ts must" in answer and "Something went wrong" not in answer and "Error" not in answer
    assert app_process_alive()


def raw_post(url: str, path: str, head: dict[str, str], body: list[bytes]) -> tuple[int, bytes]:
    """POST `body` as it is (its chunks already framed if chunked) and read the answer's status and body."""
    host, port = url.split("//")[1].strip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        lines = [f"POST /{path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
        sock.sendall(("\r\n".join([*lines, *(f"{k}: {v}" for k, v in head.items())]) + "\r\n\r\n").encode())
        with contextlib.suppress(OSError):  # the server may answer (and close) before all of it is sent
            for part in body:
                sock.sendall(part)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 20:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("path", ["gradio_api/call/predict_strokes", "gradio_api/queue/join"])
def test_an_oversized_body_is_refused_before_it_is_read(app_url: str, path: str, app_process_alive):
    """50 MB announced and 64 kB sent: 413 at once (on main the whole body was read and parsed: 4-5 s, +450 MB)."""
    status, body = raw_post(app_url, path, {"Content-Length": "50000000"}, [b'{"data": [' + b" " * 65_536])
    assert status == 413 and b"That request is too large: at most 1 MB can be sent" in body
    assert app_process_alive()


def test_an_oversized_chunked_body_without_a_length_is_refused_too(app_url: str, app_process_alive):
    chunk = b" " * 65_536
    framed = [b"1\r\n{\r\n", *[b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 20, b"0\r\n\r\n"]  # 1.3 MB, no length
    status, body = raw_post(app_url, "gradio_api/call/predict_strokes", {"Transfer-Encoding": "chunked"}, framed)
    assert status == 413 and b"too large" in body
    assert app_process_alive()


def test_a_normal_chunked_request_is_still_answered(app_url: str):
    payload = json.dumps({"data": [rune_drawing("tyr"), "younger"]}).encode()
    framed = [b"%x\r\n%s\r\n" % (len(payload), payload), b"0\r\n\r\n"]
    status, body = raw_post(app_url, "gradio_api/call/predict_strokes", {"Transfer-Encoding": "chunked"}, framed)
    assert status == 200 and b"event_id" in body
