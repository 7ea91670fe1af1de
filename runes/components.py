"""The ink of a line as connected components: their boxes, the line's height, and whether anything rune-like is there.

`components(mask)` labels the 8-connected components of an ink mask; `line_height(boxes)` is the median height of the
tall ones and tells ink that is only specks or noise; `stray_ink(mask)` is the ink that is no part of a line of runes
(a tap of the pen, a blob, dust far above or below); `line_ink_left_out(mask)` is what the line reader leaves out
before it reads, or None when nothing rune-like is there, before or after.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DOT_SIZE",
    "MIN_LINE_HEIGHT",
    "NOISE_SPECKS",
    "STROKE_LENGTH",
    "BLOT_PEN",
    "components",
    "line_height",
    "line_ink_left_out",
    "run_lengths",
    "stray_ink",
]

DOT_SIZE = 0.3  # a separator dot: both sides at most this many line heights
MIN_LINE_HEIGHT = 6  # pixels (of the ink map): components all shorter than this are specks, not runes
# More specks (components no bigger than a separator dot) than this per tall component is noise: the 900
# composed lines of benchmarks/bench_inscription.py have at most 1.3, uniform or salt-and-pepper noise 48+.
NOISE_SPECKS = 20
# Ink drawn with strokes is at least this many pen widths tall (see `stray_ink`; tests/test_inscription.py measures it:
# the real drawings at least 5.3, runes drawn on the pads at least 10.3, a tap of the pen or a filled blob 1.2-1.7).
STROKE_LENGTH = 2.5
BLOT_PEN = 2.0  # ...and a blot beside other strokes has at least this many times their pen (measured there too)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal runs of True pixels in raster order: (rows, starts, ends), ends exclusive."""
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    return rows, starts, np.nonzero(edges == -1)[1]


def run_lengths(mask: np.ndarray) -> np.ndarray:
    """For every True pixel, the length of the horizontal run it lies in (0 elsewhere)."""
    rows, starts, ends = _runs(mask)
    lengths = ends - starts
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out = np.zeros(mask.shape, np.int32)
    out[np.repeat(rows, lengths), np.repeat(starts, lengths) + offsets] = np.repeat(lengths, lengths)
    return out


def components(mask: np.ndarray) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """8-connected components in raster order of their first pixel: ([(rows, cols) index arrays], boxes),
    boxes an int array (components, 4) of (top, left, bottom, right), bottom/right exclusive.

    Vectorised union-find over horizontal runs (hook the larger root under the smaller, then compress),
    so a noisy image with thousands of specks is labelled in milliseconds."""
    rows, starts, ends = _runs(mask)
    if not len(rows):
        return [], np.zeros((0, 4), int)
    # The runs of the row above touching run i (diagonals included) are a contiguous range [low, high).
    stride = mask.shape[1] + 2
    above = (rows - 1) * stride
    low = np.searchsorted(rows * stride + ends, above + starts, side="left")
    high = np.searchsorted(rows * stride + starts, above + ends, side="right")
    counts = np.maximum(high - low, 0)
    first = np.repeat(np.arange(len(rows)), counts)
    second = np.repeat(low, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    root = np.arange(len(rows))
    while True:
        a, b = root[first], root[second]
        if np.array_equal(a, b):
            break
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))
        while not np.array_equal(root[root], root):
            root = root[root]
    order = np.argsort(root, kind="stable")  # runs grouped by component, components by their first run
    rows, starts, ends = rows[order], starts[order], ends[order]
    firsts = np.flatnonzero(np.diff(root[order], prepend=-1))  # each component's first run
    boxes = np.stack(
        [
            np.minimum.reduceat(rows, firsts),
            np.minimum.reduceat(starts, firsts),
            np.maximum.reduceat(rows, firsts) + 1,
            np.maximum.reduceat(ends, firsts),
        ],
        axis=1,
    )
    lengths = ends - starts
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    pixel_rows, pixel_cols = np.repeat(rows, lengths), np.repeat(starts, lengths) + offsets
    bounds = np.cumsum(lengths)[firsts[1:] - 1]
    return list(zip(np.split(pixel_rows, bounds), np.split(pixel_cols, bounds), strict=True)), boxes


def line_height(spans: np.ndarray) -> tuple[float, np.ndarray, bool]:
    """(line height, which components are tall, whether the ink is only specks or noise) for the components' boxes.

    The line height is the median height of the tall components: those at least half as tall as the ink's
    extent or, when scattered specks stretch the extent beyond twice the tallest, the tallest."""
    heights = spans[:, 2] - spans[:, 0]
    extent = int(spans[:, 2].max() - spans[:, 0].min())
    is_tall = heights >= min(0.5 * extent, int(heights.max()))
    line = float(np.median(heights[is_tall]))
    specks = int((np.maximum(heights, spans[:, 3] - spans[:, 1]) <= DOT_SIZE * line).sum())
    return line, is_tall, line < MIN_LINE_HEIGHT or specks > NOISE_SPECKS * int(is_tall.sum())


def pen_widths(mask: np.ndarray) -> np.ndarray:
    """For every ink pixel, the shorter of the horizontal and vertical runs of ink through it (0 elsewhere)."""
    return np.minimum(run_lengths(mask), run_lengths(mask.T).T)


