"""`--env-file`: every moved key is kept, merged, private, and out of git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dotenv import dotenv_values

from flake8_clarifai_secrets import cli
from tests.helpers import run_cli
from tests.keys import KEY, KEY2, fill

BAD = "import os\nmetadata = (('authorization', 'Key <KEY>'),)\n"


def run(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(tmp_path, "-j", "1", *args, capsys=capsys)


def git(tmp_path: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "bad.py").write_text(fill(BAD))
    return tmp_path


def test_keys_are_written_private_and_ignored(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(repo, "--env-file", ".env", capsys=capsys)
    assert code == 0
    assert (repo / ".env").read_text() == f"CLARIFAI_PAT={KEY}\n"
    assert (repo / ".env").stat().st_mode & 0o777 == 0o600
    assert (repo / ".gitignore").read_text() == "/.env\n"
    assert (
        "Wrote them to .env (mode 0600): load it with python-dotenv's `load_dotenv()`, "
        "or `set -a; . ./.env; set +a`.\n" in out
    )
    assert "Added .env to .gitignore: git did not ignore it.\n" in out
    assert sorted(p.name for p in repo.iterdir()) == [".env", ".git", ".gitignore", "bad.py"]


def test_entries_are_merged_and_never_overwritten(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".gitignore").write_text("*.pyc\n.env")
    (repo / ".env").write_text(f"# mine\nexport OTHER='x y'\nCLARIFAI_PAT={KEY2}")
    code, out, _ = run(repo, "--env-file", ".env", capsys=capsys)
    assert code == 0
    assert (repo / ".env").read_text() == (
        f"# mine\nexport OTHER='x y'\nCLARIFAI_PAT={KEY2}\nCLARIFAI_PAT_2={KEY}\n"
    )
    assert dotenv_values(repo / ".env") == {
        "OTHER": "x y",
        "CLARIFAI_PAT": KEY2,
        "CLARIFAI_PAT_2": KEY,
    }
    assert 'os.environ["CLARIFAI_PAT_2"]' in (repo / "bad.py").read_text()
    assert (repo / ".gitignore").read_text() == "*.pyc\n.env"
    assert "Added" not in out


def test_a_key_already_stored_keeps_its_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".env").write_text(f"SANDBOX_PAT={KEY}\n")
    assert run(repo, "--env-file", ".env", capsys=capsys)[0] == 0
    assert (repo / ".env").read_text() == f"SANDBOX_PAT={KEY}\n"
    assert 'os.environ["SANDBOX_PAT"]' in (repo / "bad.py").read_text()


def test_a_copy_of_a_stored_key_is_reported_on_every_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run that moved the key reports its copy in a file with no finding; so does every
    later run given the same env file, as the copy is still there."""
    (repo / "keys.py").write_text(fill('KEYS = {"prod": "<KEY>"}\n'))
    copy = f"./keys.py:1:18: the key (...{KEY[-4:]}) is still here"
    for _ in range(2):
        code, out, _ = run(repo, "--env-file", ".env", ".", capsys=capsys)
        assert code == 1
        assert copy in out
    code, out, _ = run(repo, ".", capsys=capsys)
    assert (code, out) == (0, "")


def test_a_copy_of_a_stored_v1_secret_is_reported_on_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A v1 secret holds no run of hex digits, by which a file with no finding is picked to
    look for copies in (trial 103)."""
    (tmp_path / "app.py").write_text(
        fill(
            "from clarifai.rest import ClarifaiApp\n# backup: <LEGACY2>\n"
            "app = ClarifaiApp(app_id='<LEGACY>', app_secret='<LEGACY2>')\n"
        )
    )
    copy = "./app.py:{}:11: the key (...{}) is still here".format
    # The first run reports where the copy was; the fix then adds `import os` above it.
    for line in (2, 4):
        code, out, _ = run(tmp_path, "--env-file", ".env", ".", capsys=capsys)
        assert copy(line, fill("<LEGACY2>")[-4:]) in out
    assert code == 1


def test_an_id_stored_in_the_env_file_is_no_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(fill("CLARIFAI_MODEL_VERSION_ID=<KEY>\n"))
    (tmp_path / "app.py").write_text(fill('import clarifai\nMODEL_VERSION_ID = "<KEY>"\n'))
    assert run(tmp_path, "--env-file", ".env", ".", capsys=capsys)[:2] == (0, "")


def test_check_and_diff_write_no_env_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for mode in ("--check", "--diff"):
        assert run(repo, mode, "--env-file", ".env", capsys=capsys)[0] == 1
    assert sorted(p.name for p in repo.iterdir()) == [".git", "bad.py"]


def test_a_tracked_env_file_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".env").write_text("A=1\n")
    git(repo, "add", ".env")
    code, _, err = run(repo, "--env-file", ".env", capsys=capsys)
    assert code == cli.EXIT_USAGE
    assert err == (
        "clarifai-secrets-fix: error: .env is tracked by git: keys written there would be "
        "committed\n"
    )
    assert (repo / "bad.py").read_text() == fill(BAD)


def test_outside_git_nothing_is_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.py").write_text(fill(BAD))
    assert run(tmp_path, "--env-file", "keys.env", capsys=capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.py", "keys.env"]


def test_an_unwritable_env_file_stops_every_rewrite(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(repo, "--env-file", "missing/.env", capsys=capsys)
    assert code == 2
    assert err == (
        "missing/.env: not processed: cannot be written (No such file or directory)\n"
        "No file was rewritten, so that no key is lost.\n"
    )
    assert (repo / "bad.py").read_text() == fill(BAD)


SETTINGS = (
    "from pydantic_settings import BaseSettings, SettingsConfigDict\n"
    "class Settings(BaseSettings):\n"
    "    model_config = SettingsConfigDict(env_file={env_file}{extra})\n"
    "    clarifai_pat: str = '<KEY2>'\n"
)


@pytest.mark.parametrize(
    ("env_file", "extra", "warned"),
    [
        pytest.param('".env"', "", True, id="reads .env, refuses other entries"),
        pytest.param('(".env", ".env.prod")', "", True, id="reads it among others"),
        pytest.param('".env"', ', extra="ignore"', False, id="ignores other entries"),
        pytest.param('"prod.env"', "", False, id="reads another file"),
    ],
)
def test_a_settings_class_that_would_refuse_the_env_file_is_named(
    repo: Path, capsys: pytest.CaptureFixture[str], env_file: str, extra: str, warned: bool
) -> None:
    """pydantic-settings fails at start on an entry it has no field for (`extra_forbidden`),
    and its error shows the value: the run says so where it writes one (trial 76)."""
    (repo / "config.py").write_text(fill(SETTINGS.format(env_file=env_file, extra=extra)))
    code, out, _ = run(repo, "--env-file", ".env", capsys=capsys)
    assert code == 0
    assert set(dotenv_values(repo / ".env")) == {"CLARIFAI_PAT", "CLARIFAI_PAT_2"}
    warning = (
        "./config.py:2: this settings class reads .env and refuses entries it has no field for "
        '(CLARIFAI_PAT_2): name a field for each, set extra="ignore", or give --env-file '
        "another file.\n"
    )
    assert (warning in out) is warned
