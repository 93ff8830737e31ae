from __future__ import annotations

import ast
import base64
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.detector import find_credentials, source_lines
from flake8_clarifai_secrets.output import masked
from tests.helpers import results, run_cli
from tests.keys import GENERATED, KEY, KEY2, fill

BAD = "import os\nmetadata = (('authorization', 'Key <KEY>'),)\n"
GOOD = 'import os\nmetadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'


def run(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(tmp_path, *args, capsys=capsys)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(fill(BAD))
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def test_write_mode(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tree, "-j", "1", capsys=capsys)
    assert code == 0
    assert (tree / "bad.py").read_text() == GOOD
    assert out == (
        f'./bad.py:2:31: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]\n'
        "Fixed 1 file(s): 1 finding(s) of 1 key(s) moved into the environment.\n"
        f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}).\n"
        f"{cli.KEEP_REMINDER}\n"
        f"{cli.REVOKE_REMINDER}\n"
    )
    assert run(tree, capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    ("option", "read"),
    [
        pytest.param(
            'p = argparse.ArgumentParser()\np.add_argument("--pat", default="<KEY>")',
            'os.environ.get("CLARIFAI_PAT")',
            id="argparse",
        ),
        pytest.param(
            'click.option("--pat", default="<KEY>")',
            'lambda: os.environ["CLARIFAI_PAT"]',
            id="click",
        ),
    ],
)
def test_the_report_names_the_read_the_fix_writes(
    tmp_path: Path, option: str, read: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(
        fill(f"import argparse\nimport click\nimport clarifai\n{option}\n")
    )
    out = run(tmp_path, "--check", "a.py", capsys=capsys)[1]
    assert f"CLR005 key (...{KEY[-4:]}) -> {read}\n" in out
    assert (
        read in run(tmp_path, "a.py", capsys=capsys)[1] and read in (tmp_path / "a.py").read_text()
    )


def test_check_mode(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tree, "--check", capsys=capsys)
    assert code == 1
    assert (tree / "bad.py").read_text() == fill(BAD)
    assert "Would fix 1 file(s)" in out


def test_diff_mode_masks_keys(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tree, "--diff", "bad.py", capsys=capsys)
    assert code == 1
    assert (tree / "bad.py").read_text() == fill(BAD)
    assert f"-metadata = (('authorization', 'Key ...{KEY[-4:]}'),)\n" in out
    assert '+metadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n' in out


def test_a_copy_of_a_moved_key_in_a_comment_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(
        fill("PAT = '<KEY>'  # was <KEY>\nmetadata = (('authorization', 'Key ' + PAT),)\n#<KEY>\n")
    )
    still = "the key (...{}) is still here, in a comment or a string that the fixer does not "
    still += "rewrite: remove it by hand\n"
    for args in (["--check"], []):
        code, out, _ = run(tmp_path, *args, "a.py", capsys=capsys)
        assert code == 1
        assert out.splitlines(keepends=True)[:3] == [
            f'a.py:1:7: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]\n',
            "a.py:1:49: " + still.format(KEY[-4:]),
            "a.py:3:2: " + still.format(KEY[-4:]),
        ]
    assert fill("<KEY>") in (tmp_path / "a.py").read_text()


def test_a_copy_of_a_moved_key_in_a_file_without_findings_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(fill("metadata = (('authorization', 'Key <KEY>'),)\n"))
    # Nothing here says where the key goes, so the detector finds nothing to fix.
    (tmp_path / "b.py").write_text(fill("FIXTURE = {'value': '<KEY>', 'other': '<KEY2>'}\n"))
    still = "the key (...{}) is still here, in a comment or a string that the fixer does not "
    still += "rewrite: remove it by hand\n"
    # A file with a finding of its own is searched for the other files' keys too.
    (tmp_path / "c.py").write_text(fill("h = {'Authorization': 'Key <KEY2>'}\nOLD = '<KEY>'\n"))
    code, out, _ = run(tmp_path, "--check", ".", capsys=capsys)
    assert code == 1
    assert sorted(line for line in out.splitlines(keepends=True) if "still here" in line) == [
        "./b.py:1:22: " + still.format(KEY[-4:]),
        "./b.py:1:67: " + still.format(KEY2[-4:]),
        "./c.py:2:8: " + still.format(KEY[-4:]),
    ]


def test_a_copy_of_a_key_moved_into_two_variables_is_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(fill("CLARIFAI_API_KEY = '<KEY>'\n"))
    (tmp_path / "b.py").write_text(fill("import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n"))
    (tmp_path / "c.py").write_text(fill("INGEST = '<KEY>'\n"))
    out = run(tmp_path, "--check", ".", capsys=capsys)[1]
    assert [line for line in out.splitlines() if "still here" in line] == [
        f"./c.py:1:11: the key (...{KEY[-4:]}) is still here, in a comment or a string that "
        "the fixer does not rewrite: remove it by hand"
    ]


COMMENTS = [
    pytest.param("import clarifai\n# old: pat='<KEY>'\n", ["2:13"], id="labelled, Clarifai file"),
    pytest.param("import clarifai\n# PAT = <KEY>  (revoked)\n", ["2:9"], id="PAT"),
    pytest.param("import clarifai\n# model version <KEY>\n", [], id="an id"),
    pytest.param("import clarifai\n# see .../versions/<KEY>\n", [], id="in a URL's path"),
    pytest.param("# old: pat='<KEY>'\n", [], id="no Clarifai in the file"),
    pytest.param("import clarifai\n# cache key <KEY>\n", [], id="a cache key"),
    pytest.param("import clarifai\n# old: pat='<KEY>'  # noqa: CLR006\n", [], id="noqa"),
    pytest.param(
        "import clarifai\n# pat: <KEY>  # pragma: allowlist secret\n", [], id="allowlisted"
    ),
    pytest.param("import clarifai\r# old: pat='<KEY>'\r", ["2:13"], id="CR line endings"),
    pytest.param(
        '"""Tag images.\n\nusage: CLARIFAI_PAT=<KEY> python tag.py\n"""\nimport clarifai\n',
        ["3:21"],
        id="module docstring",
    ),
    pytest.param(
        "import clarifai\ndef tag():\n    'Old key: pat <KEY>'\n", ["3:19"], id="function docstring"
    ),
    pytest.param('"""Model version <KEY>"""\nimport clarifai\n', [], id="an id in a docstring"),
    pytest.param(
        "import clarifai\n# app = ClarifaiApp(api_key='<KEY>')\n",
        ["2:30"],
        id="a Clarifai callee's",
    ),
    pytest.param(
        "import clarifai\n# curl -H 'Authorization: Key <KEY>' https://api.clarifai.com/v2\n",
        ["2:31"],
        id="Clarifai's header",
    ),
    pytest.param("import clarifai\n# api_key: <KEY>\n", [], id="a generic name alone"),
    pytest.param(
        "import clarifai\n# rotated: api_key='<KEY>' (clarifai)\n",
        ["2:21"],
        id="a generic name on a line that names Clarifai",
    ),
    pytest.param(
        "import clarifai\ndef client():\n"
        '    """>>> OpenAI(base_url="https://api.clarifai.com/v2/ext/openai/v1", '
        'api_key="<KEY>")"""\n',
        ["3:82"],
        id="a doctest that points a client at Clarifai",
    ),
    pytest.param("import clarifai\n# clarifai model id <KEY>\n", [], id="Clarifai's id"),
    pytest.param(
        "import clarifai\nUSAGE = 'old: pat=<KEY>'  # noqa: CLR005\n", [], id="a bound string"
    ),
]


@pytest.mark.parametrize(("source", "where"), COMMENTS)
def test_a_labelled_key_in_a_comment_or_docstring_is_reported_on_every_run(
    source: str, where: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fix never rewrites comments or docstrings: a key left there must fail every run until
    it is gone, or pre-commit's second commit carries it."""
    (tmp_path / "a.py").write_bytes(fill(source).encode())
    left = "in a comment or a docstring, which the fixer does not rewrite: remove it by hand"
    expected = [f"a.py:{at}: a Clarifai key (...{KEY[-4:]}) {left}" for at in where]
    for _ in range(2):
        code, out, err = run(tmp_path, "a.py", capsys=capsys)
        assert (code, out.splitlines(), err) == (1 if where else 0, expected, "")
    assert (tmp_path / "a.py").read_bytes() == fill(source).encode()


@pytest.mark.parametrize(
    ("source", "where"),
    # flake8, not the plugin, applies `# noqa` (see test_flake8).
    [param for param in COMMENTS if "noqa" not in str(param.values[0])],
)
def test_flake8_reports_what_the_fixer_leaves_in_comments_and_docstrings_as_clr006(
    source: str, where: list[str]
) -> None:
    assert results(fill(source)) == {f"{at} CLR006" for at in where}


def test_a_key_in_a_comment_follows_flake8s_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.py").write_text(fill("import clarifai\n# old: pat='<KEY>'\n"))
    (tmp_path / "setup.cfg").write_text("[flake8]\nper-file-ignores = tests/*: CLR\n")
    assert run(tmp_path, capsys=capsys) == (0, "", "")


def test_a_copy_that_noqa_keeps_is_named_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(
        fill("import clarifai\nPAT = '<KEY>'\nBACKUP_PAT = '<KEY>'  # noqa: CLR005\n")
    )
    code, out, _ = run(tmp_path, "--check", "a.py", capsys=capsys)
    assert code == 1
    assert out.splitlines()[1] == (
        f"a.py:3:15: the key (...{KEY[-4:]}) is still here, where `# noqa` or flake8's "
        "configuration keeps it unreported: remove it by hand"
    )


def test_a_copy_that_noqa_keeps_in_another_file_is_named_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """New-user trial: a file whose only finding `# noqa` keeps was not read for copies, and
    the run said the rewritten files no longer hold the key, exiting 0."""
    (tmp_path / "a.py").write_text(fill("import clarifai\nPAT = '<KEY>'\n"))
    (tmp_path / "b.py").write_text(fill("import clarifai\nPAT = '<KEY>'  # noqa: CLR005\n"))
    code, out, _ = run(tmp_path, "--check", capsys=capsys)
    assert (code, out.splitlines()[:2]) == (
        1,
        [
            './a.py:2:7: CLR005 key (...{}) -> os.environ["CLARIFAI_PAT"]'.format(KEY[-4:]),
            f"./b.py:2:8: the key (...{KEY[-4:]}) is still here, where `# noqa` or flake8's "
            "configuration keeps it unreported: remove it by hand",
        ],
    )


def test_a_fallback_written_as_an_if_statement_is_a_fallback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trial 94: `if "X" in os.environ: pat = os.environ["X"]` then `else: pat = "<key>"` took
    `CLARIFAI_PAT_2`; once another file's fallback put its key into `CLARIFAI_PAT`, this code
    read that key."""
    model = 'Model("https://clarifai.com/a/b/models/c", pat=%s)'
    (tmp_path / "a.py").write_text(
        fill("import os\nfrom clarifai.client.model import Model\n")
        + model % fill('os.getenv("CLARIFAI_PAT", "<KEY>")')
        + "\n"
    )
    (tmp_path / "b.py").write_text(
        fill(
            "import os\nfrom clarifai.client.model import Model\n"
            'if "CLARIFAI_PAT" in os.environ:\n    pat = os.environ["CLARIFAI_PAT"]\n'
            'else:\n    pat = "<KEY2>"\n'
        )
        + model % "pat"
        + "\n"
    )
    code, out, _ = run(tmp_path, "--check", capsys=capsys)
    assert (code, out.splitlines()[1]) == (
        1,
        f"./b.py:6:11: CLR003 left alone: `CLARIFAI_PAT` already holds another key "
        f"(...{KEY[-4:]}, from line 3 of ./a.py), which this code reads instead once it is set; "
        "fix it by hand",
    )


def test_nothing_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    assert run(tmp_path, "--check", capsys=capsys) == (0, "", "")


def test_unfixable_finding_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.py").write_text(fill("m = (('authorization', 'Bearer <TOKEN>'),)\n"))
    code, out, _ = run(tmp_path, capsys=capsys)
    assert code == 1
    assert (
        out == "./t.py:1:24: CLR001 left alone: not a Clarifai key; "
        "name a variable with --env-var-for Bearer=NAME\n"
    )


def test_untouched_files_keep_bytes_and_mtime(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tree / "clean.py"
    os.utime(clean, (1_000_000, 1_000_000))
    run(tree, capsys=capsys)
    assert clean.stat().st_mtime == 1_000_000
    assert clean.read_bytes() == b"x = 1\n"


@pytest.mark.parametrize(
    ("original", "expected"),
    (
        pytest.param(
            b"import os\r\nm = (('authorization', 'Key <KEY>'),)\r\n",
            b'import os\r\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\r\n',
            id="CRLF",
        ),
        pytest.param(
            b"\xef\xbb\xbfimport os\nm = (('authorization', 'Key <KEY>'),)\n",
            b"\xef\xbb\xbf" + GOOD.replace("metadata", "m").encode(),
            id="BOM",
        ),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nimport os\nm = (('authorization', 'Key <KEY>'), '\xe9')\n",
            b"# -*- coding: latin-1 -*-\nimport os\n"
            b"m = (('authorization', \"Key \" + os.environ[\"CLARIFAI_PAT\"]), '\xe9')\n",
            id="latin-1 cookie",
        ),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nimport os\nCFG = 'CLARIFAI_PAT=<KEY> \\u2022 \xe9'\n",
            b"# -*- coding: latin-1 -*-\nimport os\n"
            b'CFG = "CLARIFAI_PAT=" + os.environ["CLARIFAI_PAT"] + " \\u2022 \xe9"\n',
            id="latin-1 cookie, an escape that latin-1 cannot hold",
        ),
        pytest.param(
            b"import os\r\nm = (('authorization', 'Key <KEY>'),)\nx = 1\r\n",
            b'import os\r\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
            b"x = 1\r\n",
            id="mixed LF and CRLF",
        ),
        pytest.param(
            b"m = (('authorization', 'Key <KEY>'),)\r\nx = 1\n",
            b"import os\r\n\r\n"
            b'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\r\nx = 1\n',
            id="mixed, import added with the first line's ending",
        ),
        pytest.param(
            b"import os\nif 1:\n\tm = (('authorization', 'Key <KEY>'),)\x0c\n\x0c\n\tx = 1",
            b'import os\nif 1:\n\tm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)'
            b"\x0c\n\x0c\n\tx = 1",
            id="tabs, form feeds, no newline at the end",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\n\n\n \t",
            b'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n\n\n \t',
            id="blank lines before a last line of spaces, which LibCST would drop",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\n\n    \n    ",
            b'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
            b"\n    \n    ",
            id="lines of spaces at the end, which LibCST would drop a blank line of",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\n\n  # end\n",
            b'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
            b"\n  # end\n",
            id="an indented comment at the end, which LibCST would drop a blank line before",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\nx = 1 \\\n   ",
            b'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
            b"x = 1 \\\n   ",
            id="a backslash that joins a line of spaces at the end",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\nDOC = '''text\n# end'''\n\n ",
            b'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
            b"DOC = '''text\n# end'''\n\n ",
            id="a string that ends on a line that starts with #, then a line of spaces",
        ),
    ),
)
def test_bytes_are_kept(
    tmp_path: Path, original: bytes, expected: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.py"
    path.write_bytes(original.replace(b"<KEY>", KEY.encode()))
    path.chmod(0o751)
    code, _, err = run(tmp_path, "t.py", capsys=capsys)
    assert (code, err) == (0, "")
    assert path.read_bytes() == expected
    assert path.stat().st_mode & 0o777 == 0o751


@pytest.mark.parametrize(
    ("content", "reason"),
    (
        pytest.param(b"CLARIFAI_PAT = ('<KEY>'\n", "does not parse (line 1)", id="syntax"),
        pytest.param(
            b"CLARIFAI_PAT = '<KEY> \xff'\n",
            "cannot be decoded (invalid or missing encoding declaration)",
            id="decode",
        ),
        pytest.param(b"CLARIFAI_PAT = '<KEY>'\0\n", "contains NUL bytes", id="NUL"),
        pytest.param(
            b"# coding: nope\nCLARIFAI_PAT = '<KEY>'\n",
            "cannot be decoded (unknown encoding: nope)",
            id="cookie",
        ),
        pytest.param(
            b"import os\nm = (('authorization', 'Key <KEY>'),)\n\x0cx = 1\n",
            "LibCST would not write its other bytes back unchanged",
            id="form feed before a statement",
        ),
    ),
)
def test_bad_files_are_reported_and_others_fixed(
    tree: Path, content: bytes, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    written = content.replace(b"<KEY>", KEY.encode())
    (tree / "broken.py").write_bytes(written)
    code, _, err = run(tree, capsys=capsys)
    assert code == 2
    assert err == f"./broken.py: not processed: {reason}\n"
    assert (tree / "broken.py").read_bytes() == written
    assert (tree / "bad.py").read_text() == GOOD


def test_write_failure_is_reported(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = run(tree, "-j", "1", capsys=capsys)
    assert code == 2
    assert err == "./bad.py: not processed: cannot be written (Permission denied)\n"
    assert (tree / "bad.py").read_text() == fill(BAD)
    assert sorted(p.name for p in tree.iterdir()) == ["bad.py", "clean.py"]


def test_failure_halfway_shows_no_key(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error mid-rewrite names its type only: its text may quote the source."""
    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    leave_module = ReadKeyFromEnviron.leave_Module

    def fail_on_second(self: ReadKeyFromEnviron, original: object, updated: object) -> object:
        if self.context.filename == "./worse.py":
            raise ValueError(f"cannot handle {KEY}")
        return leave_module(self, original, updated)  # type: ignore[arg-type]

    monkeypatch.setattr(ReadKeyFromEnviron, "leave_Module", fail_on_second)
    (tree / "worse.py").write_text(fill(BAD))
    code, _, err = run(tree, "-j", "1", capsys=capsys)
    assert code == 2
    assert err == "./worse.py: not processed: internal error (ValueError); please report it\n"
    assert (tree / "worse.py").read_text() == fill(BAD)
    assert (tree / "bad.py").read_text() == GOOD


@pytest.mark.parametrize("mode", ([], ["--check"]))
def test_symlinks_are_reported_not_followed(
    tmp_path: Path, mode: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """flake8 reads a symlinked file, so its findings are reported; the fixer writes none."""
    outside = tmp_path / "outside.py"
    outside.write_text(fill(BAD))
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "link.py").symlink_to(outside)
    code, out, err = run(tmp_path / "tree", *mode, capsys=capsys)
    assert (code, err) == (1, "")
    assert out == "./link.py:2:31: CLR001 left alone: a symlink: fix the file it points to\n"
    assert outside.read_text() == fill(BAD)


def test_a_virtual_environment_below_the_path_is_reported_not_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An installed package's key is not the user's to move, nor to take the user's variable."""
    venv = tmp_path / ".venv"
    (venv / "lib" / "demo").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    installed = venv / "lib" / "demo" / "x.py"
    installed.write_text(fill(BAD.replace("<KEY>", "<KEY2>")))
    (tmp_path / "bad.py").write_text(fill(BAD))
    code, out, err = run(tmp_path, capsys=capsys)
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        "./.venv/lib/demo/x.py:2:31: CLR001 left alone: in a virtual environment, whose installed "
        "files are not yours to rewrite: exclude it (flake8's extend-exclude)"
    )
    assert installed.read_text() == fill(BAD.replace("<KEY>", "<KEY2>"))
    assert (tmp_path / "bad.py").read_text() == GOOD
    code, out, err = run(venv / "lib", capsys=capsys)
    assert (code, "Fixed 1 file(s)" in out) == (0, True)


def test_a_file_named_on_the_command_line_is_processed_inside_a_virtual_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pre-commit names files; a project made with `python -m venv .` has `pyvenv.cfg` at its
    root."""
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(fill(BAD))
    (tmp_path / "other.py").write_text(fill(BAD))
    assert run(tmp_path, "app/bad.py", capsys=capsys)[0] == 0
    assert (tmp_path / "app" / "bad.py").read_text() == GOOD
    assert run(tmp_path, capsys=capsys)[0] == 0
    assert (tmp_path / "other.py").read_text() == GOOD.replace("CLARIFAI_PAT", "CLARIFAI_PAT_2")


def test_symlink_to_a_file_in_the_run_is_fixed_once(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "link.py").symlink_to(tree / "bad.py")
    code, out, err = run(tree, capsys=capsys)
    assert (code, err) == (0, "")
    assert (tree / "bad.py").read_text() == GOOD
    assert (tree / "link.py").is_symlink()
    assert "Fixed 1 file(s)" in out


def test_config_sets_variable_and_exclude(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "setup.cfg").write_text(
        "[flake8]\nclarifai-env-var = MY_PAT\nextend-exclude = skipped\n"
    )
    (tree / "skipped").mkdir()
    (tree / "skipped" / "x.py").write_text(fill(BAD))
    code, out, _ = run(tree, capsys=capsys)
    assert code == 0
    assert 'os.environ["MY_PAT"]' in (tree / "bad.py").read_text()
    assert (tree / "skipped" / "x.py").read_text() == fill(BAD)
    assert f"Set before running: MY_PAT (...{KEY[-4:]})." in out


def test_a_configuration_that_selects_no_clr_code_is_named(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "setup.cfg").write_text("[flake8]\nselect = E,W\n")
    assert run(tree, "--check", capsys=capsys) == (
        0,
        "",
        "clarifai-secrets-fix: flake8's configuration selects no CLR code (select, ignore), so "
        "nothing is checked: add CLR to extend-select\n",
    )
    assert (tree / "bad.py").read_text() == fill(BAD)


def test_command_line_overrides_config(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "setup.cfg").write_text("[flake8]\nclarifai-env-var = MY_PAT\n")
    run(tree, "--env-var", "OTHER", capsys=capsys)
    assert 'os.environ["OTHER"]' in (tree / "bad.py").read_text()


def test_bad_config_value_is_a_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "setup.cfg").write_text("[flake8]\nclarifai-env-var = 9lives\n")
    code, _, err = run(tree, capsys=capsys)
    assert code == cli.EXIT_USAGE == 3
    assert "argument --clarifai-env-var: '9lives' is not an environment variable name" in err
    assert err.endswith(
        "clarifai-secrets-fix: error: flake8 refused its configuration, as it says above; "
        "nothing was changed\n"
    )
    assert (tree / "bad.py").read_text() == fill(BAD)


def test_parallel_jobs_match_serial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(6):
        (tmp_path / f"f{n}.py").write_text(fill(BAD) if n % 2 else "x = 1\n")
    code, out, _ = run(tmp_path, "--check", "-j", "2", capsys=capsys)
    serial = run(tmp_path, "--check", "-j", "1", capsys=capsys)
    assert (code, out) == serial[:2]
    assert "Would fix 3 file(s)" in out


@pytest.mark.parametrize(
    "command", (["clarifai-secrets-fix"], [sys.executable, "-m", "flake8_clarifai_secrets"])
)
def test_entry_points(tree: Path, command: list[str]) -> None:
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        command + ["--check"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 1
    assert "Would fix 1 file(s)" in result.stdout


@pytest.mark.parametrize(
    ("command", "warned"),
    (
        # (LibCST 1.1.0 warns of `mypy_extensions.TypedDict` when it is imported.)
        pytest.param(["clarifai-secrets-fix", "--diff"], "invalid escape", id="fixer"),
        pytest.param(["clarifai-secrets-fix"], "invalid escape", id="fixer, writing"),
        # flake8 itself parses the file as `<unknown>`, with no line to show.
        pytest.param(
            [sys.executable, "-m", "flake8", "--isolated", "--select=CLR"], "t.py:", id="flake8"
        ),
    ),
)
def test_no_warning_shows_a_line_of_the_code(
    tmp_path: Path, command: list[str], warned: str
) -> None:
    """Python warns of an invalid escape in code it parses or compiles (a `SyntaxWarning` from
    3.12 on, shown by default) with the line of the file the warning names: the rewrite,
    compiled under the file's name, showed the file's line at that number, here the key's."""
    (tmp_path / "t.py").write_text(
        fill(
            'from clarifai.client import User\nR = "\\d+"\nx = 1\nPAT = "<KEY>"\n'
            # LibCST evaluates the parts of a string that the fix splits.
            'TEMPLATE = """\n{ "pat": "<KEY2>", "re": "\\d+" }\n"""\n'
            'headers = {"Authorization": "Key <KEY2> \\d"}\n'
        )
    )
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [*command, "t.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONWARNINGS": "always",
        },
    )
    assert "CLR005" in result.stdout
    assert warned not in result.stderr
    assert not any(key in result.stdout + result.stderr for key in (KEY, KEY2))


