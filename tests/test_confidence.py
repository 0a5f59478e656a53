"""The confidence model: deterministic training, the shipped weights are those the gold sets give, and a fact's
confidence says how often body, date and region are all right (checked band by band in the quality gate)."""

import json
from pathlib import Path

import pytest

from extract.confidence import features, load_model, probability
from pipelines.evaluate import Sample
from pipelines.train import fit, held_out, reliability, train

ROOT = Path(__file__).resolve().parents[1]


def _features(**changes):
    values = dict(body="Région Bretagne", body_how="adjacent", date="2021", date_how="own", region_how="body",
                  bodies_in_sentence=1, dates_in_sentence=1, amounts_in_sentence=1, bodies_in_dispatch=2,
                  amounts_in_dispatch=3, known_body=True, main_body=True, headline=False, lead=True, appended=False,
                  published=True, line_before="La Région Bretagne vote ", position=0.2)
    values.update(changes)
    return features(**values)


def _samples() -> list[Sample]:
    """Facts of ten articles: found next to their body they are right, left to the story's body half of the time."""
    samples = []
    for article in range(10):
        for k in range(6):
            how = "adjacent" if k < 3 else "main"
            samples.append(Sample(f"a{article}", _features(body_how=how), how == "adjacent" or k % 2 == 0, 0.5))
    return samples


def test_training_is_deterministic():
    assert fit(_samples()) == fit(_samples())


def test_the_model_learns_which_way_of_finding_a_body_is_surer():
    model = fit(_samples())
    assert probability(_features(body_how="adjacent"), model) > probability(_features(body_how="main"), model)


def test_held_out_folds_never_score_a_fact_with_its_own_article():
    samples = _samples()
    flipped = [Sample(s.article, s.features, not s.all_right, s.confidence) if s.article == "a0" else s for s in samples]
    # Changing the labels of one article changes the model fitted on the folds without it, not its own scores.
    assert held_out(samples)[:6] == held_out(flipped)[:6]


def test_reliability_counts_every_fact_once_in_its_band():
    samples = _samples()
    bands = reliability(samples, [0.55] * 30 + [0.95] * 30)
    assert [(b.low, b.count) for b in bands] == [(0.5, 30), (0.9, 30)]
    assert bands[1].accuracy == sum(s.all_right for s in samples[30:]) / 30


def test_unknown_features_weigh_nothing():
    model = {"features": ["a"], "weights": [2.0], "intercept": 0.0}
    assert probability({"a": 1.0, "unheard of": 5.0}, model) == probability({"a": 1.0}, model)


# Held-out calibration: in every band of at least MIN_BAND facts, accuracy and mean confidence this close.
MAX_GAP = 0.05
MIN_BAND = 20


@pytest.fixture(scope="module")
def retrained():
    return train([str(ROOT / p) for p in load_model()["gold sets"]])


def test_the_shipped_model_is_the_one_its_gold_sets_train(retrained):
    shipped, (model, _) = load_model(), retrained
    for key in ("features", "weights", "intercept", "trained on"):
        assert model[key] == pytest.approx(shipped[key], abs=1e-5), f"{key}: run `make model` and commit"


def test_confidence_is_calibrated_on_held_out_folds(retrained):
    _, report = retrained
    for band in reliability(report.samples, held_out(report.samples)):
        if band.count >= MIN_BAND:
            assert abs(band.accuracy - band.mean_confidence) <= MAX_GAP, band


def test_the_frozen_test_set_never_trains_the_model():
    shipped = load_model()
    assert not any("realistic" in p for p in shipped["gold sets"])
    frozen = {json.loads(line)["id"] for f in (ROOT / "corpus" / "realistic").rglob("gold.jsonl")
              for line in f.read_text("utf-8").splitlines() if line.strip()}
    assert not frozen & set(shipped["trained on"])
