"""The Clarifai SDK's own source, and clarifai-grpc's, give no finding, with or without text tests.

The SDK is pinned and downloaded from PyPI without its dependencies, which it does not need here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import clarifai_grpc
from flake8_clarifai_secrets.detector import find_credentials, source_lines

SDK = "clarifai==12.5.0"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    download = tmp_path_factory.mktemp("sdk")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
        + ["-d", str(download), SDK],
        check=True,
    )
    (wheel,) = download.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(download / "tree")
    return download / "tree"


def _findings(root: Path) -> tuple[int, list[str]]:
    files, found = 0, []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text("utf-8")
        tree, lines = ast.parse(text), source_lines(text)
        everything = find_credentials(tree, lines, prefilter=False)
        assert find_credentials(tree, lines) == everything, path
        found += [f"{path.relative_to(root)}:{f.line}: {f.message()}" for f in everything]
        files += 1
    return files, found


def test_the_sdk_gives_no_finding(sdk: Path) -> None:
    files, found = _findings(sdk / "clarifai")
    assert files > 100
    assert found == []


def test_clarifai_grpc_gives_no_finding() -> None:
    files, found = _findings(Path(clarifai_grpc.__file__).parent)
    assert files > 20
    assert found == []
