"""Following a name only into the scopes that read its binding never changes the findings.

Programs are built from the shapes that decide a name's scope: functions, lambdas (on one line and
over several), classes, decorators, parameter defaults, `:=`, several statements on a line and
statements nested in blocks, lambdas that end on the line of another statement; and from those
that read a name from any scope: attributes (also split over lines) and dicts' entries. Each binds
or reads one of two names.
"""

from __future__ import annotations

import ast
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_clarifai_secrets.detector import context, find_credentials, source_lines
from tests.keys import fill

STATEMENTS = [
    "{n} = '<KEY>'",
    "{n} = os.environ['CLARIFAI_PAT']",
    "{n} = 'x'",
    "{n}: str = '<KEY>'",
    "print(({n} := '<KEY>'))",
    "x = 1; {n} = '<KEY>'",
    "m = (('authorization', 'Key ' + {n}),)",
    "g = lambda: (('authorization', 'Key ' + {n}),)",
    "g = lambda: (\n    ('authorization', 'Key ' + {n}),\n)",
    "g = lambda {n}='<KEY>': (('authorization', 'Key ' + {n}),)",
    "def h({n}='<KEY>'): return (('authorization', 'Key ' + {n}),)",
    "def h({n}='x'):\n    return (('authorization', 'Key ' + {n}),)",
    "for {n} in []: pass",
    "{n} = {{'k': '<KEY>'}}",
    "m = (('authorization', 'Key ' + {n}['k']),)",
    "m = (('authorization', 'Key ' + self.{n}),)",
    "m = (('authorization', 'Key ' + self.\n    {n}),)",
    "m = (('authorization', 'Key ' + self.  # a comment\n    {n}),)",
    "m = (('authorization', 'Key ' + obj.{n} if c else ''),)",
    "m = (('authorization', 'Key ' + obj.\n    {n} if c else ''),)",
    "g = (lambda:\n    (('authorization', 'Key ' + {n}),)); {n} = 1",
    "if (lambda:\n        (('authorization', 'Key ' + {n}),))(): {n} = 1",
    "def h(g=lambda:\n      (('authorization', 'Key ' + {n}),)): {n} = 1",
]
# (header lines, indentation of the body)
BLOCKS = [
    ("def f():", "    "),
    ("async def f():", "    "),
    ("class C:", "    "),
    ("if x:", "    "),
    ("@deco({n})\ndef d():", "    "),
    ("with x as y:", "    "),
    ("match x:\n    case 1:", "        "),
]
NAMES = st.sampled_from(["pat", "token"])

statement = st.builds(lambda t, n: t.format(n=n).split("\n"), st.sampled_from(STATEMENTS), NAMES)


def _block(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    def build(block: tuple[str, str], name: str, body: list[list[str]]) -> list[str]:
        header, indent = block
        return header.format(n=name).split("\n") + [indent + line for s in body for line in s]

    return st.builds(
        build, st.sampled_from(BLOCKS), NAMES, st.lists(children, min_size=1, max_size=4)
    )


program = st.lists(st.recursive(statement, _block, max_leaves=12), min_size=1, max_size=6)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=program)
def test_following_by_scope_keeps_the_findings(program: list[list[str]]) -> None:
    source = fill(
        "import os\nimport clarifai\n" + "".join(f"{line}\n" for s in program for line in s)
    )
    tree, lines = ast.parse(source), source_lines(source)
    everything = find_credentials(tree, lines, prefilter=False)
    assert find_credentials(tree, lines) == everything
    # Names on a few lines are not placed in scopes, but walked on all of them: place every one.
    with mock.patch.object(context, "_FEW", 0):
        assert find_credentials(tree, lines) == everything
