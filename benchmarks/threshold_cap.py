"""How `TrainConfig.max_threshold` (the cap on each row's calibrated rune_threshold) was chosen.

`runes.train.calibrate` sets each row's rune_threshold so that 99.5% of the row's generated validation runes pass
(the "quantile" in metrics.json), capped at `max_threshold`. Generated runes are cleaner than real ones: the
quantile is above 0.5 in every row, and a real drawing torn between a rune and "not a rune" can fall just under
a cap of 0.5. For each cap this reads the real drawings (../shared/real-runes/dev; in each row those whose shape
it reads) and the Omniglot non-runes (../shared/nonrunes/dev) in every row of a model, and prints the share of
real drawings accepted and of non-runes rejected:

    python benchmarks/threshold_cap.py [--model DIR] [--write]

The cap chosen is the highest at which the Younger row (the default, which reads all 138 real drawings) accepts at
least 0.99 of them while the long-branch row still rejects at least 0.95 of the non-runes (issue 11); no cap
above 0.5 is tried (the row's shapes must hold half the probability to be called a rune, no more). `--write`
recalibrates the model folder with that cap (`runes.train.recalibrate`: config.json, metrics.json, the card);
`TrainConfig.max_threshold` is its value for the bundled model. About a minute, and half a minute to write.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runes import Recognizer
from runes.evaluate import evaluate_folder, evaluate_nonrunes
from runes.folder import BUNDLED_MODEL_DIR, read_metrics
from runes.train import recalibrate

SHARED = Path(__file__).resolve().parents[2] / "shared"
CAPS = (0.5, 0.45, 0.4, 0.35, 0.3, 0.25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--write", action="store_true", help="recalibrate the model folder with the cap chosen")
    args = parser.parse_args(argv)
    base = Recognizer.load(args.model)
    quantiles = {
        row: values["quantile"]
        for row, values in read_metrics(Path(args.model or BUNDLED_MODEL_DIR))["calibration"]["rows"].items()
    }
    print(f"model: {base.source}; uncapped thresholds: " + ", ".join(f"{r} {q:.3f}" for r, q in quantiles.items()))
    chosen = None
    for cap in CAPS:
        config = dict(base.config, row_thresholds={row: min(cap, quantile) for row, quantile in quantiles.items()})
        recognizer = Recognizer(base.model, base.labels, base.source, config)
        cells, ok = [], True
        for row in base.rows:
            real = evaluate_folder(SHARED / "real-runes" / "dev", recognizer, row, shape_folders_only=True)
            rejection = evaluate_nonrunes(SHARED / "nonrunes" / "dev", recognizer, row=row)
            cells.append(f"{row}: accepted {real.acceptance:.4f}, rejected {rejection.rejection:.4f}")
            ok &= (row != "younger" or real.acceptance >= 0.99) and (
                row != "long-branch" or rejection.rejection >= 0.95
            )
        print(f"cap {cap:.2f}  " + "; ".join(cells) + ("  <- meets both" if ok else ""))
        if ok and chosen is None:
            chosen = cap
    print(f"highest cap meeting both: {chosen}")
    if args.write and chosen is not None:
        folder = Path(args.model or BUNDLED_MODEL_DIR)
        calibration = recalibrate(folder, chosen)
        rows = ", ".join(f"{row} {values['rune_threshold']:.2f}" for row, values in calibration["rows"].items())
        print(f"wrote {folder}: rune_threshold {calibration['rune_threshold']:.2f}; by row: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
