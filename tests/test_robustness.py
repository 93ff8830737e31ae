"""Never crash, never damage: generated programs, every installed file, and extreme inputs."""

from __future__ import annotations

import ast
import concurrent.futures
import os
import warnings
import shutil
import sysconfig
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.detector import find_credentials, source_lines
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.detector.values import MAX_FIELDS
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR
from flake8_clarifai_secrets.plugin import Plugin
from tests.cases import POSITIVE
from tests.helpers import fix, results
from tests.keys import KEY, fill

SINKS = [fill(p.values[0].source) for p in POSITIVE]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=hypothesmith.from_grammar(), sink=st.sampled_from(SINKS), before=st.booleans())
def test_generated_programs_with_credentials_spliced_in(
    program: str, sink: str, before: bool
) -> None:
    source = sink + program if before else program + "\n" + sink
    try:
        ast.parse(source)
        module = cst.parse_module(source)
    except (SyntaxError, cst.ParserSyntaxError, RecursionError, ValueError):
        return
    if module.code != source:
        return  # the fixer reports such files as not processed: see test_cli
    tree, lines = ast.parse(source), source_lines(source)
    assert find_credentials(tree, lines) == find_credentials(tree, lines, prefilter=False)
    results(source)
    fixed = fix(source)
    compile(fixed, "<fixed>", "exec")
    assert fix(fixed) == fixed
    if fixed != source:
        assert len(results(fixed)) < len(results(source))


def _installed_files() -> list[Path]:
    roots = {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
    return sorted(p for root in roots for p in Path(root).rglob("*.py") if p.is_file())


def _check_installed(paths: list[Path]) -> tuple[int, int, list[str]]:
    """(files checked, files compared with the unfiltered walk, those that disagree)."""
    checked, compared, differ = 0, 0, []
    warnings.simplefilter("ignore")
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        lines = source_lines(text)
        findings = [(line, col, message) for line, col, message, _ in Plugin(tree, lines).run()]
        # Every file with evidence, so that the text tests' own decisions are checked too.
        if Scan(lines, DEFAULT_ENV_VAR).evidence:
            everything = find_credentials(tree, lines, prefilter=False)
            if findings != [(f.line, f.col, f.message()) for f in everything]:
                differ.append(str(path))
            compared += 1
        checked += 1
    return checked, compared, differ


def test_plugin_never_raises_on_installed_files() -> None:
    """Files that the text tests let through also check the walk limited to their lines.

    Spread over the machine's CPUs: it reads every installed file.
    """
    paths = _installed_files()
    jobs = os.cpu_count() or 1
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(_check_installed, [paths[n::jobs] for n in range(jobs)]))
    assert sum(r[0] for r in results) > 1000
    assert sum(r[1] for r in results) > 50
    assert [path for r in results for path in r[2]] == []


@pytest.mark.parametrize(
    ("source", "lines"),
    (
        pytest.param("x = 1\n" * 50_000, set(), id="many lines"),
        pytest.param(
            "x = [" + ", ".join(["'authorization'"] * 50_000) + "]\n", set(), id="long line"
        ),
        pytest.param("x = (" + " ".join(["'a'"] * 20_000) + ")\n", set(), id="implicit concat"),
        pytest.param(
            "m = [" + ", ".join([f"('authorization', 'Key {KEY}')"] * 3_000) + "]\n",
            {1},
            id="many findings on one line",
        ),
    ),
)
def test_huge_input(source: str, lines: set[int]) -> None:
    """Speed on such input is measured by benchmarks/run.py; here: it completes, exactly."""
    assert {f.line for f in find_credentials(ast.parse(source), source_lines(source))} == lines


def test_fifty_thousand_lines_with_a_finding() -> None:
    source = "x = 1\n" * 50_000 + fill("m = (('authorization', 'Key <KEY>'),)\n")
    assert {f.line for f in find_credentials(ast.parse(source), source_lines(source))} == {50_001}


