"""Stroke templates of the Elder Futhark (runes.rows) and drawing any rune or template (runes.sketches).

Shapes are compared at the model's input: `preprocess` to 32x32, ink where > 0.5. Two measures:
- chamfer distance (px): the mean distance from each ink pixel of one image to the nearest ink of the
  other, averaged both ways; small when two drawings lie on top of each other.
- Hausdorff distance (px): the farthest any ink pixel of one lies from the ink of the other; at least a
  stroke's width when one drawing has a stroke the other lacks.
Templates are rendered "clean" (no jitter, wobble, slant or rotation) at a few aspect ratios, as the
generator widens and narrows glyphs too.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import numpy as np
import pytest

from runes import sketches
from runes.alphabet import RUNE_IDS, get_rune
from runes.preprocess import preprocess
from runes.rows import ELDER_RUNES, ELDER_TEMPLATES, ROWS, SHAPES, SHARED_SHAPES
from runes.sketches import (
    STEADY_HAND,
    TOP_GAPS,
    SketchStyle,
    draw_sketch,
    draw_templates,
    forms_grid,
    hand_strokes,
    main,
    preview_grid,
    render_template,
    top_gap,
)
from runes.writing import render_runes

ELDER = {rune.id: rune for rune in ELDER_RUNES}
NEW_SHAPES = [rune for rune in ELDER_RUNES if rune.id not in SHARED_SHAPES]
CLEAN = dataclasses.replace(
    STEADY_HAND, canvas_size=128, height_range=(0.8, 0.8), stroke_width_range=(0.12, 0.12), bold_probability=0.0
)  # a stroke about as wide as Noto Sans Runic's
ASPECTS = (0.7, 0.85, 1.0, 1.15, 1.3)
_GRID = np.stack(np.mgrid[0:32, 0:32], axis=-1).reshape(-1, 2).astype(np.float32)


class _Ink:
    """A 32x32 preprocessed image's ink and, for every pixel, its distance to the nearest ink."""

    def __init__(self, image: np.ndarray) -> None:
        self.mask = preprocess(image)[..., 0] > 0.5
        ink = _GRID[self.mask.reshape(-1)]
        self.distance = np.sqrt(((_GRID[:, None] - ink[None]) ** 2).sum(-1)).min(axis=1).reshape(32, 32)


def chamfer(a: _Ink, b: _Ink) -> float:
    return 0.5 * float(b.distance[a.mask].mean() + a.distance[b.mask].mean())


def hausdorff(a: _Ink, b: _Ink) -> float:
    return float(max(b.distance[a.mask].max(), a.distance[b.mask].max()))


def clean_render(template, aspect: float = 1.0) -> _Ink:
    style = dataclasses.replace(CLEAN, aspect_range=(aspect, aspect))
    return _Ink(render_template(template, np.random.default_rng(0), style))


@functools.cache
def renders(rune_id: str) -> tuple[_Ink, ...]:
    """Every template of an Elder rune, clean, at every aspect in ASPECTS."""
    return tuple(clean_render(t, aspect) for t in ELDER[rune_id].templates for aspect in ASPECTS)


def test_every_elder_rune_has_templates_in_the_unit_box():
    assert len(ELDER_RUNES) == 24
    for rune in ELDER_RUNES:
        assert rune.long_branch_templates and not rune.short_twig_templates, rune.id
        for point in (p for template in rune.templates for stroke in template for p in stroke):
            assert -0.2 <= point[0] <= 1.2 and -0.2 <= point[1] <= 1.2, (rune.id, point)
    assert set(SHARED_SHAPES) | set(ELDER_TEMPLATES) == set(ELDER) and not set(SHARED_SHAPES) & set(ELDER_TEMPLATES)
    for rune_id, templates in ELDER_TEMPLATES.items():
        assert 2 <= len(templates) <= 4, rune_id
    assert not set(ELDER) & set(RUNE_IDS)  # a rune id names one rune, whatever the row


