"""The CNN's forward pass in plain numpy, for fast prediction of one sketch at a time.

A Keras or TensorFlow call costs milliseconds of framework overhead for a 32x32 input;
the arithmetic itself is a few million multiply-adds. `NumpyForward.from_keras(model)`
reads the weights of a `build_model()` network once (folding each BatchNormalization into
the convolution before it) and runs the same layers with numpy matrix products. Models with
layers it does not know raise `UnsupportedModelError`, and `Recognizer` then keeps TensorFlow.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["NumpyForward", "UnsupportedModelError", "folded_layers"]

Step = Callable[[np.ndarray], np.ndarray]


_blas_controller: Any = None  # threadpoolctl's controller for BLAS, False where there is none


def _one_blas_thread():
    """Run BLAS on one thread: for these tiny matrices a thread pool only adds hand-offs, and when
    TensorFlow's threads are busy too, the waits cost tens of milliseconds."""
    global _blas_controller
    if _blas_controller is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas_controller = ThreadpoolController().select(user_api="blas")
        except Exception:  # noqa: BLE001  (no threadpoolctl, or no BLAS it knows: run as is)
            _blas_controller = False
    return _blas_controller.limit(limits=1) if _blas_controller else contextlib.nullcontext()


class UnsupportedModelError(ValueError):
    """The model has a layer or setting the numpy forward pass does not implement."""


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


def _softmax(x: np.ndarray) -> np.ndarray:
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return x / x.sum(axis=-1, keepdims=True)


_ACTIVATIONS: dict[str, Step] = {"linear": lambda x: x, "relu": _relu, "softmax": _softmax}


def _conv3x3_same(kernel: np.ndarray, bias: np.ndarray) -> Step:
    height, width, channels, filters = kernel.shape
    if (height, width) != (3, 3):
        raise UnsupportedModelError(f"only 3x3 convolutions are supported, got {height}x{width}")
    # im2col patches are ordered (dy, dx, channel), matching the kernel's (3, 3, C, F) layout.
    matrix = np.ascontiguousarray(kernel.reshape(9 * channels, filters), dtype=np.float32)
    bias = bias.astype(np.float32)

    def conv(x: np.ndarray) -> np.ndarray:
        n, h, w, c = x.shape
        padded = np.zeros((n, h + 2, w + 2, c), np.float32)
        padded[:, 1:-1, 1:-1] = x
        patches = np.concatenate([padded[:, dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)], axis=-1)
        return (patches.reshape(n * h * w, 9 * c) @ matrix + bias).reshape(n, h, w, filters)

    return conv


def _max_pool_2x2(x: np.ndarray) -> np.ndarray:
    h, w = x.shape[1] // 2 * 2, x.shape[2] // 2 * 2
    return np.maximum(
        np.maximum(x[:, 0:h:2, 0:w:2], x[:, 1:h:2, 0:w:2]), np.maximum(x[:, 0:h:2, 1:w:2], x[:, 1:h:2, 1:w:2])
    )


class NumpyForward:
    """`forward(batch)` -> probabilities, the same numbers as `model(batch)` to float32 rounding."""

    def __init__(self, steps: list[Step], kinds: list[str] | None = None) -> None:
        self.steps = steps
        self.kinds = kinds or ["" for _ in steps]  # each step's kind ("conv3x3", "maxpool2x2"...), as folded_layers

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        x = np.asarray(batch, dtype=np.float32)
        with _one_blas_thread():
            for step in self.steps:
                x = step(x)
        return x

    def pooled_inputs(self, batch: np.ndarray) -> list[np.ndarray]:
        """The input of every 2x2 max pooling (a conv block's activations, in a build_model() network)."""
        x, inputs = np.asarray(batch, dtype=np.float32), []
        with _one_blas_thread():
            for step, kind in zip(self.steps, self.kinds, strict=True):
                if kind == "maxpool2x2":
                    inputs.append(x)
                x = step(x)
        return inputs

    @classmethod
    def from_keras(cls, model) -> NumpyForward:
        """Compile a Sequential-shaped functional Keras model (Conv2D/BN/ReLU/MaxPool/Flatten/Dense), or the same
        read from its file without Keras (`runes.kerasfile.StoredModel`)."""
        steps: list[Step] = []
        layers = folded_layers(model)
        for kind, arrays in layers:
            if kind == "conv3x3":
                steps.append(_conv3x3_same(*arrays))
            elif kind == "dense":
                steps.append(_dense(*arrays))
            elif kind == "maxpool2x2":
                steps.append(_max_pool_2x2)
            elif kind == "flatten":
                steps.append(lambda x: x.reshape(len(x), -1))
            else:
                steps.append(_ACTIVATIONS[kind])
        return cls(steps, [kind for kind, _ in layers])


