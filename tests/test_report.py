"""report.py's pure parts: the edits a fix makes, and which finding each belongs to."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron
from flake8_clarifai_secrets.detector import source_lines
from flake8_clarifai_secrets.report import Edit, assign, edits
from tests.cases import POSITIVE, Case
from tests.keys import GENERATED, KEY, fill


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    (
        pytest.param(
            "a = 'k'\n",
            "a = os.environ['P']\n",
            [Edit(1, 5, 1, 8, "os.environ['P']")],
            id="one literal",
        ),
        pytest.param(
            "x = 1\na = 'k'\n",
            "import os\n\nx = 1\na = os.environ['P']\n",
            [Edit(1, 1, 1, 1, "import os\n\n"), Edit(2, 5, 2, 8, "os.environ['P']")],
            id="an added import",
        ),
        pytest.param(
            "import os\nos.environ['P'] = 'k'\nx = 1\n",
            "import os\nx = 1\n",
            [Edit(2, 1, 3, 1, "")],
            id="a dropped statement",
        ),
        pytest.param(
            "a = 'k'\r\nb = 2\r",
            "a = v\r\nb = 2\r",
            [Edit(1, 5, 1, 8, "v")],
            id="CRLF and CR",
        ),
        pytest.param("x = 1\n", "x = 1\n", [], id="no change"),
    ),
)
def test_edits(old: str, new: str, expected: list[Edit]) -> None:
    assert edits(old, new) == expected


def test_assign_edits_to_the_spans_they_touch() -> None:
    found = [Edit(1, 1, 1, 1, "import os\n"), Edit(2, 5, 2, 8, "v"), Edit(3, 5, 3, 8, KEY)]
    assert assign([(2, 5, 2, 8), (3, 5, 3, 8)], found, [KEY]) == [
        (found[0], found[1]),
        (found[0],),
    ]


def apply(old: str, found: list[Edit]) -> str:
    starts = [0]
    for line in source_lines(old):
        starts.append(starts[-1] + len(line))
    text = old
    for edit in reversed(found):
        start = starts[edit.line - 1] + edit.column - 1
        end = starts[edit.end_line - 1] + edit.end_column - 1
        text = text[:start] + edit.text + text[end:]
    return text


@pytest.mark.parametrize("case", [c for c in POSITIVE if c.values[0].fixed is not None])
def test_edits_of_every_fix_in_the_table(case: Case) -> None:
    """The edits rebuild the fixed file, each moved finding has one, and none shows a key."""
    old, new = fill(case.source), fill(case.fixed or "")
    codemod = ReadKeyFromEnviron(CodemodContext())
    assert codemod.transform_module(cst.parse_module(old)).code == new
    found = edits(old, new)
    assert apply(old, found) == new
    spans = []
    for moved in codemod.moved:
        assert moved.finding.fix is not None
        line, col, end_line, end_col = moved.finding.fix.span
        spans.append((line, col + 1, end_line, end_col + 1))
    for span, fixes in zip(spans, assign(spans, found, GENERATED)):
        assert fixes and all(not any(key in edit.text for key in GENERATED) for edit in fixes)
        assert any(
            (edit.line, edit.column) <= span[2:] and span[:2] <= (edit.end_line, edit.end_column)
            for edit in fixes
        )
