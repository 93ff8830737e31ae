"""The walks that the text tests lean on, checked against `ast.walk` on real and made-up code."""

from __future__ import annotations

import ast
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from flake8_clarifai_secrets.detector import source_lines
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.detector.sinks import SINKS
from flake8_clarifai_secrets.detector.tree import UNWALKED, Scope, Walker

MADE_UP = """
import os
@decorate(pat)
class C(Base, key=pat):
    pat = 1
    @staticmethod
    def f(a=pat, *, b=(pat := 2)):
        if a: pat = 3
        def g(): return pat
        match pat:
            case 0: pass
            case [x, *rest] if x: pat = 4
            case {"k": v, **kw}: pat = 5
            case _:
                pat = lambda: pat
        try:
            pass
        except* ValueError as e:
            pat = e
        else:
            pat = [pat for pat in a]
        finally:
            async def h():
                async with pat as p:
                    return p
"""
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = {"made up": MADE_UP} | {
    path.name: path.read_text(encoding="utf-8") for path in sorted(STDLIB.glob("*.py"))[::12]
}
SKIPPED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop, *UNWALKED)


def test_no_sink_looks_at_the_nodes_that_walks_leave_out() -> None:
    assert set(SINKS).isdisjoint(UNWALKED)
    # Python 3.13 gives a `Name()` its `Load()` context, which walks leave out too.
    assert all(
        all(isinstance(child, ast.expr_context) for child in ast.iter_child_nodes(node_type()))
        for node_type in UNWALKED
    )


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_everything_reaches_every_node_but_contexts_operators_names_and_constants(
    source: str,
) -> None:
    tree = ast.parse(source)
    expected = {id(n) for n in ast.walk(tree) if not isinstance(n, SKIPPED)}
    assert {id(node) for node, _ in Walker(tree).everything()} == expected


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_innermost_gives_each_expression_its_scope(source: str) -> None:
    """What `scopes` relies on: the statements alone give a line's scope, unless a lambda may
    stand between the statement and the line."""
    tree = ast.parse(source)
    lines = source_lines(source)
    scan = Scan(lines + ["clarifai\n"], "CLARIFAI_PAT")
    walker = Walker(tree)
    checked = 0
    for node, scope in _with_leaves(walker.everything()):
        if not isinstance(node, ast.expr) or node.lineno != node.end_lineno:
            continue
        found, _, first = walker.innermost(node.lineno)
        if not scan.mentions(b"lambda", first, node.lineno):
            assert found is scope, (ast.dump(node), node.lineno)
            checked += 1
    assert checked


def _with_leaves(walk: list[tuple[ast.AST, Scope]]) -> Iterator[tuple[ast.AST, Scope]]:
    """The walk, and the names and constants it leaves out, each in its parent's scope."""
    for node, scope in walk:
        yield node, scope
        inner = (
            node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else scope
        )
        yield from ((c, inner) for c in ast.iter_child_nodes(node) if type(c) in UNWALKED)
