"""A `.keras` file read without Keras or TensorFlow, for serving: `read_keras_file(path)` -> StoredModel.

A `.keras` file is a zip holding `config.json` (the architecture, as `keras.Model.get_config()` writes it) and
`model.weights.h5` (the weights, HDF5, read with h5py). Keras stores each layer's weights under
"layers/<snake_case class name>[_<n>]/vars/<i>", numbered per class in the order of the model's layers, the
variables in `layer.get_weights()` order; this module follows that layout. Only plain data is read: no Python
code, no pickles, and only the layer classes `runes.inference` runs (Conv2D, BatchNormalization, Activation,
MaxPooling2D, Flatten, Dropout, Dense) in one chain. Anything else raises `UnsupportedModelError`, and the caller
loads the file with Keras (in safe mode) instead. A file that is not a readable `.keras` file raises
KerasFileError.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from runes.inference import UnsupportedModelError

__all__ = ["KerasFileError", "StoredLayer", "StoredModel", "read_keras_file", "KNOWN_LAYERS"]

CONFIG_MEMBER = "config.json"
WEIGHTS_MEMBER = "model.weights.h5"
KNOWN_LAYERS = frozenset(
    {"InputLayer", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Flatten", "Dropout", "Dense"}
)


class KerasFileError(Exception):
    """The file is not a readable `.keras` file (not a zip, a member missing or corrupt, weights missing)."""


@dataclass(frozen=True)
class StoredLayer:
    """One layer as stored: what `runes.inference.folded_layers` reads of a Keras layer."""

    keras_class: str
    name: str
    config: dict[str, Any] = field(repr=False)
    weights: tuple[np.ndarray, ...] = field(repr=False)

    def get_config(self) -> dict[str, Any]:
        return self.config

    def get_weights(self) -> list[np.ndarray]:
        return list(self.weights)


@dataclass(frozen=True)
class StoredModel:
    """A functional Keras model's layers, read from `path` without Keras."""

    name: str
    layers: list[StoredLayer] = field(repr=False)
    path: Path


def _snake_case(name: str) -> str:
    """keras.src.utils.naming.to_snake_case: the name Keras files a layer's weights under."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _history(tensor: Any) -> str | None:
    """The layer a serialised Keras tensor comes from, or None."""
    if isinstance(tensor, dict) and tensor.get("class_name") == "__keras_tensor__":
        history = tensor.get("config", {}).get("keras_history")
        if isinstance(history, list) and history and isinstance(history[0], str):
            return history[0]
    return None


def _chain(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The layer configs of a functional model whose layers form one chain, input first; UnsupportedModelError
    for anything else."""
    if config.get("class_name") not in ("Functional", "Model") or not isinstance(config.get("config"), dict):
        raise UnsupportedModelError(f"a {config.get('class_name')!r} model is not a plain functional model")
    body = config["config"]
    layers = body.get("layers")
    if not isinstance(layers, list) or not layers:
        raise UnsupportedModelError("the model lists no layers")
    names: list[Any] = []
    for index, layer in enumerate(layers):
        kind = layer.get("class_name") if isinstance(layer, dict) else None
        if kind not in KNOWN_LAYERS or layer.get("module") != "keras.layers":
            raise UnsupportedModelError(f"layer {index} ({kind!r}) is not one the numpy forward pass runs")
        if (kind == "InputLayer") != (index == 0):
            raise UnsupportedModelError("the model's first layer, and only it, must be its input")
        nodes = layer.get("inbound_nodes") or []
        if index > 0:
            args = nodes[0].get("args") if len(nodes) == 1 and isinstance(nodes[0], dict) else None
            if not isinstance(args, list) or len(args) != 1 or _history(args[0]) != names[-1]:
                raise UnsupportedModelError(f"layer {layer.get('name')!r} does not take the layer before it")
        names.append(layer.get("name"))
    ends = [body.get("input_layers"), body.get("output_layers")]
    ends = [end[0] if isinstance(end, list) and len(end) == 1 and isinstance(end[0], list) else end for end in ends]
    if not all(isinstance(end, list) and end for end in ends) or [ends[0][0], ends[1][0]] != [names[0], names[-1]]:
        raise UnsupportedModelError("the model's input and output are not the two ends of its chain of layers")
    return layers


def _weights(h5: Any, group: str) -> tuple[np.ndarray, ...]:
    if group not in h5:
        raise KerasFileError(f"{WEIGHTS_MEMBER} has no weights for {group!r}")
    variables = h5[group].get("vars")
    if variables is None:
        return ()
    return tuple(np.asarray(variables[key][()]) for key in sorted(variables.keys(), key=int))


def read_keras_file(path: Path) -> StoredModel:
    """The model in the `.keras` file at `path`, read with zipfile, json and h5py only (see the module doc)."""
    import h5py

    try:
        with zipfile.ZipFile(path) as archive:
            missing = [name for name in (CONFIG_MEMBER, WEIGHTS_MEMBER) if name not in archive.namelist()]
            if missing:
                raise KerasFileError(f"the file has no {missing[0]!r}")
            config = json.loads(archive.read(CONFIG_MEMBER).decode("utf-8"))
            weights = archive.read(WEIGHTS_MEMBER)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise KerasFileError(f"{type(error).__name__}: {error}") from None
    if not isinstance(config, dict):
        raise KerasFileError(f"its {CONFIG_MEMBER} holds no model")
    layers = _chain(config)
    used: dict[str, int] = {}
    stored = []
    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            for layer in layers:
                group = _snake_case(layer["class_name"])
                used[group] = used.get(group, -1) + 1
                if used[group]:
                    group = f"{group}_{used[group]}"
                layer_config = layer.get("config")
                if not isinstance(layer_config, dict):
                    raise KerasFileError(f"layer {layer.get('name')!r} has no config")
                stored.append(
                    StoredLayer(
                        layer["class_name"], str(layer.get("name")), layer_config, _weights(h5, f"layers/{group}")
                    )
                )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KerasFileError(f"its {WEIGHTS_MEMBER} could not be read ({type(error).__name__}: {error})") from None
    return StoredModel(str(config["config"].get("name", "model")), stored, Path(path))
