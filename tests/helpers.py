from __future__ import annotations

import ast
import os
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron
from flake8_clarifai_secrets.detector import source_lines
from flake8_clarifai_secrets.plugin import Plugin
from tests.keys import GENERATED


def messages(source: str) -> list[str]:
    """What flake8 would print, as "line:col: message" with 1-based columns."""
    plugin = Plugin(ast.parse(source), source_lines(source))
    return [f"{line}:{col + 1}: {message}" for line, col, message, _ in plugin.run()]


def results(source: str) -> set[str]:
    return {f"{m.split(': ')[0]} {m.split(': ')[1][:6]}" for m in messages(source)}


def fix(source: str, **kwargs: object) -> str:
    codemod = ReadKeyFromEnviron(CodemodContext(), **kwargs)  # type: ignore[arg-type]
    return codemod.transform_module(cst.parse_module(source)).code


def run_cli(cwd: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`clarifai-secrets-fix ARGS` in `cwd`: its exit code, standard output and error."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        code = cli.main([*args])
    finally:
        os.chdir(before)
    out, err = capsys.readouterr()
    assert not any(secret in out + err for secret in GENERATED)
    return code, out, err
