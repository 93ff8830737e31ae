"""Items 1-3 of issue 10: which variable each key gets, across the whole run."""

from __future__ import annotations

import ast
import os
import types
from pathlib import Path

import pytest

from flake8_clarifai_secrets import cli
from flake8_clarifai_secrets.credentials import mask
from flake8_clarifai_secrets.detector import find_credentials, source_lines
from flake8_clarifai_secrets.fixes import Config, FileFindings, plan
from flake8_clarifai_secrets.scan import facts
from tests.helpers import fix, run_cli
from tests.keys import GENERATED, KEY, KEY2, fill

CLIENT = "from clarifai.client.app import App\nimport os\n"


def planned(*sources: str, stored: dict[str, str] | None = None) -> list[list[str]]:
    """For each source, its steps as `CODE -> VARIABLE` or `CODE left alone: REASON`."""
    files = []
    for n, source in enumerate(sources):
        code = fill(source)
        tree = ast.parse(code)
        findings = find_credentials(tree, source_lines(code))
        reported = [True] * len(findings)
        files.append(FileFindings(f"f{n}.py", findings, reported, facts(tree, findings)))
    result = plan(files, Config(stored=stored or {}))
    return [
        [
            f"{s.finding.code} -> {s.variable}" if s.refusal is None else f"left: {s.refusal}"
            for s in result.steps[f"f{n}.py"]
        ]
        for n in range(len(sources))
    ]


