"""The install that works today: `python -m build`, then the wheel in a fresh environment."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from flake8_clarifai_secrets import __version__
from flake8_clarifai_secrets.codes import CODES
from tests.checkout import ROOT, copy_checkout
from tests.keys import GENERATED, KEY, fill

BAD = "metadata = (('authorization', 'Key <KEY>'),)\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = copy_checkout(tmp_path_factory.mktemp("source"))
    dist = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--outdir", str(dist), str(source), cwd=source)
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("*.whl")
    return found


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a new virtualenv that has only the wheel and its dependencies."""
    env = tmp_path_factory.mktemp("env")
    assert run(sys.executable, "-m", "venv", str(env), cwd=env).returncode == 0
    pip = run(str(env / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel), cwd=env)
    assert pip.returncode == 0, pip.stderr
    return env / "bin"


def test_wheel_holds_the_package_data_and_urls(wheel: Path) -> None:
    assert wheel.name == f"flake8_clarifai_secrets-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = archive.read(f"flake8_clarifai_secrets-{__version__}.dist-info/METADATA").decode()
        entry_points = archive.read(
            f"flake8_clarifai_secrets-{__version__}.dist-info/entry_points.txt"
        ).decode()
    assert "flake8_clarifai_secrets/py.typed" in names
    package = ROOT / "flake8_clarifai_secrets"
    modules = {p.relative_to(ROOT).as_posix() for p in package.rglob("*.py")}
    assert modules <= set(names)
    assert (
        "Project-URL: Source, https://github.com/clarifai-secrets/flake8-clarifai-secrets" in meta
    )
    assert "sarif = flake8_clarifai_secrets.sarif_formatter:SarifFormatter" in entry_points


def test_readme_names_the_wheel_that_build_makes(wheel: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"flake8_clarifai_secrets-[^ ]*\.whl", readme) == [wheel.name] * 2


def test_both_commands_run_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(fill(BAD))
    lint = run(str(installed / "flake8"), "--select=CLR", "app.py", cwd=tmp_path)
    assert (lint.returncode, lint.stdout[:34]) == (1, "app.py:1:31: CLR001 hard-coded Cla")
    assert f"(...{KEY[-4:]})" in lint.stdout

    version = run(str(installed / "clarifai-secrets-fix"), "--version", cwd=tmp_path)
    assert version.stdout == f"clarifai-secrets-fix {__version__}\n"
    check = run(str(installed / "clarifai-secrets-fix"), "--check", "app.py", cwd=tmp_path)
    assert check.returncode == 1
    assert "Would fix 1 file(s)" in check.stdout
    assert (tmp_path / "app.py").read_text() == fill(BAD)


def test_sarif_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(fill(BAD))
    result = run(str(installed / "flake8"), "--select=CLR", "--format=sarif", ".", cwd=tmp_path)
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert (driver["version"], len(driver["rules"])) == (__version__, len(CODES))
