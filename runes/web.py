"""The model for the browser: `python -m runes.web MODEL_DIR` writes MODEL_DIR/web/ for the page to guess in.

    MODEL_DIR/web/model.json    what the page needs to read a drawing as the server does (below)
    MODEL_DIR/web/weights.bin   the folded weights, float32 little-endian, in the order model.json lists them

model.json holds the network's steps (`runes.inference.folded_layers`: BatchNorm folded into the convolutions,
as the numpy forward pass runs them), how strokes become the 32x32 input (pen width, ink thresholds, glyph size:
runes.strokes and runes.preprocess), and how outputs are read in each row (runes.prediction.Outputs: the row's
shape columns and the rune each is read as, its threshold, the taught and extra outputs, which row claims a
shape of another row, the short-twig row's lone stroke). All of it is generated from the package, never written
by hand, so the page and `Recognizer.predict` give the same answer. A model folder without web/ still works:
the page then asks the server. The export sits in the model folder, so a Hub model carries it too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from runes.folder import ROWS_KEY, TAUGHT_KEY, ModelLoadError, load_keras_model, read_config, read_stored_model
from runes.inference import UnsupportedModelError, folded_layers
from runes.labels import BLUETOOTH, EXTRA_LABELS
from runes.prediction import BLUETOOTH_THRESHOLD, LONE_SHAPE, LONE_STROKE, LONE_WIDTH, Outputs
from runes.preprocess import FAINT_INK, GLYPH_SIZE, INK_THRESHOLD, INPUT_SIZE, MAX_WORKING_SIDE, PREPROCESSING_VERSION
from runes.rows import get_row, row_of_shape
from runes.strokes import DEFAULT_STROKE_WIDTH

__all__ = [
    "WEB_DIRNAME",
    "MANIFEST_FILENAME",
    "WEIGHTS_FILENAME",
    "WEB_FILES",
    "FORMAT",
    "export",
    "manifest",
    "main",
]

WEB_DIRNAME = "web"  # the export's folder inside a model folder
MANIFEST_FILENAME = "model.json"
WEIGHTS_FILENAME = "weights.bin"
# The export's files, relative to the model folder and as paths in a Hub repo ("web/model.json", "web/weights.bin")
WEB_FILES = tuple(f"{WEB_DIRNAME}/{name}" for name in (MANIFEST_FILENAME, WEIGHTS_FILENAME))
FORMAT = "rune-reader-web/1"  # bump when the page must read model.json differently


def reading(labels: list[str], config: dict) -> dict[str, Any]:
    """How the outputs are read in each row the model reads: the data behind `Outputs.prediction`."""
    outputs = Outputs(labels, config)
    taught = set(config.get(TAUGHT_KEY, ()))
    rows = {}
    for row_id in outputs.rows:
        row = get_row(row_id)
        shapes = [(labels.index(shape), shape, rune) for shape, rune in row.shapes.items() if shape in labels]
        runes = outputs.row_runes(row_id)
        rows[row_id] = {
            "columns": [index for index, _, _ in shapes],
            "shapes": [shape for _, shape, _ in shapes],
            "rune_of_shape": [runes.index(rune) for _, _, rune in shapes],
            "runes": runes,
            "threshold": outputs.threshold(row_id),
            # the short-twig row reads a short lone stroke by where it sits: (upper half, lower half) or None
            "lone_stroke": (
                [row.lone_stroke(0.25), row.lone_stroke(0.75)]
                if row.forms == "short" and row.lone_stroke(0.25)
                else None
            ),
        }
    return {
        "rows": rows,
        "default_row": outputs.default_row,
        "rune_columns": [labels.index(label) for label in outputs.rune_labels],
        "rune_labels": outputs.rune_labels,
        # (row id, rune id) of each shape, for "a rune of another row"
        "elsewhere": {shape: [(claim := row_of_shape(shape))[0].id, claim[1]] for shape in outputs.rune_labels},
        "taught_columns": [labels.index(label) for label in outputs.taught_labels],
        "taught_labels": outputs.taught_labels,
        "extra_columns": [index for index, label in enumerate(labels) if label in EXTRA_LABELS],
        "bluetooth_column": labels.index(BLUETOOTH) if BLUETOOTH in labels else None,
        "bluetooth_threshold": BLUETOOTH_THRESHOLD,
        "lone_isa": LONE_SHAPE,  # the shape a lone stroke is read as before its place decides
        "lone_stroke_height": LONE_STROKE,
        "lone_width": LONE_WIDTH,
        "any_taught": bool(taught),
    }


def _mask(draw_on) -> list[str]:
    """A shape PIL draws on a small blank image, as rows of '#' (ink) and '.' (none)."""
    image = Image.new("L", (32, 32), 255)
    draw_on(ImageDraw.Draw(image))
    ink = np.asarray(image) == 0
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return ["".join("#" if v else "." for v in row[: cols[-1] + 1]) for row in ink[: rows[-1] + 1]]


def stamps(pen: int = DEFAULT_STROKE_WIDTH) -> dict[str, Any]:
    """The round shapes runes.strokes.render_strokes draws with PIL at pen width `pen`, as masks the page stamps:
    the pen's ends (an ellipse over floor(x) - before .. floor(x) + after) and ImageDraw.line(joint="curve")'s
    joints (a pie slice over trunc(x - (pen / 2 - 1)) .. + pen - 2; the page stamps the whole disc)."""
    pen = max(1, round(pen))
    before, after = (pen - 1) // 2, pen // 2
    cap = {"offset": -before, "mask": _mask(lambda draw: draw.ellipse((0, 0, before + after, before + after), fill=0))}
    radius = pen / 2 - 1
    joint = None
    if pen > 4:  # ImageDraw draws joints for wider pens only
        side = int(2 * radius)
        joint = {"offset": -radius, "mask": _mask(lambda draw: draw.ellipse((0, 0, side, side), fill=0))}
    return {"cap": cap, "joint": joint}


def manifest(model, labels: list[str], config: dict) -> tuple[dict[str, Any], bytes]:
    """(model.json's content, weights.bin's bytes) for a loaded Keras model and its config."""
    layers, blobs, offset = [], [], 0
    for kind, arrays in folded_layers(model):
        entry: dict[str, Any] = {"type": kind}
        if arrays:
            entry["weights"] = []
            for array in arrays:
                data = np.ascontiguousarray(array, dtype="<f4")
                entry["weights"].append({"shape": list(data.shape), "offset": offset})
                blobs.append(data.tobytes())
                offset += data.size
        layers.append(entry)
    content = {
        "format": FORMAT,
        "labels": list(labels),
        "rows": list(config.get(ROWS_KEY, [])),
        "preprocessing_version": PREPROCESSING_VERSION,
        "input": {
            "size": INPUT_SIZE,
            "glyph_size": GLYPH_SIZE,
            "ink_threshold": INK_THRESHOLD,
            "faint_ink": FAINT_INK,
            "max_working_side": MAX_WORKING_SIDE,
            "pen": DEFAULT_STROKE_WIDTH,
            "stamps": stamps(DEFAULT_STROKE_WIDTH),
        },
        "layers": layers,
        "weights_file": WEIGHTS_FILENAME,
        "weights_floats": offset,
        "reading": reading(labels, config),
    }
    return content, b"".join(blobs)


def export(model_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the browser export of the model folder `model_dir` into `out` (default model_dir/web); its path."""
    folder = Path(model_dir)
    config = read_config(folder)
    try:  # the weights read without Keras (runes.kerasfile); Keras only for networks that reader does not know
        model: Any = read_stored_model(folder)
    except UnsupportedModelError:
        model = load_keras_model(folder)
    content, weights = manifest(model, config["labels"], config)
    target = Path(out) if out is not None else folder / WEB_DIRNAME
    target.mkdir(parents=True, exist_ok=True)
    (target / WEIGHTS_FILENAME).write_bytes(weights)
    text = json.dumps(content, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (target / MANIFEST_FILENAME).write_text(text, encoding="utf-8")
    return target


def find_export(model_dir: str | Path | None, labels: list[str]) -> Path | None:
    """model_dir/web when it holds a whole export for a model with these labels (else None: ask the server)."""
    if model_dir is None:
        return None
    web = Path(model_dir) / WEB_DIRNAME
    try:
        content = json.loads((web / MANIFEST_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    whole = isinstance(content, dict) and (web / WEIGHTS_FILENAME).is_file()
    return web if whole and content.get("labels") == labels else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runes.web", description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", help="a model folder (model.keras, config.json)")
    parser.add_argument("--out", help="where to write (default: MODEL_DIR/web)")
    args = parser.parse_args(argv)
    try:
        target = export(args.model_dir, args.out)
    except (ModelLoadError, ValueError) as error:  # a missing or bad folder, a layer the export cannot write
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {target / MANIFEST_FILENAME} and {target / WEIGHTS_FILENAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
