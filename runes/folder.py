"""A model folder on disk: its file names, reading and checking its config, loading its Keras model.

A model folder (laid out like a Hugging Face model repo) holds `model.keras`, `config.json` (labels in
order, input size, preprocessing version, package version, training config, rune_threshold),
`metrics.json` and a `README.md` model card (`runes.card`). The labels are glyph shapes (`runes.rows.SHAPES`);
"rows" lists the rune rows the model reads (every shape of each is a label) and "row_thresholds" each row's
calibrated rune_threshold. A model from before rows has neither: it reads the Younger Futhark, its labels the
16 rune ids (one class for both forms of a rune). A model taught new symbols by `runes.teach` lists their
names under "taught" in config.json: labels too, after the shapes and the extra labels.
`read_stored_model` reads model.keras without Keras or TensorFlow (`runes.kerasfile`), for serving;
`load_keras_model` loads it with Keras. The lowest layer of model loading: `runes.model` (the Recognizer) and `runes.hub` (downloads and
pushes) both build on it, and it imports neither, so neither has to import the other to read a folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from runes.kerasfile import KerasFileError, StoredModel, read_keras_file
from runes.labels import EXTRA_LABELS
from runes.preprocess import INPUT_SIZE, PREPROCESSING_VERSION
from runes.rows import ROW_IDS, ROWS, SHAPE_IDS, get_row

__all__ = [
    "HF_PREFIX",
    "BUNDLED_MODEL_DIR",
    "MODEL_FILENAME",
    "CONFIG_FILENAME",
    "METRICS_FILENAME",
    "CARD_FILENAME",
    "MODEL_FILES",
    "LINE_FILES",
    "SECOND_LINES_FILENAME",
    "LINE_READER_FILES",
    "TAUGHT_KEY",
    "ROWS_KEY",
    "OLD_MODEL_ROWS",
    "MAX_SYMBOL_NAME",
    "ModelLoadError",
    "symbol_name_problem",
    "same_names",
    "read_config",
    "read_metrics",
    "read_lines_config",
    "load_keras_model",
    "load_keras_file",
    "read_stored_model",
]

HF_PREFIX = "hf://"  # a model source starting with this is a Hub repo: "hf://owner/name[@revision]" (runes.hub)
BUNDLED_MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILENAME = "model.keras"
CONFIG_FILENAME = "config.json"
METRICS_FILENAME = "metrics.json"
CARD_FILENAME = "README.md"
MODEL_FILES = (MODEL_FILENAME, CONFIG_FILENAME, METRICS_FILENAME, CARD_FILENAME)  # what a folder (and a Hub repo) holds
LINE_FILES = ("lines.keras", "lines.json")  # optional: the learned line reader (runes.line_reader, runes.train_lines)
SECOND_LINES_FILENAME = "lines-2.keras"  # optional beside LINE_FILES: a second line network, read together with it
LINE_READER_FILES = (*LINE_FILES, SECOND_LINES_FILENAME)  # every file of a line reader (a Hub repo carries them)
TAUGHT_KEY = "taught"  # config.json: the labels of symbols taught by runes.teach (outputs after the runes and extras)
ROWS_KEY = "rows"  # config.json: the rune rows a model reads; absent in models from before rows (Younger only)
OLD_MODEL_ROWS = ["younger"]  # what a model without ROWS_KEY reads
MAX_SYMBOL_NAME = 40  # characters in the name of a taught symbol
_RUNE_IDS = sorted(
    {rune.id for row in ROWS.values() for rune in row.runes} | set(SHAPE_IDS)
)  # names a symbol can't take


class ModelLoadError(RuntimeError):
    """A model folder could not be loaded; the message says which and why."""


def symbol_name_problem(name: object) -> str | None:
    """Why `name` cannot name a taught symbol, as the end of a sentence; None when it can.

    A name is a non-empty string of printable characters without spaces at its ends, at most
    MAX_SYMBOL_NAME long, and not a rune or shape id of any row nor one of EXTRA_LABELS (in any case: "Tyr" is
    taken)."""
    if not isinstance(name, str):
        return f"{name!r} is not a string"
    if not name.strip():
        return f"{name!r} is empty: give every symbol a name"
    if not name.isprintable():
        return f"{name!r} holds characters that cannot be printed (new lines, tabs, control characters)"
    if name != name.strip():
        return f"{name!r} has spaces at its ends: use {name.strip()!r}"
    if len(name) > MAX_SYMBOL_NAME:
        return f"{name[:MAX_SYMBOL_NAME]!r}... is {len(name)} characters long, more than {MAX_SYMBOL_NAME}"
    taken = {label.casefold(): label for label in (*_RUNE_IDS, *EXTRA_LABELS)}
    if name.casefold() in taken:
        kind = "a rune id" if taken[name.casefold()] in _RUNE_IDS else "a label the model already has"
        return f"{name!r} is {kind} ({taken[name.casefold()]!r}): pick another name"
    return None


def same_names(names: Iterable[str]) -> tuple[str, str] | None:
    """The first two names that are one name when case does not count ("Sun" and "sun"), or None."""
    seen: dict[str, str] = {}
    for name in names:
        if name.casefold() in seen:
            return seen[name.casefold()], name
        seen[name.casefold()] = name
    return None


def _check_taught(path: Path, labels: list[str], taught: object) -> list[str]:
    if not isinstance(taught, list):
        raise ModelLoadError(f"{path}: {TAUGHT_KEY!r} must be a list of symbol names, got {taught!r}.")
    for name in taught:
        if problem := symbol_name_problem(name):
            raise ModelLoadError(f"{path}: the taught symbol {problem}.")
    if pair := same_names(taught):
        raise ModelLoadError(f"{path}: the taught symbols {pair[0]!r} and {pair[1]!r} are the same name.")
    for name in taught:
        if name not in labels:
            raise ModelLoadError(f"{path}: the taught symbol {name!r} is not one of the 'labels'.")
    return taught


def _check_rows(path: Path, config: dict, labels: list[str]) -> list[str]:
    rows = config.get(ROWS_KEY, OLD_MODEL_ROWS)
    if not isinstance(rows, list) or not rows or not all(row in ROW_IDS for row in rows):
        raise ModelLoadError(
            f"{path}: {ROWS_KEY!r} must be a list of row ids out of {', '.join(ROW_IDS)}; got {rows!r}."
        )
    if ROWS_KEY in config:
        for row in rows:
            missing = [shape for shape in get_row(row).shapes if shape not in labels]
            if missing:
                raise ModelLoadError(
                    f"{path}: the model reads the row {row!r} but has no label for its shapes {', '.join(missing)}."
                )
    thresholds = config.get("row_thresholds", {})
    if not isinstance(thresholds, dict) or not all(
        row in rows and isinstance(value, (int, float)) and 0.0 <= value <= 1.0 for row, value in thresholds.items()
    ):
        raise ModelLoadError(
            f"{path}: row_thresholds must map the model's rows to numbers in [0, 1], got {thresholds!r}."
        )
    return rows


def read_config(folder: Path) -> dict:
    """The folder's config.json, checked against this package. Raises ModelLoadError saying what is wrong."""
    path = folder / CONFIG_FILENAME
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"{folder} is not a model folder: it has no {CONFIG_FILENAME}.") from None
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{path} is not valid JSON ({error}).") from None
    if not isinstance(config, dict):
        raise ModelLoadError(f"{path} holds a JSON {type(config).__name__}; expected an object with 'labels'.")
    labels = config.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        raise ModelLoadError(f"{path} has no 'labels' list of rune ids.")
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ModelLoadError(f"{path}: 'labels' lists {', '.join(map(repr, repeated))} more than once.")
    taught = _check_taught(path, labels, config.get(TAUGHT_KEY, []))
    unknown = [
        label for label in labels if label not in EXTRA_LABELS and label not in taught and label not in SHAPE_IDS
    ]
    if unknown:
        raise ModelLoadError(
            f"{path}: {', '.join(map(repr, unknown))} {'is' if len(unknown) == 1 else 'are'} not a "
            f"rune shape of this package ({', '.join(SHAPE_IDS)})."
        )
    _check_rows(path, config, labels)
    threshold = config.get("rune_threshold", 0.5)
    if not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
        raise ModelLoadError(f"{path}: rune_threshold must be a number in [0, 1], got {threshold!r}.")
    if config.get("input_size") != INPUT_SIZE:
        raise ModelLoadError(f"{path}: input_size is {config.get('input_size')!r}, this package needs {INPUT_SIZE}.")
    if config.get("preprocessing_version") != PREPROCESSING_VERSION:
        raise ModelLoadError(
            f"{path}: preprocessing_version is {config.get('preprocessing_version')!r}, this package uses "
            f"{PREPROCESSING_VERSION}; retrain the model or install the matching package version."
        )
    return config


