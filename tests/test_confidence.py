"""The models of attribution: deterministic training, the shipped weights are those the gold sets give, the body and
date rankers do no worse than the rules on held-out folds, and a fact's confidence says how often body, date and
region are all right, band by band on held-out folds."""

import math
from pathlib import Path

import numpy
import pytest

from extract.confidence import features, load_model, probability
from extract.dating import MODEL_FILE as DATES_MODEL
from extract.nlp import DEFAULT_MODEL
from extract.ranker import load_model as load_ranker
from pipelines.evaluate import Sample, evaluate, load_gold
from pipelines.train import fit, fit_ranker, held_out, ranker_held_out, reliability, stacked

ROOT = Path(__file__).resolve().parents[1]


def _features(**changes):
    values = dict(body="Région Bretagne", body_how="adjacent", date="2021", date_how="own", region_how="body",
                  bodies_in_sentence=1, dates_in_sentence=1, amounts_in_sentence=1, ranker_margin=2.0, date_margin=2.0,
                  known_body=True, main_body=True, headline=False, lead=True, appended=False, published=True,
                  line_before="La Région Bretagne vote ", position=0.2)
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
def report():
    return evaluate([str(ROOT / p) for p in load_model()["gold sets"]])


@pytest.fixture(scope="module")
def unseen(report):
    """The facts of the gold sets as rankers fitted on the other folds of articles give them: what the confidence
    learns from."""
    return stacked([str(ROOT / p) for p in load_model()["gold sets"]], DEFAULT_MODEL, report, report)


@pytest.fixture(scope="module")
def calibration():
    """The facts of the calibration sets, which no model trains on, as the shipped rankers give them."""
    return evaluate([str(ROOT / p) for p in load_model()["calibration sets"]]).samples


def test_the_shipped_models_are_what_their_gold_sets_train(report, unseen, calibration):
    """Trained to a fixed point, each model is what the last pass gives: the rankers from the facts the shipped
    rankers give, the confidence from the facts as rankers fitted on the other folds give them."""
    articles = sorted({s.article for s in report.samples})
    for shipped, fitted in ((load_ranker(), fit_ranker(report.samples)),
                            (load_ranker(DATES_MODEL), fit_ranker(report.samples, "date_candidates")),
                            (load_model(), fit(unseen, calibration))):
        for key in ("features", "weights"):
            assert fitted[key] == pytest.approx(shipped[key], abs=1e-5), f"{key}: run `make model` and commit"
        assert shipped["trained on"] == articles


@pytest.fixture(scope="module")
def folds(unseen, calibration):
    """The confidence of each fact of the gold sets from models fitted on the other folds, recalibrated with the
    calibration sets (`make model` prints their table)."""
    return held_out(unseen, calibration)


def test_confidence_is_calibrated_on_held_out_folds(unseen, calibration, folds):
    """On the facts no model saw: the gold sets' held-out folds and the calibration sets together, band by band."""
    whole = fit(unseen, calibration)
    pooled = folds + [probability(s.features, whole) for s in calibration]
    for band in reliability([*unseen, *calibration], pooled):
        if band.count >= MIN_BAND:
            assert abs(band.accuracy - band.mean_confidence) <= MAX_GAP, band


def test_confidence_is_never_too_sure_on_held_out_folds_of_the_gold_sets(unseen, folds):
    """The pages the rules were written from may be more often right than the confidence says, never less."""
    for band in reliability(unseen, folds):
        if band.count >= MIN_BAND:
            assert band.accuracy >= band.mean_confidence - MAX_GAP, band


def test_the_frozen_test_set_never_calibrates_the_confidence():
    shipped = load_model()
    assert shipped["calibration sets"] and not any("realistic" in p for p in shipped["calibration sets"])
    frozen = {article.id for article in load_gold([str(ROOT / "corpus" / "realistic")])}
    assert frozen and not frozen & set(shipped["calibrated on"])


def test_the_ranker_is_no_worse_than_the_rules_on_held_out_folds(report):
    ranked, rules = ranker_held_out(report.samples)
    assert ranked >= rules


def test_the_date_ranker_is_no_worse_than_the_rules_on_held_out_folds(report):
    ranked, rules = ranker_held_out(report.samples, "date_candidates")
    assert ranked >= rules


def test_the_shipped_recalibration_keeps_the_order_of_probabilities():
    low, high, _ = load_model()["recalibration"]
    assert not low < 0 < high
    model = {**load_model(), "features": ["a"], "weights": [1.0], "intercept": 0.0}
    found = [probability({"a": score / 10}, model) for score in range(-100, 101)]
    assert found == sorted(found) and found[0] < found[-1]


@pytest.mark.parametrize("recalibration", [[-0.4, -1.5, -1.2], [1.5, 0.4, 0.3], [0.8, -1.1, 0.1]],
                         ids=["turning low", "turning high", "rising everywhere"])
def test_a_recalibration_never_makes_a_surer_regression_less_sure(recalibration):
    model = {"features": ["a"], "weights": [1.0], "intercept": 0.0, "recalibration": recalibration}
    found = [probability({"a": score / 10}, model) for score in range(-100, 101)]
    assert found == sorted(found)


