"""What transfer learning (`runes.teach`) gains over training from scratch, from 5 / 10 / 15 drawings a symbol.

Every trial picks 3 characters at random from the Omniglot drawings in ../shared/nonrunes/dev (20
drawings of each, by 20 people) among those the bundled model rejects as "not a rune" (all 20 drawings),
holds 5 drawings of each out for testing, and teaches them from the first 5, 10 and 15 of the other 15
(nested). Two ways, on the same data:

- transfer: `runes.teach.teach(bundled, drawings)` (conv layers kept, head, then a low-rate fine-tune);
- scratch: the same `build_model()` network randomly initialised, trained on exactly the same samples
  (the same generated sketches of the old labels and the same augmented drawings) for as many epochs as
  teach's two phases together, every layer at the learning rate runes.train uses. That is more compute
  than teach spends (teach's first phase trains only the head), so the comparison favours scratch.

Reported per size, as mean and spread over the trials: accuracy on the held-out drawings (the taught
symbol must win over the runes and "not a rune": `Prediction.symbol`), the same among the new symbols
only (3-way), top-1 on the 138 real runes of ../shared/real-runes/dev (evaluation only), how many
drawings of other rejected characters (not taught) are read as a taught symbol, and the time to teach.

The rejected characters are split into two pools: every third (sorted by script and character) is the
tuning pool, on which teach's settings were chosen (`--pool tune`); the default `--pool eval` measures
on the others, never used to tune anything. The Omniglot drawings (MIT) are read in place, never copied.

    python benchmarks/bench_teach.py [--trials 5] [--sizes 5 10 15] [--pool eval|tune] [--no-scratch] [--write]

`--write` writes docs/teach-curve.png (the learning curve) and docs/teach-curve.md (the table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runes import Recognizer, build_model, preprocess
from runes import teach as teaching
from runes.evaluate import evaluate_folder
from runes.folder import TAUGHT_KEY
from runes.train import TrainConfig

OMNIGLOT = ROOT.parent / "shared" / "nonrunes" / "dev"
REAL_RUNES = ROOT.parent / "shared" / "real-runes" / "dev"
SYMBOLS = 3  # new symbols per trial
HELD_OUT = 5  # drawings of each symbol kept for testing
DISTRACTORS = 10  # other rejected characters (20 drawings each) checked for being read as a taught symbol
DOCS = ROOT / "docs"


class Character:
    def __init__(self, folder: Path) -> None:
        self.name = f"{folder.parent.name}/{folder.name}"
        paths = sorted(folder.glob("*.png"))
        self.images = [np.asarray(Image.open(path).convert("L")) for path in paths]
        self.tensors = np.stack([preprocess(image) for image in self.images])


def rejected_characters(recognizer: Recognizer) -> list[Character]:
    """Omniglot characters all of whose drawings the recognizer calls "not a rune", sorted by name."""
    characters = [Character(folder) for folder in sorted(OMNIGLOT.glob("*/*")) if folder.is_dir()]
    return [c for c in characters if not any(p.is_rune for p in recognizer.predict_preprocessed(c.tensors))]


def symbol_scores(
    recognizer: Recognizer, chosen: list[Character], tests: list[np.ndarray], distractors: list[Character]
) -> dict[str, float]:
    hits = three_way = total = 0
    for character, test in zip(chosen, tests, strict=True):
        for prediction in recognizer.predict_preprocessed(character.tensors[test]):
            total += 1
            hits += prediction.symbol == character.name
            three_way += max(prediction.symbols, key=prediction.symbols.get) == character.name
    others = [p for c in distractors for p in recognizer.predict_preprocessed(c.tensors)]
    runes = evaluate_folder(REAL_RUNES, recognizer)
    return {
        "accuracy": hits / total,
        "three_way": three_way / total,
        "runes_top1": runes.accuracy,
        "runes_accepted": runes.acceptance,
        "false_symbol": sum(p.symbol is not None for p in others) / len(others),
    }


def from_scratch(base: Recognizer, examples: dict[str, list[np.ndarray]], seed: int, settings: dict) -> Recognizer:
    """build_model() from random weights, trained on exactly teach's training set for teach's epochs."""
    import keras

    tensors = {name: np.stack([preprocess(image) for image in images]) for name, images in examples.items()}
    x_train, y_train = teaching.training_set(
        base, tensors, settings["samples_per_symbol"], settings["keep_per_label"], seed
    )
    labels = [*base.labels, *examples]
    keras.utils.set_random_seed(seed)
    defaults = TrainConfig()
    model = build_model(num_classes=len(labels), filters=defaults.filters, dropout=defaults.dropout)
    model.compile(optimizer=keras.optimizers.Adam(defaults.learning_rate), loss="sparse_categorical_crossentropy")
    model.fit(
        x_train,
        y_train,
        batch_size=32,
        epochs=settings["epochs"] + settings["fine_tune_epochs"],
        shuffle=True,
        verbose=0,
    )
    return Recognizer(model, labels, source="from scratch", config={"labels": labels, TAUGHT_KEY: list(examples)})


def run(args: argparse.Namespace) -> list[dict]:
    base = Recognizer.load()
    characters = rejected_characters(base)
    pool = characters[0::3] if args.pool == "tune" else [c for i, c in enumerate(characters) if i % 3]
    print(
        f"{len(characters)} of 106 Omniglot characters are rejected (all 20 drawings) by the bundled model; "
        f"{args.pool} pool: {len(pool)}"
    )
    settings = {
        "epochs": args.epochs,
        "fine_tune_epochs": args.fine_tune_epochs,
        "samples_per_symbol": args.samples_per_symbol,
        "keep_per_label": args.keep_per_label,
    }
    rows = []
    for trial in range(args.trials):
        rng = np.random.default_rng(trial)
        picked = rng.choice(len(pool), SYMBOLS + DISTRACTORS, replace=False)
        chosen, distractors = [pool[i] for i in picked[:SYMBOLS]], [pool[i] for i in picked[SYMBOLS:]]
        orders = [rng.permutation(len(c.images)) for c in chosen]
        tests = [order[:HELD_OUT] for order in orders]
        for size in args.sizes:
            examples = {
                c.name: [c.images[i] for i in order[HELD_OUT : HELD_OUT + size]]
                for c, order in zip(chosen, orders, strict=True)
            }
            if min(map(len, examples.values())) < size:
                raise SystemExit(f"only {len(chosen[0].images) - HELD_OUT} drawings a symbol are left for training")
            start = time.perf_counter()
            taught = teaching.teach(base, examples, seed=trial, **settings)
            seconds = time.perf_counter() - start
            rows.append(
                {
                    "trial": trial,
                    "size": size,
                    "method": "transfer",
                    "seconds": seconds,
                    **symbol_scores(taught, chosen, tests, distractors),
                }
            )
            if args.scratch:
                start = time.perf_counter()
                scratch = from_scratch(base, examples, trial, settings)
                rows.append(
                    {
                        "trial": trial,
                        "size": size,
                        "method": "scratch",
                        "seconds": time.perf_counter() - start,
                        **symbol_scores(scratch, chosen, tests, distractors),
                    }
                )
            for row in rows[-1 - args.scratch :]:
                print(
                    f"trial {trial} ({', '.join(c.name for c in chosen)}) n={size:>2} {row['method']:<8} "
                    f"held-out {row['accuracy']:.3f} (3-way {row['three_way']:.3f}) runes {row['runes_top1']:.3f} "
                    f"others as symbol {row['false_symbol']:.3f}  {row['seconds']:.1f} s",
                    flush=True,
                )
    return rows


def _mean_sd(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}" if len(values) > 1 else f"{values[0]:.3f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| drawings per symbol | method | held-out accuracy | 3-way (new symbols only) | real runes top-1 | "
        "real runes accepted | other characters read as a taught symbol | time to teach (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in sorted({r["size"] for r in rows}):
        for method in ("transfer", "scratch"):
            group = [r for r in rows if r["size"] == size and r["method"] == method]
            if group:
                cells = [
                    _mean_sd([r[key] for r in group])
                    for key in ("accuracy", "three_way", "runes_top1", "runes_accepted", "false_symbol")
                ]
                seconds = statistics.median(r["seconds"] for r in group)
                lines.append(f"| {size} | {method} | {' | '.join(cells)} | {seconds:.1f} |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({r["size"] for r in rows})
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for method, colour in (("transfer", "tab:blue"), ("scratch", "tab:orange")):
        for axis, key in zip(axes, ("accuracy", "runes_top1"), strict=True):
            groups = [[r[key] for r in rows if r["size"] == s and r["method"] == method] for s in sizes]
            if not all(groups):
                continue
            means = [statistics.mean(g) for g in groups]
            spreads = [statistics.stdev(g) if len(g) > 1 else 0.0 for g in groups]
            axis.errorbar(
                sizes,
                means,
                yerr=spreads,
                marker="o",
                capsize=3,
                color=colour,
                label="transfer (runes.teach)" if method == "transfer" else "from scratch, same data",
            )
    axes[0].set_title("3 new symbols: held-out drawings")
    axes[1].set_title("the 16 runes: 138 real drawings")
    for axis in axes:
        axis.set_xlabel("drawings per new symbol")
        axis.set_ylabel("accuracy")
        axis.set_xticks(sizes)
        axis.set_ylim(0, 1.02)
        axis.grid(alpha=0.3)
    axes[0].axhline(0.9, color="grey", linestyle=":", linewidth=1)
    axes[0].legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5, help="random choices of 3 characters (and seeds)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 15], help="drawings per symbol to teach from")
    parser.add_argument("--pool", choices=("eval", "tune"), default="eval", help="which characters to draw from")
    parser.add_argument(
        "--scratch",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also train from scratch (--no-scratch: transfer only)",
    )
    parser.add_argument("--epochs", type=int, default=teaching.EPOCHS)
    parser.add_argument("--fine-tune-epochs", type=int, default=teaching.FINE_TUNE_EPOCHS)
    parser.add_argument("--samples-per-symbol", type=int, default=teaching.SAMPLES_PER_SYMBOL)
    parser.add_argument("--keep-per-label", type=int, default=teaching.KEEP_PER_LABEL)
    parser.add_argument("--write", action="store_true", help="write docs/teach-curve.png and docs/teach-curve.md")
    args = parser.parse_args(argv)
    if max(args.sizes) > 20 - HELD_OUT:
        parser.error(f"at most {20 - HELD_OUT} drawings per symbol: {HELD_OUT} of the 20 are held out")
    rows = run(args)
    text = table(rows)
    print(text)
    if args.write:
        plot(rows, DOCS / "teach-curve.png")
        (DOCS / "teach-curve.md").write_text(
            "# Teaching new symbols: transfer vs from scratch\n\n"
            f"Measured by `python benchmarks/bench_teach.py --write` ({args.trials} trials of {SYMBOLS} Omniglot "
            f"characters the bundled model rejects, {HELD_OUT} held-out drawings of each; mean ± standard deviation "
            f"over the trials; time to teach is the median, on {os.cpu_count()} CPU cores).\n\n" + text + "\n",
            encoding="utf-8",
        )
        print(f"wrote {DOCS / 'teach-curve.png'} and {DOCS / 'teach-curve.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
