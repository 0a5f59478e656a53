"""The examples in the desk modules' docstrings run."""

import doctest
import importlib

import pytest

MODULES = ["pipelines.desk.fold", "pipelines.desk.charts", "pipelines.desk.links", "pipelines.desk.since",
           "pipelines.desk.highlight", "pipelines.site.jinja", "pipelines.site.errors"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
