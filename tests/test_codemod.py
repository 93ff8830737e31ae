from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cases import GAPS, NEGATIVE, POSITIVE, Case
from tests.helpers import fix, results
from tests.keys import KEY, KEY2, LEGACY, TOKEN, fill


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_rewrite(case: Case) -> None:
    source = fill(case.source)
    assert fix(source) == fill(case.fixed if case.fixed is not None else case.source)


@pytest.mark.parametrize("case", POSITIVE + GAPS)
def test_plugin_is_silent_after_the_fix(case: Case) -> None:
    fixed = fix(fill(case.source))
    assert results(fixed) == (set() if case.fixed is not None else case.findings)


@pytest.mark.parametrize("case", POSITIVE + NEGATIVE)
def test_second_fix_changes_nothing(case: Case) -> None:
    once = fix(fill(case.source))
    assert fix(once) == once


class _Client:
    """Stands in for a Clarifai SDK class: it records how it was called."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.call = (type(self).__name__, args, kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Client) and self.call == other.call


@pytest.fixture
def fake_clarifai(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = {
        "clarifai.client": ["User", "App", "Model"],
        "clarifai.client.model": ["Model"],
        "clarifai.client.user": ["User"],
        "clarifai.client.app": ["App"],
        "clarifai.client.auth.helper": ["ClarifaiAuthHelper"],
        "clarifai.rest": ["ClarifaiApp"],
    }
    for name in ["clarifai", "clarifai.client.auth", *modules]:
        module = types.ModuleType(name)
        for cls in modules.get(name, []):
            setattr(module, cls, type(cls, (_Client,), {}))
        monkeypatch.setitem(sys.modules, name, module)


class _Stub:
    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: (name, args, kwargs)


def _run(source: str) -> dict[str, object]:
    """Execute `source` and return the values it built."""
    given: dict[str, object] = {"stub": _Stub(), "req": "request"}
    namespace = dict(given)
    exec(compile(source, "<case>", "exec"), namespace)
    return {
        k: v
        for k, v in namespace.items()
        if not isinstance(v, (types.ModuleType, types.FunctionType, type))
        and v is not os.environ
        and k not in given
        and k != "__builtins__"
    }


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [n for n in os.environ if n.startswith("CLARIFAI_")]:
        monkeypatch.delenv(name)
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


@pytest.mark.usefixtures("fake_clarifai", "clean_environ")
@pytest.mark.parametrize("case", POSITIVE)
def test_behaviour_is_kept(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    source = fill(case.source)
    fixed = fix(source)
    expected = _run(source)
    os.environ.clear()
    env = {
        "CLARIFAI_PAT": LEGACY if "<LEGACY>" in case.source else KEY,
        "CLARIFAI_PAT_2": KEY2,
        "CLARIFAI_API_KEY": KEY,
        "CLARIFAI_CLIENT_SECRET": LEGACY,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _run(fixed) == expected


def test_unset_variable_fails_clearly(clean_environ: None) -> None:
    fixed = fix(fill("metadata = (('authorization', 'Key <KEY>'),)\n"))
    with pytest.raises(KeyError, match="CLARIFAI_PAT"):
        _run(fixed)


def test_non_clarifai_scheme_with_a_named_variable() -> None:
    source = fill("m = (('authorization', 'Bearer <TOKEN>'),)\n")
    assert fix(source, env_var_for=[("bearer", "OPENAI_API_KEY")]) == (
        'import os\n\nm = ((\'authorization\', "Bearer " + os.environ["OPENAI_API_KEY"]),)\n'
    )
    assert TOKEN not in fix(source, env_var_for=[("bearer", "OPENAI_API_KEY")])


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
