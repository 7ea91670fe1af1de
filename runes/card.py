"""The model card (README.md) of a model folder: one writer, used when training and when publishing.

    write_model_folder(out, model, config, metrics)   # runes.train and runes.teach: the whole folder, card and web/ included
    model_card(config, metrics)                 # the card alone (+ lines=lines.json: its line reader's section)
    model_card(config, metrics, "owner/name")   # runes.hub push uploads it, naming the repo it goes to
    python -m runes.card MODEL_DIR              # rewrite MODEL_DIR/README.md from its config.json + metrics.json

`config` and `metrics` are the folder's config.json and metrics.json as dicts; the card says what they
hold (missing metrics are said to be not measured). The YAML front matter is written here in the form
huggingface_hub's ModelCardData writes (library, pipeline tag, license, tags, a model-index with the
evaluation results), so training never needs huggingface_hub; tests/test_hub.py parses it with it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

from runes import __version__
from runes.folder import (
    CARD_FILENAME,
    CONFIG_FILENAME,
    LINE_FILES,
    LINE_READER_FILES,
    METRICS_FILENAME,
    MODEL_FILENAME,
    MODEL_FILES,
    OLD_MODEL_ROWS,
    ROWS_KEY,
    SECOND_LINES_FILENAME,
    ModelLoadError,
    read_config,
    read_lines_config,
    read_metrics,
)
from runes.labels import BLUETOOTH, NOT_A_RUNE
from runes.preprocess import GLYPH_SIZE, INPUT_SIZE, PREPROCESSING_VERSION
from runes.rows import ROWS, SHAPES, get_row
from runes.web import WEB_DIRNAME, export

__all__ = ["TAGS", "model_card", "write_card", "write_model_folder", "main"]

TAGS = ("runes", "younger-futhark", "elder-futhark", "sketch-recognition", "image-classification", "keras")
# Rows of the label table for the outputs that are not runes: glyphs, name, sound, meaning.
_EXTRA_ROWS = {
    BLUETOOTH: ("ᚼ+ᛒ", "Bluetooth logo", "", "the bind rune of Harald Bluetooth"),
    NOT_A_RUNE: ("", "not a rune", "", "scribbles, symbols, letters of other scripts"),
}
_UNUSED_SETTINGS = ("out", "workers")  # training settings that do not change the model


def _yaml(value: object) -> str:
    """A YAML scalar: plain when unambiguous, else a JSON string (valid YAML)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 _./()=+-]*", text) and not text.endswith(" ")
    ambiguous = text.lower() in ("yes", "no", "on", "off", "true", "false", "null")  # YAML would read a bool
    return text if plain and not ambiguous else json.dumps(text)


def _eval_results(metrics: dict) -> list[tuple[dict[str, str], list[tuple[str, float, str]]]]:
    """(dataset, [(metric type, value, metric name)]) for each measured data set."""
    results = []
    if "val_accuracy" in metrics:
        results.append(
            (
                {
                    "name": "Generated Younger Futhark sketches",
                    "type": "synthetic-rune-sketches",
                    "split": "validation",
                },
                [("accuracy", round(float(metrics["val_accuracy"]), 4), "Validation accuracy (generated)")],
            )
        )
    real = metrics.get("real_drawings") or {}
    scores = [
        (key, round(float(real[key]), 4), f"{name} on real drawings (n={real.get('n')})")
        for key, name in (("accuracy", "Accuracy"), ("top3_accuracy", "Top-3 accuracy"))
        if key in real
    ]
    if scores:
        results.append(
            (
                {
                    "name": "Real human rune drawings",
                    "type": "real-rune-drawings",
                    "split": str(real.get("folder") or "test"),
                },
                scores,
            )
        )
    return results


