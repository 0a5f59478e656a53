"""Data files of the extraction stages (gazetteers, boilerplate patterns)."""

import csv
import json
from functools import lru_cache
from importlib import resources

__all__ = ["load_json", "load_csv"]


@lru_cache(maxsize=None)
def load_json(name: str):
    """Parse a JSON data file shipped with the package."""
    return json.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


@lru_cache(maxsize=None)
def load_csv(name: str) -> tuple[dict, ...]:
    """Rows of a CSV data file shipped with the package; lines starting with '#' are comments."""
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(csv.DictReader(lines))
