"""Parsing the code being checked without Python's warnings about it.

Python warns of an invalid escape (`"\\d"`) in the code it parses or compiles (a
`SyntaxWarning` from 3.12 on, shown by default), and prints the line of the file that a warning
names: the rewrite is compiled under the file's name, so the line shown was the file's line at
that number, which may hold a key. pycodestyle reports such escapes (W605).
"""

from __future__ import annotations

import ast
import contextlib
import warnings
from collections.abc import Iterator
from typing import Union


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def parse(source: Union[str, bytes]) -> ast.Module:
    with silenced():
        return ast.parse(source)