def test_libcst_tool_route(tree: Path) -> None:
    """The README's `.libcst.codemod.yaml` and command rewrite the file as the fixer does."""
    (tree / ".libcst.codemod.yaml").write_text(
        "modules:\n- 'libcst.codemod.commands'\n- 'flake8_clarifai_secrets'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format"]
        + ["codemod.ReadKeyFromEnviron", "bad.py", "clean.py"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "LIBCST_TOOL_REQUIRE_CONFIG": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tree / "bad.py").read_text() == GOOD
    assert (tree / "clean.py").read_text() == "x = 1\n"
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)


def test_item_5_a_result_that_does_not_compile_is_not_written(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flake8_clarifai_secrets import codemod

    monkeypatch.setattr(codemod, "string_literal", lambda *args, **kwargs: '"\\N"')
    code, out, err = run(tree, "-j", "1", capsys=capsys)
    assert code == 2
    assert err == "./bad.py: not processed: the rewrite does not compile (line 2)\n"
    assert (tree / "bad.py").read_text() == fill(BAD)
    assert out == ""


def test_item_6_read_only_files_are_not_written(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "bad.py").chmod(0o444)
    (tree / "other.py").write_text(fill(BAD))
    code, out, err = run(tree, "-j", "1", capsys=capsys)
    assert code == 2
    # The summary counts what was written.
    assert "Fixed 1 file(s): 1 finding(s) of 1 key(s) moved into the environment.\n" in out
    assert err == (
        "./bad.py: not processed: is read-only (no write permission bits); not written\n"
    )
    assert (tree / "bad.py").read_text() == fill(BAD)
    assert (tree / "bad.py").stat().st_mode & 0o777 == 0o444
    assert (tree / "other.py").read_text() == GOOD


@pytest.mark.parametrize("option", ["--check", "--diff"])
def test_check_says_a_read_only_file_is_not_written(
    option: str, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """New-user trial: `--check` counted a read-only file among those it would fix."""
    (tree / "bad.py").chmod(0o444)
    (tree / "other.py").write_text(fill(BAD))
    code, out, err = run(tree, "-j", "1", option, capsys=capsys)
    assert code == 2
    assert "Would fix 1 file(s): 1 finding(s) of 1 key(s) moved into the environment.\n" in out
    assert err == (
        "./bad.py: not processed: is read-only (no write permission bits); not written\n"
    )


def test_a_read_only_file_with_nothing_to_write_is_not_refused(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review: a read-only file whose every finding `# noqa` keeps has nothing to write."""
    (tree / "bad.py").write_text(fill(BAD.rstrip("\n") + "  # noqa: CLR001\n"))
    (tree / "bad.py").chmod(0o444)
    assert run(tree, "--check", capsys=capsys) == (0, "", "")


def test_a_read_only_files_key_is_not_written_to_the_env_file(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "bad.py").write_text(fill(BAD.replace("<KEY>", "<KEY2>")))
    (tree / "bad.py").chmod(0o444)
    (tree / "other.py").write_text(fill(BAD))
    code, out, _ = run(tree, "--env-file", ".env", capsys=capsys)
    assert code == 2
    assert f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}).\n" in out
    assert (tree / ".env").read_text() == f"CLARIFAI_PAT={KEY}\n"


def other_group() -> int:
    """A group other than this process's own that it may give its files."""
    groups = [g for g in os.getgroups() if g != os.getgid()]
    assert groups or os.getuid() == 0, "the test needs root or a second group"
    return groups[0] if groups else 12345


def test_item_6_owner_group_and_mode_are_kept(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tree / "bad.py"
    os.chown(path, -1, other_group())
    path.chmod(0o640)
    before = path.stat()
    assert run(tree, capsys=capsys)[0] == 0
    after = path.stat()
    assert path.read_text() == GOOD
    assert (after.st_uid, after.st_gid, after.st_mode) == (
        before.st_uid,
        before.st_gid,
        before.st_mode,
    )


def test_item_7_a_closed_pipe_does_not_stop_the_work(tmp_path: Path) -> None:
    for n in range(23):
        (tmp_path / f"f{n:02}.py").write_text(fill(BAD))
    result = subprocess.run(
        f"{sys.executable} -m flake8_clarifai_secrets -j 2 . | head -1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.stderr == ""
    assert result.stdout.startswith("./f00.py:2:31: CLR001 key")
    assert all((tmp_path / f"f{n:02}.py").read_text() == GOOD for n in range(23))


@pytest.mark.parametrize(
    "source",
    (
        pytest.param("import os\nm = (('authorization', 'Key <HALF1>' '<HALF2>'),)\n", id="split"),
        pytest.param(
            "import os\nm = (('authorization', 'Key <HALF1>'\n      '<HALF2>'),)\n",
            id="split over two lines",
        ),
        pytest.param(
            "import os\nn = (('authorization', 'Key <KEY>'),)  # noqa\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            id="context line under noqa",
        ),
        pytest.param(
            "import os\nm = (('authorization', 'Key <KEY>'),); n = {'Authorization': 'Key <KEY2>'}"
            "  # noqa: CLR002\n",
            id="a key left on a changed line",
        ),
        pytest.param(
            'import clarifai\nCONFIG = """\nclarifai:\n  pat: <KEY>\n"""\n',
            id="a key on its own line in text over several lines",
        ),
        pytest.param(
            'import clarifai\nfrom pathlib import Path\nPath(".env").write_text(\n'
            '    "MISTRAL_API_KEY=<KEY2>\\n"\n    "CLARIFAI_PAT=<KEY>\\n"\n)\n',
            id="another service's key in the same literal stays one value, masked as one",
        ),
    ),
)
def test_item_8_diff_shows_no_8_characters_of_a_key(
    tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = fill(source).replace("<HALF1>", KEY[:16]).replace("<HALF2>", KEY[16:])
    (tmp_path / "t.py").write_text(text)
    code, out, _ = run(tmp_path, "--diff", capsys=capsys)
    assert code == 1
    assert "+++ b/./t.py" in out
    for key in GENERATED:
        assert not any(key[i : i + 8] in out for i in range(len(key) - 7))
    assert f"...{KEY[-4:]}" in out


def test_item_8_another_32_hex_value_beside_a_key_is_masked_as_one() -> None:
    """Pieces of it that the key shares are not masked one by one: that split it into runs the
    key-shape net no longer saw (a Mistral key showed 29 of its 32 characters)."""
    other = KEY2[:10] + KEY[8:16] + KEY2[18:]  # shares 8 characters with the key
    code = fill(f'import clarifai\nX = "MISTRAL_API_KEY={other}\\nCLARIFAI_PAT=<KEY>\\n"\n')
    findings = find_credentials(ast.parse(code), source_lines(code))
    assert [f.secret for f in findings] == [KEY]
    shown = masked(code, findings)
    assert f"CLARIFAI_PAT=...{KEY[-4:]}" in shown
    assert other in shown


def test_item_8_a_key_on_its_own_line_in_a_literal_is_masked_there() -> None:
    code = fill('import clarifai\nCONFIG = """\nclarifai:\n  pat: <KEY>\n"""\n')
    findings = find_credentials(ast.parse(code), source_lines(code))
    assert [(f.line, f.col) for f in findings] == [(4, 7)]
    assert masked(code, findings) == code.replace(KEY, f"...{KEY[-4:]}")


# Other services' secrets, made up here so that no test holds a real one; each made so that
# it reads as random text, as theirs do.
_SHA = hashlib.sha1(b"synthetic").hexdigest()
_B64 = base64.b64encode(hashlib.sha256(b"synthetic").digest()).decode()
_UUID = str(uuid.UUID(bytes=hashlib.md5(b"synthetic").digest()))
_URLSAFE = "-".join(("QwErTyUiOpAs", "DfGhJkLzXcVb", "NmQwErTyUiOp", "AsDfGhJkLzXc"))


@pytest.mark.parametrize(
    ("line", "shown"),
    (
        pytest.param(f"OTHER = 'sk-proj-{_B64[:43]}'", f"OTHER = '...{_B64[39:43]}'", id="openai"),
        pytest.param(f"OTHER = '{_B64[:40]}'", f"OTHER = '...{_B64[36:40]}'", id="aws"),
        pytest.param(f"OTHER = '{_SHA}'", f"OTHER = '...{_SHA[-4:]}'", id="40 hex"),
        pytest.param(
            f"OTHER = '1234567890:AA{_B64[:33]}'",
            f"OTHER = '1234567890:...{_B64[29:33]}'",
            id="telegram bot token",
        ),
        pytest.param(
            f"ENV = ['AWS_SECRET_ACCESS_KEY={_B64[:40]}']",
            f"ENV = ['AWS_SECRET_ACCESS_KEY=...{_B64[36:40]}']",
            id="after a variable's name",
        ),
        pytest.param(f"OTHER = '{_UUID}'", f"OTHER = '...{_UUID[-4:]}'", id="a UUID (Pinecone)"),
        pytest.param(
            f"OTHER = 'sk-proj-{_URLSAFE}'",
            f"OTHER = '...{_URLSAFE[-4:]}'",
            id="openai, in pieces too short to read (token_urlsafe's - and _)",
        ),
    ),
)
def test_diff_masks_another_services_secret_on_a_context_line(
    tmp_path: Path, line: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "t.py").write_text(fill(f"{line}\n" + BAD))
    code, out, _ = run(tmp_path, "--diff", capsys=capsys)
    assert code == 1
    assert f" {shown}\n" in out
    assert _B64[8:24] not in out and _SHA[8:24] not in out and _UUID[9:23] not in out
    assert _URLSAFE[8:30] not in out


@pytest.mark.parametrize(
    "kept",
    (
        "CLARIFAI_PAT_2024_10_21_backup_v3",
        "https://api.clarifai.com/v2/users/me/apps/x/outputs",
        "hf_hub_download_to_local_dir",
    ),
)
def test_diff_keeps_names_and_paths_with_digits(
    tmp_path: Path, kept: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "t.py").write_text(fill(f"NAME = {kept!r}\n" + BAD))
    assert f" NAME = {kept!r}\n" in run(tmp_path, "--diff", capsys=capsys)[1]


def test_item_10_an_internal_error_is_not_work_to_do(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise ValueError(KEY)

    monkeypatch.setattr(cli, "plan", crash)
    code, _, err = run(tree, "--check", capsys=capsys)
    assert code == cli.EXIT_INTERNAL == 4
    assert err == "clarifai-secrets-fix: internal error (ValueError); please report it\n"


def test_item_10_libcst_tool_keeps_no_state_between_files(tmp_path: Path) -> None:
    """LibCST 1.1's tool runs one codemod instance over every file when it has one job: the
    placeholder in b.py sits where a.py's key does, and must not be rewritten."""
    (tmp_path / ".libcst.codemod.yaml").write_text(
        "modules:\n- 'libcst.codemod.commands'\n- 'flake8_clarifai_secrets'\n"
    )
    placeholder = "import os\nm = (('authorization', 'Key YOUR_PAT_HERE" + "_" * 19 + "'),)\n"
    second = "n = (('authorization', 'Key <KEY2>'),)\n"
    (tmp_path / "a.py").write_text(fill(BAD))
    (tmp_path / "b.py").write_text(placeholder + fill(second))
    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "--jobs=1"]
        + ["codemod.ReadKeyFromEnviron", "a.py", "b.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "LIBCST_TOOL_REQUIRE_CONFIG": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "a.py").read_text() == GOOD
    assert (tmp_path / "b.py").read_text() == placeholder + (
        'n = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n'
    )


def no_libcst(tmp_path: Path, *args: str) -> tuple[int, bool]:
    code = (
        "import sys; from flake8_clarifai_secrets import cli; code = cli.main(sys.argv[1:]); "
        "print(code, 'libcst' in sys.modules or 'flake8_clarifai_secrets.codemod' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True
    )
    status, imported = result.stdout.split()[-2:]
    return int(status), imported == "True"


def test_item_11_a_run_with_nothing_to_do_never_imports_libcst(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("import os\nx = os.environ['CLARIFAI_PAT']\n")
    assert no_libcst(tmp_path) == (0, False)
    (tmp_path / "bad.py").write_text(fill(BAD))
    assert no_libcst(tmp_path, "--check") == (1, False)
    assert no_libcst(tmp_path) == (0, True)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from flake8_clarifai_secrets import __version__

    with pytest.raises(SystemExit) as exit:
        cli.main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"clarifai-secrets-fix {__version__}\n"


def test_help_says_what_the_default_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(["--help"])
    assert exit.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "By default the files are rewritten in place" in text
    assert "files and directories (default: .)" in text
    assert "3 usage or configuration error" in text


@pytest.mark.parametrize(
    ("args", "message"),
    (
        pytest.param(
            ["--jobs", "0"], "argument -j/--jobs: '0' is not `auto` or a positive", id="j"
        ),
        pytest.param(["--nope"], "unrecognized arguments: --nope", id="unknown option"),
        pytest.param(["--check", "--diff"], "not allowed with argument", id="two modes"),
        pytest.param(["-", "x.py"], "`-` (standard input) cannot be mixed", id="stdin and files"),
    ),
)
def test_usage_errors_have_their_own_exit_code(
    tree: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        run(tree, *args, capsys=capsys)
    assert exit.value.code == cli.EXIT_USAGE == 3
    assert message in capsys.readouterr().err
    assert (tree / "bad.py").read_text() == fill(BAD)


def test_jobs_auto_is_capped_at_the_number_of_files(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    sizes = []
    context = multiprocessing.get_context("fork")
    pool = context.Pool

    def recording_pool(processes: int) -> object:
        sizes.append(processes)
        return pool(processes)

    monkeypatch.setattr(type(context), "Pool", lambda self, processes: recording_pool(processes))
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert run(tree, "--check", "-j", "auto", capsys=capsys)[0] == 1
    assert sizes == [2]


@pytest.mark.parametrize(
    ("args", "status", "stdout"),
    (
        pytest.param([], 0, GOOD, id="fixed source on stdout"),
        pytest.param(["--check"], 1, "", id="check"),
    ),
)
def test_stdin_to_stdout(tmp_path: Path, args: list[str], status: int, stdout: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", *args, "-"],
        cwd=tmp_path,
        input=fill(BAD),
        capture_output=True,
        text=True,
    )
    assert result.returncode == status
    assert result.stdout.startswith(stdout)
    report = result.stderr if not args else result.stdout
    assert f'stdin:2:31: CLR001 key (...{KEY[-4:]}) -> os.environ["CLARIFAI_PAT"]\n' in report
    assert not any(secret in result.stdout + result.stderr for secret in GENERATED)
    assert list(tmp_path.iterdir()) == []


def test_stdin_with_nothing_to_fix_is_echoed(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "-"],
        cwd=tmp_path,
        input="x = 1\n",
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "x = 1\n", "")


@pytest.mark.parametrize(
    ("source", "error"),
    (
        pytest.param(
            "import clarifai\nPAT = '<KEY>'\nx = (\n", "does not parse (line 3)", id="syntax"
        ),
        pytest.param("import clarifai\rPAT = '<KEY>'\r", "LibCST would not", id="CR endings"),
    ),
)
def test_stdin_that_fails_is_written_back_unchanged(
    tmp_path: Path, source: str, error: str
) -> None:
    """An editor's filter (vim's `:%!`) replaces its buffer with standard output."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "-"],
        cwd=tmp_path,
        input=fill(source).encode(),
        capture_output=True,
    )
    assert (result.returncode, result.stdout) == (2, fill(source).encode())
    assert f"stdin: not processed: {error}" in result.stderr.decode()


def test_item_6_a_group_that_cannot_be_kept_is_not_written(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tree / "bad.py"
    os.chown(path, -1, other_group())

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    code, _, err = run(tree, "-j", "1", capsys=capsys)
    assert code == 2
    assert err == "./bad.py: not processed: cannot keep its owner and group; not written\n"
    assert path.read_text() == fill(BAD)
    assert sorted(p.name for p in tree.iterdir()) == ["bad.py", "clean.py"]


def test_a_plugin_flake8_cannot_load_is_a_configuration_error(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "setup.cfg").write_text(
        "[flake8:local-plugins]\nextension =\n    XYZ = nowhere:Nothing\n"
    )
    code, _, err = run(tree, capsys=capsys)
    assert code == cli.EXIT_USAGE
    assert err.startswith("clarifai-secrets-fix: error: flake8: Flake8 failed to load plugin")
    assert (tree / "bad.py").read_text() == fill(BAD)


def test_a_configuration_value_flake8_cannot_read_is_a_configuration_error(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """flake8 itself fails with a traceback there (trial 72)."""
    (tree / "setup.cfg").write_text("[flake8]\nmax-line-length = abc\n")
    code, _, err = run(tree, capsys=capsys)
    assert code == cli.EXIT_USAGE
    assert err == (
        "clarifai-secrets-fix: error: flake8: a configuration value is not valid: "
        "invalid literal for int() with base 10: 'abc'\n"
    )
    assert (tree / "bad.py").read_text() == fill(BAD)


def test_stdin_display_name_lets_per_file_ignores_apply(tmp_path: Path) -> None:
    """An editor passes the file's name, as it does to flake8 (trial 72)."""
    (tmp_path / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    tests/*: CLR\n")

    def fixed(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flake8_clarifai_secrets", "--stdin-display-name", name, "-"],
            cwd=tmp_path,
            input=fill(BAD),
            capture_output=True,
            text=True,
        )

    ignored = fixed("tests/test_client.py")
    assert (ignored.returncode, ignored.stdout, ignored.stderr) == (0, fill(BAD), "")
    checked = fixed("app/client.py")
    assert (checked.returncode, checked.stdout) == (0, GOOD)
    assert checked.stderr.startswith(f"app/client.py:2:31: CLR001 key (...{KEY[-4:]})")
