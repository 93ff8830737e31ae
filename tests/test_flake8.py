"""End to end through the real `flake8` command: the entry point loads and the codes fire."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.keys import GENERATED, KEY, fill


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    return result


def test_version_lists_the_plugin(tmp_path: Path) -> None:
    assert "flake8-clarifai-secrets: " in flake8("--version", cwd=tmp_path).stdout


def test_clr006_fires_in_comments_and_noqa_holds(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text(
        fill(
            "import clarifai\n"
            "# old: pat='<KEY>'\n"
            "# older: pat='<KEY>'  # noqa: CLR006\n"
            "# oldest: pat='<KEY>'  # noqa: CLR005\n"
        )
    )
    result = flake8("--select=CLR", "t.py", cwd=tmp_path)
    message = f"CLR006 Clarifai key (...{KEY[-4:]}) in a comment or a docstring - remove it by "
    message += "hand, and revoke it"
    assert result.stdout == f"t.py:2:13: {message}\nt.py:4:16: {message}\n"


def test_select_fires_and_suppressions_hold(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text(
        fill(
            "m1 = (('authorization', 'Key <KEY>'),)\n"
            "m2 = (('authorization', 'Key <KEY2>'),)  # noqa: CLR001\n"
            "m3 = (('authorization', 'Key <KEY>'),)  # pragma: allowlist secret\n"
            "m4 = (('authorization', 'Key <KEY>'),)  # noqa\n"
        )
    )
    result = flake8("--select=CLR", "t.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        f"t.py:1:25: CLR001 hard-coded Clarifai key (...{KEY[-4:]}) in gRPC `authorization` "
        'metadata - read it from `os.environ["CLARIFAI_PAT"]`\n'
    )


def test_a_key_in_text_over_several_lines_is_reported_on_its_own_line(tmp_path: Path) -> None:
    """Where an editor marks it; there detect-secrets' pragma goes, and flake8 reads a `# noqa`
    after the closing quotes for every line of the string."""
    (tmp_path / "t.py").write_text(
        fill(
            'import clarifai\nA = """\nclarifai:\n  pat: <KEY>\n"""\n'
            'B = """\nclarifai:\n  pat: <KEY2>  # pragma: allowlist secret\n"""\n'
            'C = """\nclarifai:\n  pat: <KEY2>\n"""  # noqa: CLR005\n'
            'D = """\nprod:\n  pat: <KEY2>  # pragma: allowlist secret\ndev:\n  pat: <KEY>\n"""\n'
        )
    )
    result = flake8("--select=CLR", "--format=%(row)d:%(col)d:%(code)s", "t.py", cwd=tmp_path)
    assert result.stdout.splitlines() == ["4:8:CLR005", "18:8:CLR005"]


def test_clean_file_passes(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text(
        "import os\nm = (('authorization', 'Key ' + os.environ['CLARIFAI_PAT']),)\n"
    )
    assert flake8("--select=CLR", "t.py", cwd=tmp_path).returncode == 0


def test_option_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text(fill("m = (('authorization', 'Key <KEY>'),)\n"))
    result = flake8("--select=CLR", "--clarifai-env-var=MY_PAT", "t.py", cwd=tmp_path)
    assert result.stdout.endswith('read it from `os.environ["MY_PAT"]`\n')


@pytest.mark.parametrize("config", ("setup.cfg", "tox.ini", ".flake8"))
def test_option_from_config(tmp_path: Path, config: str) -> None:
    (tmp_path / config).write_text("[flake8]\nselect = CLR\nclarifai-env-var = MY_PAT\n")
    (tmp_path / "t.py").write_text(fill("m = (('authorization', 'Key <KEY>'),)\n"))
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "t.py"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.stdout.endswith('read it from `os.environ["MY_PAT"]`\n')


@pytest.mark.parametrize(
    ("args", "config"),
    (
        pytest.param(["--clarifai-env-var=1PAT"], "", id="command line"),
        pytest.param([], "[flake8]\nclarifai-env-var = not a name\n", id="config"),
    ),
)
def test_bad_option_is_a_clear_error(tmp_path: Path, args: list[str], config: str) -> None:
    (tmp_path / "setup.cfg").write_text(config)
    (tmp_path / "t.py").write_text("x = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *args, "t.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "error: argument --clarifai-env-var: " in result.stderr
    assert "is not an environment variable name" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "module",
    ["magics", "lines", "detector.text", "detector.sinks.cell_magics", "plugin", "scan", "cli"],
)
def test_each_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    """A review: `import flake8_clarifai_secrets.magics` first went round an import cycle."""
    code = f"import flake8_clarifai_secrets.{module}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")


def test_plugin_import_path_does_not_import_libcst() -> None:
    code = "import sys, flake8_clarifai_secrets.plugin; print('libcst' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "False\n"