def _medians(values: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The median of `values` over each component's pixels (as np.median), in one sort."""
    sizes = np.array([len(rows) for rows, _ in parts])
    taken = values[np.concatenate([rows for rows, _ in parts]), np.concatenate([cols for _, cols in parts])]
    owner = np.repeat(np.arange(len(parts)), sizes)
    ordered = taken[np.lexsort((taken, owner))].astype(np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return (ordered[starts + (sizes - 1) // 2] + ordered[starts + sizes // 2]) / 2


def _medians_of_the_others(values: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the median (as np.median) of the values `among` other than itself, and whether there are any."""
    pool = np.sort(values[among])
    count = len(pool)
    rank = np.full(len(values), count)  # a value not among them leaves the whole pool
    rank[among] = np.argsort(np.argsort(values[among], kind="stable"), kind="stable")
    left = count - (rank < count)  # how many others
    if not count:
        return np.zeros(len(values)), np.zeros(len(values), bool)
    low, high = np.maximum(left - 1, 0) // 2, left // 2

    def at(position: np.ndarray) -> np.ndarray:  # the position among the others, in the pool
        return pool[np.minimum(position + (position >= rank), count - 1)]

    return (at(low) + at(high)) / 2, left > 0


def _covered(intervals: np.ndarray, spans: np.ndarray, length: int) -> np.ndarray:
    """For each span [start, end), how many of its positions lie in the union of `intervals` ([start, end) rows)."""
    steps = np.zeros(length + 1, np.int64)
    np.add.at(steps, intervals[:, 0], 1)
    np.add.at(steps, intervals[:, 1], -1)
    inside = np.concatenate([[0], np.cumsum(np.cumsum(steps)[:-1] > 0)])
    return inside[spans[:, 1]] - inside[spans[:, 0]]


def stray_ink(mask: np.ndarray) -> np.ndarray:
    """The ink pixels (and the pixels around them) that are not part of a line of runes:

    - blots: ink not drawn with strokes, under STROKE_LENGTH times as tall as its pen is wide (its pen: the median
      over its ink of `pen_widths`), and beside other strokes its pen BLOT_PEN times theirs (the median of theirs)
      or more: a tap of the pen alone, a filled blob, a bar as thick as it is tall (a small rune printed with a
      thick pen has the pen of the runes beside it). Only the line's tall components and those that stand apart
      are judged: a small stroke with at least half its width in the tall ones' columns (a twig drawn apart from
      its stem) goes with them;
    - dust: a dot-sized component (both sides at most DOT_SIZE line heights) above or below every larger one (a
      separator dot sits within the line's rows).

    Vectorised over the components (as `components` is), so a drawing of thousands of strokes is judged in
    milliseconds.
    """
    parts, spans = components(mask)
    if not parts:
        return np.zeros(mask.shape, bool)
    return _around(mask.shape, parts, _strays(mask, parts, spans))


def line_ink_left_out(mask: np.ndarray) -> np.ndarray | None:
    """`stray_ink(mask)`, or None when nothing rune-like is there before or after it is left out: no ink, only
    specks under MIN_LINE_HEIGHT, or noise (NOISE_SPECKS; `line_height`). From one labelling of the components."""
    parts, spans = components(mask)
    if not parts or line_height(spans)[2]:
        return None
    strays = _strays(mask, parts, spans)
    if strays.all() or line_height(spans[~strays])[2]:  # what is left: the same components, strays aside
        return None
    return _around(mask.shape, parts, strays)


def _strays(mask: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray]], spans: np.ndarray) -> np.ndarray:
    """Which components are stray ink (see `stray_ink`)."""
    line, is_tall, _ = line_height(spans)
    heights, widths = spans[:, 2] - spans[:, 0], spans[:, 3] - spans[:, 1]
    dot_sized = np.maximum(heights, widths) <= DOT_SIZE * line
    pens = _medians(pen_widths(mask), parts)
    # In a tall one's columns (at least half its own width), beside a larger one's rows (any of its own).
    inside = _covered(spans[is_tall][:, [1, 3]], spans[:, [1, 3]], mask.shape[1]) >= 0.5 * widths
    beside = _covered(spans[~dot_sized][:, [0, 2]], spans[:, [0, 2]], mask.shape[0]) > 0
    small = ~is_tall & dot_sized
    dust = small & ~beside
    judged = ~small & ~(~is_tall & inside)
    others, has_others = _medians_of_the_others(pens, ~dot_sized)
    thick = ~has_others | (pens >= BLOT_PEN * others)
    blots = judged & (heights < STROKE_LENGTH * pens) & thick
    return dust | blots


def _around(shape: tuple[int, ...], parts: list[tuple[np.ndarray, np.ndarray]], chosen: np.ndarray) -> np.ndarray:
    """The pixels of the chosen components and those around them."""
    out = np.zeros(shape, bool)
    for index in np.flatnonzero(chosen):
        out[parts[index]] = True
    grown = out.copy()  # and one pixel around: the faint edge of its ink goes with it
    grown[1:] |= out[:-1]
    grown[:-1] |= out[1:]
    around = grown.copy()
    around[:, 1:] |= grown[:, :-1]
    around[:, :-1] |= grown[:, 1:]
    return around