def test_deep_concatenation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    source = fill("CLARIFAI_PAT = '<KEY>'\nx = " + " + ".join(["'authorization'"] * 5000) + "\n")
    path.write_text(source)
    assert cli.main([str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}: not processed: ")
    assert path.read_text() == source


def test_a_cell_magic_body_nested_deeper_than_the_parser_takes_is_skipped() -> None:
    """A review: `1+1+...` in a `%%capture` body overflowed `ast.parse` and crashed flake8.
    (Python 3.13's parser takes it, and the body's key is found.)"""
    body = 'm = (("authorization", "Key <KEY>"),)\\nx = ' + "+".join(["1"] * 3000) + "\\n"
    source = fill(f"get_ipython().run_cell_magic('capture', '', '{body}')\n")
    try:
        ast.parse(fill(body.replace("\\n", "\n")))
    except RecursionError:
        expected = []
    else:
        expected = ["1:45 CLR001"]
    found = find_credentials(ast.parse(source), source_lines(source))
    assert [f"{f.line}:{f.col + 1} {f.code}" for f in found] == expected


def test_pydoc_topics_with_a_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """LibCST's visitors overflow the stack on this file: fixed, or reported with exit 2."""
    topics = Path(sysconfig.get_paths()["stdlib"], "pydoc_data", "topics.py")
    path = tmp_path / "topics.py"
    shutil.copy(topics, path)
    with path.open("a") as file:
        file.write(fill("import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n"))
    before = path.read_bytes()
    code = cli.main([str(path), "-j", "1"])
    out, err = capsys.readouterr()
    if code == 2:
        assert err == f"{path}: not processed: too deeply nested to rewrite (RecursionError)\n"
        assert path.read_bytes() == before
    else:
        assert code == 0
        assert path.read_bytes() == before.replace(
            fill("os.environ['CLARIFAI_PAT'] = '<KEY>'\n").encode(), b""
        )


ADVERSARIAL = {
    "one name rebound in many functions": (
        "pat = '<KEY>'\n" + "def f(x):\n    pat = x\n    pat = pat.strip() + pat\n"
        "    return (('authorization', 'Key ' + pat),)\n" * 2000,
        0,
    ),
    "a ladder of names": (
        "a0 = '<KEY>'\n"
        + "".join(f"a{i + 1} = a{i} + ''\n" for i in range(2000))
        + "m = (('authorization', 'Key ' + a2000),)\n",
        0,
    ),
    "a short ladder": (
        "a0 = '<KEY>'\n"
        + "".join(f"a{i + 1} = a{i} + ''\n" for i in range(10))
        + "m = (('authorization', 'Key ' + a10),)\n",
        1,
    ),
    "a wide format string": (
        "pat = '<KEY>'\npat = 'x'\nm = (('authorization', 'Key ' + '"
        + "{}" * 2000
        + "'.format("
        + ", ".join(["pat"] * 2000)
        + ")),)\n",
        0,  # "Key " and 2000 keys in a row: too long to be a credential
    ),
    "a format string as wide as the budget": (
        "pat = '<KEY>'\nm = (('authorization', 'Key ' + '"
        + "{}" * MAX_FIELDS
        + "'.format(pat"
        + ", ''" * (MAX_FIELDS - 1)
        + ")),)\n",
        1,
    ),
    "one field wider than the budget": (
        "pat = '<KEY>'\nm = (('authorization', 'Key ' + '"
        + "{}" * (MAX_FIELDS + 1)
        + "'.format(pat"
        + ", ''" * MAX_FIELDS
        + ")),)\n",
        0,  # its value is unknown
    ),
    "an f-string as wide as the budget": (
        "pat = '<KEY>'\ne = ''\nm = (('authorization', f'Key {pat}"
        + "{e}" * (MAX_FIELDS - 1)
        + "'),)\n",
        1,
    ),
    "an f-string one field wider than the budget": (
        "pat = '<KEY>'\ne = ''\nm = (('authorization', f'Key {pat}" + "{e}" * MAX_FIELDS + "'),)\n",
        0,
    ),
    "a format field that is a digit but no index": (
        "import clarifai\nm = os.getenv('{\u00b2}'.format(y))\nPAT = '<KEY>'\n",
        1,
    ),
    "a format field of 5000 digits": (
        "import clarifai\nm = os.getenv('{" + "1" * 5000 + "}'.format(y))\nPAT = '<KEY>'\n",
        1,
    ),
    "two sinks of one code, the later one met first by the walk": (
        "import clarifai\nm = (('authorization', v),)\n"
        "v = '<KEY>'; n = (('authorization', 'Key ' + v),)\n",
        1,
    ),
    "a generic name carried on through a thousand names to another service": (
        "import clarifai\nimport requests\napi_key = '<KEY>'\na0 = '?k=' + api_key\n"
        + "".join(f"a{i + 1} = a{i} + '&x'\n" for i in range(1000))
        + "requests.get('https://api.openweathermap.org/' + a1000)\n",
        1,  # followed through 64 names: taken for Clarifai's, without a RecursionError
    ),
    "a generic name carried on through a few names to another service": (
        "import clarifai\nimport requests\napi_key = '<KEY>'\na0 = '?k=' + api_key\n"
        + "".join(f"a{i + 1} = a{i} + '&x'\n" for i in range(10))
        + "requests.get('https://api.openweathermap.org/' + a10)\n",
        0,
    ),
    "two names that carry each other": (
        "import clarifai\nimport requests\ntoken = '<KEY>'\npayload = token + '&'\n"
        "token = payload + '&'\nrequests.get('https://api.example.com/' + token)\n",
        0,
    ),
    "two hundred rebinds of one name": (
        "pat = x\n"
        + "pat = pat.strip()\n" * 200
        + "pat = '<KEY>'\nm = (('authorization', 'Key ' + pat),)\n",
        1,
    ),
}


@pytest.mark.parametrize(
    ("source", "count"), [pytest.param(*v, id=k) for k, v in ADVERSARIAL.items()]
)
def test_adversarial_files_finish_and_agree(source: str, count: int) -> None:
    """Their cost is measured by benchmarks/run.py; here: they finish, with both walks agreeing."""
    filled = fill(source)
    tree, lines = ast.parse(filled), source_lines(filled)
    found = find_credentials(tree, lines)
    assert len(found) == count
    assert found == find_credentials(tree, lines, prefilter=False)
