"""The share link's code: a drawing of the Recognize pad and its row in a short, URL-safe, versioned text.

A link is the page's address with `#d=<code>` (the fragment: never sent to the server with the page, kept out of
its logs; ui/share.js hands it to the server once the page is up). The code is `1.<row>.<numbers>`: the version,
the row id, then the numbers in base64url VLQ (as source maps: 5 bits a character, a continuation bit, the sign
in the lowest bit): width, height, the stroke count, then per stroke its point count and its xs, ys (tenths of a
pixel, as the pad rounds them) and ts (ms), each as differences from the point before. A rune of ~100 points is
~450 characters (benchmarks/bench_share.py). Decoding is bounded before any work: at most MAX_CODE_CHARS characters,
numbers of at most 7 characters, and the strokes checked with the pad's caps (ui.inputs.RUNE).
"""

from __future__ import annotations

from typing import Any

from runes.strokes import check_strokes
from ui.inputs import RUNE, Bounds

VERSION = "1"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DIGIT = {char: value for value, char in enumerate(ALPHABET)}
MAX_DIGITS = 7  # 35 bits: more than any coordinate or time a pad can send
# The longest code a drawing within RUNE's caps needs (5,000 points: 21,780 characters in bench_share.py) with room;
# URLs of this length open in every current browser.
MAX_CODE_CHARS = 32_000
SCALE = 10  # tenths of a pixel


class LinkError(ValueError):
    """A share link that cannot be opened; the message is for the visitor."""


def _vlq(number: int) -> str:
    value = number * 2 if number >= 0 else -number * 2 - 1
    chars = []
    while True:
        digit, value = value & 31, value >> 5
        chars.append(ALPHABET[digit | (32 if value else 0)])
        if not value:
            return "".join(chars)


def _numbers(text: str) -> list[int]:
    numbers, value, shift, digits = [], 0, 0, 0
    for char in text:
        if char not in DIGIT:
            raise LinkError("This share link is damaged (it has characters a link never has).")
        digit = DIGIT[char]
        value |= (digit & 31) << shift
        shift, digits = shift + 5, digits + 1
        if digits > MAX_DIGITS:
            raise LinkError("This share link is damaged (a number in it is far too long).")
        if not digit & 32:
            numbers.append(value >> 1 if not value & 1 else -(value >> 1) - 1)
            value, shift, digits = 0, 0, 0
    if digits:
        raise LinkError("This share link is cut short: copy the whole link and try again.")
    return numbers


def _deltas(values: list[float], scale: int) -> str:
    previous, out = 0, []
    for value in values:
        whole = round(value * scale)
        out.append(_vlq(whole - previous))
        previous = whole
    return "".join(out)


def encode(drawing: dict[str, Any], row: str) -> str:
    """The code of a checked pad drawing ({"width", "height", "strokes": [[xs, ys, ts], ...]}) read in `row`."""
    strokes = drawing["strokes"]
    parts = [_vlq(int(drawing["width"])), _vlq(int(drawing["height"])), _vlq(len(strokes))]
    for xs, ys, ts in strokes:
        parts += [_vlq(len(xs)), _deltas(xs, SCALE), _deltas(ys, SCALE), _deltas(ts, 1)]
    return f"{VERSION}.{row}.{''.join(parts)}"


def _undeltas(numbers: list[int], scale: int) -> list[float]:
    values, total = [], 0
    for number in numbers:
        total += number
        values.append(total / scale if scale != 1 else total)
    return values


def decode(code: Any, canvas: tuple[int, int], row_ids: tuple[str, ...], bounds: Bounds = RUNE) -> tuple[dict, str]:
    """(the pad drawing, the row id) of a code; LinkError, in words for the visitor, for one that cannot be opened."""
    if not isinstance(code, str) or not code:
        raise LinkError("This share link has no drawing in it.")
    if len(code) > MAX_CODE_CHARS:
        raise LinkError(f"This share link is too long to be a drawing (over {MAX_CODE_CHARS:,} characters).")
    version, _, rest = code.partition(".")
    if not (version.isdigit() and len(version) <= 3 and rest):
        raise LinkError("This share link is damaged: it is not a link to a drawing.")
    if version != VERSION:
        raise LinkError("This share link was made by another version of Rune Reader and cannot be opened here.")
    row, _, text = rest.partition(".")
    if row not in row_ids:
        raise LinkError("This share link names a rune row this Rune Reader does not read.")
    numbers = _numbers(text)
    if len(numbers) < 3 or (numbers[0], numbers[1]) != canvas:
        raise LinkError("This share link is not a drawing of this pad.")
    count, position, strokes = numbers[2], 3, []
    if not 0 <= count <= bounds.max_strokes:
        raise LinkError(f"This share link has too many strokes (at most {bounds.max_strokes}).")
    for _ in range(count):
        points = numbers[position] if position < len(numbers) else -1
        end = position + 1 + 3 * points
        if points < 1 or end > len(numbers):
            raise LinkError("This share link is cut short: copy the whole link and try again.")
        chunk = numbers[position + 1 : end]
        xs, ys, ts = chunk[:points], chunk[points : 2 * points], chunk[2 * points :]
        strokes.append([_undeltas(xs, SCALE), _undeltas(ys, SCALE), _undeltas(ts, 1)])
        position = end
    if position != len(numbers):
        raise LinkError("This share link is damaged (it has more in it than its drawing).")
    try:
        check_strokes(
            strokes,
            canvas[0],
            canvas[1],
            max_side=bounds.max_side,
            max_strokes=bounds.max_strokes,
            max_points=bounds.max_points,
        )
    except ValueError as error:
        raise LinkError(f"This share link's drawing cannot be opened: {error}") from error
    return {"width": canvas[0], "height": canvas[1], "strokes": strokes}, row
