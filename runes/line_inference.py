"""The line reader's network in plain numpy: convolutions of any kernel, padding and dilation, BatchNorm folded in.

`runes.inference` runs the rune CNN on one 32 x 32 sketch; the line reader (`runes.train_lines.build_line_model`)
runs the same layers over a whole line and needs more: pooling with strides (2, 1) (the output keeps a column for
every 4 input columns), the rune CNN's Dense `features` layer as a (4, 4) convolution dilated along the line, and
1 x k convolutions along the line. `LineForward.from_layers` reads the layers of a `runes.kerasfile.StoredModel`
(or of a Keras model: the same `get_config` and `get_weights`) once and runs them with numpy matrix products;
serving never imports Keras or TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from runes.inference import NumpyForward, UnsupportedModelError, _bn_weights

__all__ = ["LineForward"]

Step = Callable[[np.ndarray], np.ndarray]


def _pair(value: object, default: int) -> tuple[int, int]:
    if value is None:
        return default, default
    if isinstance(value, int):
        return value, value
    pair: tuple[int, int] = tuple(value)  # type: ignore[arg-type, assignment]
    return int(pair[0]), int(pair[1])


def _conv(kernel: np.ndarray, bias: np.ndarray, padding: str, dilation: tuple[int, int]) -> Step:
    """A stride-1 convolution by im2col: patches ordered (dy, dx, channel) as the kernel's (kh, kw, C, F)."""
    kh, kw, channels, filters = kernel.shape
    dh, dw = dilation
    matrix = np.ascontiguousarray(kernel.reshape(kh * kw * channels, filters), dtype=np.float32)
    bias = bias.astype(np.float32)
    span_h, span_w = (kh - 1) * dh, (kw - 1) * dw

    def conv(x: np.ndarray) -> np.ndarray:
        n, h, w, c = x.shape
        if padding == "same":  # as TensorFlow: the odd pixel of padding goes after
            top, left = span_h // 2, span_w // 2
            padded = np.zeros((n, h + span_h, w + span_w, c), np.float32)
            padded[:, top : top + h, left : left + w] = x
            out_h, out_w = h, w
        else:
            padded, out_h, out_w = x, h - span_h, w - span_w
            if out_h < 1 or out_w < 1:
                raise ValueError(f"a {kh}x{kw} 'valid' convolution needs an input of at least that size, got {h}x{w}")
        patches = np.concatenate(
            [padded[:, dy * dh : dy * dh + out_h, dx * dw : dx * dw + out_w] for dy in range(kh) for dx in range(kw)],
            axis=-1,
        )
        return (patches.reshape(n * out_h * out_w, kh * kw * c) @ matrix + bias).reshape(n, out_h, out_w, filters)

    return conv


def _max_pool(size: tuple[int, int], strides: tuple[int, int]) -> Step:
    """'valid' max pooling of any size and strides (the line network pools 2 x 2 with strides 2 x 1)."""
    ph, pw = size
    sh, sw = strides

    def pool(x: np.ndarray) -> np.ndarray:
        n, h, w, c = x.shape
        if (sh, sw) == (ph, pw):
            h, w = h // ph * ph, w // pw * pw
            return x[:, :h, :w].reshape(n, h // ph, ph, w // pw, pw, c).max(axis=(2, 4))
        out_h, out_w = (h - ph) // sh + 1, (w - pw) // sw + 1
        windows = [x[:, dy : dy + sh * (out_h - 1) + 1 : sh, dx : dx + sw * (out_w - 1) + 1 : sw]
                   for dy in range(ph) for dx in range(pw)]  # fmt: skip
        return np.maximum.reduce(windows)

    return pool


def _dense(kernel: np.ndarray, bias: np.ndarray) -> Step:
    return lambda x: x @ kernel + bias


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


class LineForward(NumpyForward):
    """`forward(batch)` -> the network's outputs (logits over the line's columns), as the Keras model gives them."""

    @classmethod
    def from_layers(cls, layers) -> LineForward:
        """Compile a chain of InputLayer, Conv2D (stride 1), BatchNormalization, Activation (relu or linear),
        MaxPooling2D ('valid'), Dropout and Dense layers; UnsupportedModelError for anything else."""
        steps: list[Step] = []
        pending: list = []  # [kernel, bias, padding, dilation] of a conv waiting for its BatchNormalization

        def flush() -> None:
            if pending:
                steps.append(_conv(*pending))
                pending.clear()

        for layer in layers:
            kind = getattr(layer, "keras_class", None) or type(layer).__name__
            config = layer.get_config()
            if kind in ("InputLayer", "Dropout"):
                continue
            if kind == "Conv2D":
                flush()
                if _pair(config.get("strides"), 1) != (1, 1) or config.get("groups", 1) != 1:
                    raise UnsupportedModelError(f"{layer.name}: only stride-1 convolutions are supported")
                weights = layer.get_weights()
                bias = weights[1] if config.get("use_bias") else np.zeros(weights[0].shape[-1], np.float32)
                pending[:] = [weights[0], bias, config.get("padding", "valid"), _pair(config.get("dilation_rate"), 1)]
                if config.get("activation", "linear") not in ("linear", "relu"):
                    raise UnsupportedModelError(f"{layer.name}: activation {config.get('activation')!r}")
                if config.get("activation") == "relu":
                    flush()
                    steps.append(_relu)
                continue
            if kind == "BatchNormalization" and pending:
                gamma, beta, mean, variance = _bn_weights(layer, config)
                scale = gamma / np.sqrt(variance + config["epsilon"])
                pending[0], pending[1] = pending[0] * scale, (pending[1] - mean) * scale + beta
                continue
            flush()
            if kind == "Activation" and config.get("activation") in ("relu", "linear"):
                if config["activation"] == "relu":
                    steps.append(_relu)
            elif kind == "MaxPooling2D" and config.get("padding", "valid") == "valid":
                size = _pair(config["pool_size"], 2)
                steps.append(_max_pool(size, size if config.get("strides") is None else _pair(config["strides"], 1)))
            elif kind == "Dense" and config.get("activation", "linear") == "linear":
                weights = layer.get_weights()
                kernel = np.ascontiguousarray(weights[0], np.float32)
                bias = weights[1].astype(np.float32) if config.get("use_bias", True) else np.zeros(kernel.shape[1])
                steps.append(_dense(kernel, bias))
            else:
                raise UnsupportedModelError(f"layer {layer.name!r} ({kind}) is not one the line reader runs in numpy")
        flush()
        return cls(steps)
