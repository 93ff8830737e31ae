"""The code that a cell magic runs, as `jupyter nbconvert --to script` writes a `%%capture` or
`%%time` cell: `get_ipython().run_cell_magic("capture", "", "<code>")`. Its findings are the
code's own, with their codes and sinks, at the key in the text; the fix splits the text there."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.engine import code_findings
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, magic_arguments, sink
from flake8_clarifai_secrets.detector.tree import string
from flake8_clarifai_secrets.magics import PYTHON_CELL_MAGICS


@sink(ast.Call)
def cell_code(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`get_ipython().run_cell_magic("time", "", "<code>")`: each sink that the code's own
    findings reach."""
    assert isinstance(node, ast.Call)
    args = magic_arguments(node, "run_cell_magic", PYTHON_CELL_MAGICS)
    code = string(args[2]) if len(args) == 3 else None
    if code is None:
        return
    sinks = {(f.code, f.target) for f, _ in code_findings(code, context.env_var)}
    for found, target in sorted(sinks):
        yield Hit(found, args[2], target, Accept.CODE)
