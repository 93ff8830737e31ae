"""Findings as JSON and SARIF 2.1.0 documents: functions of their arguments and the package's
metadata only (no files, no flake8, no libcst).

Positions here are 1-based lines and 1-based *character* columns, as flake8 prints them and as
SARIF counts them with `columnKind: unicodeCodePoints`; an end column is the one after the end.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import metadata
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from flake8_clarifai_secrets import __version__
from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.detector import Finding, source_lines

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL = "flake8-clarifai-secrets"
ROOT = "%SRCROOT%"
_HELP = (
    'Read the key from the environment instead, for example `os.environ["CLARIFAI_PAT"]` '
    "(`clarifai-secrets-fix` rewrites it for you), set the variable outside the code, and "
    "revoke the key in Clarifai: it stays in version control history."
)
_HELP_BY_HAND = (
    "Remove the key from the comment or docstring by hand (no fix rewrites prose), and revoke "
    "it in Clarifai: it stays in version control history."
)


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column) by `text`."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Reported:
    """One finding as reports show it. `message` is masked and does not start with the code.

    In a notebook, `cell` is where nbqa and editors show it (`cell_N:LINE:COL`), while the line
    and column are its place in the file's own text, as SARIF regions and fixes must be.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    fixable: bool
    edits: tuple[Edit, ...] = ()
    cell: Optional[str] = None


def rule_name(code: str) -> str:
    """A PascalCase name made of the words of the code's summary, up to any parenthesis."""
    words = re.findall(r"[A-Za-z0-9]+", CODES[code].summary.split("(")[0])
    return "".join(word[:1].upper() + word[1:] for word in words)


def information_uri() -> str:
    return metadata(TOOL)["Home-page"]


def rules() -> list[dict[str, Any]]:
    """One SARIF reportingDescriptor per CLR code."""
    home = information_uri()
    return [
        {
            "id": code.code,
            "name": rule_name(code.code),
            "shortDescription": {"text": code.summary},
            "fullDescription": {
                "text": f"{code.summary[:1].upper()}{code.summary[1:]}: anyone who can read "
                "the code, its history or its packages can use the credential."
            },
            "help": dict.fromkeys(("text", "markdown"), _HELP if code.fixable else _HELP_BY_HAND),
            "helpUri": f"{home}#{code.code.lower()}",
            "defaultConfiguration": {"level": "error"},
            "properties": {
                "tags": ["security", "external/cwe/cwe-798"],
                "precision": "high",
                "security-severity": "8.0",
            },
        }
        for code in CODES.values()
    ]


def artifact_uri(path: str, root: str) -> tuple[str, Optional[str]]:
    """The URI of `path` relative to `root` with the base id, or absolute if outside it."""
    absolute = Path(os.path.abspath(path))
    relative = os.path.relpath(absolute, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute.as_uri(), None
    return quote(Path(relative).as_posix()), ROOT


def sarif_log(findings: Iterable[Reported], root: str) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run; artifact URIs are relative to `root`."""
    descriptors = rules()
    index = {rule["id"]: n for n, rule in enumerate(descriptors)}
    results = []
    for finding in findings:
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append({"id": finding.code})
        uri, base = artifact_uri(finding.path, root)
        location: dict[str, Any] = {"uri": uri}
        if base is not None:
            location["uriBaseId"] = base
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
        }
        if finding.cell is not None:
            result["properties"] = {"cell": finding.cell}
        if finding.edits:
            result["fixes"] = [_fix(finding, location)]
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "informationUri": information_uri(),
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {ROOT: {"uri": Path(root).resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _fix(finding: Reported, location: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "description": {"text": "Read the key from the environment."},
        "artifactChanges": [
            {
                "artifactLocation": dict(location),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.line,
                            "startColumn": edit.column,
                            "endLine": edit.end_line,
                            "endColumn": edit.end_column,
                        },
                        "insertedContent": {"text": edit.text},
                    }
                    for edit in finding.edits
                ],
            }
        ],
    }


def json_document(findings: Iterable[Reported], summary: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "findings": [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "code": finding.code,
                "message": finding.message,
                "fixable": finding.fixable,
                **({} if finding.cell is None else {"cell": finding.cell}),
            }
            for finding in findings
        ],
        "summary": dict(summary),
    }


def file_findings(
    path: str,
    moved: Sequence[Finding],
    left: Sequence[Finding],
    env_var: str,
    texts: Optional[tuple[str, str]] = None,
    secrets: Iterable[str] = (),
    cells: Mapping[Finding, str] = {},
    variables: Mapping[Finding, str] = {},
) -> list[Reported]:
    """A file's moved (fixable) and left findings, in source order. With the file's `texts`
    before and after the fix, each moved finding carries the edits that fix it; no edit shows
    any of `secrets` (every key in the file) or the findings' own keys. `cells` places a
    notebook's findings in its cells; `variables` names the variable each moved finding now
    reads, where the fix chose one other than `env_var`."""
    spans = []
    for finding in moved:
        assert finding.fix is not None
        line, col, end_line, end_col = finding.fix.span
        spans.append((line, col + 1, end_line, end_col + 1))
    hidden = [*secrets, *(finding.secret for finding in (*moved, *left))]
    fixes = assign(spans, edits(*texts), hidden) if texts else [()] * len(moved)
    found = [(finding, True, fix) for finding, fix in zip(moved, fixes)]
    found += [(finding, False, ()) for finding in left]
    return [
        Reported(
            path,
            finding.line,
            finding.col + 1,
            finding.code,
            finding.message(env_var, variables.get(finding)).removeprefix(finding.code + " "),
            fixable,
            fix,
            cells.get(finding),
        )
        for finding, fixable, fix in sorted(found, key=lambda item: (item[0].line, item[0].col))
    ]


def edits(old: str, new: str) -> list[Edit]:
    """The changes that turn `old` into `new`: the changed lines, trimmed to what differs."""
    old_lines, new_lines = source_lines(old), source_lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    found = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = old_lines[i1:i2], "".join(new_lines[j1:j2])
        joined = "".join(before)
        head = len(os.path.commonprefix([joined, after]))
        tail = len(os.path.commonprefix([joined[head:][::-1], after[head:][::-1]]))
        line, column = _position(before, head, i1 + 1)
        end_line, end_column = _position(before, len(joined) - tail, i1 + 1)
        found.append(Edit(line, column, end_line, end_column, after[head : len(after) - tail]))
    return found


def _position(lines: Sequence[str], offset: int, first_line: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` into `lines`, the first of which is `first_line`."""
    for n, line in enumerate(lines):
        if offset < len(line):
            return first_line + n, offset + 1
        offset -= len(line)
    return first_line + len(lines), offset + 1


def assign(
    spans: Sequence[tuple[int, int, int, int]], found: Sequence[Edit], secrets: Iterable[str]
) -> list[tuple[Edit, ...]]:
    """The edits that fix each span (1-based lines and columns, end exclusive).

    An edit goes to every span it touches; one that touches none (an added import) goes to all.
    An edit whose text would show a secret goes to none.
    """
    hidden = [secret for secret in secrets if secret]
    shown = [edit for edit in found if not any(secret in edit.text for secret in hidden)]
    touching = {edit: [n for n, span in enumerate(spans) if _touches(edit, span)] for edit in shown}
    return [
        tuple(edit for edit in shown if n in touching[edit] or not touching[edit])
        for n in range(len(spans))
    ]


def _touches(edit: Edit, span: tuple[int, int, int, int]) -> bool:
    start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
    return start <= (span[2], span[3]) and (span[0], span[1]) <= end
