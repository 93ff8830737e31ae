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
    first = next(
        (i for i, s in enumerate(body) if not isinstance(s, (ast.Import, ast.ImportFrom))), 0
    )
    starts = sorted(
        {
            min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))])
            for s in body[first + 1 :]
        }
    )
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


def _report(result: cli.Result) -> list[str]:
    return [*result.moved, *result.left]


def _moved(cell: int, line: int, col: int, key: str = KEY, var: str = "CLARIFAI_PAT") -> str:
    return f'cell_{cell}:{line}:{col}: CLR004 key (...{key[-4:]}) -> os.environ["{var}"]'


MAGICS = [
    pytest.param(["%env CLARIFAI_PAT=<KEY>"], [_moved(1, 1, 19)], [""], id="%env NAME=key"),
    pytest.param(["%env CLARIFAI_PAT <KEY>"], [_moved(1, 1, 19)], [""], id="%env NAME key"),
    pytest.param(["%env CLARIFAI_PAT = <KEY>"], [_moved(1, 1, 21)], [""], id="%env NAME = key"),
    pytest.param(['%env CLARIFAI_PAT="<KEY>"'], [_moved(1, 1, 20)], [""], id="%env quoted"),
    pytest.param(
        ["%set_env CLARIFAI_API_KEY=<KEY>"],
        [_moved(1, 1, 27, var="CLARIFAI_API_KEY")],
        [""],
        id="%set_env",
    ),
    pytest.param(
        ["import os\n%env CLARIFAI_PAT=<KEY>\nprint(1)", "x = 1"],
        [_moved(1, 2, 19)],
        ["import os\nprint(1)", "x = 1"],
        id="%env among other lines, the next cell keeps its number",
    ),
    pytest.param(
        ["if True:\n    %env CLARIFAI_PAT=<KEY>"],
        [_moved(1, 2, 23)],
        ["if True:\n    pass"],
        id="%env alone in a block becomes pass",
    ),
    pytest.param(
        ["%env CLARIFAI_PAT=<KEY>", "PAT = '<KEY>'\nmetadata = (('authorization', 'Key ' + PAT),)"],
        [_moved(1, 1, 19), f'cell_2:1:7: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "import os\n\n",
            "PAT = os.environ[\"CLARIFAI_PAT\"]\nmetadata = (('authorization', 'Key ' + PAT),)",
        ],
        id="%env and the code hold the same key",
    ),
    pytest.param(
        ["%env CLARIFAI_PAT=<KEY>", "m = (('authorization', 'Key <KEY2>'),)"],
        [
            "cell_1:1:19: CLR004 left alone: `%env` sets `CLARIFAI_PAT` to another key than the"
            " code reads from it - move these keys by hand",
            "cell_2:1:24: CLR001 left alone: `%env` sets `CLARIFAI_PAT` to another key than the"
            " code reads from it - move these keys by hand",
        ],
        None,
        id="%env and the code hold different keys for one variable",
    ),
    pytest.param(["%env CLARIFAI_USER_ID=<KEY>"], [], None, id="not a credential variable"),
    pytest.param(["%env CLARIFAI_PAT=YOUR_PAT_HERE"], [], None, id="placeholder"),
    pytest.param(["%env CLARIFAI_PAT"], [], None, id="%env reads a variable"),
    pytest.param(["%env CLARIFAI_PAT=$pat"], [], None, id="%env expands a Python name"),
    pytest.param(["%env CLARIFAI PAT=<KEY>"], [], None, id="IPython refuses a name with a space"),
    pytest.param(
        [
            "!pip install clarifai\nx = !ls\nnp.sum?\n?np\n%matplotlib inline\n"
            "m = (('authorization', 'Key <KEY>'),)"
        ],
        [f'cell_1:6:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "import os\n\n!pip install clarifai\nx = !ls\nnp.sum?\n?np\n%matplotlib inline\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)'
        ],
        id="line magics, shell escapes and help stay",
    ),
    pytest.param(
        ["%%time\nm = (('authorization', 'Key <KEY>'),)"],
        [f'cell_1:2:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        ['%%time\nimport os\n\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)'],
        id="the body of a Python cell magic is checked, the import goes below its header",
    ),
    pytest.param(
        ["%%bash\necho hi", "m = (('authorization', 'Key <KEY>'),)"],
        [f'cell_2:1:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "%%bash\necho hi",
            'import os\n\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)',
        ],
        id="the import goes into the first Python cell",
    ),
    pytest.param(
        ["%%bash\nexport CLARIFAI_PAT=<KEY>"],
        ["cell_1:2:21: a key in a shell cell"],
        None,
        id="a key in a shell cell magic",
        marks=pytest.mark.xfail(reason="like nbqa, only cell magics that run Python are read"),
    ),
]


@pytest.mark.parametrize(("cells", "report", "fixed"), MAGICS)
def test_magics(
    cells: list[str], report: list[str], fixed: list[str] | None, tmp_path: Path
) -> None:
    path = save(tmp_path, notebook(*map(code, cells)))
    result = fix(path)
    assert result.error is None
    assert _report(result) == report
    if fixed is None:
        assert result.new is None
    else:
        assert result.new is not None
        assert sources(result.new) == fixed
        assert (
            fix(save(tmp_path, nbformat.reads(result.new.decode(), 4), "again.ipynb")).new is None
        )


# Cells in which IPython turns some lines into `get_ipython()` calls and keeps the line count.
ORACLE = [
    "%env CLARIFAI_PAT=abc\nx = 1\n",
    "x = !ls\ny = %time 1\n",
    "a.b = %time 1\n",
    "np.sum?\nnp.sum??\n?np\n??np\n",
    "if 1:\n    !ls\n    x = 1\n",
    "x = 1 # what?\n!ls\n",
    "%matplotlib inline\nimport numpy as np\n",
    "!!ls\n%load_ext autoreload\n%autoreload 2\n",
    "for i in range(2):\n    %time f(i)\n",
]


@pytest.mark.parametrize("cell", ORACLE)
def test_masked_lines_are_those_ipython_transforms(cell: str) -> None:
    from IPython.core.inputtransformer2 import TransformerManager

    from flake8_clarifai_secrets.magics import mask

    transformed = TransformerManager().transform_cell(cell).splitlines()
    lines = cell.splitlines()
    assert len(transformed) == len(lines)
    counter = iter(range(1000))
    masked = mask(cell, lambda: f"hash({next(counter)})")
    assert masked is not None
    ours = [i for i, line in enumerate(masked.source.splitlines()) if "hash(" in line]
    assert ours == [i for i, (a, b) in enumerate(zip(lines, transformed)) if a != b]
