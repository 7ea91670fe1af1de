"""Learn the runes, a game: which rune to ask for next, and the score of the rounds played.

    game = new_game(["fe", "ur", "thurs", ...], random.Random())   # the runes of a row, in a shuffled order
    game.prompt                     # 'thurs': the rune the visitor is asked to draw now
    game = game.play(won=False)     # missed (skipped or out of time): it comes back after MISS_GAP other rounds
    game = game.play(won=True)      # won: it goes to the back of the queue, after every other rune
    game.score, game.streak, game.best_streak, game.missed, game.over

A game is a queue of rune ids and the rounds played; the rune asked for is the first of the queue. A rune drawn
right goes to the back (every other rune comes first), a rune missed goes back in after MISS_GAP others, so the
runes a visitor does not know yet come back sooner and more often. Pure and immutable (`play` returns a new
Game): the app keeps one per visitor and the page only shows it. Library code: never imports gradio.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

__all__ = ["MISS_GAP", "ROUNDS", "ROUND_SECONDS", "Game", "Round", "new_game"]

ROUNDS = 10  # rounds in a game, then the summary
ROUND_SECONDS = 20  # to draw the rune asked for (the page keeps the time; Quick, Draw! gives 20 s)
MISS_GAP = 2  # a missed rune is asked again after this many other rounds (a won one only after all the others)


@dataclass(frozen=True)
class Round:
    """One round played: the rune asked for and whether it was drawn right in time."""

    rune: str
    won: bool


@dataclass(frozen=True)
class Game:
    """A game in progress or over: the queue of rune ids (the first is asked now) and the rounds played."""

    row: str
    queue: tuple[str, ...]
    rounds: int = ROUNDS
    played: tuple[Round, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.queue:
            raise ValueError(f"A game needs at least one rune to ask for; the row {self.row!r} gave none.")
        if len(set(self.queue)) != len(self.queue):
            raise ValueError(f"A game asks for each rune once in its queue; got {list(self.queue)}.")
        if self.rounds < 1:
            raise ValueError(f"A game has at least one round; got rounds={self.rounds}.")

    @property
    def prompt(self) -> str:
        """The rune id to draw now."""
        return self.queue[0]

    @property
    def number(self) -> int:
        """The round being played, from 1 (rounds + 1 once the game is over)."""
        return len(self.played) + 1

    @property
    def over(self) -> bool:
        return len(self.played) >= self.rounds

    @property
    def score(self) -> int:
        """Rounds won."""
        return sum(round_.won for round_ in self.played)

    @property
    def streak(self) -> int:
        """Rounds won in a row, up to the last one played."""
        count = 0
        for round_ in reversed(self.played):
            if not round_.won:
                break
            count += 1
        return count

    @property
    def best_streak(self) -> int:
        best = count = 0
        for round_ in self.played:
            count = count + 1 if round_.won else 0
            best = max(best, count)
        return best

    @property
    def missed(self) -> tuple[str, ...]:
        """The runes missed at least once, in the order first missed (to practise)."""
        return tuple(dict.fromkeys(round_.rune for round_ in self.played if not round_.won))

    @property
    def won(self) -> tuple[str, ...]:
        """The runes drawn right at least once, in the order first won."""
        return tuple(dict.fromkeys(round_.rune for round_ in self.played if round_.won))

    def play(self, won: bool) -> Game:
        """The game after the rune asked for was drawn right (`won`) or missed; a ValueError once it is over."""
        if self.over:
            raise ValueError(f"The game is over after {self.rounds} rounds: start a new one.")
        rune, rest = self.queue[0], list(self.queue[1:])
        rest.insert(len(rest) if won else min(MISS_GAP, len(rest)), rune)
        return replace(self, queue=tuple(rest), played=(*self.played, Round(rune, bool(won))))


def new_game(rune_ids: Sequence[str], rng: random.Random, row: str = "younger", rounds: int = ROUNDS) -> Game:
    """A game over these runes (each once, in an order `rng` shuffles) of `rounds` rounds."""
    queue = list(dict.fromkeys(rune_ids))
    rng.shuffle(queue)
    return Game(row=row, queue=tuple(queue), rounds=rounds)
