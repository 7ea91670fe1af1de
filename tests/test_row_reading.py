"""Reading in rune rows: shapes shared between rows, `predict(image, row=...)`, `read`, `evaluate --row`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from runes import Recognizer
from runes.alphabet import RUNE_IDS
from runes.evaluate import evaluate_folder, evaluate_nonrunes
from runes.evaluate import main as evaluate_main
from runes.rows import ROW_IDS, ROWS, SHAPE_IDS, SHAPES, SHORT, get_row, row_of_shape
from runes.sketches import draw_sketch, draw_templates

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_RUNES = SHARED / "real-runes" / "dev"
NONRUNES = SHARED / "nonrunes" / "dev"
ELDER = {rune.id: rune for rune in ROWS["elder"].runes}


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.load()


def test_every_shape_is_one_class_read_by_each_row_as_its_own_rune():
    assert len(SHAPE_IDS) == len(set(SHAPE_IDS)) == 16 + 7 + 14
    assert SHAPE_IDS[:16] == RUNE_IDS  # the Younger long-branch forms keep their rune ids (older models' labels)
    assert ROWS["elder"].shapes["mathr"] == "algiz" and ROWS["younger"].shapes["mathr"] == "mathr"
    assert ROWS["younger"].shapes["tyr-short"] == "tyr" and ROWS["younger"].shapes["tyr"] == "tyr"
    assert not any(shape.endswith(SHORT) for shape in ROWS["long-branch"].shapes)
    assert "tyr" not in ROWS["short-twig"].shapes and ROWS["short-twig"].shapes["fe"] == "fe"
    assert set(ROWS["elder"].shapes.values()) == set(ELDER) and len(ROWS["elder"].shapes) == 24
    for row in ROWS.values():  # every rune of a row has a shape, but ᛌ and ᛧ in the short-twig row
        lone = {"sol", "yr"} if row.id == "short-twig" else set()
        assert {rune.id for rune in row.runes} - set(row.shapes.values()) == lone, row.id
    assert row_of_shape("gebo")[0].id == "elder" and row_of_shape("tyr-short") == (ROWS["short-twig"], "tyr")
    assert row_of_shape("as")[0].id == "long-branch"
    assert ROWS["short-twig"].label("tyr") == "ᛐ týr" and SHAPES["bjork-short"].glyph == "ᛓ"
    with pytest.raises(KeyError, match="has no rune 'gebo'"):
        ROWS["younger"].rune("gebo")


def test_bundled_model_reads_every_row(recognizer):
    assert recognizer.rows == list(ROW_IDS) and recognizer.rune_labels == list(SHAPE_IDS)
    for row in ROW_IDS:
        prediction = recognizer.predict(draw_sketch("tyr", seed=3), row=row)
        assert prediction.row == row and list(prediction.probabilities) == recognizer.row_runes(row)
        assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="There is no rune row 'runic' here: choose one of younger, long-branch"):
        recognizer.predict(draw_sketch("tyr", seed=3), row="runic")


def test_an_elder_rune_is_read_in_the_elder_row_and_named_from_the_younger(recognizer):
    gebo = [draw_sketch(ELDER["gebo"], seed) for seed in range(5)]
    for sketch in gebo:
        elder = recognizer.predict(sketch, row="elder")
        assert (elder.rune, elder.label, elder.is_rune) == ("gebo", "ᚷ gebō", True)
        younger = recognizer.predict(sketch)
        assert not younger.is_rune and younger.elsewhere == ("elder", "gebo"), younger
    othala = recognizer.predict(draw_sketch(ELDER["othala"], 1), row="elder")
    assert othala.label == "ᛟ ōþala" and othala.name == "ōþala"


def test_a_shared_shape_is_each_rows_own_rune(recognizer):
    sketch = draw_templates(SHAPES["mathr"].templates, 4)  # ᛘ maðr is ᛉ algiz
    younger, elder = recognizer.predict(sketch), recognizer.predict(sketch, row="elder")
    assert (younger.rune, younger.glyph, younger.is_rune) == ("mathr", "ᛘ", True)
    assert (elder.rune, elder.glyph, elder.is_rune) == ("algiz", "ᛉ", True)
    assert younger.shape == elder.shape == "mathr"
    assert younger.confidence == pytest.approx(elder.confidence, abs=0.05)


def test_short_twig_forms_are_younger_runes_but_not_long_branch_ones(recognizer):
    tyr_short = [draw_templates(SHAPES["tyr-short"].templates, seed) for seed in range(10)]
    younger = [recognizer.predict(sketch) for sketch in tyr_short]
    assert all((p.rune, p.glyph, p.shape) == ("tyr", "ᛐ", "tyr-short") for p in younger)
    assert sum(p.is_rune for p in younger) >= 9  # generated runes: 99.5% are accepted (the calibration)
    assert all(recognizer.predict(sketch, row="short-twig").label == "ᛐ týr" for sketch in tyr_short)
    long_branch = [recognizer.predict(sketch, row="long-branch") for sketch in tyr_short]
    assert not any(p.is_rune for p in long_branch)
    assert sum(p.elsewhere == ("short-twig", "tyr") for p in long_branch) >= 9


def _stroke(top: float, bottom: float, size: int = 200) -> np.ndarray:
    image = Image.new("L", (size, size), 255)
    ImageDraw.Draw(image).line([(size / 2, top * size), (size / 2, bottom * size)], fill=0, width=8)
    return np.asarray(image)


def test_a_lone_short_stroke_is_sol_or_yr_by_its_place_in_the_short_twig_row(recognizer):
    high, low, tall = _stroke(0.1, 0.4), _stroke(0.6, 0.9), _stroke(0.1, 0.9)
    assert recognizer.predict(high, row="short-twig").label == "ᛌ sól"
    assert recognizer.predict(low, row="short-twig").label == "ᛧ yr"
    assert recognizer.predict(tall, row="short-twig").label == "ᛁ íss"
    for row in ("younger", "long-branch", "elder"):  # a lone sketch: only the short-twig row has no long ᛋ ᛦ
        assert recognizer.predict(high, row=row).rune in ("isa", "isaz")


def test_read_an_inscription_in_the_elder_row(recognizer):
    runes = [ELDER[rune_id] for rune_id in ("gebo", "othala", "tiwaz")]
    sketches = [draw_sketch(rune, seed) for rune, seed in zip(runes, (2, 3, 4), strict=True)]
    line = np.full((96, 300), 255, np.uint8)
    x = 20
    for sketch in sketches:  # each sketch cropped to its ink, scaled to one line height, 14 px apart
        ink = np.argwhere(sketch < 128)
        (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0) + 1
        crop = Image.fromarray(sketch[top:bottom, left:right])
        crop = np.asarray(crop.resize((max(1, round(crop.width * 70 / crop.height)), 70)))
        line[13:83, x : x + crop.shape[1]] = np.minimum(line[13:83, x : x + crop.shape[1]], crop)
        x += crop.shape[1] + 14
    reading = recognizer.read(line, row="elder")
    assert [r.rune for r in reading.runes] == ["gebo", "othala", "tiwaz"], reading
    assert reading.text == "ᚷᛟᛏ" and reading.transliteration == "got" and {r.row for r in reading.runes} == {"elder"}


@pytest.mark.skipif(not REAL_RUNES.is_dir(), reason="needs ../shared/real-runes/dev beside the repo")
def test_real_drawings_and_rejection_per_row(recognizer):
    younger = evaluate_folder(REAL_RUNES, recognizer)
    assert younger.total == 138 and younger.accuracy >= 0.99 and younger.acceptance >= 0.99, younger.confused_pairs()
    long_branch = evaluate_folder(REAL_RUNES, recognizer, "long-branch")
    assert long_branch.accuracy >= 0.99 and long_branch.acceptance >= 0.99
    rejection = evaluate_nonrunes(NONRUNES, recognizer, row="long-branch")
    assert rejection.total > 2000 and rejection.rejection >= 0.95
    # The Elder row reads the drawings of the ten shapes it shares (DIR/<shape id> is read as the row's rune).
    elder = evaluate_folder(REAL_RUNES, recognizer, "elder")
    assert 0 < elder.total < 138 and elder.accuracy >= 0.95
    # The short-twig row: the long-branch drawings of the 7 runes whose two forms are one shape.
    short_twig = evaluate_folder(REAL_RUNES, recognizer, "short-twig", shape_folders_only=True)
    assert short_twig.total == sum(
        len(list((REAL_RUNES / name).glob("*.png"))) for name in ("fe", "ur", "thurs", "reith", "kaun", "isa", "logr")
    )
    assert short_twig.accuracy >= 0.95


def test_evaluate_folder_reads_each_drawing_as_transformed(tmp_path, recognizer):
    (tmp_path / "gebo").mkdir()
    for seed in range(3):
        Image.fromarray(draw_sketch(ELDER["gebo"], seed)).save(tmp_path / "gebo" / f"{seed}.png")
    seen = []

    def blank_the_second(image: Image.Image) -> Image.Image:
        seen.append(image.size)
        return Image.new("L", image.size, 255) if len(seen) == 2 else image

    report = evaluate_folder(tmp_path, recognizer, "elder", transform=blank_the_second)
    assert len(seen) == 3 and report.empty == ["gebo/1.png"] and report.total == 3
    assert report.accuracy == pytest.approx(2 / 3)  # the blanked one counts as a miss


def test_evaluate_cli_takes_a_row(tmp_path, capsys):
    for seed in range(3):
        (tmp_path / "gebo").mkdir(exist_ok=True)
        Image.fromarray(draw_sketch(ELDER["gebo"], seed)).save(tmp_path / "gebo" / f"{seed}.png")
    assert evaluate_main([str(tmp_path), "--row", "elder"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == "accuracy: 1.0000 (n=3)"
    assert evaluate_main([str(tmp_path), "--row", "nordic"]) == 2
    assert "There is no rune row 'nordic' here" in capsys.readouterr().err
    assert get_row("elder").glyph("gebo") == "ᚷ"
