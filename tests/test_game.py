"""runes.game: which rune the game asks for next, missed runes sooner, and the score."""

from __future__ import annotations

import random

import pytest

from runes.game import MISS_GAP, ROUNDS, Game, new_game
from runes.rows import get_row

YOUNGER = [rune.id for rune in get_row("younger").runes]


def test_a_new_game_asks_each_rune_of_the_row_once_in_a_seeded_order():
    game = new_game(YOUNGER, random.Random(1))
    assert sorted(game.queue) == sorted(YOUNGER)
    assert game.queue == new_game(YOUNGER, random.Random(1)).queue  # the seed decides the order
    assert game.queue != new_game(YOUNGER, random.Random(2)).queue
    assert (game.number, game.score, game.streak, game.over, game.rounds) == (1, 0, 0, False, ROUNDS)


def test_a_won_rune_waits_for_every_other_one():
    game = new_game(YOUNGER, random.Random(3), rounds=100)
    first = game.prompt
    after = game.play(won=True)
    assert after.queue[-1] == first
    prompts = [after.prompt]
    for _ in range(len(YOUNGER) - 2):
        after = after.play(won=True)
        prompts.append(after.prompt)
    assert first not in prompts  # every other rune first
    assert after.play(won=True).prompt == first


def test_a_missed_rune_comes_back_after_miss_gap_other_rounds():
    game = new_game(YOUNGER, random.Random(4))
    missed = game.prompt
    game = game.play(won=False)
    for _ in range(MISS_GAP):
        assert game.prompt != missed
        game = game.play(won=True)
    assert game.prompt == missed
    assert game.missed == (missed,)


def test_a_missed_rune_comes_back_sooner_than_a_won_one():
    rounds_until_back = {}
    for won in (True, False):
        game = new_game(YOUNGER, random.Random(5), rounds=100)
        rune, count = game.prompt, 0
        game = game.play(won=won)
        while game.prompt != rune:
            game, count = game.play(won=True), count + 1
        rounds_until_back[won] = count
    assert rounds_until_back == {False: MISS_GAP, True: len(YOUNGER) - 1}


def test_score_streak_and_best_streak():
    game = new_game(YOUNGER, random.Random(6))
    for won in (True, True, False, True, True, True, False, True):
        game = game.play(won)
    assert (game.score, game.streak, game.best_streak, game.number) == (6, 1, 3, 9)
    assert len(game.won) + len(game.missed) >= len(set(game.won) | set(game.missed))


def test_the_game_ends_after_its_rounds():
    game = new_game(["fe", "ur"], random.Random(7), rounds=3)
    prompts = []
    for _ in range(3):
        prompts.append(game.prompt)
        game = game.play(won=False)
    assert game.over and game.score == 0 and set(game.missed) == {"fe", "ur"}
    assert prompts[0] != prompts[1] and prompts[2] == prompts[0]  # two runes: a miss comes back at once
    with pytest.raises(ValueError, match="over after 3 rounds"):
        game.play(won=True)


def test_games_that_cannot_be_played_are_refused_in_words():
    with pytest.raises(ValueError, match="at least one rune"):
        new_game([], random.Random(0))
    with pytest.raises(ValueError, match="each rune once"):
        Game(row="younger", queue=("fe", "fe"))
    with pytest.raises(ValueError, match="at least one round"):
        new_game(YOUNGER, random.Random(0), rounds=0)
    assert new_game(["fe", "fe", "ur"], random.Random(0)).queue.count("fe") == 1  # duplicates asked once