def test_shared_shapes_are_the_younger_templates_themselves():
    assert SHARED_SHAPES == {
        "fehu": "fe",
        "uruz": "ur",
        "thurisaz": "thurs",
        "raido": "reith",
        "naudiz": "nauthr",
        "isaz": "isa",
        "algiz": "mathr",
        "tiwaz": "tyr",
        "berkanan": "bjork",
        "laguz": "logr",
    }
    for elder_id, younger_id in SHARED_SHAPES.items():
        elder, younger = ELDER[elder_id], get_rune(younger_id)
        assert elder.long_branch_templates is younger.long_branch_templates  # the same objects, not copies
        assert all(a is b for a, b in zip(elder.templates, younger.long_branch_templates, strict=True))
        assert elder.name != younger.name  # the rune keeps its own name (and sound, meaning)
    assert ROWS["elder"].glyph("algiz") == "ᛉ" and get_rune("mathr").glyph == "ᛘ"  # one shape, two glyphs
    assert ELDER["berkanan"].templates == get_rune("bjork").long_branch_templates  # ᛒ, not short-twig ᛓ


def test_new_shapes_draw_ink_from_every_template():
    for rune in NEW_SHAPES:
        for index, template in enumerate(rune.templates):
            for seed in range(4):
                sketch = draw_templates((template,), seed)
                assert sketch.dtype == np.uint8 and sketch.ndim == 2, (rune.id, index)
                assert (sketch < 128).sum() > 10, (rune.id, index, seed)
                assert preprocess(sketch).max() == pytest.approx(1.0)
        assert np.array_equal(draw_sketch(rune, 5), draw_sketch(rune, 5))
        assert np.array_equal(draw_sketch(rune, 5), draw_templates(rune.templates, 5))
    with pytest.raises(ValueError, match="No templates"):
        draw_templates((), 1)


def test_drawing_a_younger_rune_by_id_is_unchanged():
    # draw_sketch(id) is what the bundled model was trained from: the seed picks a template, then draws it.
    for rune_id in ("tyr", "fe", "hagall"):
        rune = get_rune(rune_id)
        for seed in range(5):
            rng = np.random.default_rng(seed)
            before = render_template(rune.templates[int(rng.integers(len(rune.templates)))], rng)
            assert np.array_equal(draw_sketch(rune_id, seed), before)
            assert np.array_equal(draw_sketch(rune, seed), before)
    with pytest.raises(KeyError, match="expected one of"):
        draw_sketch("gebo", 1)  # ids are Younger ids; pass the Rune for other rows


def test_the_hand_keeps_what_tells_fe_from_short_twig_bjarkan(monkeypatch):
    """ᚠ's branches reach the top of its stem and ᛓ's twigs stop short of it (sketches.TOP_GAPS): a jittered sketch
    that lost its trait is drawn again, so no generated ᚠ looks like ᛓ or the reverse. Checked on the strokes of a
    hand that does not turn, slant or widen the sketch, where the gap is measured as the template's."""
    upright = dataclasses.replace(SketchStyle(), max_rotation_deg=0, max_slant=0, aspect_range=(1, 1))
    assert set(TOP_GAPS) == {"fe", "bjork-short"}
    for shape, (low, high) in TOP_GAPS.items():
        templates = SHAPES[shape].templates
        gaps = [
            top_gap(hand_strokes(templates[seed % len(templates)], np.random.default_rng(seed), upright))
            for seed in range(400)
        ]
        assert low <= min(gaps) and max(gaps) <= high, (shape, min(gaps), max(gaps))
    # The plain jitter does lose it: a ᚠ whose branch ends level with the stem's top often ends below it.
    fe_level = SHAPES["fe"].templates[0]
    assert top_gap([np.array(stroke) for stroke in fe_level]) == 0
    monkeypatch.setattr(sketches, "TRAIT_TRIES", 1)  # drawn once, as the hand drew before
    plain = [top_gap(hand_strokes(fe_level, np.random.default_rng(seed), upright)) for seed in range(100)]
    assert sum(gap > TOP_GAPS["fe"][1] for gap in plain) >= 20