@pytest.mark.parametrize(
    ("sources", "expected"),
    (
        pytest.param(
            [CLIENT + 'prod = App(pat=os.environ["CLARIFAI_PAT"])\nsandbox = App(pat="<KEY>")\n'],
            [["CLR003 -> CLARIFAI_PAT_2"]],
            id="1: a variable the file reads is not reused",
        ),
        pytest.param(
            ['import os\nprod = os.getenv("CLARIFAI_PAT")\n', CLIENT + 'a = App(pat="<KEY>")\n'],
            [[], ["CLR003 -> CLARIFAI_PAT_2"]],
            id="1: a variable another file reads is not reused",
        ),
        pytest.param(
            [
                'import os\nif "CLARIFAI_PAT" in os.environ:\n    pass\n',
                CLIENT + 'App(pat="<KEY>")\n',
            ],
            [[], ["CLR003 -> CLARIFAI_PAT_2"]],
            id="1: a membership test counts as a read",
        ),
        pytest.param(
            [CLIENT + 'a = App(pat="<KEY>")\n', CLIENT + 'b = App(pat="<KEY2>")\n'],
            [["CLR003 -> CLARIFAI_PAT"], ["CLR003 -> CLARIFAI_PAT_2"]],
            id="2: two keys in two files get two variables",
        ),
        pytest.param(
            [CLIENT + 'a = App(pat="<KEY>")\n', CLIENT + 'b = App(pat="<KEY>")\n'],
            [["CLR003 -> CLARIFAI_PAT"], ["CLR003 -> CLARIFAI_PAT"]],
            id="2: one key in two files gets one variable",
        ),
        pytest.param(
            [
                'import os\nk = os.getenv("CLARIFAI_API_KEY", "<KEY>")\n',
                CLIENT + 'App(pat="<KEY>")\n',
            ],
            [["CLR004 -> CLARIFAI_API_KEY"], ["CLR003 -> CLARIFAI_API_KEY"]],
            id="2: a key keeps the variable that the code gives it elsewhere",
        ),
        pytest.param(
            [
                'import os\nk = os.getenv("CLARIFAI_API_KEY", "<KEY>")\n',
                CLIENT + 'App(pat="<KEY>")\n',
                'import os\nCLARIFAI_PAT = "<KEY>"\n',
            ],
            [
                ["CLR004 -> CLARIFAI_API_KEY"],
                ["CLR003 -> CLARIFAI_PAT"],
                ["CLR005 -> CLARIFAI_PAT"],
            ],
            id="2: where its key has two variables, a literal reads the one flake8 named",
        ),
        pytest.param(
            [
                'import os\nk = os.getenv("CLARIFAI_PAT", "<KEY>")\n',
                'import os\nk = os.getenv("CLARIFAI_PAT", "<KEY2>")\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["left: `CLARIFAI_PAT` already holds another key"]],
            id="2: two fallbacks of one variable: the second is left alone",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                'get_ipython().run_line_magic("env", "CLARIFAI_PAT <KEY2>")\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR004 -> CLARIFAI_PAT_2"]],
            id="2: `%env NAME <key>` into a variable another key holds stays, reading its own"
            " (trial 80)",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                'get_ipython().system("export CLARIFAI_PAT=<KEY2>")\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR004 -> CLARIFAI_PAT_2"]],
            id="2: `!export NAME=<key>` alone sets nothing that stays: removed, its key takes a"
            " variable of its own (trial 80)",
        ),
        pytest.param(
            [
                'import subprocess\nsubprocess.run(["w"], env={"CLARIFAI_PAT": "<KEY>"})\n',
                'import os\nprint(os.environ["CLARIFAI_PAT"])\n',
                'def test_it(monkeypatch):\n    monkeypatch.setenv("CLARIFAI_API_KEY", "<KEY2>")\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], [], ["CLR004 -> CLARIFAI_API_KEY"]],
            id="2: a key written into a variable that stays written keeps that variable",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                'import subprocess\nsubprocess.run(["w"], env={"CLARIFAI_PAT": "<KEY2>"})\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR004 -> CLARIFAI_PAT_2"]],
            id="2: a write that stays yields its variable to a key that a removed write gives it",
        ),
        pytest.param(
            ['import os\nCLARIFAI_API_KEY = "<KEY>"\n'],
            [["CLR005 -> CLARIFAI_API_KEY"]],
            id="3: a key bound to CLARIFAI_API_KEY reads it",
        ),
        pytest.param(
            ['import os\nCLARIFAI_PAT_KEY = "<KEY>"\nCLARIFAI_API_KEY = "<KEY2>"\n'],
            [["CLR005 -> CLARIFAI_PAT_KEY", "CLR005 -> CLARIFAI_API_KEY"]],
            id="3: each credential name reads its own variable",
        ),
        pytest.param(
            [CLIENT + 'PAT = "<KEY>"\nAPI_KEY = "<KEY2>"\n'],
            [["CLR005 -> CLARIFAI_PAT", "CLR005 -> CLARIFAI_PAT_2"]],
            id="3: generic names read the configured variable",
        ),
        pytest.param(
            ['import os\nx = os.environ["CLARIFAI_API_KEY"]\n', 'CLARIFAI_API_KEY = "<KEY>"\n'],
            [[], ["CLR005 -> CLARIFAI_API_KEY_2"]],
            id="3: a credential name that the code reads for something else is not reused",
        ),
        pytest.param(
            [
                'import os\nx = os.environ["CLARIFAI_API_KEY"]\n',
                'CLARIFAI_API_KEY = "<KEY>"\n',
                CLIENT + 'PAT = "<KEY>"\n',
            ],
            [[], ["CLR005 -> CLARIFAI_PAT"], ["CLR005 -> CLARIFAI_PAT"]],
            id="3: a name whose variable is taken reads the one its key has elsewhere",
        ),
        pytest.param(
            [CLIENT + 'PAT = os.getenv("MY_PAT")\nif not PAT:\n    PAT = "<KEY>"\nApp(pat=PAT)\n'],
            [["CLR003 -> MY_PAT"]],
            id="4: a fallback of a name takes the variable the name reads",
        ),
        pytest.param(
            [
                CLIENT + 'PAT = "<KEY>"\ndef other():\n    PAT = os.environ["OTHER"]\n'
                "    return PAT\nApp(pat=PAT)\n"
            ],
            [["CLR003 -> CLARIFAI_PAT"]],
            id="4: a same-named local of another function is another binding",
        ),
        pytest.param(
            [
                CLIENT + "class A:\n    def __init__(self):\n"
                '        self.pat = os.getenv("MY_PAT")\n'
                '    def reset(self):\n        if not self.pat:\n            self.pat = "<KEY>"\n'
                "    def app(self):\n        return App(pat=self.pat)\n"
            ],
            [["CLR003 -> MY_PAT"]],
            id="4: an attribute is one binding in every method",
        ),
        pytest.param(
            [
                CLIENT + 'if sys.argv[1] == "prod":\n    PAT = "<KEY>"\n'
                'elif sys.argv[1] == "staging":\n    PAT = "<KEY2>"\n'
                'else:\n    PAT = os.environ["CLARIFAI_PAT"]\nApp(pat=PAT)\n'
            ],
            [["CLR003 -> CLARIFAI_PAT_2", "CLR003 -> CLARIFAI_PAT_3"]],
            id="4: keys that a test of something else picks beside a read take their own",
        ),
        pytest.param(
            [
                CLIENT + 'PAT = os.getenv("CLARIFAI_PAT")\nif not PAT:\n    raise SystemExit(1)\n'
                'elif sys.argv[1] == "demo":\n    PAT = "<KEY>"\nApp(pat=PAT)\n'
            ],
            [["CLR003 -> CLARIFAI_PAT_2"]],
            id="4: an elif after a test of the name has a test of its own",
        ),
        pytest.param(
            [
                CLIENT + 'PAT = None\nif "CLARIFAI_PAT" in os.environ:\n'
                '    PAT = os.environ["CLARIFAI_PAT"]\nif sys.argv[1] == "demo":\n'
                '    PAT = "<KEY>"\nApp(pat=PAT)\n'
            ],
            [["CLR003 -> CLARIFAI_PAT_2"]],
            id="4: a guarded read does not make a key that something else picks its fallback",
        ),
        pytest.param(
            [
                CLIENT + 'PAT = "<KEY>"\nif os.getenv("CLARIFAI_PAT"):\n'
                '    PAT = os.environ["CLARIFAI_PAT"]\nApp(pat=PAT)\n'
            ],
            [["CLR003 -> CLARIFAI_PAT"]],
            id="4: a key that a read of the variable replaces when it is set is its fallback",
        ),
        pytest.param(
            [
                CLIENT + 'try:\n    PAT = os.environ["MY_PAT"]\nexcept KeyError:\n'
                '    PAT = "<KEY>"\nApp(pat=PAT)\n'
            ],
            [["CLR003 -> MY_PAT"]],
            id="4: a key in the except block of a read is its fallback",
        ),
        pytest.param(
            [
                "from clarifai.rest import ClarifaiApp\n"
                'CLARIFAI_APP_ID = "<LEGACY>"\nCLARIFAI_APP_SECRET = "<LEGACY2>"\n'
                "app = ClarifaiApp(CLARIFAI_APP_ID, CLARIFAI_APP_SECRET)\n"
            ],
            [["CLR003 -> CLARIFAI_APP_ID", "CLR003 -> CLARIFAI_APP_SECRET"]],
            id="5: a v1 client id and secret read the variables their names say",
        ),
        pytest.param(
            [
                "from clarifai.rest import ClarifaiApp\ndef app():\n"
                '    client_id, client_secret = "<LEGACY>", "<LEGACY2>"\n'
                "    return ClarifaiApp(client_id, client_secret)\n"
            ],
            [["CLR003 -> CLARIFAI_CLIENT_ID", "CLR003 -> CLARIFAI_CLIENT_SECRET"]],
            id="5: a v1 credential's plain name reads it with the v1 prefix",
        ),
        pytest.param(
            [
                'import os\npat = os.getenv("CLARIFAI_PAT", "<KEY>")\n',
                "from pydantic_settings import BaseSettings, SettingsConfigDict\nimport clarifai\n"
                'class S(BaseSettings):\n    clarifai_pat: str = "<KEY2>"\n'
                'class T(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="APP_")\n'
                '    clarifai_pat: str = "<KEY2>"\n'
                "class U(BaseSettings):\n"
                '    token: str = Field("<KEY2>", alias="CLARIFAI_TOKEN")\n',
            ],
            [
                ["CLR004 -> CLARIFAI_PAT"],
                [
                    "left: `CLARIFAI_PAT` already holds another key",
                    "left: line 4 of this file keeps the key: move both by hand",
                    "left: line 4 of this file keeps the key: move both by hand",
                ],
            ],
            id="a pydantic-settings field reads its own variable first: its default reads it too;"
            " the file keeps that key, so its other copies stay too",
        ),
        pytest.param(
            [
                'import os\nfrom clarifai.client.model import Model\nPAT = "<KEY>"\n'
                "def run(url):\n"
                '    return Model(url=url, pat=os.environ.get("JOB_CLARIFAI_PAT", PAT))\n',
                "import os\nfrom unittest import mock\nimport clarifai\n"
                '@mock.patch.dict(os.environ, {"JOB_CLARIFAI_PAT": "<KEY2>"})\n'
                "def test_run():\n    pass\n",
            ],
            [["CLR004 -> JOB_CLARIFAI_PAT"], ["CLR004 -> JOB_CLARIFAI_PAT_2"]],
            id="a name given as a read's default reads that variable; a test's key takes another",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                "import clarifai\ndef test_pat(monkeypatch, client):\n"
                '    monkeypatch.setenv("CLARIFAI_PAT", "<KEY2>")\n'
                '    assert client.api_key == "<KEY2>"\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR004 -> CLARIFAI_PAT_2", "CLR005 -> CLARIFAI_PAT_2"]],
            id="a write of another key into a variable the run gives to a key stays, and reads "
            "the key's own variable (trials 64 to 67)",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                'import os\nos.environ["CLARIFAI_PAT"] = "CLARIFAI_PAT_TOKEN"\n'
                + CLIENT
                + 'CLARIFAI_PAT = "<KEY>"\napp = App(pat=CLARIFAI_PAT)\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR003 -> CLARIFAI_PAT_2"]],
            id="a file that writes a placeholder into the variable the run gives its key does not "
            "read it (trial 109, LangChain's Clarifai notebook)",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "CLARIFAI_PAT_TOKEN"\n'
                + CLIENT
                + 'os.environ["CLARIFAI_PAT"] = "<KEY>"\napp = App()\n',
            ],
            [["CLR004 -> CLARIFAI_PAT_2"]],
            id="a write of the key over the file's own placeholder stays, and reads the key's own "
            "variable: removed, the placeholder would be read",
        ),
        pytest.param(
            [
                'get_ipython().run_line_magic("env", "CLARIFAI_PAT=YOUR_PAT_HERE")\n'
                + CLIENT
                + 'app = App(pat="<KEY>")\n',
                'import os\nos.environ |= {"CLARIFAI_PAT": "YOUR_PAT_HERE"}\n'
                + CLIENT
                + 'app = App(pat="<KEY>")\n',
            ],
            [["CLR003 -> CLARIFAI_PAT_2"], ["CLR003 -> CLARIFAI_PAT_2"]],
            id="a placeholder that a notebook's %env or environ |= writes is another value",
        ),
        pytest.param(
            [
                'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n',
                'import os\nPAT = "<KEY>"\nos.environ["CLARIFAI_PAT"] = PAT\n',
            ],
            [["CLR004 -> CLARIFAI_PAT"], ["CLR004 -> CLARIFAI_PAT"]],
            id="a copy of the key's binding into the variable is no other value",
        ),
    ),
)
def test_plan(sources: list[str], expected: list[list[str]]) -> None:
    got = planned(*sources)
    assert [[step.split(" (")[0] for step in steps] for steps in got] == expected


@pytest.mark.parametrize(
    ("sources", "stored", "refusal"),
    [
        (
            [
                'import os\nk = os.getenv("CLARIFAI_PAT", "<KEY>")\n',
                'import os\nk = os.getenv("CLARIFAI_PAT", "<KEY2>")\n',
            ],
            {},
            f"({mask(KEY)}, from line 2 of f0.py)",
        ),
        (
            [
                'import os\nk = os.getenv("CLARIFAI_PAT", "<KEY>")\n'
                'j = os.getenv("CLARIFAI_PAT", "<KEY2>")\n',
            ],
            {},
            f"({mask(KEY)}, from line 2 of this file)",
        ),
        (
            ['import os\nk = os.getenv("CLARIFAI_PAT", "<KEY2>")\n'],
            {"CLARIFAI_PAT": KEY},
            f"({mask(KEY)}, from the env file)",
        ),
    ],
    ids=["another file", "this file", "the env file"],
)
def test_a_refused_claim_names_where_the_variable_got_its_key(
    sources: list[str], stored: dict[str, str], refusal: str
) -> None:
    """Trial 78: in a run over many unrelated scripts, the file that took the variable first."""
    last = planned(*sources, stored=stored)[-1][-1]
    assert last == (
        f"left: `CLARIFAI_PAT` already holds another key {refusal}, which this code reads "
        "instead once it is set; fix it by hand"
    )


@pytest.mark.parametrize(
    "second, variables",
    [
        ('os.environ["CLARIFAI_PAT"] = "<KEY2>"\n', {"CLARIFAI_PAT": KEY, "CLARIFAI_PAT_2": KEY2}),
        (
            'get_ipython().run_line_magic("env", "CLARIFAI_PAT=<KEY2>")\n',
            {"CLARIFAI_PAT": KEY, "CLARIFAI_PAT_2": KEY2},
        ),
        # Trials 85-87: made only where the variable is unset, this write is a fallback, which
        # must own the variable; the unconditional write stays and reads the other one.
        (
            'os.environ.setdefault("CLARIFAI_PAT", "<KEY2>")\n',
            {"CLARIFAI_PAT": KEY2, "CLARIFAI_PAT_2": KEY},
        ),
        (
            'if "CLARIFAI_PAT" not in os.environ:\n    os.environ["CLARIFAI_PAT"] = "<KEY2>"\n',
            {"CLARIFAI_PAT": KEY2, "CLARIFAI_PAT_2": KEY},
        ),
    ],
    ids=["write", "env magic", "setdefault", "guarded write"],
)
def test_a_write_of_a_key_into_a_variable_another_key_holds_keeps_what_the_code_reads(
    second: str,
    variables: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Snippets copied into one repository each write their own key into `CLARIFAI_PAT`; a
    notebook exported as a script writes it with `%env`. Each file reads in an environment that
    holds what the fix wrote to `.env` what it read before in an empty one."""
    read = 'PAT = os.environ["CLARIFAI_PAT"]\n'
    first = 'os.environ["CLARIFAI_PAT"] = "<KEY>"\n'
    sources = {
        "a.py": fill("import os  # clarifai\n" + first + read),
        "b.py": fill("import os  # clarifai\n" + second + read),
    }
    for path, source in sources.items():
        (tmp_path / path).write_text(source)
    assert run_cli(tmp_path, "--env-file", ".env", ".", capsys=capsys)[0] == 0
    stored = dict(line.split("=", 1) for line in (tmp_path / ".env").read_text().splitlines())
    assert stored == variables

    def env_magic(magic: str, line: str) -> None:
        os.environ.__setitem__(*line.split("=", 1))

    ipython = types.SimpleNamespace(run_line_magic=env_magic)
    for path, source in sources.items():
        pats = []
        for code, environment in ((source, {}), ((tmp_path / path).read_text(), stored)):
            monkeypatch.setattr(os, "environ", dict(environment))
            namespace: dict[str, object] = {"get_ipython": lambda: ipython}
            exec(compile(code, path, "exec"), namespace)
            pats.append(namespace["PAT"])
        assert pats[0] == pats[1]


def test_fallbacks_own_their_variable_before_writes_do() -> None:
    """Trial 85: a write that sorts first no longer takes the variable that a later file's
    fallback reads; the write reads a variable of its own."""
    write = 'import os  # clarifai\nos.environ["CLARIFAI_PAT"] = "<KEY>"\n'
    fallback = 'import os  # clarifai\nk = os.getenv("CLARIFAI_PAT", "<KEY2>")\n'
    assert planned(write, fallback) == [["CLR004 -> CLARIFAI_PAT_2"], ["CLR004 -> CLARIFAI_PAT"]]


@pytest.mark.parametrize(
    "fallback",
    [
        'os.environ.setdefault("CLARIFAI_PAT", "<KEY2>")\n',
        'if "CLARIFAI_PAT" not in os.environ:\n    os.environ["CLARIFAI_PAT"] = "<KEY2>"\n',
        'PAT = os.environ["CLARIFAI_PAT"] if "CLARIFAI_PAT" in os.environ else "<KEY2>"\n',
        # Trial 91: the same, for variables the code does not name where it writes them.
        'DEFAULTS = {"CLARIFAI_PAT": "<KEY2>"}\nfor name, value in DEFAULTS.items():\n'
        "    os.environ.setdefault(name, value)\n",
        'DEFAULTS = {"CLARIFAI_PAT": "<KEY2>"}\nfor name, value in DEFAULTS.items():\n'
        "    if name not in os.environ:\n        os.environ[name] = value\n",
        'import subprocess\nsubprocess.run(["clarifai", "model", "list"], '
        'env={"CLARIFAI_PAT": "<KEY2>", **os.environ})\n',
        'import subprocess\nenv = os.environ.copy()\nenv.setdefault("CLARIFAI_PAT", "<KEY2>")\n'
        'subprocess.run(["clarifai", "model", "list"], env=env)\n',
    ],
    ids=[
        "setdefault",
        "guarded write",
        "conditional expression",
        "setdefault in a loop",
        "guarded write in a loop",
        "an entry that the environment overrides",
        "setdefault on a copy of the environment",
    ],
)
def test_a_second_fallback_of_a_variable_is_left_alone(fallback: str) -> None:
    """Trial 86: once the variable holds the first key, a second fallback would give its code
    that key, whatever variable the fix reads."""
    first = 'import os  # clarifai\nk = os.getenv("CLARIFAI_PAT", "<KEY>")\n'
    last = planned(first, "import os  # clarifai\n" + fallback)[-1][-1]
    assert last == (
        f"left: `CLARIFAI_PAT` already holds another key ({mask(KEY)}, from line 2 of f0.py), "
        "which this code reads instead once it is set; fix it by hand"
    )


def test_env_file_names_are_taken() -> None:
    assert planned(CLIENT + 'App(pat="<KEY>")\n', stored={"CLARIFAI_PAT": KEY2}) == [
        ["CLR003 -> CLARIFAI_PAT_2"]
    ]
    assert planned(CLIENT + 'App(pat="<KEY>")\n', stored={"OLD": KEY}) == [["CLR003 -> OLD"]]


def test_item_1_the_sandbox_does_not_switch_to_the_production_key() -> None:
    source = fill(
        CLIENT + 'prod = App(pat=os.environ["CLARIFAI_PAT"])\nsandbox = App(pat="<KEY>")\n'
    )
    assert 'sandbox = App(pat=os.environ["CLARIFAI_PAT_2"])\n' in fix(source)


def test_item_2_summary_names_at_most_three_files_per_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(5):
        (tmp_path / f"a{n}.py").write_text(fill(CLIENT + 'a = App(pat="<KEY>")\n'))
    (tmp_path / "b.py").write_text(fill(CLIENT + 'b = App(pat="<KEY2>")\n'))
    code, out, _ = run_cli(tmp_path, "--check", "-j", "1", capsys=capsys)
    assert code == 1
    assert (
        f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}, read in ./a0.py, ./a1.py, ./a2.py "
        f"and 2 more), CLARIFAI_PAT_2 (...{KEY2[-4:]}, read in ./b.py).\n"
    ) in out


def test_summary_says_a_removed_shell_export_leaves_its_variable_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`!export CLARIFAI_PAT=<key>` sets the variable in a shell that ends: removed, it changes
    nothing. Where another key holds `CLARIFAI_PAT`, its key keeps a variable of its own, which
    no code reads."""
    (tmp_path / "a.py").write_text(
        fill(CLIENT + 'a = App(pat=os.getenv("CLARIFAI_PAT", "<KEY>"))\n')
    )
    (tmp_path / "b.py").write_text(
        fill("import os\nget_ipython().system('export CLARIFAI_PAT=<KEY2>')\nx = 1\n")
    )
    code, out, _ = run_cli(tmp_path, "-j", "1", capsys=capsys)
    assert code == 0
    assert (
        f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}, read in ./a.py), "
        f"CLARIFAI_PAT_2 (...{KEY2[-4:]}, from ./b.py, read by no code).\n"
    ) in out
    assert (tmp_path / "b.py").read_text() == "import os\nx = 1\n"


def test_item_2_summary_lists_every_variable_with_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(fill(CLIENT + 'a = App(pat="<KEY>")\n'))
    (tmp_path / "b.py").write_text(fill(CLIENT + 'b = App(pat="<KEY2>")\n'))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert cli.main(["-j", "2"]) == 0
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert not any(secret in out for secret in GENERATED)
    assert (
        f"Set before running: CLARIFAI_PAT (...{KEY[-4:]}, read in ./a.py), "
        f"CLARIFAI_PAT_2 (...{KEY2[-4:]}, read in ./b.py).\n" in out
    )
    assert 'os.environ["CLARIFAI_PAT"]' in (tmp_path / "a.py").read_text()
    assert 'os.environ["CLARIFAI_PAT_2"]' in (tmp_path / "b.py").read_text()
