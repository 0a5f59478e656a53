"""Documented command lines stay runnable: README examples and every command's help example parse with the real CLI."""

import re
import shlex
from pathlib import Path

import click
import pytest

from pipelines.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
# Shell tokens after which a command line is over: redirections, pipes, command lists.
SHELL_OPERATORS = {">", ">>", "<", "|", "||", "&&", ";", "&", "2>"}


def shell_blocks(markdown: str, heading: str) -> list[str]:
    """The ```sh blocks of a markdown section (up to the next heading of the same or a higher level)."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", markdown, re.M)
    assert match, f"no section {heading!r}"
    rest = markdown[match.end():]
    end = re.search(rf"^#{{1,{len(match.group(1))}}} ", rest, re.M)
    section = rest[:end.start()] if end else rest
    return re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S)


def command_words(line: str) -> list[str]:
    """The words of one shell command line, without its comment and anything after a redirection or pipe."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = []
    for word in lexer:
        if word in SHELL_OPERATORS:
            break
        words.append(word)
    return words


def depeches_lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip().startswith("depeches ")]


def help_examples(command: click.Command) -> list[str]:
    """The `depeches …` lines of the Example block of a command's help."""
    text = command.help or ""
    assert "Example" in text, f"{command.name} has no example"
    return depeches_lines(text.split("Example", 1)[1])


def command_paths(group: click.Group, prefix: tuple = ()) -> list[tuple[tuple, click.Command]]:
    """Every command reachable from a group, with the words that name it (the group itself first)."""
    found = [(prefix, group)]
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            found += command_paths(command, prefix + (name,))
        else:
            found.append((prefix + (name,), command))
    return found


def parse(words: list[str]) -> click.Context:
    """Parse a command line as the real CLI would, down to its last subcommand; a bad option raises UsageError."""
    assert words[0] == "depeches", words
    command, args, parent = main, words[1:], None
    while True:
        context = command.make_context(command.name or "depeches", list(args), parent=parent)
        if not isinstance(command, click.Group):
            return context
        protected = getattr(context, "_protected_args", None)  # click 8.2 renamed it; 8.1 has only the public name
        rest = (context.protected_args if protected is None else protected) + context.args
        if not rest:
            return context
        name, args = rest[0], rest[1:]
        sub = command.get_command(context, name)
        assert sub is not None, f"no command {name!r} in {' '.join(words)!r}"
        command, parent = sub, context


EVERYDAY = [pytest.param(line, id=" ".join(command_words(line)))
            for block in shell_blocks(README, "Everyday use") for line in depeches_lines(block)]
HELP_EXAMPLES = [pytest.param(line, id=" ".join(command_words(line)))
                 for path, command in command_paths(main) for line in help_examples(command)]


def test_readme_everyday_block_has_examples():
    assert len(EVERYDAY) >= 4
    assert {p.values[0].split()[1] for p in EVERYDAY} <= set(main.commands)


@pytest.mark.parametrize("line", EVERYDAY)
def test_readme_everyday_example_parses(line, monkeypatch):
    monkeypatch.chdir(REPO)
    context = parse(command_words(line))
    assert context.command.callback is not None


@pytest.mark.parametrize("line", HELP_EXAMPLES)
def test_help_example_parses(line, monkeypatch):
    monkeypatch.chdir(REPO)
    words = command_words(line)
    context = parse(words)
    assert context.command.callback is not None


def test_every_command_has_a_help_example():
    for path, command in command_paths(main):
        examples = help_examples(command)
        assert examples, path
        if path:
            assert any(command_words(e)[1:1 + len(path)] == list(path) for e in examples), (path, examples)


def test_parse_rejects_an_unknown_option():
    with pytest.raises(click.UsageError):
        parse(command_words("depeches facts --no-such-option 3"))
    with pytest.raises(AssertionError):
        parse(command_words("depeches no-such-command"))


@pytest.mark.parametrize("target", re.findall(r"^make (\w+)", "\n".join(shell_blocks(README, "depeches")[0:1]), re.M))
def test_readme_make_targets_exist(target):
    assert re.search(rf"^{target}:", MAKEFILE, re.M)
