"""The confidence model: trained on gold annotations, checked on held-out folds, shipped as a data file.

    .venv/bin/python -m pipelines.train corpus/gold corpus/dev        (what `make model` runs)

A logistic regression (scikit-learn) learns, from the matched facts of the gold sets, how likely body, date and
region are all right given the features of extract/confidence.py. Training is deterministic: the same gold files
give the same weights. The reliability table compares, band by band, the mean confidence with the accuracy.
"""

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from extract.nlp import DEFAULT_MODEL
from pipelines.evaluate import Report, Sample, evaluate

__all__ = ["fit", "held_out", "scored", "reliability", "Band", "BANDS", "FOLDS", "train", "main"]

REPO = Path(__file__).resolve().parent.parent
MODEL_PATH = REPO / "extract" / "data" / "confidence.json"
# Folds of the cross-validation, grouped by article: a fact is never scored by a model that saw its article.
FOLDS = 5
# Inverse strength of the L2 penalty: a few hundred facts, a few dozen features; a strong penalty keeps the weights from
# chasing features a handful of facts carry (the held-out log-loss is lowest around this value).
REGULARISATION = 0.1
# Confidence bands of the reliability table, as lower bounds.
BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def _names(samples: list[Sample]) -> list[str]:
    return sorted({name for s in samples for name in s.features})


def _matrix(samples: list[Sample], names: list[str]):
    import numpy

    return numpy.array([[s.features.get(name, 0.0) for name in names] for s in samples])


def fit(samples: list[Sample]) -> dict:
    """A model (feature names, weights, intercept) fitted on these samples."""
    from sklearn.linear_model import LogisticRegression

    names = _names(samples)
    labels = [s.all_right for s in samples]
    regression = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(_matrix(samples, names), labels)
    return {"features": names, "weights": [round(float(w), 6) for w in regression.coef_[0]],
            "intercept": round(float(regression.intercept_[0]), 6)}


def held_out(samples: list[Sample]) -> list[float]:
    """Each sample's probability from a model fitted on the other folds (grouped by article), in their order."""
    from sklearn.model_selection import GroupKFold

    from extract.confidence import probability

    out = [0.0] * len(samples)
    groups = [s.article for s in samples]
    for train_rows, test_rows in GroupKFold(n_splits=FOLDS).split(samples, groups=groups):
        model = fit([samples[i] for i in train_rows])
        for i in test_rows:
            out[i] = probability(samples[i].features, model)
    return out


def scored(sets: list[list[Sample]]) -> list[tuple[list[float], str]]:
    """For each set of samples, the confidence of each sample from a model that never saw its article, and how it was
    obtained: the shipped model for sets it was not trained on; for the others, models fitted on the other folds of
    all of them pooled, as the shipped model was fitted on them together."""
    from extract.confidence import load_model, probability

    seen = set(load_model().get("trained on", []))
    trained = [i for i, samples in enumerate(sets) if seen & {s.article for s in samples}]
    pooled = [s for i in trained for s in sets[i]]
    folds = iter(held_out(pooled)) if pooled else iter(())
    out = []
    for i, samples in enumerate(sets):
        if i in trained:
            out.append(([next(folds) for _ in samples], f"held-out folds ({FOLDS})"))
        else:
            out.append(([probability(s.features) for s in samples], "shipped model"))
    return out


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    mean_confidence: float
    accuracy: float
    count: int


def reliability(samples: list[Sample], confidences: list[float]) -> list[Band]:
    """For each confidence band: its mean confidence, the share of its facts all right, and their count."""
    bands = []
    for low, high in zip(BANDS, BANDS[1:] + (1.01,)):
        inside = [(c, s.all_right) for c, s in zip(confidences, samples) if low <= c < high]
        if inside:
            bands.append(Band(low, min(high, 1.0), sum(c for c, _ in inside) / len(inside),
                              sum(r for _, r in inside) / len(inside), len(inside)))
    return bands


def _repo_path(path: str) -> str:
    """A gold set's path relative to the repository when it lies inside, so that the model file reads the same
    everywhere."""
    resolved = Path(path).resolve()
    return resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else resolved.as_posix()


def train(paths: list[str], model: str = DEFAULT_MODEL) -> tuple[dict, Report]:
    """The confidence model fitted on every matched fact of the gold sets, with the articles it saw."""
    report = evaluate(paths, model)
    fitted = {"_source": "Written by `make model` (pipelines/train.py): a logistic regression fitted on the matched facts "
                         "of the gold sets below, over the features of extract/confidence.py. Do not edit by hand.",
              **fit(report.samples)}
    fitted["gold sets"] = [_repo_path(p) for p in paths]
    fitted["trained on"] = sorted({s.article for s in report.samples})
    return fitted, report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", nargs="+", help="folders of gold.jsonl files (never the frozen test set)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model (default: %(default)s)")
    args = parser.parse_args(argv)
    fitted, report = train(args.gold)
    args.out.write_text(json.dumps(fitted, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(report.samples)} facts of {len(fitted['trained on'])} articles; model written to {args.out}")
    print("held-out folds: band, mean confidence, accuracy, facts")
    for band in reliability(report.samples, held_out(report.samples)):
        print(f"  {band.low:.1f}–{band.high:.1f}  {band.mean_confidence:.3f}  {band.accuracy:.3f}  {band.count}")


if __name__ == "__main__":
    main()
