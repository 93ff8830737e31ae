"""Notebooks end to end: real nbformat files in, the fixer's report and the file's bytes out."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.notebooks import process_notebook
from tests.cases import NEGATIVE, POSITIVE, Case
from tests.keys import KEY, KEY2, fill

_CELL_POSITION = re.compile(r"cell_(\d+):(\d+):(\d+): ")
PYTHON = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def notebook(*cells: Any, **metadata: Any) -> Any:
    return new_notebook(cells=list(cells), metadata=metadata or PYTHON)


def code(source: str, *outputs: Any) -> Any:
    return new_code_cell(fill(source), outputs=list(outputs))


def save(tmp_path: Path, nb: Any, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def fix(path: Path, clear: bool = False) -> cli.Result:
    return process_notebook(str(path), cli.Settings(), clear)


def sources(data: bytes) -> list[str]:
    nb = nbformat.reads(data.decode(), as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def py_fix(tmp_path: Path, source: str) -> cli.Result:
    path = tmp_path / "case.py"
    path.write_text(source)
    return cli.process(str(path), cli.Settings())


def split(source: str) -> list[str]:
    """`source` cut before each top-level statement after the first one that is not an import.

    The leading imports stay in the first cell: LibCST adds `import os` after the imports that
    come before any other statement, and in a notebook that is the first cell (see
    test_import_os_goes_into_the_first_cell).
    """
    tree = ast.parse(source)
    body = tree.body
    first = next((i for i, s in enumerate(body) if not isinstance(s, (ast.Import, ast.ImportFrom))), 0)
    starts = sorted({min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))]) for s in body[first + 1 :]})
    lines = source.splitlines(keepends=True)
    bounds = [0, *(n - 1 for n in starts), len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])]


def _py_lines(result: cli.Result) -> list[str]:
    return [*result.moved, *result.left]


def _nb_lines(result: cli.Result, starts: list[int]) -> list[str]:
    """The notebook's report lines, with cell positions turned back into lines of the .py file."""
    out = []
    for line in [*result.moved, *result.left]:
        match = _CELL_POSITION.match(line)
        assert match is not None, line
        cell, row, col = map(int, match.groups())
        out.append(f"{starts[cell - 1] + row - 1}:{col}: {line[match.end():]}")
    return out


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_case_table_in_one_cell(case: Case, tmp_path: Path) -> None:
    source = fill(case.source)
    expected = py_fix(tmp_path, source)
    result = fix(save(tmp_path, notebook(new_code_cell(source[:-1]))))
    assert result.error is None
    assert _nb_lines(result, [1]) == _py_lines(expected)
    fixed = source if expected.new is None else expected.new.decode()
    if result.new is None:
        assert expected.new is None
    else:
        assert sources(result.new) == [fixed[:-1]]


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_case_table_split_across_cells(case: Case, tmp_path: Path) -> None:
    source = fill(case.source)
    pieces = split(source)
    starts = [1 + sum(p.count("\n") for p in pieces[:i]) for i in range(len(pieces))]
    expected = py_fix(tmp_path, source)
    result = fix(save(tmp_path, notebook(*map(new_code_cell, pieces))))
    assert result.error is None
    assert sorted(_nb_lines(result, starts)) == sorted(_py_lines(expected))
    fixed = source if expected.new is None else expected.new.decode()
    new = pieces if result.new is None else sources(result.new)
    assert "".join(new) == fixed