@pytest.mark.parametrize("shipped", [load_model(), load_ranker(), load_ranker(DATES_MODEL)],
                         ids=["confidence", "ranker", "date ranker"])
@pytest.mark.parametrize("held", ["realistic", "heldout"])
def test_the_held_out_sets_never_train_a_model(shipped, held):
    assert not any(held in p for p in shipped["gold sets"])
    frozen = {article.id for article in load_gold([str(ROOT / "corpus" / held)])}
    assert frozen and not frozen & set(shipped["trained on"])


def test_the_ranker_picks_the_best_scored_candidate_and_says_by_how_much():
    from extract.ranker import rank

    found = [("ANR", {"in sentence": 1.0}), ("CNRS", {"in sentence": 1.0, "subject": 1.0}), (None, {"none": 1.0})]
    model = {"features": ["in sentence", "subject", "none"], "weights": [1.0, 2.0, 0.5]}
    assert rank(found, model) == ("CNRS", pytest.approx(2.0))


def test_without_a_trained_ranker_the_rules_pick_stands():
    from extract.ranker import rank

    found = [("ANR", {"in sentence": 1.0}), ("CNRS", {"picked": True}), (None, {"none": 1.0})]
    assert rank(found, {"features": [], "weights": []}) == ("CNRS", 0.0)


def test_date_candidates_name_where_each_date_comes_from():
    from extract.dating import DateSetting, date_candidates
    from extract.types import Amount, DateMention

    amount = Amount(60, 66, "12 M€", 12e6, None, "EUR", "exact", None)
    voted = DateMention(30, 45, "le 3 mars 2025", "2025-03-03")
    place = DateSetting(amount, "2025-03-03", "own", (voted,), "2025", "2025-03-03", True, None, (None, None),
                        frozenset({"lead"}), (voted,))
    found = dict(date_candidates(place))
    assert set(found) == {"2025-03-03", "2025", None}
    assert found["2025-03-03"]["sentence, before the amount"] and found["2025-03-03"]["picked"]
    assert found["2025-03-03"]["decision of the lead, its body's | lead"]
    assert found["2025"]["headline year"] and not found["2025"]["picked"]
    assert found[None]["none"] and found[None]["none | lead"]


def _candidates_of(nlp, text: str, amount: str):
    from extract.nlp import extract_docs

    extraction = next(extract_docs(nlp, [(text, "2025-03-12")], details=True))
    index = next(i for i, f in enumerate(extraction.facts) if text[f.start:f.end] == amount)
    return dict(extraction.candidates[index]), dict(extraction.date_candidates[index])


SHARES = ("Le plan de financement se répartit ainsi : l'État apporte 13,2 M€, la Région Bretagne 11 M€ et "
          "Brest Métropole 5 M€.")


def test_a_body_past_another_amount_is_told_from_the_last_one_named_before(nlp):
    bodies, _ = _candidates_of(nlp, SHARES, "11 M€")
    assert bodies["État"]["amount between"] and not bodies["État"]["last before since an amount"]
    assert bodies["Région Bretagne"]["last before since an amount"]
    assert not bodies["Région Bretagne"]["amount between"] and not bodies["Brest Métropole"]["amount between"]
    first, _ = _candidates_of(nlp, SHARES, "13,2 M€")
    assert first["Brest Métropole"]["amount between"] and not first["État"]["amount between"]


def test_the_words_around_a_body_are_weighed_by_their_vectors(nlp):
    from extract.vectors import expanded

    bodies, _ = _candidates_of(nlp, SHARES, "11 M€")
    context = [k for k in expanded(bodies["Région Bretagne"]) if k.startswith("context ")]
    assert len(context) == nlp.vocab.vectors.shape[1] == 300
    assert float(numpy.linalg.norm(bodies["Région Bretagne"]["context"])) == pytest.approx(3.0)
    assert "context" not in bodies[None]
    assert len([k for k in expanded(bodies[None]) if k.startswith("amount words ")]) == 300
    assert not any("amount words" in found for name, found in bodies.items() if name)


def test_a_block_of_dimensions_scores_as_its_features_one_by_one(nlp):
    from extract.ranker import Weights
    from extract.vectors import expanded

    bodies, _ = _candidates_of(nlp, SHARES, "11 M€")
    values = bodies["Région Bretagne"]
    names = sorted(expanded(values))
    weights = Weights({"features": names, "weights": [(-1) ** i * (i % 7) / 10 for i in range(len(names))]})
    one_by_one = math.fsum(weights.by_name[name] * value for name, value in expanded(values).items())
    assert weights.score(values) == pytest.approx(one_by_one, abs=1e-12)


def test_a_model_without_word_vectors_gives_no_vector_features():
    import spacy

    from extract.vectors import vector_features

    doc = spacy.blank("fr")("La Région verse 3 M€ aux lycées.")
    assert vector_features(doc, list(range(len(doc))), "context", 3.0) == {}


def test_training_refuses_a_gold_set_that_does_not_exist(capsys, tmp_path):
    from pipelines.train import main

    with pytest.raises(SystemExit) as stop:
        main([str(ROOT / "corpus" / "gold"), "--calibrate", str(tmp_path / "nowhere")])
    assert stop.value.code == 2 and "no such gold set" in capsys.readouterr().err
