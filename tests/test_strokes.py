"""runes.strokes: QuickDraw-style strokes checked, rendered with a round pen, and read by the bundled model."""

from __future__ import annotations

import numpy as np
import pytest

from runes import RUNE_IDS, Recognizer, get_rune, preprocess
from runes.strokes import (
    DEFAULT_STROKE_WIDTH,
    MAX_POINTS,
    MAX_STROKES,
    MAX_TIME_MS,
    InvalidStrokesError,
    check_strokes,
    fit_strokes,
    render_strokes,
)

CANVAS = 384


def template_strokes(rune_id: str, size: int = CANVAS, box: float = 0.7) -> list[list[list[float]]]:
    """The rune's first long-branch template scaled into a centred square box of `box` * size, as strokes
    [[xs, ys, ts], ...] with 10 ms between points and 300 ms between strokes."""
    side = box * size
    origin = (size - side) / 2
    strokes = []
    for index, stroke in enumerate(get_rune(rune_id).long_branch_templates[0]):
        strokes.append(
            [
                [origin + x * side for x, _ in stroke],
                [origin + y * side for _, y in stroke],
                [300 * index + 10 * i for i in range(len(stroke))],
            ]
        )
    return strokes


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer.load()


# --------------------------------------------------------------------------- checking


def test_check_returns_a_float_copy_with_times_filled_in():
    strokes = [([10, 20.5], (30, 40), [0, 16]), [[5], [6]]]  # tuples, ints, a stroke without times
    checked = check_strokes(strokes, np.int64(100), 100)  # numpy integers are sizes too
    assert checked == [[[10.0, 20.5], [30.0, 40.0], [0.0, 16.0]], [[5.0], [6.0], [0.0]]]
    assert all(isinstance(v, float) for stroke in checked for values in stroke for v in values)
    checked[0][0][0] = 99.0
    assert strokes[0][0][0] == 10  # a copy: the caller's lists are untouched
    assert check_strokes([], 100, 100) == []
    assert check_strokes([[[-30, 130], [-5, 105], [0, 1]]], 100, 100)  # a pen slipping off the pad is fine


@pytest.mark.parametrize(
    "strokes, width, height, message",
    [
        ("M 0 0 L 10 10", 100, 100, "Strokes must be a list of [xs, ys, ts] lists, got text"),
        ({"xs": [1]}, 100, 100, "Strokes must be a list of [xs, ys, ts] lists, got an object"),
        ([[[1, 2]]], 100, 100, "Stroke 1 must be [xs, ys, ts]"),
        ([[[1], [2], [3], [4]]], 100, 100, "Stroke 1 must be [xs, ys, ts]"),
        ([[[1], [2], [0]], "x"], 100, 100, "Stroke 2 must be [xs, ys, ts]"),
        ([[5, [2], [0]]], 100, 100, "stroke 1: xs must be a list of numbers, got a number"),
        ([[["a"], [2], [0]]], 100, 100, "stroke 1: xs must hold finite numbers, got 'a'"),
        ([[[1], [float("nan")], [0]]], 100, 100, "stroke 1: ys must hold finite numbers, got 'nan'"),
        ([[[1], [2], [float("inf")]]], 100, 100, "stroke 1: ts must hold finite numbers, got 'inf'"),
        ([[[True], [2], [0]]], 100, 100, "stroke 1: xs must hold finite numbers, got 'True'"),
        ([[[1], [2], [10**400]]], 100, 100, "stroke 1: ts must hold finite numbers, got a 401-digit number"),
        ([[[-(10**400)], [2], [0]]], 100, 100, "stroke 1: xs must hold finite numbers, got a 401-digit number"),
        ([[[1], [2], [1e300]]], 100, 100, "stroke 1: ts must be milliseconds from the first point, 0 to 86400000"),
        ([[[1, 2], [2, 2], [0, -5]]], 100, 100, "0 to 86400000 (a day), got -5"),
        ([[[1], [2], [MAX_TIME_MS + 1]]], 100, 100, "(a day), got 86400001"),
        (
            [[[1, 2], [2], [0, 1]]],
            100,
            100,
            "Stroke 1 needs as many xs, ys and ts and at least one point (got 2, 1, 2)",
        ),
        ([[[], [], []]], 100, 100, "at least one point (got 0, 0, 0)"),
        ([[[1], [2], [0]]] * (MAX_STROKES + 1), 100, 100, f"has {MAX_STROKES + 1} strokes; at most {MAX_STROKES}"),
        ([[[1.0] * (MAX_POINTS + 1), [2.0], [0.0]]], 100, 100, f"over {MAX_POINTS} points"),
        ([[[1, 5000], [2, 2], [0, 1]]], 100, 100, "Stroke 1 lies far outside the 100x100 canvas"),
        ([[[1], [-300], [0]]], 100, 100, "lies far outside"),
        ([[[1], [2], [0]]], 0, 100, "The canvas must be 1 to 4096 whole pixels a side, got 0x100"),
        ([[[1], [2], [0]]], 100, 5000, "got 100x5000"),
        ([[[1], [2], [0]]], 100.0, 100, "got 100.0x100"),
        ([[[1], [2], [0]]], True, 100, "got Truex100"),
    ],
)
def test_bad_strokes_are_refused_with_a_message_that_says_what_was_wrong(strokes, width, height, message):
    with pytest.raises(InvalidStrokesError) as raised:
        check_strokes(strokes, width, height)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError) and len(str(raised.value)) < 200


