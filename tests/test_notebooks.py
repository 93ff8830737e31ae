"""Notebooks end to end: real nbformat files in, the fixer's report and the file's bytes out."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

import nbformat
import nbformat.v4
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.magics import mask
from tests.helpers import run_cli
from tests.cases import NEGATIVE, POSITIVE, Case
from tests.keys import KEY, KEY2, fill

# nbformat has no type hints: these typed names let mypy --strict accept the calls.
new_code_cell: Callable[..., Any] = nbformat.v4.new_code_cell
new_markdown_cell: Callable[..., Any] = nbformat.v4.new_markdown_cell
new_notebook: Callable[..., Any] = nbformat.v4.new_notebook
new_output: Callable[..., Any] = nbformat.v4.new_output
new_raw_cell: Callable[..., Any] = nbformat.v4.new_raw_cell
reads: Callable[..., Any] = nbformat.reads
writes: Callable[..., Any] = nbformat.writes
write: Callable[..., Any] = nbformat.write
from_dict: Callable[..., Any] = nbformat.from_dict
validate: Callable[..., Any] = nbformat.validate

_CELL_POSITION = re.compile(r"cell_(\d+):(\d+):(\d+): ")
PYTHON = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def notebook(*cells: Any, **metadata: Any) -> Any:
    return new_notebook(cells=list(cells), metadata=metadata or PYTHON)


def code(source: str, *outputs: Any) -> Any:
    return new_code_cell(fill(source), outputs=list(outputs))


def save(tmp_path: Path, nb: Any, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    write(nb, str(path))
    return path


@dataclass
class Run:
    """What one `clarifai-secrets-fix` run on one file printed about it, and what it wrote."""

    new: Optional[bytes] = None
    moved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    error: Optional[str] = None


def fix(path: Path, clear: bool = False) -> Run:
    """Run the real command on `path` (writing it), from its directory."""
    before = path.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli.main(["-j", "1", *(["--clear-leaking-outputs"] * clear), path.name])
    finally:
        os.chdir(cwd)
    after = path.read_bytes()
    run = Run(None if after == before else after)
    for line in out.getvalue().splitlines():
        if not line.startswith(f"{path.name}:"):
            continue
        line = line[len(path.name) + 1 :]
        if " -> os.environ[" in line:
            run.moved.append(line)
        elif line.endswith(": cleared"):
            run.cleared.append(line)
        else:
            run.left.append(line)
    for line in err.getvalue().splitlines():
        assert line.startswith(f"{path.name}: not processed: "), line
        run.error = line.split(": not processed: ", 1)[1]
    return run


def sources(data: bytes) -> list[str]:
    nb = reads(data.decode(), as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def py_fix(tmp_path: Path, source: str) -> Run:
    path = tmp_path / "case.py"
    path.write_text(source)
    return fix(path)


def split(source: str, keep: int = 0) -> list[str]:
    """`source` cut before each top-level statement after the first one that is not an import,
    and after line `keep`.

    The leading imports stay in the first cell, and so does the first line the fix rewrites
    (`keep`): the fix adds `import os` among the imports that come before any other statement,
    which in a notebook are the first cell's, or, where none does, into the cell of that line
    (see test_import_os_goes_into_the_first_cell_that_imports_or_reads).
    """
    tree = ast.parse(source)
    body = tree.body
    first = next(
        (i for i, s in enumerate(body) if not isinstance(s, (ast.Import, ast.ImportFrom))), 0
    )
    starts = sorted(
        {
            start
            for s in body[first + 1 :]
            for start in [min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))])]
            if start > keep
        }
    )
    lines = source.splitlines(keepends=True)
    bounds = [0, *(n - 1 for n in starts), len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])]


_PY_POSITION = re.compile(r"(\d+):\d+: ")


def _py_lines(result: Run) -> list[str]:
    return [*result.moved, *result.left]


def _nb_lines(result: Run, starts: list[int]) -> list[str]:
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
    expected = py_fix(tmp_path, source)
    rewritten = [int(m[1]) for m in map(_PY_POSITION.match, expected.moved) if m is not None]
    pieces = split(source, min(rewritten, default=0))
    starts = [1 + sum(p.count("\n") for p in pieces[:i]) for i in range(len(pieces))]
    result = fix(save(tmp_path, notebook(*map(new_code_cell, pieces))))
    assert result.error is None
    assert sorted(_nb_lines(result, starts)) == sorted(_py_lines(expected))
    fixed = source if expected.new is None else expected.new.decode()
    new = pieces if result.new is None else sources(result.new)
    assert "".join(new) == fixed


def _report(result: Run) -> list[str]:
    return [*result.moved, *result.left]


def _moved(cell: int, line: int, col: int, key: str = KEY, var: str = "CLARIFAI_PAT") -> str:
    return f'cell_{cell}:{line}:{col}: CLR004 key (...{key[-4:]}) -> os.environ["{var}"]'


MAGICS = [
    pytest.param(["%env CLARIFAI_PAT=<KEY>"], [_moved(1, 1, 6)], [""], id="%env NAME=key"),
    pytest.param(["%env CLARIFAI_PAT <KEY>"], [_moved(1, 1, 6)], [""], id="%env NAME key"),
    pytest.param(["%env CLARIFAI_PAT = <KEY>"], [_moved(1, 1, 6)], [""], id="%env NAME = key"),
    pytest.param(['%env CLARIFAI_PAT="<KEY>"'], [_moved(1, 1, 6)], [""], id="%env quoted"),
    pytest.param(
        ["%set_env CLARIFAI_API_KEY=<KEY>"],
        [_moved(1, 1, 10, var="CLARIFAI_API_KEY")],
        [""],
        id="%set_env",
    ),
    pytest.param(
        ["import os\n%env CLARIFAI_PAT=<KEY>\nprint(1)", "x = 1"],
        [_moved(1, 2, 6)],
        ["import os\nprint(1)", "x = 1"],
        id="%env among other lines, the next cell keeps its number",
    ),
    pytest.param(
        ["if True:\n    %env CLARIFAI_PAT=<KEY>"],
        [_moved(1, 2, 10)],
        ["if True:\n    pass"],
        id="%env alone in a block becomes pass",
    ),
    pytest.param(
        ["%env CLARIFAI_PAT=<KEY>", "PAT = '<KEY>'\nmetadata = (('authorization', 'Key ' + PAT),)"],
        [_moved(1, 1, 6), f'cell_2:1:7: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "",
            'import os\n\nPAT = os.environ["CLARIFAI_PAT"]\n'
            "metadata = (('authorization', 'Key ' + PAT),)",
        ],
        id="%env and the code hold the same key",
    ),
    pytest.param(
        ["%env CLARIFAI_PAT=<KEY>", "m = (('authorization', 'Key <KEY2>'),)"],
        [
            _moved(1, 1, 6),
            f'cell_2:1:24: CLR001 key (...{KEY2[-4:]}) -> os.environ["CLARIFAI_PAT_2"]',
        ],
        [
            "",
            'import os\n\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT_2"]),)',
        ],
        id="%env and the code hold different keys: two variables",
    ),
    pytest.param(
        ['!export CLARIFAI_PAT="<KEY>"  # set your Clarifai PAT here', "x = 1"],
        [f'cell_1:1:2: CLR004 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        ["", "x = 1"],
        id="!export in a shell escape is removed like %env",
    ),
    pytest.param(
        ["!pip install clarifai", "!clarifai login --pat <KEY>"],
        [f'cell_2:1:2: CLR003 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "!pip install clarifai",
            "import os\n\n"
            'get_ipython().system("clarifai login --pat " + os.environ["CLARIFAI_PAT"])',
        ],
        id="a clarifai command line in a shell escape becomes the call IPython makes for it",
    ),
    pytest.param(
        [
            "!curl -X POST \\\n  -H 'Authorization: Key <KEY>' \\\n"
            "  https://api.clarifai.com/v2/models/m/outputs\nx = 1"
        ],
        [f'cell_1:2:1: CLR002 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "import os\n\nget_ipython().system('curl -X POST  '\n"
            "    f\"  -H 'Authorization: Key {os.environ['CLARIFAI_PAT']}'  \"\n"
            "    '  https://api.clarifai.com/v2/models/m/outputs')\n"
            "x = 1"
        ],
        id="a shell escape continued over lines is the one command IPython joins; rewritten, it "
        "stays over those lines",
    ),
    pytest.param(
        ["out = !clarifai login --pat <KEY>", "!!clarifai login --pat <KEY>"],
        [
            f'cell_1:1:8: CLR003 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
            f'cell_2:1:3: CLR003 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
        ],
        [
            'import os\n\nout = get_ipython().getoutput("clarifai login --pat " + '
            'os.environ["CLARIFAI_PAT"])',
            'get_ipython().getoutput("clarifai login --pat " + os.environ["CLARIFAI_PAT"])',
        ],
        id="a shell escape whose output is kept",
    ),
    pytest.param(
        ["!pip install \\\n  clarifai \\\n  openai\nx = 1"],
        [],
        None,
        id="a continued shell escape without a key stays",
    ),
    pytest.param(
        [
            "from clarifai.client.model import Model\nm = Model(url='u', pat='<KEY>')\n"
            "r = await m.async_predict_by_bytes(b'hi')"
        ],
        [f'cell_1:2:24: CLR003 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "import os\n\nfrom clarifai.client.model import Model\n"
            "m = Model(url='u', pat=os.environ[\"CLARIFAI_PAT\"])\n"
            "r = await m.async_predict_by_bytes(b'hi')"
        ],
        id="a cell may await at the top level, as IPython allows",
    ),
    pytest.param(
        ["%env OPENAI_API_KEY=<KEY>\n%set_env OPENAI_API_KEY <KEY>", "import clarifai"],
        [
            f'cell_1:1:6: CLR004 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
            f'cell_1:2:10: CLR004 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
        ],
        [
            'import os\n\nos.environ["OPENAI_API_KEY"] = os.environ["CLARIFAI_PAT"]\n'
            'os.environ["OPENAI_API_KEY"] = os.environ["CLARIFAI_PAT"]',
            "import clarifai",
        ],
        id="the PAT given to OPENAI_API_KEY is copied there by Python: %env would print it",
    ),
    pytest.param(["%env CLARIFAI_USER_ID=<KEY>"], [], None, id="not a credential variable"),
    pytest.param(["%env CLARIFAI_PAT=YOUR_PAT_HERE"], [], None, id="placeholder"),
    pytest.param(["%env CLARIFAI_PAT"], [], None, id="%env reads a variable"),
    pytest.param(["%env CLARIFAI_PAT=$pat"], [], None, id="%env expands a Python name"),
    pytest.param(
        ["%env CLARIFAI PAT=<KEY>"],
        [f'cell_1:1:6: CLR005 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'],
        [
            "import os\n\nget_ipython().run_line_magic('env', \"CLARIFAI PAT=\" + "
            'os.environ["CLARIFAI_PAT"])'
        ],
        id="IPython refuses a name with a space: no variable is set, but the text labels a key",
    ),
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
        marks=pytest.mark.xfail(
            reason="like nbqa, only cell magics that run Python are read as code; a key in "
            "another is only reported, to remove by hand"
        ),
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
        assert fix(save(tmp_path, reads(result.new.decode(), 4), "again.ipynb")).new is None


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


def _ipython(cell: str) -> str:
    """The Python that IPython runs for `cell`."""
    from IPython.core.inputtransformer2 import TransformerManager

    transformer: Any = TransformerManager
    return str(transformer().transform_cell(cell))


@pytest.mark.parametrize("cell", ORACLE)
def test_masked_lines_are_those_ipython_transforms(cell: str) -> None:
    transformed = _ipython(cell).splitlines()
    lines = cell.splitlines()
    assert len(transformed) == len(lines)
    counter = iter(range(1000))
    masked = mask(cell, lambda: f"hash({next(counter)})")
    assert masked is not None
    ours = [i for i, line in enumerate(masked.source.splitlines()) if "hash(" in line]
    assert ours == [i for i, (a, b) in enumerate(zip(lines, transformed)) if a != b]


# Shell escapes that IPython turns into one call each, continued lines joined.
SHELL_ORACLE = [
    "!curl -X POST \\\n  -H 'a: b' \\\n  https://x\n",
    "x = !ls \\\n -l\ny = 1\n",
    "!!echo a\\\n b  \n",
    "if 1:\n    !echo a \\\nb\n",
    "!echo a \\  \n",
    "%env A=b\n!pip install clarifai \\\n",
    "print(1)\n!echo a \\\n b \\\n",
]


@pytest.mark.parametrize("cell", SHELL_ORACLE)
def test_masked_shell_escapes_run_the_command_ipython_runs(cell: str) -> None:
    masked = mask(cell, lambda: "hash(0)")
    assert masked is not None

    def commands(source: str) -> list[tuple[str, object]]:
        return [
            (node.func.attr, ast.literal_eval(node.args[0]))
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("system", "getoutput")
        ]

    assert commands(masked.source) == commands(_ipython(cell))
    assert len(masked.source.splitlines()) == len(cell.splitlines())


def _outputs() -> list[Any]:
    """Outputs of a cell that sent KEY: which of them show a key is the point of the tests."""
    request_id = "4be5f0a1c7d94e4fb0c1d2e3f4a5b6c7"
    return [
        new_output("stream", name="stdout", text=fill("env: CLARIFAI_PAT=<KEY>\n")),
        new_output("stream", name="stdout", text=f"request id {request_id}\n"),
        new_output(
            "execute_result",
            data={"text/plain": fill("(('authorization', 'Key <KEY>'),)")},
            execution_count=1,
        ),
        new_output("display_data", data={"text/html": fill("<b><KEY></b>"), "text/plain": "<b>"}),
        new_output(
            "display_data", data={"text/plain": fill("headers: {'Authorization': 'Key <KEY2>'}")}
        ),
        new_output(
            "display_data", data={"text/plain": f"model {request_id}", "image/png": "iVBORw0KGgo="}
        ),
        new_output(
            "error",
            ename="KeyError",
            evalue="'x'",
            traceback=[
                fill(
                    "\x1b[0;32m----> 1\x1b[0m PAT \x1b[38;5;241m=\x1b[39m "
                    "\x1b[38;5;124m'<KEY>'\x1b[39m"
                )
            ],
        ),
    ]


LEAKING = [1, 3, 4, 5, 7]


def _tail(output: int) -> str:
    return (KEY2 if output == 5 else KEY)[-4:]


def test_leaking_outputs_are_reported(tmp_path: Path) -> None:
    path = save(tmp_path, notebook(code("x = 1"), code("%env CLARIFAI_PAT=<KEY>", *_outputs())))
    before = path.read_bytes()
    result = fix(path)
    assert result.left == [
        f"cell_2: output {n} shows a Clarifai key (...{_tail(n)}) - clear it, or rerun with "
        "--clear-leaking-outputs"
        for n in LEAKING
    ]
    assert result.new is not None
    new = reads(result.new.decode(), 4)
    assert new.cells[1].outputs == reads(before.decode(), 4).cells[1].outputs


def test_clear_leaking_outputs_clears_exactly_those(tmp_path: Path) -> None:
    path = save(tmp_path, notebook(code("x = 1"), code("%env CLARIFAI_PAT=<KEY>", *_outputs())))
    result = fix(path, clear=True)
    assert result.left == []
    assert result.moved == [_moved(2, 1, 6)]
    assert result.cleared == [
        f"cell_2: output {n} shows a Clarifai key (...{_tail(n)}): cleared" for n in LEAKING
    ]
    assert result.new is not None
    kept = [o for n, o in enumerate(_outputs(), start=1) if n not in LEAKING]
    assert reads(result.new.decode(), 4).cells[1].outputs == kept


def test_a_labelled_key_in_an_output_is_reported_after_the_fix_moved_the_code(
    tmp_path: Path,
) -> None:
    echoed = new_output("stream", name="stdout", text=fill("env: CLARIFAI_PAT=<KEY>\n"))
    path = save(tmp_path, notebook(code("import os", echoed), code("x = 1")))
    leak = f"cell_1: output 1 shows a Clarifai key (...{KEY[-4:]})"
    assert fix(path).left == [f"{leak} - clear it, or rerun with --clear-leaking-outputs"]
    assert fix(path, clear=True).cleared == [f"{leak}: cleared"]
    assert reads(path.read_text(), 4).cells[0].outputs == []


@pytest.mark.parametrize("clear", [False, True], ids=["reported", "cleared"])
def test_an_output_that_shows_a_key_the_env_file_holds_leaks_on_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clear: bool
) -> None:
    """Trial 87: once the first run moved the code's key, the output that printed it (with no
    label that says what it is) was reported no more, though `.env` says which key it is."""
    shown = new_output("stream", name="stdout", text=fill("key set: <KEY>\n"))
    source = 'import os  # clarifai\nprint("key set:", os.environ["CLARIFAI_PAT"])'
    path = save(tmp_path, notebook(code(source, shown)))
    (tmp_path / ".env").write_text(f"CLARIFAI_PAT={KEY}\n")
    options = ["--clear-leaking-outputs"] * clear
    status, out, _ = run_cli(tmp_path, "--env-file", ".env", *options, "nb.ipynb", capsys=capsys)
    leak = f"nb.ipynb:cell_1: output 1 shows a Clarifai key (...{KEY[-4:]})"
    if clear:
        assert (status, out.splitlines()[0]) == (0, f"{leak}: cleared")
        assert reads(path.read_text(), 4).cells[0].outputs == []
    else:
        assert (status, out.splitlines()) == (
            1,
            [f"{leak} - clear it, or rerun with " "--clear-leaking-outputs"],
        )


def _widget_state(*, colab: bool = False, **fields: str) -> dict[str, Any]:
    """ipywidgets' saved state as JupyterLab wraps it, or as Colab saves it: the models right
    under the MIME type."""
    model = {"model_name": "TextModel", "state": {k: fill(v) for k, v in fields.items()}}
    if fields.pop("password", None) is not None:
        model["model_name"] = "PasswordModel"
    if colab:
        return {"application/vnd.jupyter.widget-state+json": {"7a1b": model}}
    return {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"7a1b": model},
            "version_major": 2,
            "version_minor": 0,
        }
    }


@pytest.mark.parametrize(
    ("fields", "reported"),
    (
        pytest.param({"value": "<KEY>", "description": "PAT:"}, True, id="labelled a PAT"),
        pytest.param({"value": "<KEY>", "password": ""}, True, id="a password field"),
        pytest.param(
            {"value": "<KEY>", "description": "Model version"}, False, id="a model version"
        ),
        pytest.param(
            {"value": "<KEY>", "description": "OpenWeatherMap key", "password": ""},
            False,
            id="another service's password field",
        ),
    ),
)
@pytest.mark.parametrize("colab", (False, True), ids=("JupyterLab", "Colab"))
def test_saved_widget_state_that_shows_a_key_is_reported_on_every_run(
    tmp_path: Path, fields: dict[str, str], reported: bool, colab: bool
) -> None:
    nb = notebook(code("import clarifai"), **PYTHON, widgets=_widget_state(colab=colab, **fields))
    path = save(tmp_path, nb)
    note = (
        f"metadata: saved widget state shows a Clarifai key (...{KEY[-4:]}) - remove it by "
        "hand (Widgets > Clear Saved Widget State in Jupyter, or nbstripout)"
    )
    assert fix(path).left == ([note] if reported else [])


@pytest.mark.parametrize(
    ("parameters", "reported"),
    (
        pytest.param({"CLARIFAI_PAT": "<KEY>", "MODEL_ID": "gpt-4"}, True, id="CLARIFAI_PAT"),
        pytest.param({"pat": "<KEY>"}, True, id="a generic name in a Clarifai notebook"),
        pytest.param({"model_version_id": "<KEY>"}, False, id="a model version"),
        pytest.param({"NEWSAPI_KEY": "<KEY>"}, False, id="another service's key"),
    ),
)
def test_papermills_saved_parameters_that_show_a_key_are_reported_on_every_run(
    tmp_path: Path, parameters: dict[str, str], reported: bool
) -> None:
    """Trial 96: papermill saves the values it injects in the notebook's metadata as well as in
    the injected cell; the fix moved the cell's key and said nothing of the metadata's."""
    injected = "".join(f"{name} = {value!r}\n" for name, value in parameters.items())
    saved = {"parameters": {name: fill(value) for name, value in parameters.items()}}
    nb = notebook(code("import clarifai"), code(injected), **PYTHON, papermill=saved)
    path = save(tmp_path, nb)
    note = (
        f"metadata: papermill's saved parameters show a Clarifai key (...{KEY[-4:]}) in "
        f"`{next(iter(parameters))}` - remove it by hand (metadata.papermill.parameters)"
    )
    assert fix(path).left == ([note] if reported else [])
    assert fix(path).left == ([note] if reported else [])


def test_a_coloured_traceback_that_shows_a_key_is_reported_after_the_fix_moved_the_code(
    tmp_path: Path,
) -> None:
    """Trial 96: IPython saves a traceback with its colour codes, which split `pat="<key>"`;
    once the fix had moved the code's copy, the traceback's was no longer seen."""
    traceback = [
        "\x1b[0;31mValueError\x1b[0m: bad model",
        fill(
            "model \x1b[38;5;241m=\x1b[39m Model(pat\x1b[38;5;241m=\x1b[39m\x1b[38;5;124m"
            '"\x1b[39m\x1b[38;5;124m<KEY>\x1b[39m\x1b[38;5;124m"\x1b[39m)'
        ),
    ]
    error = new_output("error", ename="ValueError", evalue="bad model", traceback=traceback)
    path = save(tmp_path, notebook(code("import clarifai"), code("x = 1", error)))
    leak = f"cell_2: output 1 shows a Clarifai key (...{KEY[-4:]})"
    assert fix(path).left == [f"{leak} - clear it, or rerun with --clear-leaking-outputs"]


def test_outputs_that_label_other_hex_values_are_left(tmp_path: Path) -> None:
    text = fill("cache key: <KEY>\nidempotency key <KEY>\ncsrf token: <KEY>\n")
    path = save(tmp_path, notebook(code("import clarifai", new_output("stream", text=text))))
    result = fix(path, clear=True)
    assert (result.left, result.cleared, result.new) == ([], [], None)


SHOWN = [
    pytest.param("import clarifai", "PAT: <KEY>\n", True, id="PAT label"),
    pytest.param("import clarifai", "Your PAT is <KEY>\n", True, id="PAT said before"),
    pytest.param("import clarifai", "PAT in use: <KEY>\n", True, id="PAT label, words between"),
    pytest.param("import os", "PAT in use: <KEY>\n", False, id="PAT, no Clarifai"),
    pytest.param("import clarifai", "PAT for model id <KEY>\n", False, id="nearest label an id"),
    pytest.param("%env CLARIFAI_PAT", "'<KEY>'", True, id="env magic reads the variable"),
    pytest.param("!echo $CLARIFAI_PAT", "<KEY>\n", True, id="echo"),
    pytest.param("import os\nos.environ['CLARIFAI_PAT']", "'<KEY>'", True, id="last expression"),
    pytest.param("import clarifai\nprint(PAT)", "<KEY>\n", True, id="a generic name shown"),
    pytest.param("print(PAT)", "<KEY>\n", False, id="a generic name, no Clarifai"),
    pytest.param("import clarifai\nclient.api_key", "'<KEY>'", True, id="an attribute shown"),
    pytest.param("import clarifai\nprint(settings.clarifai.pat)", "<KEY>\n", True, id="printed"),
    pytest.param("import clarifai\nclient.api_key.upper()", "<KEY>\n", False, id="a method"),
    pytest.param(
        "import clarifai\nheaders", "{'Authorization': 'Bearer <KEY>'}", True, id="Bearer header"
    ),
    pytest.param(
        "import os\nheaders", "{'Authorization': 'Bearer <KEY>'}", False, id="Bearer, no Clarifai"
    ),
    pytest.param("import os\nheaders", "{'Authorization': 'Key <KEY>'}", True, id="Key header"),
    pytest.param(
        "%env OPENAI_BASE_URL=https://api.clarifai.com/v2/ext/openai/v1",
        "env: OPENAI_API_KEY=<KEY>\n",
        True,
        id="OPENAI_API_KEY, where Clarifai's examples put the PAT",
    ),
    pytest.param("import clarifai\nlm.kwargs", "{'api_key': '<KEY>'}", True, id="api_key label"),
    pytest.param("import os\nlm.kwargs", "{'api_key': '<KEY>'}", False, id="api_key, no Clarifai"),
    pytest.param("import clarifai", "token: <KEY>\n", False, id="a generic token label"),
    pytest.param(
        "import clarifai\nprint(url)",
        "https://api.openweathermap.org/data/2.5/weather?q=Paris&api_key=<KEY>\n",
        False,
        id="api_key as a URL's query parameter",
    ),
    pytest.param(
        "m = Model(pat=os.environ['CLARIFAI_PAT'])\nm.predict()",
        "<KEY>\n",
        False,
        id="the last line does more than show it",
    ),
]


@pytest.mark.parametrize(("source", "text", "leaks"), SHOWN)
def test_outputs_that_show_a_key_without_the_code_holding_it(
    source: str, text: str, leaks: bool, tmp_path: Path
) -> None:
    output = new_output("stream", name="stdout", text=fill(text))
    path = save(tmp_path, notebook(code(source, output)))
    leak = f"cell_1: output 1 shows a Clarifai key (...{KEY[-4:]})"
    expected = [f"{leak} - clear it, or rerun with --clear-leaking-outputs"] if leaks else []
    assert fix(path).left == expected


def test_outputs_of_a_clean_notebook_with_ids_are_left(tmp_path: Path) -> None:
    path = save(tmp_path, notebook(code("model_id = 'x'", *_outputs()[1:2])))
    assert _report(fix(path, clear=True)) == []
    assert fix(path, clear=True).new is None


MARKDOWN = [
    pytest.param("Your PAT: `<KEY>`", ["cell_1:1:12"], id="PAT label"),
    pytest.param("Set `CLARIFAI_PAT=<KEY>` first", ["cell_1:1:19"], id="variable"),
    pytest.param("# Setup\n\nAuthorization: Key <KEY>", ["cell_1:3:20"], id="Key scheme"),
    pytest.param("api_key = '<KEY>'", ["cell_1:1:12"], id="api_key in a code block"),
    pytest.param("The model id is <KEY>", [], id="model id"),
    pytest.param("PAT for the model version <KEY>", [], id="nearest label is an id"),
    pytest.param("Checksum <KEY>", [], id="no credential context"),
    pytest.param("With your PAT: https://clarifai.com/a/b/models/c/versions/<KEY>", [], id="URL"),
    pytest.param("PAT scopes for the inputs <KEY>", [], id="plural id word"),
    pytest.param(
        "PAT for the `search-demo` app is `<KEY>`", ["cell_1:1:35"], id="whose key, then the key"
    ),
    pytest.param("Use the PAT with app <KEY>", [], id="an owner right before the value"),
    pytest.param("Your PAT: YOUR_PAT_HERE", [], id="placeholder"),
]


@pytest.mark.parametrize(("text", "where"), MARKDOWN)
def test_markdown_keys_are_reported_never_rewritten(
    text: str, where: list[str], tmp_path: Path
) -> None:
    path = save(tmp_path, notebook(new_markdown_cell(fill(text))))
    result = fix(path, clear=True)
    assert result.new is None
    assert result.left == [
        f"{w}: Clarifai key (...{KEY[-4:]}) in a markdown cell - remove it by hand: the "
        "notebook publishes it"
        for w in where
    ]


def test_raw_cells_are_read_as_markdown_is(tmp_path: Path) -> None:
    """nbconvert publishes a raw cell as it is."""
    nb = notebook(new_raw_cell(fill("CLARIFAI_PAT=<KEY>")), code("import clarifai"))
    result = fix(save(tmp_path, nb))
    assert (result.new, result.left) == (
        None,
        [
            f"cell_1:1:14: Clarifai key (...{KEY[-4:]}) in a raw cell - remove it by hand: the "
            "notebook publishes it"
        ],
    )


def test_markdown_shows_a_key_from_the_code_whatever_the_prose(tmp_path: Path) -> None:
    nb = notebook(
        new_markdown_cell("intro"),
        new_markdown_cell(fill("the model id is <KEY>")),
        code("metadata = (('authorization', 'Key <KEY>'),)"),
    )
    result = fix(save(tmp_path, nb))
    assert result.left == [
        f"cell_2:1:17: Clarifai key (...{KEY[-4:]}) in a markdown cell - remove it by hand: "
        "the notebook publishes it"
    ]


SHELL_CELLS = [
    pytest.param("%%writefile .env\nCLARIFAI_PAT=<KEY>\n", ["cell_1:2:14"], id="%%writefile .env"),
    pytest.param("%%bash\nclarifai login --pat <KEY>", ["cell_1:2:22"], id="%%bash"),
    pytest.param("%%bash\necho <KEY> | md5sum", [], id="no credential context"),
    pytest.param("%%bash\nexport CLARIFAI_PAT=$PAT", [], id="no key"),
]


@pytest.mark.parametrize(("text", "where"), SHELL_CELLS)
def test_keys_in_cells_of_other_languages_are_reported_never_rewritten(
    text: str, where: list[str], tmp_path: Path
) -> None:
    path = save(tmp_path, notebook(code(text)))
    result = fix(path, clear=True)
    assert result.new is None
    magic = text.split()[0]
    assert result.left == [
        f"{w}: Clarifai key (...{KEY[-4:]}) in a {magic} cell - remove it by hand: the "
        "notebook publishes it"
        for w in where
    ]


LAYOUTS = [
    pytest.param(1, False, True, True, id="nbformat's own layout"),
    pytest.param(2, True, True, False, id="indent 2, escaped non-ASCII, no final newline"),
    pytest.param(4, False, False, True, id="sources as one string"),
    pytest.param(None, True, True, False, id="all on one line"),
]


@pytest.mark.parametrize(("indent", "escape", "as_list", "final_newline"), LAYOUTS)
def test_every_other_byte_stays(
    indent: int | None, escape: bool, as_list: bool, final_newline: bool, tmp_path: Path
) -> None:
    def source(text: str) -> Any:
        return text.splitlines(keepends=True) if as_list else text

    old = fill("# café\nmetadata = (('authorization', 'Key <KEY>'),)\n")
    new = '# café\nmetadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
    cell = {
        "source": source(old),
        "cell_type": "code",
        "outputs": [],
        "id": "first",
        "execution_count": 7,
        "metadata": {"tags": ["é"]},
    }
    doc = {
        "cells": [
            {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": source("Ünïcode")},
            {**cell, "source": source("import os\n")},
            cell,
        ],
        "nbformat_minor": 5,
        "nbformat": 4,
        "metadata": {"orig_nbformat": 3, **PYTHON},
    }
    text = json.dumps(doc, indent=indent, ensure_ascii=escape) + ("\n" if final_newline else "")
    path = tmp_path / "nb.ipynb"
    path.write_text(text, encoding="utf-8")
    result = fix(path)
    assert result.new is not None
    old_json = json.dumps(source(old), indent=indent, ensure_ascii=escape)
    new_json = json.dumps(source(new), indent=indent, ensure_ascii=escape)
    if indent:
        pad = "\n" + " " * indent * 3
        old_json, new_json = (j.replace("\n", pad) for j in (old_json, new_json))
    assert old_json in text
    assert result.new.decode("utf-8") == text.replace(old_json, new_json)


def test_a_clean_notebook_is_not_written(tmp_path: Path) -> None:
    nb = notebook(code("import os\nmetadata = (('authorization', 'Key ' + os.environ['X']),)"))
    assert fix(save(tmp_path, nb), clear=True) == Run()


# Each holds a key: like a `.py` file, a notebook that cannot hold a finding is not read.
CELL = {"cell_type": "code", "id": "a", "metadata": {}, "source": fill("PAT = '<KEY>'")}
BROKEN = [
    pytest.param(fill('{"cells": ["PAT = \'<KEY>\'"').encode(), "is not JSON (", id="invalid JSON"),
    pytest.param(
        fill('{"PAT": "<KEY>"}').encode(),
        "is not a notebook (it has no `nbformat` version)",
        id="JSON, not a notebook",
    ),
    pytest.param(fill("\xff{'<KEY>'}").encode("latin-1"), "cannot be decoded (", id="not UTF-8"),
    pytest.param(
        json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [CELL]}).encode(),
        "is not a valid notebook ('outputs' is a required property)",
        id="a code cell without outputs",
    ),
    pytest.param(
        fill(
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code",'
            ' "id": "a", "metadata": {}, "outputs": [], "execution_count": "<KEY>", '
            "\"source\": \"m = (('authorization', 'Key <KEY>'),)\"}]}"
        ).encode(),
        "is not a valid notebook ('...",
        id="a key in the invalid part",
    ),
    pytest.param(
        json.dumps(
            {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [CELL]}
        ).encode(),
        "is an nbformat 3 notebook; convert it to version 4 with `jupyter nbconvert --to notebook`",
        id="nbformat 3",
    ),
]


@pytest.mark.parametrize(("data", "error"), BROKEN)
def test_unreadable_notebooks_are_reported(data: bytes, error: str, tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_bytes(data)
    result = fix(path)
    assert result.error is not None and result.error.startswith(error)
    assert KEY not in result.error
    assert result.new is None
    assert path.read_bytes() == data


def test_a_notebook_that_cannot_hold_a_key_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b'{"cells": [')
    assert fix(path) == Run()


def test_a_cell_that_does_not_parse_is_reported_and_the_others_are_fixed(tmp_path: Path) -> None:
    nb = notebook(
        code("PAT = '<KEY>'"),
        code("x = = 1\nPAT2 = '<KEY2>'"),
        code("metadata = (('authorization', 'Key ' + PAT),)"),
    )
    result = fix(save(tmp_path, nb))
    assert result.error is None
    assert _report(result) == [
        f'cell_1:1:7: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
        "cell_2: not checked: not valid Python, even with IPython syntax masked - fix it",
    ]
    assert result.new is not None
    assert sources(result.new) == [
        'import os\n\nPAT = os.environ["CLARIFAI_PAT"]',
        fill("x = = 1\nPAT2 = '<KEY2>'"),
        "metadata = (('authorization', 'Key ' + PAT),)",
    ]


def test_a_notebook_in_another_language_has_its_code_left(tmp_path: Path) -> None:
    r = {"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}}
    nb = notebook(code("pat <- '<KEY>'\nx = (('authorization', 'Key <KEY>'),)"), **r)
    assert fix(save(tmp_path, nb)) == Run()


def test_nbqa_flake8_reports_what_the_fixer_reports(tmp_path: Path) -> None:
    """The README's `nbqa flake8 --select=CLR`, with the real nbqa and flake8."""
    nb = notebook(
        code("!pip install clarifai\nPAT = '<KEY>'"),
        new_markdown_cell("Send it"),
        code("%matplotlib inline\nmetadata = (('authorization', 'Key ' + PAT),)"),
    )
    path = save(tmp_path, nb)
    lint = subprocess.run(
        [sys.executable, "-m", "nbqa", "flake8", "--select=CLR", "--isolated", "nb.ipynb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 1
    assert KEY not in lint.stdout
    assert [line.split(" ")[:2] for line in lint.stdout.splitlines()] == [
        ["nb.ipynb:cell_1:2:7:", "CLR001"]
    ]
    assert fix(path).moved == [
        f'cell_1:2:7: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'
    ]


def _main(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(tmp_path, "-j", "1", *args, capsys=capsys)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    save(tmp_path, notebook(code("%env CLARIFAI_PAT=<KEY>"), code("x = 1", *_outputs()[:1])))
    save(tmp_path, notebook(code("x = 1")), "clean.ipynb")
    (tmp_path / "bad.py").write_text(fill("m = (('authorization', 'Key <KEY>'),)\n"))
    (tmp_path / "skip").mkdir()
    save(tmp_path / "skip", notebook(code("%env CLARIFAI_PAT=<KEY>")))
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-exclude = skip\n")
    return tmp_path


def test_the_fixer_walks_notebooks_beside_python_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = (project / "clean.ipynb").stat()
    skipped = (project / "skip" / "nb.ipynb").read_bytes()
    code, out, err = _main(project, "--clear-leaking-outputs", capsys=capsys)
    assert (code, err) == (0, "")
    assert out == (
        f'./bad.py:1:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]\n'
        f'./nb.ipynb:cell_1:1:6: CLR004 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]\n'
        f"./nb.ipynb:cell_2: output 1 shows a Clarifai key (...{KEY[-4:]}): cleared\n"
        "Fixed 2 file(s): 2 finding(s) of 1 key(s) moved into the environment, "
        "1 notebook output(s) cleared.\n"
        f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}).\n"
        f"{cli.KEEP_REMINDER}\n"
        f"{cli.REVOKE_REMINDER}\n"
    )
    assert sources((project / "nb.ipynb").read_bytes()) == ["", "x = 1"]
    assert reads((project / "nb.ipynb").read_text(), 4).cells[1].outputs == []
    assert (project / "clean.ipynb").stat().st_mtime_ns == clean.st_mtime_ns
    assert (project / "skip" / "nb.ipynb").read_bytes() == skipped
    assert _main(project, "--check", capsys=capsys)[0] == 0


def test_check_and_diff_write_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "nb.ipynb").read_bytes()
    code, out, _ = _main(project, "--check", "nb.ipynb", capsys=capsys)
    assert code == 1
    assert out.splitlines()[:2] == [
        f'nb.ipynb:cell_1:1:6: CLR004 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]',
        f"nb.ipynb:cell_2: output 1 shows a Clarifai key (...{KEY[-4:]}) - clear it, or rerun"
        " with --clear-leaking-outputs",
    ]
    code, out, _ = _main(project, "--diff", "nb.ipynb", capsys=capsys)
    assert code == 1
    assert f'-    "%env CLARIFAI_PAT=...{KEY[-4:]}"\n' in out
    assert KEY not in out
    assert (project / "nb.ipynb").read_bytes() == before


