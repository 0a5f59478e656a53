"""Data files of the desk (the tile map of the regions)."""

import json
from functools import lru_cache
from importlib import resources

__all__ = ["load_json"]


@lru_cache(maxsize=None)
def load_json(name: str):
    """Parse a JSON data file shipped with the package."""
    return json.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))