def read_metrics(folder: Path) -> dict:
    """The folder's metrics.json, or {} when it has none. Raises ModelLoadError when it is not a JSON object."""
    path = folder / METRICS_FILENAME
    if not path.is_file():
        return {}
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{path} is not valid JSON ({error}); fix or delete it.") from None
    if not isinstance(metrics, dict):
        raise ModelLoadError(f"{path} holds a JSON {type(metrics).__name__}; expected an object of metrics.")
    return metrics


def read_lines_config(folder: Path) -> dict | None:
    """The folder's lines.json (its line reader's labels, training config and metrics), or None when the folder has
    no line reader. Raises ModelLoadError when it is not a JSON object."""
    path = folder / LINE_FILES[1]
    if not path.is_file():
        return None
    try:
        lines = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(
            f"{path} is not valid JSON ({error}); retrain with `python -m runes.train_lines`."
        ) from None
    if not isinstance(lines, dict):
        raise ModelLoadError(f"{path} holds a JSON {type(lines).__name__}; expected an object with 'labels'.")
    return lines


def load_keras_model(folder: Path):
    """The folder's model.keras, loaded in Keras' safe mode (no arbitrary code). Raises ModelLoadError."""
    if not (folder / MODEL_FILENAME).is_file():
        raise ModelLoadError(f"{folder} has no {MODEL_FILENAME}.")
    return load_keras_file(folder / MODEL_FILENAME)


def load_keras_file(model_path: Path):
    """A .keras file loaded in Keras' safe mode (no arbitrary code). Raises ModelLoadError."""
    if not model_path.is_file():
        raise ModelLoadError(f"There is no file {model_path}.")
    import keras

    try:
        return keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except Exception as error:  # noqa: BLE001  (Keras raises many kinds: corrupt zip, wrong format, unsafe content)
        raise ModelLoadError(f"Could not load {model_path}: {type(error).__name__}: {error}") from None


def read_stored_model(folder: Path) -> StoredModel:
    """The folder's model.keras read without Keras or TensorFlow (`runes.kerasfile`). Raises ModelLoadError for a
    missing or unreadable file, and runes.inference.UnsupportedModelError for a network only Keras can run."""
    model_path = folder / MODEL_FILENAME
    if not model_path.is_file():
        raise ModelLoadError(f"{folder} has no {MODEL_FILENAME}.")
    try:
        return read_keras_file(model_path)
    except KerasFileError as error:
        raise ModelLoadError(f"Could not load {model_path}: {error}") from None