def _front_matter(metrics: dict, model_name: str, license: str) -> str:
    lines = ["library_name: keras", f"license: {_yaml(license)}", "pipeline_tag: image-classification", "tags:"]
    lines += [f"- {tag}" for tag in TAGS]
    results = _eval_results(metrics)
    if results:
        lines += ["model-index:", f"- name: {_yaml(model_name)}", "  results:"]
        for dataset, scores in results:
            lines += [
                "  - task:",
                "      type: image-classification",
                "      name: Rune sketch recognition",
                "    dataset:",
                *(f"      {key}: {_yaml(value)}" for key, value in dataset.items()),
                "    metrics:",
            ]
            for kind, value, name in scores:
                lines += [f"    - type: {_yaml(kind)}", f"      value: {_yaml(value)}", f"      name: {_yaml(name)}"]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _label_row(index: int, label: str, rows: list[str], taught: bool = False, before_rows: bool = False) -> str:
    if taught:
        cells = ("", "taught symbol (runes.teach)")
    elif label in _EXTRA_ROWS:
        glyph, name, _, meaning = _EXTRA_ROWS[label]
        cells = (glyph, f"{name}: {meaning}")
    elif label in SHAPES:
        readings: dict[str, list[str]] = {}  # "name (sound, meaning)" -> the rows that read the shape so
        for row in rows:
            rune_id = get_row(row).shapes.get(label)
            if rune_id is None and row == "younger" and before_rows:
                rune_id = label  # a model from before rows: one class per Younger rune, both forms
            if rune_id:
                rune = get_row(row).rune(rune_id)
                readings.setdefault(f"{rune.name} ({rune.transliteration}, {rune.meaning})", []).append(row)
        cells = (SHAPES[label].glyph, "; ".join(f"{', '.join(rows)}: {reading}" for reading, rows in readings.items()))
    else:
        cells = ("", "not a rune shape of this package")
    return "|" + "|".join(f" {cell} " if cell else " " for cell in (str(index), f"`{label}`", *cells)) + "|"


def _rows_section(config: dict) -> str:
    rows = config.get(ROWS_KEY, OLD_MODEL_ROWS)
    thresholds = config.get("row_thresholds", {})
    lines = ["| row | name | runes | rune_threshold |", "|---|---|---|---|"]
    for row_id in rows:
        row = get_row(row_id)
        threshold = thresholds.get(row_id, config.get("rune_threshold", 0.5))
        lines.append(f"| `{row_id}` | {row.name} ({row.period}) | {row.glyphs} | {threshold:.3f} |")
    note = (
        "A model from before rows: it reads the Younger Futhark, one class per rune (both forms)."
        if ROWS_KEY not in config
        else "The labels are glyph shapes; each row reads its own shapes as its runes, so a shape two rows share (ᛘ "
        'maðr = ᛉ algiz, ᚠ, ᚢ, ᛁ, ᛏ, ᛒ...) is one class. A shape of another row is "not a rune" of the row read '
        "(`Recognizer.predict(image, row=...)`)."
    )
    return "\n".join(lines) + "\n\n" + textwrap.fill(note, 110, break_on_hyphens=False)


def _metric_lines(metrics: dict) -> list[str]:
    lines = []
    if "val_accuracy" in metrics:
        lines.append(
            f"- validation accuracy on generated sketches: {metrics['val_accuracy']:.4f} "
            f"(n={metrics.get('val_samples', '?')})"
        )
    real = metrics.get("real_drawings") or {}
    if "accuracy" in real:
        lines.append(
            f"- accuracy on {real.get('n', '?')} real human drawings (never trained on): "
            f"top-1 {real['accuracy']:.4f}, top-3 {real.get('top3_accuracy', float('nan')):.4f}"
        )
    else:
        lines.append("- accuracy on real human drawings: not measured for this model")
    calibration = metrics.get("calibration")
    if calibration:
        lines.append(
            f"- 'not a rune': rune_threshold {calibration['rune_threshold']:.3f} accepts "
            f"{calibration['acceptance']:.4f} of generated runes and rejects "
            f"{calibration['rejection']:.4f} of generated non-runes"
        )
        for row, values in calibration.get("rows", {}).items():
            lines.append(
                f"- in the `{row}` row: rune_threshold {values['rune_threshold']:.3f} accepts "
                f"{values['acceptance']:.4f} of its generated runes, rejects {values['rejection']:.4f} of "
                "generated non-runes"
            )
    if "acceptance" in real:
        lines.append(f"- real drawings accepted as runes: {real['acceptance']:.4f}")
    if "taught" in metrics:
        drawings = ", ".join(f"`{name}` ({count})" for name, count in metrics["taught"].items())
        lines.append(f"- taught symbols and the drawings they were taught from: {drawings}")
    if "teach_seconds" in metrics:
        lines.append(f"- teaching time: {metrics['teach_seconds']:.0f} s on {metrics.get('cpu_count', '?')} CPU cores")
    if "extra_drawings" in metrics:
        lines.append(
            f"- trained on {metrics['extra_drawings']} labelled drawings besides the generated sketches "
            f"({metrics.get('extra_samples', '?')} samples with augmented copies)"
        )
    if "train_seconds" in metrics:
        lines.append(f"- training time: {metrics['train_seconds']:.0f} s on {metrics.get('cpu_count', '?')} CPU cores")
    return lines


