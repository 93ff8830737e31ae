"""Item 4 of issue 10: the fixer touches exactly what flake8 reports, under any configuration."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keys import GENERATED, fill

FILES = {
    "a.py": "m = (('authorization', 'Key <KEY>'),)\n",
    "b.py": "m = (('authorization', 'Key <KEY2>'),)\n",
    "sub/c.py": "import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\nprint(os.sep)\n",
    "noqa.py": "m = (('authorization', 'Key <KEY>'),)  # noqa: CLR001\n"
    "n = (('authorization', 'Key <KEY>'),)  # noqa: E501\n",
    "multiline.py": "m = (('authorization', '''Key <KEY>\n'''),)  # noqa: CLR\n"
    "n = (('authorization',\n      'Key <KEY>'),)  # noqa: CLR\n",
    "file_noqa.py": "# flake8: noqa\nm = (('authorization', 'Key <KEY>'),)\n",
}


def flake8_reports(tmp_path: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    return {line.split(": CLR")[0] for line in result.stdout.splitlines() if ": CLR" in line}


def fixer_touches(tmp_path: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "--check", "-j", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    return {
        line.split(": CLR")[0]
        for line in result.stdout.splitlines()
        if re.search(r": CLR\d+ key ", line)
    }


@pytest.mark.parametrize(
    ("config_file", "config"),
    (
        pytest.param("setup.cfg", "", id="no configuration"),
        pytest.param("setup.cfg", "[flake8]\nselect = E,W,F\n", id="select without CLR"),
        pytest.param(
            "tox.ini", "[flake8]\nselect = E\nextend-select = CLR001\n", id="extend-select"
        ),
        pytest.param(".flake8", "[flake8]\nignore = CLR004\n", id="ignore"),
        pytest.param("setup.cfg", "[flake8]\nextend-ignore = CLR001\n", id="extend-ignore"),
        pytest.param(
            "setup.cfg",
            "[flake8]\nper-file-ignores =\n    a.py: CLR001\n    sub/*: CLR\n",
            id="per-file-ignores",
        ),
        pytest.param("setup.cfg", "[flake8]\ndisable-noqa = true\n", id="disable-noqa"),
        pytest.param(
            "pyproject.toml",
            '[tool.flake8]\nper-file-ignores = ["b.py: CLR001"]\nextend-ignore = ["CLR004"]\n',
            id="[tool.flake8] through Flake8-pyproject",
        ),
    ),
)
def test_fixer_touches_what_flake8_reports(tmp_path: Path, config_file: str, config: str) -> None:
    for name, source in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(fill(source))
    (tmp_path / config_file).write_text(config)
    assert fixer_touches(tmp_path) == flake8_reports(tmp_path)


def test_pyproject_plugin_is_installed() -> None:
    """The `[tool.flake8]` case above means something only with Flake8-pyproject installed."""
    import flake8p  # noqa: F401