def test_callers_may_set_lower_caps_on_canvas_strokes_and_points():
    one = [[[1.0, 2.0], [2.0, 3.0], [0.0, 10.0]]]
    assert check_strokes(one * 3, 600, 600, max_side=600, max_strokes=3, max_points=6) == one * 3
    for caps, message in (
        ({"max_side": 599}, "1 to 599 whole pixels a side, got 600x600"),
        ({"max_strokes": 2}, "has 3 strokes; at most 2 are read"),
        ({"max_points": 5}, "over 5 points"),
    ):
        with pytest.raises(InvalidStrokesError, match=message):
            check_strokes(one * 3, 600, 600, **caps)


# --------------------------------------------------------------------------- rendering


def test_a_canvas_larger_than_the_render_side_is_drawn_scaled_down_like_the_full_picture():
    strokes = check_strokes(template_strokes("tyr", 2048), 2048, 2048)
    fitted, width, height, pen = fit_strokes(strokes, 2048, 2048, 512)
    assert (width, height, pen) == (512, 512, DEFAULT_STROKE_WIDTH / 4)
    small = render_strokes(fitted, width, height, pen)
    full = render_strokes(strokes, 2048, 2048, DEFAULT_STROKE_WIDTH)  # the same picture, 16 times the pixels
    shrunk = full.reshape(512, 4, 512, 4).mean(axis=(1, 3))
    assert small.shape == (512, 512) and np.abs((small < 128).mean() - (shrunk < 128).mean()) < 0.002
    assert np.abs(preprocess(small) - preprocess(full)).mean() < 0.02  # the model's 32x32 input: nearly the same
    assert fitted[0][2] == strokes[0][2]  # times kept
    assert fit_strokes(strokes, 384, 384, 512) == (strokes, 384, 384, DEFAULT_STROKE_WIDTH)  # a pad that fits: as is
    wide = fit_strokes(strokes, 4096, 300, 1024)
    assert wide[1:3] == (1024, 75)


def test_a_horizontal_stroke_inks_its_row_with_the_pen_width():
    image = render_strokes(check_strokes([[[50, 300], [100, 100], [0, 120]]], CANVAS, 256), CANVAS, 256)
    assert image.dtype == np.uint8 and image.shape == (256, CANVAS)
    ink = image < 128
    rows = np.flatnonzero(ink[:, 175])
    assert len(rows) == DEFAULT_STROKE_WIDTH and rows[0] <= 100 <= rows[-1]  # the pen's width, on that row
    assert np.array_equal(ink.any(axis=1), np.isin(np.arange(256), rows))  # caps no fatter than the line
    cols = np.flatnonzero(ink.any(axis=0))
    assert 50 - DEFAULT_STROKE_WIDTH / 2 <= cols[0] < 50 and 300 < cols[-1] <= 300 + DEFAULT_STROKE_WIDTH / 2
    assert set(np.unique(image)) <= {0, 255} and image[0].min() == 255  # black ink on white, nothing else


def test_a_single_tap_is_a_round_dot_of_the_pen_width():
    ink = render_strokes([[[200.0], [120.0], [0.0]]], CANVAS, CANVAS) < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    assert len(rows) == len(cols) == DEFAULT_STROKE_WIDTH
    assert rows[0] <= 120 <= rows[-1] and cols[0] <= 200 <= cols[-1]
    assert not ink[rows[0], cols[0]] and ink[(rows[0] + rows[-1]) // 2, (cols[0] + cols[-1]) // 2]  # round
    assert np.pi / 4 * DEFAULT_STROKE_WIDTH**2 * 0.7 < ink.sum() < DEFAULT_STROKE_WIDTH**2
    thin = render_strokes([[[10.0], [10.0], [0.0]]], 40, 40, stroke_width=1) < 128
    assert thin.sum() == 1 and thin[10, 10]


def test_no_strokes_render_blank_and_strokes_off_the_pad_are_clipped():
    assert (render_strokes([], 64, 48) == 255).all() and render_strokes([], 64, 48).shape == (48, 64)
    image = render_strokes(check_strokes([[[-20, 84], [24, 24], [0, 50]]], 64, 48), 64, 48)
    ink = image < 128
    assert ink[24, 0] and ink[24, 63] and image.shape == (48, 64)


@pytest.mark.parametrize("rune_id", RUNE_IDS)
def test_rendered_template_strokes_are_read_by_the_bundled_model(recognizer, rune_id):
    strokes = check_strokes(template_strokes(rune_id), CANVAS, CANVAS)
    image = render_strokes(strokes, CANVAS, CANVAS)
    prediction = recognizer.predict_preprocessed([preprocess(image)])[0]
    assert prediction.rune == rune_id and prediction.is_rune and prediction.confidence > 0.9