def _limitations(labels: list[str], rows: list[str]) -> str:
    missing = [row.name for row_id, row in ROWS.items() if row_id not in rows and row_id != "long-branch"]
    lines = [
        "- One rune per image: `Recognizer.read` segments an inscription into runes first. Not for reading "
        "runes in photographs of stones"
        + (
            f", nor the rows it was not trained on ({', '.join(missing)}, Anglo-Saxon futhorc)."
            if missing
            else ", nor the Anglo-Saxon futhorc."
        )
    ]
    if "isa" in labels and any(row in rows for row in ("younger", "short-twig")):
        lines.append(
            "- ᛌ (short-twig sól) and ᛧ (short-twig yr) are a lone short stroke: alone they read as ᛁ, "
            "except in the short-twig row (by where the stroke sits in the image) and in inscriptions (by "
            "where it sits in the line)."
        )
    if NOT_A_RUNE in labels:
        lines.append(
            "- 'Not a rune' (the `other` label; `rune_threshold` in config.json is calibrated on generated "
            "sketches) is learned from generated scribbles, symbols, Latin letters and digits: a non-rune "
            "that looks much like a rune is still read as that rune."
        )
    else:
        lines.append("- It always answers with one of its runes, even for scribbles.")
    lines.append(
        "- Trained on generated sketches (plus any drawings listed under Metrics); accuracy on real "
        "drawings is lower than on generated ones."
    )
    return "\n".join(textwrap.fill(line, 110, subsequent_indent="  ", break_on_hyphens=False) for line in lines)


def _intro(row_names: str, shapes: int, outputs: str, version: str) -> str:
    return textwrap.fill(
        f"A small Keras CNN that recognises hand-drawn runes of the rows {row_names} ({shapes} glyph shapes{outputs}). "
        f"Trained with `python -m runes.train` (Rune Reader package version {version}) on synthetic hand-drawn "
        "sketches generated from stroke templates.",
        110,
        break_on_hyphens=False,
    )


