"""Bytes in, no crash out: a bounded hypothesis fuzz target over the detector and the fixer."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.detector import find_credentials, source_lines
from flake8_clarifai_secrets.fixes import Config, FileFindings, plan
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR
from tests.keys import KEY, fill

SEEDS = [
    fill("m = (('authorization', 'Key <KEY>'),)\n").encode(),
    fill("import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n").encode(),
    fill("from clarifai.client.model import Model\nModel(pat=f'{X}<KEY>')\n").encode(),
]

fuzz_bytes = st.one_of(
    st.binary(max_size=300),
    st.tuples(st.sampled_from(SEEDS), st.binary(max_size=20), st.integers(0, 80)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=fuzz_bytes)
def test_detector_on_bytes(data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            # Random bytes make invalid escapes in string literals, which Python warns of.
            warnings.simplefilter("ignore", (DeprecationWarning, SyntaxWarning))
            tree = ast.parse(data)
        text = data.decode("utf-8")
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return
    lines = source_lines(text)
    findings = find_credentials(tree, lines)
    assert findings == find_credentials(tree, lines, prefilter=False)
    for finding in findings:
        assert finding.line >= 1 and finding.col >= 0
        assert KEY not in finding.message()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=fuzz_bytes)
# A run of hex digits shorter than a key after a backslash, then bytes that are not UTF-8.
@example(data=b"authorization\x80\\0000000000000000")
def test_fixer_on_bytes(data: bytes, tmp_path_factory: object) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "f.py"  # type: ignore[attr-defined]
    path.write_bytes(data)
    settings = cli.Settings(DEFAULT_ENV_VAR)
    scanned = cli.scan(str(path), settings)
    assert scanned.error is None or "internal error" not in scanned.error, scanned.error
    reported = [True] * len(scanned.findings)
    steps = plan([FileFindings(scanned.path, scanned.findings, reported, scanned.facts)], Config())
    result = cli.rewrite((scanned, steps.steps[scanned.path]), settings)
    assert result.error is None or "internal error" not in result.error, result.error
    assert path.read_bytes() == data
    if result.new is not None:
        compile(result.new, "<fixed>", "exec")
