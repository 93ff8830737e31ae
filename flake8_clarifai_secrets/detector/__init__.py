"""ast in, findings out: hard-coded Clarifai credentials, judged by where their values go.

Pure: no I/O, no flake8, no libcst. Both the flake8 plugin and the fixer call `find_credentials`.
Positions are 1-based lines and 0-based *character* columns (ast's columns are UTF-8 bytes).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Optional

from flake8_clarifai_secrets.detector import sinks
from flake8_clarifai_secrets.detector.engine import ALLOWLIST_PRAGMA, Detector
from flake8_clarifai_secrets.detector.findings import Finding, Fix, Span
from flake8_clarifai_secrets.detector.sinks import (  # noqa: F401 - each registers its sinks
    bindings,
    cell_magics,
    clarifai,
    environ,
    grpc,
    http,
    integrations,
    urls,
)
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.lines import source_lines
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR
from flake8_clarifai_secrets.parsing import silenced

__all__ = [
    "ALLOWLIST_PRAGMA",
    "Scan",
    "Finding",
    "Fix",
    "Span",
    "find_credentials",
    "might_hold_credentials",
    "sinks",
    "source_lines",
]


def find_credentials(
    tree: ast.AST,
    lines: Sequence[str],
    env_var: str = DEFAULT_ENV_VAR,
    *,
    prefilter: bool = True,
    scan: Optional[Scan] = None,
) -> list[Finding]:
    """Findings in `tree`, whose source is `lines`, in source order; one per key in a literal.

    With `prefilter`, text tests first rule out the lines that cannot matter (see `engine`).
    Without it, the whole tree is walked: the tests check that both give the same findings.
    `scan`: the text tests' results for `lines` and `env_var`, if the caller has them.
    """
    scan = Scan(lines, env_var) if scan is None else scan
    if prefilter and not scan.may_hold:
        return []
    with silenced():
        # `ast.literal_eval` of a literal's token may warn of its escapes.
        return Detector(tree, scan, env_var, prefilter=prefilter).run()


def might_hold_credentials(source: bytes, env_var: str = DEFAULT_ENV_VAR) -> bool:
    """The cheap test on a file's bytes: False means `find_credentials` would find nothing."""
    scan = Scan(source_lines(source.decode("utf-8", "surrogateescape")), env_var)
    return scan.may_hold