def _taught_line(taught: list[str]) -> str:
    if not taught:
        return ""
    return "\n\n" + textwrap.fill(
        f"Then taught {len(taught)} new symbol{'s' * (len(taught) != 1)} ({', '.join(f'`{name}`' for name in taught)}) "
        "from a few drawings each with `python -m runes.teach`: the same convolutional layers, one more output per "
        "symbol, fine-tuned with generated sketches of the old labels. Validation accuracy below is on generated "
        "sketches of the old labels.",
        110,
        break_on_hyphens=False,
    )


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _lines_section(lines: dict | None) -> str:
    """The card's section on the folder's learned line reader (its lines.json), or "" when it has none."""
    if not lines:
        return ""
    metrics, train_config, labels = lines.get("metrics"), lines.get("train_config"), lines.get("labels")
    metrics = metrics if isinstance(metrics, dict) else {}
    train_config = train_config if isinstance(train_config, dict) else {}
    labels = labels if isinstance(labels, list) else []
    settings = {
        k: v for k, v in train_config.items() if k not in _UNUSED_SETTINGS and v != ""
    }  # "" is a default: the bundled rune CNN to start from, no network to go on from
    measured = [
        f"- generated validation lines read exactly: {metrics['val_sequence_accuracy']:.4f} "
        f"(n={settings.get('val_lines', '?')})"
        if _number(metrics.get("val_sequence_accuracy"))
        else "- generated validation lines read exactly: not measured",
        f"- a label fires {lines['fire_offset']:.1f} input columns after its rune's centre (`fire_offset`, for "
        "the boxes)"
        if _number(lines.get("fire_offset"))
        else "- where labels fire: not measured (boxes are placed where they fire)",
    ]
    second = metrics.get("second") if isinstance(metrics.get("second"), dict) else None
    if second is not None:
        first_alone, seed = metrics.get("val_sequence_accuracy_first"), second.get("seed")
        measured.append(
            f"- a second network, `{SECOND_LINES_FILENAME}` (trained the same way from seed "
            f"{seed if _number(seed) else '?'}), reads each line with the first: the label sequence likeliest by both"
            + (f"; the first network alone reads {first_alone:.4f}" if _number(first_alone) else "")
        )
    if _number(metrics.get("train_seconds")):
        measured.append(
            f"- training time: {metrics['train_seconds']:.0f} s on {metrics.get('cpu_count', '?')} CPU cores"
            + (" (both networks)" if second is not None else "")
            + f", epochs run: {metrics.get('epochs_run', '?')}"
        )
    intro = textwrap.fill(
        f"`{LINE_FILES[0]}` and `{LINE_FILES[1]}`: a CNN with CTC that reads a whole line of runes without cutting "
        "it into runes (`recognizer.read(image)`, runes.line_reader; served in numpy). It scores "
        f"{len(labels)} labels and the CTC blank along the line: every glyph shape, the word separator (᛫, : or a "
        "wide gap) and a short lone stroke high or low. Trained with `python -m runes.train_lines` (package version "
        f"{lines.get('package_version', '?')}) on lines composed from generated sketches only.",
        110,
        break_on_hyphens=False,
    )
    config_lines = "\n".join(f"- `{key}`: {value}" for key, value in settings.items()) or "- not recorded"
    return f"\n## Line reader\n{intro}\n\n{chr(10).join(measured)}\n\nTraining config:\n{config_lines}\n"


def model_card(
    config: dict, metrics: dict, repo_id: str | None = None, license: str = "mit", lines: dict | None = None
) -> str:
    """The README.md of a model folder: YAML front matter and markdown, from its config and metrics.

    `repo_id` ("owner/name") is the Hub repo the card goes to, if any: it names the model and the load
    snippet. The rest of the card is the same whether it is written by training or by a push. `lines` is the
    folder's lines.json when it has a line reader (`read_lines_config`): the card then has a section on it."""
    labels = [str(label) for label in config.get("labels", [])]
    row_ids = list(config.get(ROWS_KEY, OLD_MODEL_ROWS))
    shapes = sum(label in SHAPES for label in labels)
    row_names = ", ".join(get_row(row).name for row in row_ids)
    size = config.get("input_size", INPUT_SIZE)
    settings = {k: v for k, v in (config.get("train_config") or {}).items() if k not in _UNUSED_SETTINGS}
    repo = repo_id or "owner/name"  # the load snippets name a placeholder until the card is pushed
    title = f"Rune Reader CNN: {repo_id}" if repo_id else "Rune Reader CNN"
    taught = [str(label) for label in config.get("taught") or []]
    table = "\n".join(
        _label_row(index, label, row_ids, label in taught, ROWS_KEY not in config) for index, label in enumerate(labels)
    )
    outputs = f"; {len(labels)} outputs" if len(labels) != shapes else ""
    version, preprocessing = (
        config.get("package_version", __version__),
        config.get("preprocessing_version", PREPROCESSING_VERSION),
    )
    return (
        _front_matter(metrics, repo_id.split("/")[-1] if repo_id else "rune-reader-cnn", license)
        + f"""
# {title}

{_intro(row_names, shapes, outputs, version)}{_taught_line(taught)}

## Rows
{_rows_section(config)}

## Metrics
{chr(10).join(_metric_lines(metrics))}

## Labels (output order)
| index | id | glyph | read as (row: name (sound, meaning)) |
|---|---|---|---|
{table}

## Input and preprocessing
Input: `{size}x{size}x1` float32, ink bright (1) on a dark background (0), produced by
`runes.preprocess.preprocess(image)` (preprocessing version {preprocessing}) from any image: it is cropped
to its ink, scaled so the longer side is {GLYPH_SIZE} px keeping the aspect ratio, and centred.
Output: softmax probabilities in the label order above.

## Training config
{chr(10).join(f"- `{key}`: {value}" for key, value in settings.items()) or "- not recorded"}
{_lines_section(lines)}
## Intended use and limitations
- For recognising single hand-drawn runes of these rows, in a sketching app or for teaching.
{_limitations(labels, row_ids)}

## How to load
```python
from runes import Recognizer  # the Rune Reader package
recognizer = Recognizer.load("hf://{repo}")  # or "hf://{repo}@<revision>", or a model folder path
print(recognizer.predict(image).top(3))  # or .predict(image, row="elder")
```

Without the package (plain Keras; apply the preprocessing described above yourself):
```python
import json, keras
from huggingface_hub import snapshot_download
folder = snapshot_download("{repo}", allow_patterns={list(MODEL_FILES)!r})
model = keras.saving.load_model(f"{{folder}}/{MODEL_FILENAME}", compile=False, safe_mode=True)
labels = json.load(open(f"{{folder}}/{CONFIG_FILENAME}"))["labels"]
```
"""
    )


