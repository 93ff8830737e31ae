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
            "import os\n\n# Clients.\nimport requests\n"
            'm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
            id="a section of its own before third-party imports",
        ),
    ),
)
def test_item_9_import_os_goes_where_isort_puts_it(source: str, expected: str) -> None:
    assert fix(fill(source)) == fill(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    (
        pytest.param(
            "import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\nx = 1\n",
            "x = 1\n",
            id="import os that only the dropped line used",
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
            "import os\nos.environ['CLARIFAI_PAT'] = '<KEY>'\n"
            "m = (('authorization', 'Key <KEY2>'),)\n",
            'import os\nm = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT_2"]),)\n',
            id="os still used by another fix",
        ),
    ),
)
def test_item_9_imports_the_fix_made_unused_are_removed(source: str, expected: str) -> None:
    assert fix(fill(source)) == fill(expected)
