"""Decoding a CTC network's outputs: which labels a line holds, and the columns where each one fired.

The outputs are per-column probabilities (columns, outputs), output 0 the blank (Graves et al. 2006).
`greedy_decode` takes the best output of every column (repeats merged, blanks dropped); `beam_decode` keeps the
`beam` likeliest label sequences column by column, each summed over all the paths that spell it (prefix beam
search), so a rune that fires weakly over several columns outweighs the blank that wins each of them alone;
`align` finds the likeliest path that spells a given sequence (Viterbi), so each label gets its columns back.
`decode` does both: [(output, first column, last column, confidence)] left to right. `log_likelihood` is a
sequence's log-probability summed over all its paths (the CTC forward pass), and `combined_decode` reads one line
with several networks, at one or more widths (views): the sequence likeliest by all the networks (the product of
their likelihoods) at the width where it is likeliest, among the ones each beam search kept. Networks trained
apart fire a label at different columns, and a line read wider has more columns, so their per-column outputs
cannot be averaged; their sequences' likelihoods can.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from runes.inference import _softmax

__all__ = [
    "BLANK",
    "Token",
    "softmax",
    "greedy_decode",
    "beam_search",
    "beam_decode",
    "log_likelihood",
    "combined_decode",
    "align",
    "decode",
]

BLANK = 0  # output 0 is CTC's blank
BEAM = 8  # label sequences kept per column by beam_decode
LEAST = 1e-3  # beam_decode extends a sequence only with outputs at least this probable in the column
Token = tuple[int, int, int, float]  # (output, first column, last column, its highest probability there)


def softmax(logits: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    """Per-column probabilities (float64) of logits (columns, outputs); `allowed` (outputs, bool) limits the
    outputs (the blank is always allowed), the others get 0."""
    logits = np.asarray(logits, np.float64)
    if allowed is not None:
        logits = np.where(allowed[None, :] | (np.arange(logits.shape[1]) == BLANK)[None, :], logits, -np.inf)
    return _softmax(logits)


def greedy_decode(logits: np.ndarray, allowed: np.ndarray | None = None) -> list[Token]:
    """The best output of every column, repeats merged, blanks dropped: [(output, first, last, confidence)]."""
    probabilities = softmax(logits, allowed)
    best = probabilities.argmax(axis=1)
    tokens: list[Token] = []
    previous = BLANK
    for column, label in enumerate(best.tolist()):
        if label != BLANK and label == previous:
            output, first, _, confidence = tokens[-1]
            tokens[-1] = (output, first, column, max(confidence, float(probabilities[column, label])))
        elif label != BLANK:
            tokens.append((label, column, column, float(probabilities[column, label])))
        previous = label
    return tokens


def beam_decode(probabilities: np.ndarray, beam: int = BEAM) -> tuple[int, ...]:
    """The likeliest label sequence (outputs, no blanks) by prefix beam search over (columns, outputs)."""
    return beam_search(probabilities, beam)[0]


def beam_search(probabilities: np.ndarray, beam: int = BEAM) -> list[tuple[int, ...]]:
    """The `beam` label sequences that prefix beam search keeps to the last column, likeliest first."""
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (1.0, 0.0)}  # prefix -> (ends in blank, in its label)
    for column in probabilities:
        candidates = [int(k) for k in np.flatnonzero(column >= LEAST) if k != BLANK]
        grown: defaultdict[tuple[int, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for prefix, (blank, label) in beams.items():
            grown[prefix][0] += (blank + label) * column[BLANK]
            for k in candidates:
                if prefix and prefix[-1] == k:  # the same label again: a repeat only after a blank
                    grown[prefix][1] += label * column[k]
                    grown[(*prefix, k)][1] += blank * column[k]
                else:
                    grown[(*prefix, k)][1] += (blank + label) * column[k]
        kept = sorted(grown.items(), key=lambda item: -(item[1][0] + item[1][1]))[:beam]
        scale = max(kept[0][1][0] + kept[0][1][1], 1e-300)  # rescaled every column: no underflow on long lines
        beams = {prefix: (blank / scale, label / scale) for prefix, (blank, label) in kept}
    return sorted(beams, key=lambda prefix: -sum(beams[prefix]))


def log_likelihood(probabilities: np.ndarray, sequences: list[tuple[int, ...]]) -> np.ndarray:
    """Each label sequence's log-probability under (columns, outputs), summed over all the paths that spell it (the
    CTC forward pass, all sequences at once); -inf for one the columns cannot spell."""
    if not sequences:
        return np.zeros(0)
    size = 2 * max(map(len, sequences)) + 1
    states = np.full((len(sequences), size), BLANK)  # blank, label 1, blank, label 2, ..., blank (then padding)
    valid = np.zeros((len(sequences), size), bool)
    for index, labels in enumerate(sequences):
        states[index, 1 : 2 * len(labels) : 2] = labels
        valid[index, : 2 * len(labels) + 1] = True
    # A path may step from state s to s + 1, or to s + 2 past a blank between two different labels.
    skip = np.zeros_like(valid)
    skip[:, 3::2] = states[:, 3::2] != states[:, 1:-2:2]
    ends = np.array([2 * len(labels) for labels in sequences])  # the last blank; the last label is just before it
    result = _forward(probabilities, states, valid, skip, ends)
    lost = np.flatnonzero(result == -np.inf)  # cannot be spelled, or a state fell 1e308 behind its row's best
    if len(lost):
        result[lost] = _forward_in_logs(probabilities, states[lost], valid[lost], skip[lost], ends[lost])
    return result


def _forward(probabilities: np.ndarray, states, valid, skip, ends) -> np.ndarray:
    """The forward pass in probabilities, each sequence's row divided by its largest every column (the log kept):
    a third of the work of adding logarithms. One column of (sequences, states) at a time."""
    alpha = np.zeros(states.shape)
    alpha[:, :2] = np.where(valid, probabilities[0][states], 0.0)[:, :2]
    divided = np.zeros(len(states))  # the log of all that each row was divided by
    step = np.empty_like(alpha)
    for column in range(1, len(probabilities)):
        step[:] = alpha
        step[:, 1:] += alpha[:, :-1]
        step[:, 2:] += np.where(skip[:, 2:], alpha[:, :-2], 0.0)
        alpha = step * np.where(valid, probabilities[column][states], 0.0)
        largest = alpha.max(axis=1)
        largest[largest <= 0] = 1.0  # a sequence the columns so far cannot spell stays at 0
        alpha /= largest[:, None]
        divided += np.log(largest)
    rows = np.arange(len(states))
    total = alpha[rows, ends] + np.where(ends > 0, alpha[rows, np.maximum(ends - 1, 0)], 0.0)
    with np.errstate(divide="ignore"):
        return np.log(total) + divided


def _forward_in_logs(probabilities: np.ndarray, states, valid, skip, ends) -> np.ndarray:
    """The same forward pass adding logarithms: slower, but no path is ever too unlikely to count."""

    def log(column: int) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.where(valid, np.log(probabilities[column][states]), -np.inf)

    alpha = np.full(states.shape, -np.inf)
    alpha[:, :2] = log(0)[:, :2]
    never = np.full((len(states), 2), -np.inf)
    for column in range(1, len(probabilities)):
        one = np.concatenate([never[:, :1], alpha[:, :-1]], axis=1)
        two = np.where(skip, np.concatenate([never, alpha[:, :-2]], axis=1), -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, one), two) + log(column)
    rows = np.arange(len(states))
    return np.logaddexp(alpha[rows, ends], np.where(ends > 0, alpha[rows, np.maximum(ends - 1, 0)], -np.inf))


def _spellable(sequence: tuple[int, ...], columns: int) -> bool:
    """Whether `columns` columns can spell the labels: one column each, and a blank between two equal ones."""
    return len(sequence) + sum(a == b for a, b in zip(sequence, sequence[1:], strict=False)) <= columns


def combined_decode(views: list[list[np.ndarray]], beam: int = BEAM) -> tuple[int, ...]:
    """The label sequence likeliest in one line read at one or more widths (`views`: for each width, every network's
    outputs (columns, outputs), the same labels; the first width is the line's own): among the sequences each beam
    search kept that the first width's columns can spell (`align` gives them their columns there), the one whose sum
    of the networks' log-likelihoods is highest at the width where it is highest."""
    outputs = [probabilities for view in views for probabilities in view]
    if len(outputs) == 1:
        return beam_decode(outputs[0], beam)
    found = (sequence for probabilities in outputs for sequence in beam_search(probabilities, beam))
    candidates = list(dict.fromkeys(sequence for sequence in found if _spellable(sequence, len(outputs[0]))))
    by_width = [np.sum([log_likelihood(probabilities, candidates) for probabilities in view], axis=0) for view in views]
    return candidates[int(np.argmax(np.max(by_width, axis=0)))]


def align(probabilities: np.ndarray, labels: tuple[int, ...]) -> list[tuple[int, int]]:
    """The (first, last) column of each label on the likeliest path that spells `labels` (Viterbi). The columns must be
    able to spell them (as `beam_decode`'s labels always are: a column per label, one more between equal ones)."""
    if not labels:
        return []
    states = np.full(2 * len(labels) + 1, BLANK)  # blank, label 1, blank, label 2, ..., blank
    states[1::2] = labels
    log = np.log(np.maximum(probabilities[:, states], 1e-300))
    # A path may step from state s to s + 1, or to s + 2 past a blank between two different labels.
    skip = np.zeros(len(states), bool)
    skip[3::2] = states[3::2] != states[1:-2:2]
    score = np.full(len(states), -np.inf)
    score[:2] = log[0, :2]
    came = np.zeros((len(probabilities), len(states)), np.int8)  # steps back to the state before: 0, 1 or 2
    for column in range(1, len(probabilities)):
        one = np.concatenate([[-np.inf], score[:-1]])
        two = np.where(skip, np.concatenate([[-np.inf, -np.inf], score[:-2]]), -np.inf)
        options = np.stack([score, one, two])
        came[column] = options.argmax(axis=0)
        score = options.max(axis=0) + log[column]
    state = len(states) - 1 if score[-1] >= score[-2] else len(states) - 2
    path = np.empty(len(probabilities), int)
    for column in range(len(probabilities) - 1, -1, -1):
        path[column] = state
        state -= int(came[column, state])
    spans = []
    for index in range(len(labels)):
        columns = np.flatnonzero(path == 2 * index + 1)
        spans.append((int(columns[0]), int(columns[-1])))
    return spans


def decode(views: list[list[np.ndarray]], beam: int = BEAM) -> list[Token]:
    """`combined_decode` of one or more networks' per-column probabilities at one or more widths, then `align` in the
    first network at the first width: [(output, first, last, confidence)] of every label read, left to right
    (columns and confidence the first view's)."""
    probabilities = views[0][0]
    labels = combined_decode(views, beam)
    return [
        (label, first, last, float(probabilities[first : last + 1, label].max()))
        for label, (first, last) in zip(labels, align(probabilities, labels), strict=True)
    ]
