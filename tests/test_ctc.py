"""CTC decoding (runes.ctc) against brute force: every path of small random outputs enumerated."""

from __future__ import annotations

import itertools

import numpy as np

from runes.ctc import align, beam_decode, beam_search, combined_decode, decode, greedy_decode, log_likelihood, softmax


def _collapse(path: tuple[int, ...]) -> tuple[int, ...]:
    merged = [k for index, k in enumerate(path) if index == 0 or path[index - 1] != k]
    return tuple(k for k in merged if k != 0)


def _paths(columns: int, outputs: int):
    return itertools.product(range(outputs), repeat=columns)


def _random_probabilities(rng: np.random.Generator, columns: int, outputs: int) -> np.ndarray:
    return softmax(rng.normal(0, 2, (columns, outputs)))


def test_beam_decode_finds_the_likeliest_label_sequence_summed_over_its_paths():
    rng = np.random.default_rng(0)
    for _ in range(40):
        probabilities = _random_probabilities(rng, 5, 3)
        totals: dict[tuple[int, ...], float] = {}
        for path in _paths(5, 3):
            labels = _collapse(path)
            totals[labels] = totals.get(labels, 0.0) + float(np.prod(probabilities[np.arange(5), path]))
        best = max(totals, key=lambda labels: totals[labels])
        assert totals[beam_decode(probabilities, beam=64)] == totals[best]


def _totals(probabilities: np.ndarray) -> dict[tuple[int, ...], float]:
    columns, outputs = probabilities.shape
    totals: dict[tuple[int, ...], float] = {}
    for path in _paths(columns, outputs):
        labels = _collapse(path)
        totals[labels] = totals.get(labels, 0.0) + float(np.prod(probabilities[np.arange(columns), path]))
    return totals


def test_log_likelihood_is_every_path_that_spells_the_sequence_summed():
    rng = np.random.default_rng(3)
    for _ in range(20):
        probabilities = _random_probabilities(rng, 5, 4)
        totals = _totals(probabilities)
        sequences = [*totals, (1, 2, 3, 1, 2, 3), (1, 1, 1)]  # too long to spell in 5 columns: never
        expected = [np.log(totals[s]) if s in totals else -np.inf for s in sequences]
        np.testing.assert_allclose(log_likelihood(probabilities, sequences), expected, rtol=1e-9)
    assert log_likelihood(probabilities, []).shape == (0,)


def test_combined_decode_picks_the_sequence_likeliest_by_every_network():
    rng = np.random.default_rng(4)
    for _ in range(30):
        outputs = [_random_probabilities(rng, 5, 3) for _ in range(2)]
        totals = [_totals(probabilities) for probabilities in outputs]
        candidates = {s for probabilities in outputs for s in beam_search(probabilities, beam=4)}
        best = max(candidates, key=lambda s: np.log(totals[0].get(s, 0)) + np.log(totals[1].get(s, 0)))
        assert combined_decode([outputs], beam=4) == best
        assert combined_decode([outputs[:1]], beam=4) == beam_decode(outputs[0], beam=4)
    # Where one network cannot tell two readings apart, the other decides.
    first = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])  # 1 or 2, equally
    second = np.array([[0.0, 0.45, 0.55], [1.0, 0.0, 0.0]])
    third = np.array([[0.0, 0.55, 0.45], [1.0, 0.0, 0.0]])
    assert combined_decode([[second]]) == (2,) and combined_decode([[first, third]]) == (1,)


def test_at_several_widths_the_sequence_likeliest_at_its_best_width_wins():
    rng = np.random.default_rng(5)
    for _ in range(30):
        columns = [4, 5, 6]  # a line read wider has more columns
        views = [[_random_probabilities(rng, n, 3) for _ in range(2)] for n in columns]
        totals = [[_totals(probabilities) for probabilities in view] for view in views]
        candidates = {s for view in views for probabilities in view for s in beam_search(probabilities, beam=4)}
        candidates &= set(totals[0][0])  # those the line's own width can spell (each has some path there)

        def score(s, totals=totals):
            return max(sum(np.log(t[s]) if s in t else -np.inf for t in width) for width in totals)

        best = max(candidates, key=score)
        assert score(combined_decode(views, beam=4)) == score(best)
    # Read at its own width the line is 1 or 2 (barely 1); stretched, it is surely 2.
    own = [np.array([[0.0, 0.52, 0.48], [1.0, 0.0, 0.0]])]
    wider = [np.array([[0.0, 0.02, 0.98], [0.9, 0.0, 0.1], [1.0, 0.0, 0.0]])]
    assert combined_decode([own]) == (1,) and combined_decode([own, wider]) == (2,)
    assert [output for output, *_ in decode([own, wider])] == [2] and decode([own, wider])[0][1:3] == (0, 0)
    # A sequence only the wider reading's columns can spell (1, blank, 1) is not one the line's own width can
    # place: the reading keeps to what its own columns spell.
    own = [np.array([[0.2, 0.8, 0.0], [0.2, 0.8, 0.0]])]
    wider = [np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])]
    assert [output for output, *_ in decode([own, wider])] == [1]


def test_log_likelihood_counts_paths_far_below_the_likeliest_state():
    """A sequence whose every path is 1e-400 times the likeliest state's: rescaling alone would lose it to 0."""
    probabilities = np.array([[1.0, 1e-200, 1e-200], [1.0, 1e-200, 1e-200]])
    likelihood = log_likelihood(probabilities, [(1, 2), (1, 2, 1)])
    assert np.isclose(likelihood[0], 2 * np.log(1e-200), rtol=1e-12) and likelihood[1] == -np.inf


