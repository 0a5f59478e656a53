"""The README's desk commands are real: each line parses with the CLI, and the help of each command has an example."""

import re
import shlex
from pathlib import Path

import pytest

from pipelines.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def _desk_lines() -> list[str]:
    section = README.split("## For the monitoring desk", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.startswith("depeches ")]


def test_the_section_shows_serve_digest_and_alerts():
    commands = [shlex.split(line)[1] for line in _desk_lines()]
    assert {"serve", "digest", "alerts"} <= set(commands)


@pytest.mark.parametrize("line", _desk_lines())
def test_each_line_parses(line, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    words = shlex.split(line)[1:]
    command = main.get_command(None, words[0])
    context = command.make_context(words[0], words[1:])
    assert context.command.callback is not None
    assert "Example:" in command.help