def write_model_folder(
    out: str | os.PathLike, model: Any, config: dict, metrics: dict, lines_from: Path | None = None
) -> Path:
    """Write a model folder: the Keras model, config.json, metrics.json, the model card and web/; returns it.
    `lines_from`: a model folder whose line reader (LINE_READER_FILES, those it has) is copied in too.

    The one writer of model folders: `runes.train` writes what it trained, `runes.teach` a taught model (with the
    line reader of the model it was taught from)."""
    out = Path(out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    if lines_from is not None and Path(lines_from).resolve() != out.resolve():
        for name in LINE_READER_FILES:
            if (Path(lines_from) / name).is_file():
                shutil.copyfile(Path(lines_from) / name, out / name)
    model.save(out / MODEL_FILENAME)
    for name, data in ((CONFIG_FILENAME, config), (METRICS_FILENAME, metrics)):
        (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        lines = read_lines_config(out)
    except ModelLoadError as error:  # the model just trained is kept all the same; its card leaves the line reader out
        lines = None
        logging.getLogger(__name__).warning("The card of %s leaves its line reader out: %s", out, error)
    (out / CARD_FILENAME).write_text(model_card(config, metrics, lines=lines), encoding="utf-8")
    try:  # and its browser export, so the page guesses with it too
        export(out)
    except (ModelLoadError, ValueError) as error:  # a layer the export cannot write: the page asks the server
        shutil.rmtree(out / WEB_DIRNAME, ignore_errors=True)
        logging.getLogger(__name__).warning("No browser export for %s (the app answers on the server): %s", out, error)
    return out


def write_card(folder: str | Path, repo_id: str | None = None, license: str = "mit") -> Path:
    """Rewrite folder/README.md from the folder's config.json and metrics.json; returns its path."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ModelLoadError(f"Model folder {str(folder)!r} does not exist.")
    path = folder / CARD_FILENAME
    card = model_card(read_config(folder), read_metrics(folder), repo_id, license, read_lines_config(folder))
    path.write_text(card, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runes.card", description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", help="model folder with config.json (and metrics.json)")
    parser.add_argument("--repo", default=None, help="owner/name of the Hub repo the card is for (optional)")
    parser.add_argument("--license", default="mit")
    args = parser.parse_args(argv)
    try:
        print(f"wrote {write_card(args.model_dir, args.repo, args.license)}")
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
