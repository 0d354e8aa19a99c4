"""The README and DESIGN contract match the CLI: every command and option shown exists."""
from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from rag.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str, languages=("bash", "sh", "console", "")) -> list[str]:
    """Bodies of the fenced code blocks in those languages ("" : no language),
    each fence paired with the next one (a ```python block is skipped whole
    rather than its closing fence taken for an opening one)."""
    return [m.group(2) for m in re.finditer(r"^```([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", text,
                                            re.S | re.M)
            if m.group(1) in languages]


def _presscon_lines(text: str) -> list[list[str]]:
    """Argument lists of every `presscon ...` line inside the README's code blocks."""
    out = []
    code = "\n".join(_code_blocks(text))
    for line in code.splitlines():
        m = re.search(r"\bpresscon (\w[\w-]*)(.*)", line)
        if m and "`presscon`" not in line:
            args = line[m.start():].split("#")[0]
            try:
                out.append(shlex.split(args)[1:])
            except ValueError:
                continue
    return out


def test_readme_starts_with_install_and_test_commands():
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", README, re.S)
    first = [ln.split("#")[0].strip() for ln in blocks[0].splitlines() if ln.strip()]
    assert first[:2] == ["make chat", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^chat:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


@pytest.mark.parametrize("argv", _presscon_lines(README), ids=lambda a: " ".join(a)[:40])
def test_every_documented_command_and_option_exists(argv):
    commands = main.commands
    assert argv and argv[0] in commands, f"README mentions unknown command {argv[:1]}"
    cmd = commands[argv[0]]
    known = {opt for p in cmd.params for opt in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
    for token in argv[1:]:
        token = token.rstrip(",;.")      # an option named in a comment's sentence
        if token.startswith("--") or re.fullmatch(r"-[a-zA-Z]", token):
            assert token.split("=")[0] in known, f"`presscon {argv[0]}` has no option {token}"


def test_every_command_is_documented_in_readme():
    for name in main.commands:
        assert f"presscon {name}" in README, f"README does not mention `presscon {name}`"


def test_help_of_each_command_renders():
    for name in main.commands:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
