"""`flake8 --format=sarif` through the real command, validated against the official schema."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from flake8_clarifai_secrets import __version__
from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.report import Edit, artifact_uri, rule_name
from tests.keys import GENERATED, KEY, KEY2, fill
from tests.test_report import apply

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
HOME = "https://github.com/clarifai-secrets/flake8-clarifai-secrets"


def validate(log: dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator.check_schema(SCHEMA)
    validator(SCHEMA, format_checker=validator.FORMAT_CHECKER).validate(log)


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True, text=True
    )
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    return result


def locations(log: dict[str, Any]) -> list[tuple[str, str, int, int, str]]:
    return [
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["locations"][0]["physicalLocation"]["region"]["startColumn"],
            result["message"]["text"],
        )
        for result in log["runs"][0]["results"]
    ]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "grpc call.py").write_text(
        fill("m = (('authorization', 'Key <KEY>'),)\nh = {'Authorization': 'Key <KEY2>'}\n")
    )
    (tmp_path / "settings.py").write_text(fill("CLARIFAI_PAT = '<KEY>'  # noqa: CLR005\n"))
    (tmp_path / "clean.py").write_text("import os\nPAT = os.environ['CLARIFAI_PAT']\n")
    return tmp_path


GRPC = "hard-coded Clarifai key (...{}) in gRPC `authorization` metadata - read it from " + (
    '`os.environ["CLARIFAI_PAT"]`'
)
HTTP = "hard-coded Clarifai key (...{}) in an HTTP `Authorization` header - read it from " + (
    '`os.environ["CLARIFAI_PAT"]`'
)


def _2(message: str) -> str:
    return message.replace('"CLARIFAI_PAT"', '"CLARIFAI_PAT_2"')


def test_flake8_writes_one_valid_log(tree: Path) -> None:
    result = flake8("--isolated", "--select=CLR", "--format=sarif", ".", cwd=tree)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    validate(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "flake8-clarifai-secrets",
        __version__,
        HOME,
    )
    assert [rule["id"] for rule in driver["rules"]] == list(CODES)
    assert locations(log) == [
        ("CLR001", "pkg/grpc%20call.py", 1, 24, GRPC.format(KEY[-4:])),
        # The file's second key: the fixer gives it the next variable.
        ("CLR002", "pkg/grpc%20call.py", 2, 23, _2(HTTP.format(KEY2[-4:]))),
    ]
    assert [r["ruleIndex"] for r in run["results"]] == [0, 1]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"


def test_rules_carry_the_codes_metadata(tree: Path) -> None:
    log = json.loads(flake8("--isolated", "--format=sarif", "clean.py", cwd=tree).stdout)
    for rule, code in zip(log["runs"][0]["tool"]["driver"]["rules"], CODES.values()):
        assert rule["name"] == rule_name(code.code)
        assert rule["shortDescription"]["text"] == code.summary
        assert rule["fullDescription"]["text"].startswith(
            code.summary[0].upper() + code.summary[1:]
        )
        help = 'os.environ["CLARIFAI_PAT"]' if code.fixable else "by hand"
        assert help in rule["help"]["text"]
        assert "revoke" in rule["help"]["text"]
        assert rule["helpUri"] == f"{HOME}#{code.code.lower()}"
        assert rule["defaultConfiguration"] == {"level": "error"}


def test_rule_names_are_distinct_identifiers_from_the_summaries() -> None:
    names = [rule_name(code) for code in CODES]
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]+", name) for name in names)
    assert len(set(names)) == len(names)
    assert rule_name("CLR001") == "HardCodedCredentialInGRPCAuthorizationMetadata"


def test_clean_run_is_a_valid_empty_log(tree: Path) -> None:
    result = flake8("--isolated", "--format=sarif", "clean.py", cwd=tree)
    assert result.returncode == 0
    log = json.loads(result.stdout)
    validate(log)
    assert log["runs"][0]["results"] == []


def test_other_codes_get_a_rule_and_sources_and_statistics_stay_out(tree: Path) -> None:
    """With `show-source` and `statistics` in the config, stdout is still only the log."""
    (tree / "setup.cfg").write_text(
        "[flake8]\nselect = CLR,E999,F401\nshow-source = true\nstatistics = true\n"
    )
    (tree / "broken.py").write_text(fill("m = (('authorization', 'Key <KEY>'),\n"))
    (tree / "unused.py").write_text(fill("import os\nm = (('authorization', 'Key <KEY>'),)\n"))
    result = flake8("--format=sarif", "broken.py", "unused.py", cwd=tree)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    validate(log)
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]][len(CODES) :] == [
        "E999",
        "F401",
    ]
    assert [loc[:4] for loc in locations(log)] == [
        ("E999", "broken.py", 1, 6),
        ("F401", "unused.py", 1, 1),
        ("CLR001", "unused.py", 2, 24),
    ]


def test_output_file(tree: Path) -> None:
    result = flake8("--isolated", "--format=sarif", "--output-file=out.sarif", "pkg", cwd=tree)
    assert (result.returncode, result.stdout) == (1, "")
    log = json.loads((tree / "out.sarif").read_text())
    validate(log)
    assert len(log["runs"][0]["results"]) == 2


def test_paths_outside_the_working_directory_are_absolute_uris(tmp_path: Path) -> None:
    assert artifact_uri(str(tmp_path / "a b.py"), str(tmp_path / "sub")) == (
        (tmp_path / "a b.py").as_uri(),
        None,
    )
    assert artifact_uri(str(tmp_path / "x" / "y.py"), str(tmp_path)) == ("x/y.py", "%SRCROOT%")


def test_readme_ci_job(tree: Path) -> None:
    """The README's GitHub Actions job: its flake8 step writes the file that it uploads."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    job = re.findall(r"```yaml\n(.*?)```", readme.split("\n## CI and code scanning\n", 1)[1], re.S)[
        0
    ]
    (command,) = re.findall(r"^    - run: (flake8 .*)$", job, re.M)
    (uploaded,) = re.findall(r"^        sarif_file: (\S+)$", job, re.M)
    assert (
        "    - uses: github/codeql-action/upload-sarif@v3\n      if: success() || failure()\n"
        in job
    )
    assert "      security-events: write\n" in job

    result = subprocess.run(shlex.split(command), cwd=tree, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (1, "")
    log = json.loads((tree / uploaded).read_text())
    validate(log)
    assert [loc[:4] for loc in locations(log)] == [
        ("CLR001", "pkg/grpc%20call.py", 1, 24),
        ("CLR002", "pkg/grpc%20call.py", 2, 23),
    ]


def fix(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flake8_clarifai_secrets", *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    return result


def test_fix_json_is_the_findings_and_the_summary(tree: Path) -> None:
    (tree / "taken.py").write_text(fill("os = 1\nm = (('authorization', 'Key <KEY>'),)\n"))
    result = fix("--check", "--format=json", "-j1", ".", cwd=tree)
    assert result.returncode == 1
    message = "hard-coded Clarifai key (...{}) in gRPC `authorization` metadata - read it from "
    assert json.loads(result.stdout) == {
        "findings": [
            {
                "path": "./pkg/grpc call.py",
                "line": 1,
                "column": 24,
                "code": "CLR001",
                # The variables the fix chose, as the summary lists them.
                "message": GRPC.format(KEY[-4:]).replace('"CLARIFAI_PAT"', '"CLARIFAI_PAT_2"'),
                "fixable": True,
            },
            {
                "path": "./pkg/grpc call.py",
                "line": 2,
                "column": 23,
                "code": "CLR002",
                "message": HTTP.format(KEY2[-4:]).replace('"CLARIFAI_PAT"', '"CLARIFAI_PAT_3"'),
                "fixable": True,
            },
            {
                "path": "./taken.py",
                "line": 2,
                "column": 24,
                "code": "CLR001",
                "message": message.format(KEY[-4:]) + '`os.environ["CLARIFAI_PAT"]`',
                "fixable": False,
            },
        ],
        "summary": {
            "mode": "check",
            "files": 1,
            "findings_moved": 2,
            "keys_moved": 2,
            # taken.py's finding, and the copy of the key that settings.py's `# noqa` keeps.
            "findings_left": 2,
            "errors": 0,
            # clean.py reads CLARIFAI_PAT for a key that is not in the code: it is not reused.
            "variables": {
                "CLARIFAI_PAT_2": f"...{KEY[-4:]}",
                "CLARIFAI_PAT_3": f"...{KEY2[-4:]}",
            },
        },
    }
    assert "./taken.py:2:24: CLR001 left alone: " in result.stderr
    summary = "Would fix 1 file(s): 2 finding(s) of 2 key(s) moved into the environment.\n"
    assert summary in result.stderr


@pytest.mark.parametrize("mode", ("--check", "--diff", "--write"))
def test_fix_sarif_carries_fixes_that_make_the_written_file(tree: Path, mode: str) -> None:
    path = tree / "pkg" / "grpc call.py"
    old = path.read_text()
    args = ["--format=sarif", "."] if mode == "--write" else [mode, "--format=sarif", "."]
    result = fix(*args, cwd=tree)
    # settings.py keeps a copy of the moved key under `# noqa`: every mode exits 1.
    assert result.returncode == 1
    log = json.loads(result.stdout)
    validate(log)
    lint = json.loads(flake8("--isolated", "--select=CLR", "--format=sarif", cwd=tree).stdout)
    if mode != "--write":
        assert path.read_text() == old
        # The same findings; the fixer's messages name the variables it chose for the run, where
        # clean.py reads CLARIFAI_PAT; flake8's, those of the file fixed alone.
        planned = [
            re.sub(r'"CLARIFAI_PAT(_2)?"', f'"CLARIFAI_PAT_{n}"', text)
            for n, (*_, text) in enumerate(locations(lint), start=2)
        ]
        assert locations(log) == [
            (*where, text) for (*where, _), text in zip(locations(lint), planned)
        ]
    assert [loc[:4] for loc in locations(log)] == [
        ("CLR001", "pkg/grpc%20call.py", 1, 24),
        ("CLR002", "pkg/grpc%20call.py", 2, 23),
    ]
    assert log["runs"][0]["tool"]["driver"]["rules"] == lint["runs"][0]["tool"]["driver"]["rules"]
    found = []
    for result_ in log["runs"][0]["results"]:
        (change,) = [c for f in result_["fixes"] for c in f["artifactChanges"]]
        assert change["artifactLocation"]["uri"] == "pkg/grpc%20call.py"
        for replacement in change["replacements"]:
            region = replacement["deletedRegion"]
            edit = Edit(
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
                replacement["insertedContent"]["text"],
            )
            if edit not in found:
                found.append(edit)
    fixed = apply(old, sorted(found, key=lambda e: (e.line, e.column)))
    if mode == "--write":
        assert fixed == path.read_text()
    else:
        fix(cwd=tree)
        assert fixed == path.read_text() != old


@pytest.mark.parametrize("path", ("comment.py", "notebook.ipynb"))
def test_fix_reports_keys_in_comments_and_docstrings_as_clr006(tmp_path: Path, path: str) -> None:
    """The fix never rewrites them: code scanning must show them, as flake8's log does."""
    source = fill('import clarifai\n"""usage: CLARIFAI_PAT=<KEY> python tag.py"""\n')
    if path.endswith(".ipynb"):
        cell: dict[str, object] = {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
        notebook = {"cells": [{**cell, "source": source}], "metadata": {}}
        (tmp_path / path).write_text(json.dumps({**notebook, "nbformat": 4, "nbformat_minor": 5}))
    else:
        (tmp_path / path).write_text(source)
    result = fix("--check", "--format=sarif", path, cwd=tmp_path)
    log = json.loads(result.stdout)
    validate(log)
    assert result.returncode == 1
    (found,) = locations(log)
    assert found[0] == "CLR006" and found[4].startswith(
        f"Clarifai key (...{KEY[-4:]}) in a comment"
    )


def test_fix_formats_need_check_or_diff_with_stdin(tree: Path) -> None:
    result = fix("--format=json", "-", cwd=tree)
    assert result.returncode == 3
    assert "error: --format json needs --check or --diff with `-`" in result.stderr


def test_fix_version_is_the_sarif_version(tree: Path) -> None:
    assert fix("--version", cwd=tree).stdout == f"clarifai-secrets-fix {__version__}\n"
