"""Quality gate: the gold corpus evaluation must not fall below the floors pinned in corpus/gold/baseline.json."""

import json
from pathlib import Path

import pytest

from pipelines.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
BASELINE = json.loads((ROOT / "corpus" / "gold" / "baseline.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    return evaluate([str(ROOT / "corpus" / "gold")]).figures()


@pytest.mark.parametrize("name", sorted(BASELINE["floors"]))
def test_figure_stays_above_its_floor(figures, name):
    assert figures[name] >= BASELINE["floors"][name], f"{name} fell to {figures[name]:.3f}"


def test_baseline_names_every_figure(figures):
    assert set(BASELINE["floors"]) == set(figures)
