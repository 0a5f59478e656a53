"""Quality gate: each gold set's evaluation must not fall below the floors pinned in its baseline.json.

corpus/gold was written alongside the rules; corpus/dev is a development set in the shapes of published pages, where
rules may be studied; corpus/heldout holds more of those shapes, studied like dev but never trained on;
corpus/realistic is a frozen test set in the same shapes, never used to write a rule. All four are pinned.
"""

import json
from pathlib import Path

import pytest

from extract.bodies import canonical
from extract.knowledge import PROGRAMME, entry
from pipelines.evaluate import evaluate, load_gold

ROOT = Path(__file__).resolve().parents[1]
SETS = ("gold", "dev", "heldout", "realistic")
BASELINES = {name: json.loads((ROOT / "corpus" / name / "baseline.json").read_text("utf-8")) for name in SETS}


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    return {name: evaluate([str(ROOT / "corpus" / name)]).figures() for name in SETS}


@pytest.mark.parametrize(("corpus", "name"), [(c, n) for c in SETS for n in sorted(BASELINES[c]["floors"])])
def test_figure_stays_above_its_floor(figures, corpus, name):
    floor = BASELINES[corpus]["floors"][name]
    assert figures[corpus][name] >= floor, f"corpus/{corpus}: {name} fell to {figures[corpus][name]:.3f} (floor {floor})"


@pytest.mark.parametrize("corpus", SETS)
def test_baseline_names_every_figure(figures, corpus):
    assert set(BASELINES[corpus]["floors"]) == set(figures[corpus])


@pytest.mark.parametrize("corpus", SETS)
def test_no_gold_body_is_a_programme(corpus):
    """A programme, fund, plan or law is never a fact's body (the contract): its money is its runner's."""
    named = [(article.id, fact["span"], body) for article in load_gold([str(ROOT / "corpus" / corpus)])
             for fact in article.facts for body in (fact["body"] if isinstance(fact["body"], list) else [fact["body"]])
             if body and (known := entry(canonical(body) or body)) and known.label == PROGRAMME]
    assert named == []