Layer = tuple[str, tuple[np.ndarray, ...]]  # (kind, weights): the steps of a forward pass as data


def folded_layers(model) -> list[Layer]:
    """The network's steps as data, BatchNorm folded into the convolution before it: ("conv3x3", (kernel HWCF,
    bias)), ("dense", (kernel, bias)), ("maxpool2x2", ()), ("flatten", ()) and the activations ("relu",
    "softmax"; "linear" is left out). NumpyForward runs them; runes.web exports them for the browser."""
    layers: list[Layer] = []
    pending_conv: tuple[np.ndarray, np.ndarray] | None = None  # a conv waiting for a BN to fold in

    def flush() -> None:
        nonlocal pending_conv
        if pending_conv is not None:
            kernel, bias = pending_conv
            if kernel.shape[:2] != (3, 3):
                raise UnsupportedModelError(
                    f"only 3x3 convolutions are supported, got {kernel.shape[0]}x{kernel.shape[1]}"
                )
            layers.append(("conv3x3", (kernel.astype(np.float32), bias.astype(np.float32))))
            pending_conv = None

    def activation(name: str) -> None:
        if name not in _ACTIVATIONS:
            raise UnsupportedModelError(f"activation {name!r} is not supported by the numpy forward pass")
        if name != "linear":
            layers.append((name, ()))

    for layer in model.layers:
        kind = getattr(layer, "keras_class", None) or type(layer).__name__  # a runes.kerasfile.StoredLayer says it
        config = layer.get_config()
        if kind in ("InputLayer", "Dropout"):
            continue
        if kind == "Conv2D":
            flush()
            if (
                config.get("padding") != "same"
                or tuple(config.get("strides", (1, 1))) != (1, 1)
                or tuple(config.get("dilation_rate", (1, 1))) != (1, 1)
                or config.get("groups", 1) != 1
            ):
                raise UnsupportedModelError(f"{layer.name}: only stride-1 'same' convolutions are supported")
            weights = layer.get_weights()
            kernel = weights[0]
            bias = weights[1] if config.get("use_bias") else np.zeros(kernel.shape[-1], np.float32)
            pending_conv = (kernel, bias)
            if config.get("activation", "linear") != "linear":
                flush()
                activation(config["activation"])
            continue
        if kind == "BatchNormalization" and pending_conv is not None:
            gamma, beta, mean, variance = _bn_weights(layer, config)
            scale = gamma / np.sqrt(variance + config["epsilon"])
            kernel, bias = pending_conv
            pending_conv = (kernel * scale, (bias - mean) * scale + beta)
            continue
        flush()
        if kind == "Activation" and config.get("activation") in _ACTIVATIONS:
            activation(config["activation"])
        elif (
            kind == "MaxPooling2D"
            and tuple(config.get("pool_size", (2, 2))) == (2, 2)
            and tuple(config.get("strides") or (2, 2)) == (2, 2)
        ):
            layers.append(("maxpool2x2", ()))
        elif kind == "Flatten":
            layers.append(("flatten", ()))
        elif kind == "Dense" and config.get("activation", "linear") in _ACTIVATIONS:
            kernel, bias = (layer.get_weights() + [None])[:2]
            if not config.get("use_bias", True) or bias is None:
                bias = np.zeros(kernel.shape[1], np.float32)
            layers.append(("dense", (np.asarray(kernel, np.float32), np.asarray(bias, np.float32))))
            activation(config.get("activation", "linear"))
        else:
            raise UnsupportedModelError(f"layer {layer.name!r} ({kind}) is not supported by the numpy forward pass")
    flush()
    return layers


def _bn_weights(layer, config: dict) -> tuple[np.ndarray, ...]:
    weights = layer.get_weights()
    size = weights[-1].shape[0]
    gamma = weights.pop(0) if config.get("scale", True) else np.ones(size, np.float32)
    beta = weights.pop(0) if config.get("center", True) else np.zeros(size, np.float32)
    mean, variance = weights
    return gamma, beta, mean, variance


def _dense(kernel: np.ndarray, bias: np.ndarray) -> Step:
    kernel = np.ascontiguousarray(kernel, dtype=np.float32)
    bias = bias.astype(np.float32)
    return lambda x: x @ kernel + bias
