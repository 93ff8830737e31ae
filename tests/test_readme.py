"""The README's codes table is the package's table, every example does what it says, and CI runs
the README's two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flake8_clarifai_secrets.codes import CODES, markdown_table
from tests.helpers import fix, results

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
SECTIONS = dict(re.findall(r"^### (CLR\d{3})\n(.*?)(?=^##)", README, re.M | re.S))


def test_codes_table_matches_the_package() -> None:
    table = README.split("-->\n", 1)[1].split("\n<!-- end codes -->")[0]
    assert table == markdown_table()


def test_every_code_has_a_section() -> None:
    assert list(SECTIONS) == list(CODES)


EXAMPLES = [
    pytest.param(code, python, diff, id=f"{code} example {n}")
    for code in CODES
    for n, (python, diff) in enumerate(
        re.findall(
            # A line may say who makes the edit: `By hand (the fixer leaves it):`.
            r"```python\n(.*?)```\s*(?:[^`\n][^\n]*\n\s*)?```diff\n(.*?)```",
            SECTIONS.get(code, ""),
            re.S,
        ),
        1,
    )
]


def test_every_section_has_examples() -> None:
    assert {str(param.values[0]) for param in EXAMPLES} == set(CODES)


@pytest.mark.parametrize(("code", "python", "diff"), EXAMPLES)
def test_section_examples(code: str, python: str, diff: str) -> None:
    marked = {f"{n} {code}" for n, line in enumerate(python.splitlines(), 1) if f"# {code}" in line}
    assert {r.split(":")[0] + " " + r.split()[1] for r in results(python)} == marked
    old = "".join(line[1:] + "\n" for line in diff.splitlines() if line[:1] in " -")
    new = "".join(line[1:] + "\n" for line in diff.splitlines() if line[:1] in " +")
    assert old == re.sub(rf"  # {code}", "", python)
    if CODES[code].fixable:
        assert fix(old) == new
    else:
        # The fixer leaves it, reporting it until someone removes it: the diff is that edit.
        assert (fix(old), results(new)) == (old, set())


def test_ci_runs_the_two_commands() -> None:
    section = README.split("## The two commands\n", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```console\n(.*?)\n```", section, re.S)
    ci = (ROOT / ".ci" / "run").read_text()
    assert len(commands) == 2
    assert all(command in ci for command in commands)