def test_a_notebook_named_outside_the_walk_is_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _main(project, "--check", "skip/nb.ipynb", capsys=capsys)
    assert code == 1
    assert out.startswith("skip/nb.ipynb:cell_1:1:6: CLR004 ")


def test_an_unreadable_notebook_exits_2_and_spares_the_others(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = fill('{"cells": ["<KEY>"').encode()
    (project / "broken.ipynb").write_bytes(broken)
    code, out, err = _main(project, capsys=capsys)
    assert code == 2
    assert err.startswith("./broken.ipynb: not processed: is not JSON (")
    assert (project / "broken.ipynb").read_bytes() == broken
    assert "Fixed 2 file(s)" in out


def test_a_run_without_notebooks_does_not_import_nbformat(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(fill("m = (('authorization', 'Key <KEY>'),)\n"))
    script = (
        "import sys\nfrom flake8_clarifai_secrets import cli\n"
        "code = cli.main(['--check', '-j', '1', 'bad.py'])\n"
        "print(code, 'nbformat' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.stdout.splitlines()[-1] == "1 False"


def test_the_cell_that_gets_the_import_keeps_nbformats_layout(tmp_path: Path) -> None:
    before = notebook(code(""), code("m = (('authorization', 'Key <KEY>'),)"))
    result = fix(save(tmp_path, before))
    after = before.copy()
    after.cells = [
        before.cells[0],
        {
            **before.cells[1],
            "source": "import os\n\n"
            + 'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)',
        },
    ]
    assert result.new == save(tmp_path, from_dict(after), "expected.ipynb").read_bytes()


_PIECES = [
    "%env CLARIFAI_PAT=<KEY>",
    "!pip install clarifai",
    "%%time\nPAT = '<KEY2>'",
    "%%bash\necho <KEY>",
    "np.sum?",
    "x = = 1",
    "",
    "import os",
    "from clarifai.client.model import Model\nmodel = Model(url='u', pat='<KEY>')",
    "metadata = (('authorization', 'Key ' + PAT),)",
    "if True:\n    %set_env CLARIFAI_API_KEY <KEY2>\n    y = 2",
    "print('é')  # noqa",
]


@given(
    cells=st.lists(
        st.one_of(
            st.sampled_from(_PIECES).map(code),
            st.sampled_from(["Your PAT: <KEY>", "model <KEY2>", "hi"]).map(
                lambda t: new_markdown_cell(fill(t))
            ),
            st.sampled_from(_outputs()).map(lambda o: code("x = 1", o)),
        ),
        max_size=6,
    ),
    clear=st.booleans(),
    indent=st.sampled_from([1, 2, None]),
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_notebook_is_fixed_once_and_keeps_the_rest(
    cells: list[Any], clear: bool, indent: int | None, tmp_path: Path
) -> None:
    nb = notebook(*cells)
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=indent, sort_keys=True, ensure_ascii=False))
    result = fix(path, clear)
    assert result.error is None
    if result.new is None:
        return
    new = reads(result.new.decode(), 4)
    validate(new)
    assert len(new.cells) == len(nb.cells)
    for old_cell, new_cell in zip(nb.cells, new.cells):
        assert {**old_cell, "source": "", "outputs": []} == {
            **new_cell,
            "source": "",
            "outputs": [],
        }
        if old_cell.cell_type == "markdown":
            assert new_cell.source == old_cell.source
        else:
            assert all(o in old_cell.outputs for o in new_cell.outputs)
    path.write_bytes(result.new)
    again = fix(path, clear)
    assert again.new is None
    assert again.moved == again.cleared == []


_KEY_IN_METADATA = "m = (('authorization', 'Key <KEY>'),)"
_READ = 'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)'


@pytest.mark.parametrize(
    ("cells", "fixed"),
    (
        pytest.param(
            ["import sys", "import json\nm = (('authorization', 'Key <KEY>'),)"],
            [
                "import os\nimport sys",
                'import json\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)',
            ],
            id="among the standard library imports of the first cell",
        ),
        pytest.param(
            ["x = 1", "m = (('authorization', 'Key <KEY>'),)"],
            [
                "x = 1",
                'import os\n\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)',
            ],
            id="above the code of the cell it is read in, where no cell before imports",
        ),
        pytest.param(
            ["!pip install clarifai-grpc", "import sys\nimport json", "x = 1", _KEY_IN_METADATA],
            ["!pip install clarifai-grpc", "import os\nimport sys\nimport json", "x = 1", _READ],
            id="not into a cell that installs packages, but the first that imports",
        ),
        pytest.param(
            ["!pip install clarifai-grpc", _KEY_IN_METADATA, "import json"],
            ["!pip install clarifai-grpc", "import os\n\n" + _READ, "import json"],
            id="the cell it is read in, where the first cell that imports comes later",
        ),
        pytest.param(
            ["!pip install clarifai\n# restart the kernel", _KEY_IN_METADATA, "import json"],
            ["!pip install clarifai\n# restart the kernel", "import os\n\n" + _READ, "import json"],
            id="a cell that ends in a comment",
        ),
        pytest.param(
            [
                "!pip install clarifai",
                "# Key.\n%env CLARIFAI_PAT=<KEY>",
                "PAT = '<KEY>'",
                "import json",
            ],
            [
                "!pip install clarifai",
                "# Key.",
                'import os\n\nPAT = os.environ["CLARIFAI_PAT"]',
                "import json",
            ],
            id="a cell whose removed line leaves its comment",
        ),
        pytest.param(
            ["x = 1", "import os\nm = (('authorization', 'Key <KEY>'),)"],
            None,
            id="not if a cell imports os",
        ),
    ),
)
def test_import_os_goes_into_the_first_cell_that_imports_or_reads(
    cells: list[str], fixed: list[str] | None, tmp_path: Path
) -> None:
    result = fix(save(tmp_path, notebook(*map(code, cells))))
    assert result.new is not None
    assert sources(result.new)[0] == cells[0] if fixed is None else sources(result.new) == fixed


def test_flake8s_configuration_decides_in_notebooks_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "m = (('authorization', 'Key <KEY>'),)"
    save(tmp_path, notebook(code(key + "  # noqa: CLR001")), "noqa.ipynb")
    save(tmp_path, notebook(code(key)), "ignored.ipynb")
    save(tmp_path, notebook(code("x = 1"), code(key)), "fixed.ipynb")
    (tmp_path / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    ignored.ipynb: CLR001\n")
    code_, out, _ = _main(tmp_path, "--check", capsys=capsys)
    assert code_ == 1
    assert out.splitlines()[0] == (
        f'./fixed.ipynb:cell_2:1:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'
    )
    # The key that fixed.ipynb moves is still where noqa and the configuration keep it.
    kept = f"the key (...{KEY[-4:]}) is still here, where `# noqa` or flake8's configuration keeps"
    assert out.splitlines()[1:3] == [
        f"./ignored.ipynb:cell_1:1:29: {kept} it unreported: remove it by hand",
        f"./noqa.ipynb:cell_1:1:29: {kept} it unreported: remove it by hand",
    ]
    assert out.splitlines()[3].startswith("Would fix 1 file(s): 1 finding(s) of 1 key(s) moved")
    assert len(out.splitlines()) == 6


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("", 1),
        ("[flake8]\nper-file-ignores =\n    ignored.ipynb: CLR001\n", 1),
        ("[flake8]\nper-file-ignores =\n    ignored.ipynb: CLR\n", 0),
        ("[flake8]\nexclude = ignored.ipynb\n", 0),
    ],
)
def test_outputs_are_checked_where_flake8_reports_some_clr_code(
    setup: str, expected: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """New-user trial: `per-file-ignores = notebooks/*: CLR` silenced the code cells, not the
    outputs, so `--check` still failed on a notebook the configuration ignores."""
    leak = new_output("stream", name="stdout", text=fill("Key <KEY>\n"))
    save(tmp_path, notebook(code("import clarifai\nprint(1)", leak)), "ignored.ipynb")
    (tmp_path / "setup.cfg").write_text(setup)
    code_, out, _ = _main(tmp_path, "--check", capsys=capsys)
    assert (code_, len(out.splitlines())) == (expected, expected)


def test_a_noqa_on_the_first_line_does_not_hide_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review: outputs were decided as a finding on line 1, which that line's `# noqa` hid."""
    leak = new_output("stream", name="stdout", text=fill("Key <KEY>\n"))
    cells = notebook(code("from helpers import *  # noqa\nimport clarifai\nprint(1)", leak))
    save(tmp_path, cells, "first.ipynb")
    code_, out, _ = _main(tmp_path, "--check", capsys=capsys)
    assert (code_, len(out.splitlines())) == (1, 1)


def test_raw_cells_are_not_counted_and_compact_json_stays_compact(tmp_path: Path) -> None:
    nb = notebook(
        new_raw_cell("raw"),
        code(""),
        code("!ls \\\n  -l\nm = (('authorization', 'Key <KEY>'),)"),
    )
    for cell in nb.cells:
        cell.source = cell.source.splitlines(keepends=True)
    path = tmp_path / "nb.ipynb"
    text = json.dumps(nb, separators=(",", ":"))
    path.write_text(text)
    result = fix(path)
    assert result.moved == [
        f'cell_2:3:24: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]'
    ]
    assert result.new is not None
    old_line = json.dumps(fill("m = (('authorization', 'Key <KEY>'),)"))
    new_line = json.dumps('m = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)')
    expected = text.replace('"source":["!ls', '"source":["import os\\n","\\n","!ls')
    expected = expected.replace(old_line, new_line)
    assert result.new.decode() == expected


@pytest.mark.xfail(
    reason="nbqa masks magics before flake8 sees them: `clarifai-secrets-fix --check` reports "
    "%env keys, outputs and markdown",
    strict=True,
)
def test_nbqa_flake8_sees_env_magics(tmp_path: Path) -> None:
    save(tmp_path, notebook(code("%env CLARIFAI_PAT=<KEY>")))
    lint = subprocess.run(
        [sys.executable, "-m", "nbqa", "flake8", "--select=CLR", "--isolated", "nb.ipynb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.stdout.split(" ")[:2] == ["nb.ipynb:cell_1:1:6:", "CLR004"]


def test_a_key_that_starts_a_line_of_a_literal_is_placed_there_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The key starts the cell's second line: its place in the JSON text is where that line's
    string starts, not the end of the first line's."""
    save(tmp_path, notebook(code('CLARIFAI_PAT = """\n<KEY>\n""".strip()')))
    text = (tmp_path / "nb.ipynb").read_text()
    _, out, _ = _main(tmp_path, "--check", "--format", "json", "nb.ipynb", capsys=capsys)
    [found] = json.loads(out)["findings"]
    assert found["cell"] == "cell_1:2:1"
    assert text.splitlines()[found["line"] - 1][found["column"] - 1 :].startswith(KEY)


def test_json_and_sarif_place_notebook_findings_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SARIF regions and fixes refer to the artifact, the notebook's JSON text."""
    nb = notebook(
        code("%env CLARIFAI_PAT=<KEY>"), code("x = 1\nm = (('authorization', 'Key <KEY>'),)")
    )
    path = save(tmp_path, nb)
    text = path.read_text()
    _, out, _ = _main(tmp_path, "--check", "--format", "json", "nb.ipynb", capsys=capsys)
    found = [(f["line"], f["column"], f["code"]) for f in json.loads(out)["findings"]]
    assert [f["cell"] for f in json.loads(out)["findings"]] == ["cell_1:1:6", "cell_2:2:24"]
    lines = text.splitlines()
    starts = [lines[line - 1][column - 1 :] for line, column, _ in found]
    assert [code for _, _, code in found] == ["CLR004", "CLR001"]
    assert starts[0].startswith("CLARIFAI_PAT=") and starts[1].startswith("'Key ")
    _, out, _ = _main(tmp_path, "--check", "--format", "sarif", "nb.ipynb", capsys=capsys)
    results = json.loads(out)["runs"][0]["results"]
    assert [r["properties"]["cell"] for r in results] == ["cell_1:1:6", "cell_2:2:24"]
    assert [r["locations"][0]["physicalLocation"]["region"] for r in results] == [
        {"startLine": line, "startColumn": column} for line, column, _ in found
    ]
    # An edit that fixes several findings (the added `import os`) is in each of their fixes.
    replacements = {
        json.dumps(change, sort_keys=True): change
        for r in results
        for fix_ in r["fixes"]
        for c in fix_["artifactChanges"]
        for change in c["replacements"]
    }.values()
    starts_of_lines = [0]
    for line in text.splitlines(keepends=True):
        starts_of_lines.append(starts_of_lines[-1] + len(line))
    fixed = text
    for change in sorted(
        replacements,
        key=lambda c: (c["deletedRegion"]["startLine"], c["deletedRegion"]["startColumn"]),
        reverse=True,
    ):
        region = change["deletedRegion"]
        start = starts_of_lines[region["startLine"] - 1] + region["startColumn"] - 1
        end = starts_of_lines[region["endLine"] - 1] + region["endColumn"] - 1
        fixed = fixed[:start] + change["insertedContent"]["text"] + fixed[end:]
    assert fix(path).new == fixed.encode()


def test_a_notebook_on_standard_input_is_fixed_as_a_notebook(tmp_path: Path) -> None:
    """Standard input has no name that says `.ipynb`: its JSON does."""
    nb = notebook(code("from clarifai.client.user import User\nUser(user_id='me', pat='<KEY>')"))
    text = writes(nb)
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "-"],
        cwd=tmp_path,
        input=text,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    fixed = reads(result.stdout, as_version=4)
    nbformat.validate(fixed)
    assert fixed.cells[0].source == (
        "import os\n\nfrom clarifai.client.user import User\n"
        "User(user_id='me', pat=os.environ[\"CLARIFAI_PAT\"])"
    )
    assert f"stdin:cell_1:2:24: CLR003 key (...{KEY[-4:]})" in result.stderr


def test_a_refusal_names_a_notebook_line_by_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trial 80: a claim refused in a run over notebooks pointed at the line of the cells
    joined together, which no editor shows."""
    save(
        tmp_path,
        notebook(code("x = 1"), code('import os\nk = os.getenv("CLARIFAI_PAT", "<KEY>")')),
        "a.ipynb",
    )
    save(
        tmp_path,
        notebook(code("y = 2"), code('import os\nj = os.getenv("CLARIFAI_PAT", "<KEY2>")')),
        "b.ipynb",
    )
    code_, out, _ = _main(tmp_path, "--check", capsys=capsys)
    assert code_ == 1
    assert (
        f"./b.ipynb:cell_2:2:31: CLR004 left alone: `CLARIFAI_PAT` already holds another key "
        f"(...{KEY[-4:]}, from cell_2:2 of ./a.ipynb), which this code reads instead once it "
        "is set; fix it by hand\n"
    ) in out


def test_env_writes_into_a_variable_another_notebook_claimed_are_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trial 80: `%env NAME <key>` (the space form) stays a write that reads the key's own
    variable, as `%env NAME=<key>` did; a lone `!export`, which sets nothing in the kernel, goes.
    Both were left alone on every run, so that a pre-commit hook never passed."""
    save(tmp_path, notebook(code('import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"')), "a.ipynb")
    save(tmp_path, notebook(code("%env CLARIFAI_PAT <KEY2>"), code("x = 1")), "b.ipynb")
    save(tmp_path, notebook(code("!export CLARIFAI_PAT=<KEY2>"), code("x = 1")), "c.ipynb")
    status, out, _ = _main(tmp_path, capsys=capsys)
    assert status == 0
    assert "left alone" not in out
    sources = {
        name: [cell.source for cell in reads((tmp_path / name).read_text(), as_version=4).cells]
        for name in ("b.ipynb", "c.ipynb")
    }
    assert sources == {
        "b.ipynb": [
            'import os\n\nos.environ["CLARIFAI_PAT"] = os.environ["CLARIFAI_PAT_2"]',
            "x = 1",
        ],
        "c.ipynb": ["", "x = 1"],
    }
