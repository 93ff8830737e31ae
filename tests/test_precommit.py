"""Both hooks through the real `pre-commit`, on staged files in a temporary git repository.

pre-commit builds a virtualenv for the hooks and installs this package into it; PRE_COMMIT_HOME
is shared by the whole session, so that happens once per form (try-repo, the README's snippet).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checkout import ROOT, copy_checkout, git
from tests.keys import GENERATED, KEY, fill

BAD = "import os\nmetadata = (('authorization', 'Key <KEY>'),)\n"
GOOD = 'import os\nmetadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
PLACEHOLDER = "/path/to/flake8-clarifai-secrets"


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("hooks-repo"))


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    git("init", "-q", cwd=tmp_path)
    return tmp_path


def stage(project: Path, name: str, text: str) -> None:
    (project / name).write_text(text)
    git("add", name, cwd=project)


def pre_commit(project: Path, home: Path, *args: str) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert not any(secret in output for secret in GENERATED)
    return result.returncode, output


def test_try_repo_lint_fix_then_pass(
    project: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    """try-repo, as users first meet the hooks; it builds its environment anew on every call."""
    stage(project, "app.py", fill(BAD))
    code, output = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo))
    assert code == 1
    assert re.search(r"clarifai secrets \(flake8 CLR\)\.+Failed", output)
    assert f"app.py:2:31: CLR001 hard-coded Clarifai key (...{KEY[-4:]})" in output
    assert re.search(r"clarifai secrets fix\.+Failed\n- hook id: clarifai-secrets-fix\n", output)
    assert "- files were modified by this hook" in output
    assert (project / "app.py").read_text() == GOOD
    # A key that was never committed is not lost with the rewrite.
    assert (project / ".env").read_text() == f"CLARIFAI_PAT={KEY}\n"
    assert "/.env" in (project / ".gitignore").read_text().splitlines()

    git("add", "app.py", cwd=project)
    code, output = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo))
    assert code == 0, output
    assert re.search(r"clarifai secrets \(flake8 CLR\)\.+Passed", output)
    assert re.search(r"clarifai secrets fix\.+Passed", output)


def readme_snippet() -> str:
    section = (ROOT / "README.md").read_text().split("\n## pre-commit\n", 1)[1]
    return str(re.findall(r"```yaml\n(.*?)```", section, re.S)[0])


def test_readme_hooks_are_the_published_hooks() -> None:
    published = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for field in ("id", "entry", "language", "types", "types_or", "require_serial"):
        pattern = rf"^  -? *{field}: (.*)$"
        assert re.findall(pattern, readme_snippet(), re.M) == re.findall(
            rf"^-? *{field}: (.*)$", published, re.M
        ), field


@pytest.fixture
def configured(project: Path, hooks_repo: Path) -> Path:
    """The README's snippet with the placeholder replaced: one environment for the session."""
    snippet = readme_snippet()
    assert snippet.count(PLACEHOLDER) == 2
    (project / ".pre-commit-config.yaml").write_text(snippet.replace(PLACEHOLDER, str(hooks_repo)))
    git("add", ".pre-commit-config.yaml", cwd=project)
    return project


def test_lint_hook_never_shows_the_source(configured: Path, pre_commit_home: Path) -> None:
    (configured / "setup.cfg").write_text("[flake8]\nshow-source = true\n")
    stage(configured, "app.py", fill(BAD))
    code, output = pre_commit(configured, pre_commit_home, "run", "clarifai-secrets")
    assert code == 1
    assert f"app.py:2:31: CLR001 hard-coded Clarifai key (...{KEY[-4:]})" in output
    assert KEY not in output and "'authorization'" not in output


def test_lint_hook_fails_on_a_file_that_does_not_parse(
    configured: Path, pre_commit_home: Path
) -> None:
    stage(configured, "app.py", fill("metadata = (('authorization', 'Key <KEY>'),\n"))
    code, output = pre_commit(configured, pre_commit_home, "run", "clarifai-secrets")
    assert code == 1
    assert "app.py:1:13: E999 SyntaxError: '(' was never closed" in output


def test_readme_snippet(configured: Path, pre_commit_home: Path) -> None:
    stage(configured, "app.py", fill(BAD))
    code, output = pre_commit(configured, pre_commit_home, "run")
    assert code == 1
    assert f"app.py:2:31: CLR001 hard-coded Clarifai key (...{KEY[-4:]})" in output
    assert (configured / "app.py").read_text() == GOOD

    git("add", "app.py", cwd=configured)
    code, output = pre_commit(configured, pre_commit_home, "run")
    assert code == 0, output