def test_elder_preview(tmp_path):
    assert preview_grid(2, row="elder").size == (2 * 96, 24 * 96)
    grid = np.asarray(preview_grid(2, row="elder", glyphs=True))
    assert grid.shape == (24 * 96, 3 * 96) and (grid[:96, :96] < 128).any()  # ᚠ in the font, first
    main(["--preview", str(tmp_path / "elder.png"), "--row", "elder", "--per-rune", "1"])
    assert (tmp_path / "elder.png").stat().st_size > 0


def test_forms_preview_shows_every_form_of_every_rune_once(tmp_path):
    grid = np.asarray(forms_grid("younger"))
    fe = get_rune("fe")
    assert grid.shape == (16 * 96, (1 + len(fe.templates)) * 96)  # ᚠ has the most forms, after its one glyph
    as_cells = grid[3 * 96 : 4 * 96]  # ᚬ ᚭ, then its two forms (ᚬ, ᚭ), then the grey ground
    assert all((as_cells[:, c * 96 : (c + 1) * 96] < 128).any() for c in range(4))
    assert not (as_cells[:, 4 * 96 :] < 128).any()
    assert np.asarray(forms_grid("elder")).shape[0] == 24 * 96
    main(["--preview", str(tmp_path / "forms.png"), "--forms", "--row", "short-twig"])
    assert (tmp_path / "forms.png").stat().st_size > 0


def test_elder_shapes_are_pairwise_distinct():
    # Every template has a stroke at least ~a stroke width away from any template of another Elder rune...
    clean = {rune.id: [clean_render(t) for t in rune.templates] for rune in ELDER_RUNES}
    closest = min(
        (hausdorff(x, y), a.id, b.id)
        for a, b in itertools.combinations(ELDER_RUNES, 2)
        for x in clean[a.id]
        for y in clean[b.id]
    )
    assert closest[0] >= 2.5, closest  # 2.8 px: ᚨ ansuz vs ᚹ wunjo
    # ...and the average hand sketches differ clearly: the closest pair of means (ᚨ/ᚹ, ᚠ/ᛚ: 0.071) differ
    # well beyond two means of 200 sketches of the same rune (at most 0.028 apart).
    means = {
        rune.id: np.mean([preprocess(draw_sketch(rune, 50_000 + i)) for i in range(200)], axis=0)
        for rune in ELDER_RUNES
    }
    rms = min((float(np.sqrt(((means[a] - means[b]) ** 2).mean())), a, b) for a, b in itertools.combinations(means, 2))
    assert rms[0] >= 0.06, rms


# The font check below holds for all 14 new shapes. Four shared shapes miss it, because Noto Sans Runic draws
# them otherwise than the Younger templates they reuse (which stay unchanged: the bundled model learned them).
# Four shared shapes are drawn by Noto Sans Runic unlike the Younger templates the bundled model learned, and are
# left out here until issue 11 settles them (benchmarks/bench_font.py measures how the model reads the font):
# ᚠ (Noto's two wide curved branches; chamfer own 1.07 vs ᚹ 0.99), ᚦ (its bump spans most of the stem; own 0.57
# vs ᛈ 0.32), ᛏ (short flat arms; own 0.44 vs ᛉ 0.41), ᛚ (a short branch; own 0.30 vs ᚠ 0.19).
FONT_UNLIKE_TEMPLATES = ("fehu", "thurisaz", "tiwaz", "laguz")


@pytest.mark.parametrize("rune_id", [rune.id for rune in ELDER_RUNES if rune.id not in FONT_UNLIKE_TEMPLATES])
def test_font_glyph_is_closest_to_its_own_templates(rune_id):
    font = _Ink(render_runes(ELDER[rune_id].glyph))
    distance = {other.id: min(chamfer(font, render) for render in renders(other.id)) for other in ELDER_RUNES}
    nearest_other = min((d, other) for other, d in distance.items() if other != rune_id)
    assert distance[rune_id] < nearest_other[0], (distance[rune_id], nearest_other)
