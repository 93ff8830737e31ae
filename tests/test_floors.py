"""Item 10 of issue 10: the declared minimum versions work.

Builds a virtual environment with exactly the floors of `install_requires` and runs the plugin
and fixer tests there. It needs PyPI, like `pip install -e '.[test]'` does.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).parent.parent
# The tests of the plugin and the fixer, and the test-only packages they import.
TESTS = [
    "tests/test_plugin.py",
    "tests/test_flake8.py",
    "tests/test_codemod.py",
    "tests/test_cli.py",
    "tests/test_fixes.py",
    "tests/test_flake8_config.py",
    "tests/test_env_file.py",
]
TEST_PACKAGES = [
    "pytest",
    "Flake8-pyproject",
    "clarifai-grpc",
    "click",
    "typer",
    "pydantic-settings",
]


def floors() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    requirements = config["options"]["install_requires"].split()
    assert all(">=" in r for r in requirements), "every requirement declares a floor"
    return [r.replace(">=", "==") for r in requirements]


def test_floors_are_what_the_issue_found_broken() -> None:
    assert floors() == [
        "flake8==5.0.4",
        "libcst==1.1.0",
        "python-dotenv==0.21.0",
        "nbformat==5.1.3",
    ]


def test_plugin_and_fixer_tests_pass_with_the_minimum_versions(tmp_path: Path) -> None:
    venv.create(tmp_path / "venv", with_pip=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *floors(), *TEST_PACKAGES], check=True, capture_output=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True, capture_output=True)
    installed = subprocess.run(
        [python, "-m", "pip", "freeze"], check=True, capture_output=True, text=True
    ).stdout.lower()
    assert all(pin.lower() in installed for pin in floors())
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stdout[-3000:]