def test_a_label_weak_in_each_column_outweighs_the_blank_and_repeats_need_a_blank_between():
    weak = np.array([[1.0, 0, 0], [0.55, 0.45, 0], [0.55, 0.45, 0], [0.55, 0.45, 0], [1.0, 0, 0]])
    assert [output for output, *_ in greedy_decode(np.log(np.maximum(weak, 1e-12)))] == []
    assert beam_decode(weak) == (1,)  # 1 - 0.55^3 = 0.83 of the paths spell it
    twice = np.array([[0.0, 1, 0], [1.0, 0, 0], [0.0, 1, 0]])
    once = np.array([[0.0, 1, 0], [0.0, 1, 0], [1.0, 0, 0]])
    assert beam_decode(twice) == (1, 1) and beam_decode(once) == (1,)


def test_align_is_the_likeliest_path_that_spells_the_labels():
    rng = np.random.default_rng(1)
    for _ in range(40):
        probabilities = _random_probabilities(rng, 6, 3)
        labels = tuple(int(k) for k in rng.integers(1, 3, int(rng.integers(1, 4))))
        best, best_path = -1.0, None
        for path in _paths(6, 3):
            if _collapse(path) == labels:
                score = float(np.prod(probabilities[np.arange(6), path]))
                if score > best:
                    best, best_path = score, path
        if best_path is None:
            continue  # six columns cannot spell it
        spans = align(probabilities, labels)
        path = [0] * 6
        for label, (first, last) in zip(labels, spans, strict=True):
            path[first : last + 1] = [label] * (last - first + 1)
        assert np.isclose(np.prod(probabilities[np.arange(6), path]), best)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_decode_gives_each_label_its_columns_and_confidence_and_keeps_to_the_allowed_outputs():
    best = [0, 3, 3, 0, 3, 5, 5, 0, 2]
    logits = np.full((len(best), 6), -4.0)
    logits[np.arange(len(best)), best] = 4.0
    logits[5:7, 4] = 3.0  # the runner-up where 5 fires
    tokens = decode([[softmax(logits)]])
    assert [(output, first, last) for output, first, last, _ in tokens] == [(3, 1, 2), (3, 4, 4), (5, 5, 6), (2, 8, 8)]
    confidences = [confidence for *_, confidence in tokens]
    assert min(confidences[:2] + confidences[3:]) > 0.99 and 0.6 < confidences[2] < 0.8  # e^4 / (e^4 + e^3 + ...)
    assert [output for output, *_ in greedy_decode(logits)] == [3, 3, 5, 2]
    allowed = np.array([False, True, True, True, True, False])
    assert [output for output, *_ in decode([[softmax(logits, allowed)]])] == [3, 3, 4, 2]
    assert decode([[softmax(np.zeros((0, 6)))]]) == [] and align(np.ones((3, 6)) / 6, ()) == []


def _log_beam(probabilities: np.ndarray, beam: int) -> tuple[tuple[int, ...], float]:
    """Prefix beam search in log space (the slow, plain way), the reference for long lines: (the likeliest
    sequence, its log-probability)."""
    logs = np.log(np.maximum(probabilities, 1e-300))
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -np.inf)}
    for column, log in zip(probabilities, logs, strict=True):
        grown: dict[tuple[int, ...], list[float]] = {}

        def add(prefix: tuple[int, ...], which: int, value: float, grown=grown) -> None:
            entry = grown.setdefault(prefix, [-np.inf, -np.inf])
            entry[which] = np.logaddexp(entry[which], value)

        for prefix, (blank, label) in beams.items():
            add(prefix, 0, np.logaddexp(blank, label) + log[0])
            for k in (k for k in range(1, len(column)) if column[k] >= 1e-3):
                if prefix and prefix[-1] == k:
                    add(prefix, 1, label + log[k])
                    add((*prefix, k), 1, blank + log[k])
                else:
                    add((*prefix, k), 1, np.logaddexp(blank, label) + log[k])
        kept = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))[:beam]
        beams = {prefix: (blank, label) for prefix, (blank, label) in kept}
    best = max(beams, key=lambda prefix: np.logaddexp(*beams[prefix]))
    return best, float(np.logaddexp(*beams[best]))


def test_long_lines_do_not_underflow():
    """3000 columns unsure between the blank and three labels: the likeliest sequence's probability is far below
    the smallest float, and the beam search (rescaled every column) finds what it finds in log space."""
    rng = np.random.default_rng(2)
    probabilities = softmax(rng.normal(0, 0.5, (3000, 4)) + np.array([0.7, 0, 0, 0]))
    decoded = beam_decode(probabilities)
    expected, log_probability = _log_beam(probabilities, 8)
    assert log_probability < np.log(np.finfo(np.float64).smallest_subnormal)  # no float64 holds it
    assert len(decoded) > 500 and decoded == expected
    assert len(align(probabilities, decoded)) == len(decoded)
    # The forward pass (rescaled every column too) sums every path: at least the beam's share of them.
    likelihood = log_likelihood(probabilities, [decoded, ()])
    assert np.isfinite(likelihood[0]) and log_probability - 1e-6 <= likelihood[0] < 0
    np.testing.assert_allclose(likelihood[1], np.sum(np.log(probabilities[:, 0])), rtol=1e-12)  # only blanks
