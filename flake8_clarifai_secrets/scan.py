"""What the fixer needs to know about a file besides its findings: the variables it reads, the
names its keys are bound to, and whether `os` is free. Pure: an `ast` tree in, facts out."""

from __future__ import annotations

import ast
import bisect
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional

from flake8_clarifai_secrets.credentials import is_credential_name, is_legacy_name, snake_case
from flake8_clarifai_secrets.detector import Finding
from flake8_clarifai_secrets.detector.tree import (
    binds_os_elsewhere,
    environ_read,
    parameter_defaults,
)
from flake8_clarifai_secrets.detector.scopes import takes
from flake8_clarifai_secrets.detector.sinks.environ import ENV_MAGIC
from flake8_clarifai_secrets.detector.values import is_settings_class, unwrapped
from flake8_clarifai_secrets.env_readers import setting

_ENV_VAR = re.compile(r"[A-Z_][A-Z0-9_]*")
CREDENTIAL_VARIABLE_PREFIX = "CLARIFAI_"
# Calls whose first argument names an environment variable: functions, and `environ` methods.
_ENV_FUNCTIONS = frozenset({"getenv", "putenv", "unsetenv"})
_ENVIRON_METHODS = frozenset({"get", "setdefault", "pop"})


@dataclass(frozen=True)
class Facts:
    """`reads`: every variable the file names in `os.environ`, `os.getenv` and the like.
    `bindings`: finding index -> the dotted name its literal is directly assigned to.
    `fallbacks`: finding index -> the variable that another value of its binding reads, so that
    the literal is that variable's fallback (`pat = os.getenv("X")`, then
    `if not pat: pat = "<key>"`; not where a test of something else picks the literal), or that
    the other operand of its `or` or conditional expression reads (`PAT or "<key>"`, `PAT if
    PAT else "<key>"`). A plain name is the same binding only in the same function or class
    body; an attribute (`self.pat`) is the same anywhere.
    `unset`: the variables the file deletes, with `ALL_VARIABLES` where it clears them all.
    `conditional`: finding index -> the variable it is written to only where that is unset
    (`os.environ.setdefault("X", "<key>")`, `if "X" not in os.environ: os.environ["X"] = ...`,
    `env={"X": "<key>", **os.environ}`): fallbacks, as a read's default is.
    `copies`: finding index -> the variables that the file writes its binding into
    (`os.environ["X"] = pat`, `os.environ.setdefault("X", pat)`): the binding may read one of
    them, which then holds its key.
    `overwritten`: variable -> where (line, column) the file first writes something else into
    it than its keys (`os.environ["CLARIFAI_PAT"] = "CLARIFAI_PAT_TOKEN"`, a docs notebook's
    placeholder): what the file reads there after such a write is that value.
    """

    reads: frozenset[str] = frozenset()
    bindings: dict[int, str] = field(default_factory=dict)
    fallbacks: dict[int, str] = field(default_factory=dict)
    os_taken: bool = False
    unset: frozenset[str] = frozenset()
    conditional: dict[int, str] = field(default_factory=dict)
    copies: dict[int, tuple[str, ...]] = field(default_factory=dict)
    overwritten: dict[str, tuple[int, int]] = field(default_factory=dict)


def facts(tree: ast.AST, findings: Sequence[Finding]) -> Facts:
    # One walk: each walk of a big file's tree costs about a third of parsing it.
    nodes = _scoped_nodes(tree)
    statements = list(_assignments(nodes))
    reads: dict[tuple[Optional[ast.AST], str], str] = {}
    # A name's key is the fallback of a read into the same name only where one of the two
    # stands under a test of that name or variable (`if not pat: pat = "<key>"`), or in an
    # `except`; not where a test of something else picks the key (`if stage == "prod"`).
    guarded, picked = _guarded_values(nodes)
    fallback_reads = set()
    for scope, target, value in statements:
        variable = _variable_read(value)
        if variable is not None:
            pair = (_owner(scope, target), target)
            reads.setdefault(pair, variable)
            if id(value) in guarded:
                fallback_reads.add(pair)
    # `os.environ["CLARIFAI_PAT"] = PAT`: the lines where each binding is copied, and where;
    # and the bindings copied into each variable only where it is unset (`setdefault`).
    copied: dict[tuple[Optional[ast.AST], str], list[tuple[int, str]]] = {}
    defaulted: dict[str, set[tuple[Optional[ast.AST], str]]] = {}
    for node, scope in nodes:
        for name, variable, line, unset in _environ_copies(node):
            pair = (_reading_owner(scope, name), name)
            copied.setdefault(pair, []).append((line, variable))
            if unset:
                defaulted.setdefault(variable, set()).add(pair)
        # `os.environ.get("JOB_CLARIFAI_PAT", PAT)`: `PAT` is that credential variable's
        # fallback, in the function of the read or, where that function binds no `PAT`, the
        # module's.
        default = _default_read(node)
        if default is not None:
            name, variable = default
            pair = (_reading_owner(scope, name), name)
            reads.setdefault(pair, variable)
            fallback_reads.add(pair)
    operands = [
        (literal, variable)
        for node, scope in nodes
        for literal, read in _fallback_operands(node)
        for variable in [_credential_read(read, scope, reads)]
        if variable is not None
    ]
    operands += [pair for node, _ in nodes for pair in _option_envvar(node)]
    operands += _returned_fallbacks(nodes, reads)
    # Literals by their first line: a file may hold thousands of findings.
    by_line: dict[int, list[tuple[ast.expr, str]]] = {}
    for literal, variable in operands:
        by_line.setdefault(literal.lineno, []).append((literal, variable))
    scopes = sorted(
        (node for node, _ in nodes if isinstance(node, _SCOPES)), key=lambda n: n.lineno
    )
    starts = [scope.lineno for scope in scopes]
    bindings = {}
    fallbacks = {}
    copies = {}
    # A copy fills its variable only where every other naming of it is a copy too, and no
    # other binding's copy is made only where it is unset (which the preset variable would
    # skip).
    named = Counter(variables_named(node for node, _ in nodes)) if copied else Counter()
    copies_of = Counter(variable for made in copied.values() for _, variable in made)
    filled = {variable for variable, count in copies_of.items() if count == named[variable]}
    for index, finding in enumerate(findings):
        fix = finding.fix
        # A fallback read into text around it (`AUTH or "Key <key>"`) would hold the text too.
        if fix is not None and not (fix.prefix or fix.suffix):
            candidates = by_line.get(fix.span.line, [])
            operand = next((v for literal, v in candidates if _holds(literal, finding)), None)
            if operand is not None:
                fallbacks[index] = operand
        bound = _bound_literal(finding, statements)
        binding = getattr(finding, "binding", None) or (bound[0] if bound else None)
        if binding is None:
            continue
        bindings[index] = binding
        pair = (_owner(_scope_at(scopes, starts, finding.line), binding), binding)
        if pair in copied:
            copies[index] = tuple(
                variable
                for variable in _copies_of(finding.line, pair, copied[pair], statements)
                if variable in filled and defaulted.get(variable, {pair}) == {pair}
            )
        assigned = None if bound is None else id(bound[1])
        if pair in reads and (
            assigned in guarded or pair in fallback_reads and assigned not in picked
        ):
            fallbacks.setdefault(index, reads[pair])
    fields = [field for node, _ in nodes for field in _settings_fields(node)]
    for index, finding in enumerate(findings):
        if finding.fix is None or finding.fix.prefix or finding.fix.suffix:
            continue
        for first, last, name, variable in fields:
            # The literal may be wrapped: `Field("<key>", alias=...)`, `SecretStr("<key>")`.
            if first <= finding.line <= last and bindings.get(index) in (name, None):
                fallbacks[index] = variable
    every = [node for node, _ in nodes]
    return Facts(
        frozenset(variables_named(every)),
        bindings,
        fallbacks,
        binds_os_elsewhere(every),
        frozenset(variables_unset(every)),
        dict(_conditional_writes(every, findings, bindings)),
        copies,
        _overwritten(every, findings, bindings),
    )


def _copies_of(
    line: int,
    pair: tuple[Optional[ast.AST], str],
    copied: list[tuple[int, str]],
    statements: Sequence[tuple[Optional[ast.AST], str, ast.expr]],
) -> tuple[str, ...]:
    """The variables that the binding of `pair` on `line` is copied into before the name is
    bound again."""
    later = [
        value.lineno
        for scope, target, value in statements
        if target == pair[1] and _owner(scope, target) is pair[0] and value.lineno > line
    ]
    until = min(later, default=sys.maxsize)
    return tuple(dict.fromkeys(variable for at, variable in copied if line <= at < until))


def _environ_copies(node: ast.AST) -> Iterator[tuple[str, str, int, bool]]:
    """(name, variable, line, only where unset) for `os.environ["X"] = name`,
    `os.environ.setdefault("X", name)`."""
    if isinstance(node, ast.Assign):
        for variable, value, _ in _environ_writes(node):
            name = _dotted(value)
            if name is not None:
                yield name, variable, node.lineno, False
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setdefault"
        and _ends_with(node.func.value, "environ")
        and len(node.args) == 2
    ):
        name = _dotted(node.args[1])
        if name is not None:
            yield from ((name, v, node.lineno, True) for v in _strings(node.args[0]))


def _overwritten(
    nodes: Iterable[ast.AST], findings: Sequence[Finding], bindings: dict[int, str]
) -> dict[str, tuple[int, int]]:
    """Where each variable is first written with a value that is not one of the file's keys:
    not a string that holds one, nor a name a key is bound to (`os.environ["X"] = PAT`)."""
    secrets = [finding.secret for finding in findings]
    bound = set(bindings.values())
    found: dict[str, tuple[int, int]] = {}
    for node in nodes:
        for variable, value, at in _environ_writes(node):
            text = value.value if isinstance(value, ast.Constant) else None
            if isinstance(text, str) and any(secret in text for secret in secrets):
                continue
            if _dotted(value) not in bound:
                found[variable] = min(found.get(variable, at), at)
    return found


def _environ_writes(node: ast.AST) -> Iterator[tuple[str, ast.expr, tuple[int, int]]]:
    """(variable, value, where) for `os.environ["X"] = value`, `os.environ.update({"X":
    value})`, `os.environ.update(X=value)`, `os.environ |= {"X": value}`, `os.putenv("X",
    value)` and a notebook's `%env X=value` (`run_line_magic("env", "X=value")`); not
    `setdefault`, which leaves a variable that is set as it is."""
    entries: list[tuple[Optional[ast.expr], ast.expr]] = []
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and _ends_with(target.value, "environ"):
                entries.append((target.slice, node.value))
    elif isinstance(node, ast.AugAssign) and _ends_with(node.target, "environ"):
        if isinstance(node.op, ast.BitOr) and isinstance(node.value, ast.Dict):
            entries += zip(node.value.keys, node.value.values)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method, arguments = node.func.attr, node.args
        if method == "update" and _ends_with(node.func.value, "environ"):
            for keyword in node.keywords:
                if keyword.arg is not None:
                    yield keyword.arg, keyword.value, _at(keyword.value)
            if arguments and isinstance(arguments[0], ast.Dict):
                entries += zip(arguments[0].keys, arguments[0].values)
        elif method == "putenv" and len(arguments) == 2:
            entries.append((arguments[0], arguments[1]))
        elif method == "run_line_magic" and len(arguments) == 2:
            magic = ENV_MAGIC.fullmatch(next(_strings(arguments[1]), ""))
            if next(_strings(arguments[0]), None) in ("env", "set_env") and magic is not None:
                yield magic["name"], ast.Constant(magic["value"]), _at(node)
    for key, value in entries:
        if key is not None:
            yield from ((variable, value, _at(value)) for variable in _strings(key))


def _at(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _conditional_writes(
    nodes: Iterable[ast.AST], findings: Sequence[Finding], bindings: dict[int, str]
) -> Iterator[tuple[int, str]]:
    """(index, variable) for the findings that write a variable only where it is unset: in a
    `setdefault` call, in a block of an `if` whose test names the variable, or in a dict
    entry that `**os.environ` later in the dict overrides; every write, where the file does so
    for variables it does not name (`for name, value in DEFAULTS.items():
    os.environ.setdefault(name, value)`, `if name not in os.environ:`, `{**DEFAULTS,
    **os.environ}`)."""
    spans: list[tuple[int, int, str]] = []
    # The values of entries that `**os.environ` overrides, each with its entry's variable.
    overridden: list[tuple[int, int, str]] = []
    everywhere = False
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and node.args
        ):
            last = node.end_lineno or node.lineno
            names = list(_strings(node.args[0]))
            # A variable's name: any dict's `setdefault` may hold the environment's copy.
            environ = _ends_with(node.func.value, "environ")
            spans += [
                (node.lineno, last, name) for name in names if environ or _ENV_VAR.fullmatch(name)
            ]
            everywhere = everywhere or not names and environ
        elif isinstance(node, ast.If):
            tested = {
                part.value
                for part in ast.walk(node.test)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            }
            for block in (node.body, node.orelse):
                if block:
                    last = block[-1].end_lineno or block[-1].lineno
                    spans += [(block[0].lineno, last, variable) for variable in tested]
            everywhere = everywhere or any(
                isinstance(part, ast.Compare)
                and any(_ends_with(c, "environ") for c in part.comparators)
                and not isinstance(part.left, ast.Constant)
                for part in ast.walk(node.test)
            )
        elif isinstance(node, ast.Dict):
            merged = [
                i
                for i, (k, v) in enumerate(zip(node.keys, node.values))
                if k is None and _ends_with(v, "environ")
            ]
            if merged:
                before = list(zip(node.keys, node.values))[: merged[-1]]
                everywhere = everywhere or any(key is None for key, _ in before)
                overridden += [
                    (value.lineno, value.end_lineno or value.lineno, variable)
                    for key, value in before
                    if key is not None
                    for variable in _strings(key)
                    if _ENV_VAR.fullmatch(variable)
                ]
    for index, finding in enumerate(findings):
        written = finding.target if finding.writes else None
        bound = bindings.get(index)
        if bound is not None and written is None:
            written = credential_variable(bound, legacy=False)
        inside = [
            variable
            for first, last, variable in spans
            if first <= finding.line <= last
            and variable in (written, finding.target, finding.target.strip("\"'"))
        ]
        inside += [
            variable for first, last, variable in overridden if first <= finding.line <= last
        ]
        if inside:
            yield index, inside[0]
        elif everywhere and written is not None:
            yield index, written


def _settings_fields(node: ast.AST) -> Iterator[tuple[int, int, str, str]]:
    """(first line, last line, name, variable) of each field with a value of a pydantic-settings
    class, which reads the variable before its default: its alias (`Field(alias="X")`, also
    `validation_alias=`, pydantic 1's `env=`), else its name after the class's `env_prefix`."""
    if not isinstance(node, ast.ClassDef) or not is_settings_class(node):
        return
    prefix = _env_prefix(node)
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            value = statement.value
            if value is None:
                continue
            aliases = [
                keyword.value.value
                for keyword in (value.keywords if isinstance(value, ast.Call) else [])
                if keyword.arg in _ALIASES
                and isinstance(keyword.value, ast.Constant)
                and isinstance(keyword.value.value, str)
            ]
            # Only a default that is a string of its own: a field that holds more than the
            # key (`headers: dict = {"Authorization": "Key <key>"}`) reads its variable as
            # that whole value.
            default = unwrapped(value)
            if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
                continue
            name = statement.target.id
            variable = aliases[0] if aliases else (prefix + name).upper()
            yield default.lineno, default.end_lineno or default.lineno, name, variable


_ALIASES = frozenset({"alias", "validation_alias", "env"})


def _env_prefix(definition: ast.ClassDef) -> str:
    prefix = setting(definition, "env_prefix")
    return next(_strings(prefix), "") if prefix is not None else ""


def named_facts(tree: ast.AST, findings: Sequence[Finding], lines: Sequence[str]) -> Facts:
    """The facts that say which variable each key reads, for flake8's messages: all of them
    where the file may read a variable, else the names the keys are bound to, as `facts`
    walks the whole tree, which costs about as much as parsing it; also where pydantic-settings
    fields or click options read their own variables. (Whether `os` is free only
    decides whether the fixer refuses.)"""
    if any(word in line for line in lines for word in _READS_VARIABLES):
        return facts(tree, findings)
    return Facts(bindings={i: f.binding for i, f in enumerate(findings) if f.binding})


# Words on a line where the code may read a variable: `os.environ`, `os.getenv`, a
# pydantic-settings class, a click or typer option's `envvar=`.
_READS_VARIABLES = ("environ", "getenv", "BaseSettings", "envvar")


def credential_variable(binding: str, *, legacy: bool) -> Optional[str]:
    """`CLARIFAI_API_KEY` for a binding so named: the variable a key bound to it reads. A legacy
    v1 credential's name says `ID` or `SECRET`, and reads its own variable too, with the prefix
    the v1 clients' variables have: `client_secret` reads `CLARIFAI_CLIENT_SECRET`."""
    leaf = binding.rpartition(".")[2]
    variable = snake_case(leaf).upper()
    if legacy and is_legacy_name(CREDENTIAL_VARIABLE_PREFIX + variable):
        if not variable.startswith(CREDENTIAL_VARIABLE_PREFIX):
            variable = CREDENTIAL_VARIABLE_PREFIX + variable
        return variable if _ENV_VAR.fullmatch(variable) else None
    if (
        leaf.startswith(CREDENTIAL_VARIABLE_PREFIX)
        and _ENV_VAR.fullmatch(leaf)
        and is_credential_name(leaf, clarifai_file=False)
    ):
        return leaf
    return None


def reads_of(tree: ast.AST) -> frozenset[str]:
    return frozenset(variables_named(ast.walk(tree)))


def variables_named(nodes: Iterable[ast.AST]) -> Iterator[str]:
    """Variables named in `environ[...]`, `getenv(...)`, `environ.get(...)`, `... in environ`."""
    for node in nodes:
        if isinstance(node, ast.Subscript) and _ends_with(node.value, "environ"):
            yield from _strings(node.slice)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if (isinstance(func, ast.Name) and func.id in _ENV_FUNCTIONS) or (
                isinstance(func, ast.Attribute)
                and (
                    func.attr in _ENV_FUNCTIONS
                    or (func.attr in _ENVIRON_METHODS and _ends_with(func.value, "environ"))
                )
            ):
                yield from _strings(node.args[0])
        elif isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.In, ast.NotIn)) for op in node.ops
        ):
            if any(_ends_with(c, "environ") for c in node.comparators):
                yield from _strings(node.left)


ALL_VARIABLES = "*"


def variables_unset(nodes: Iterable[ast.AST]) -> Iterator[str]:
    """Variables the code deletes (`del os.environ["X"]`, `os.environ.pop("X")`, `unsetenv`,
    `monkeypatch.delenv("X")`), or `ALL_VARIABLES` where it clears the environment
    (`os.environ.clear()`, `mock.patch.dict(os.environ, clear=True)`)."""
    for node in nodes:
        if isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _ends_with(target.value, "environ"):
                    yield from _strings(target.slice)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            on_environ = isinstance(func, ast.Attribute) and _ends_with(func.value, "environ")
            if node.args and (name in _UNSETTERS or name == "pop" and on_environ):
                yield from _strings(node.args[0])
            elif name == "clear" and on_environ or _clears_environ(node):
                yield ALL_VARIABLES


# `os.unsetenv`, and pytest's `monkeypatch.delenv`.
_UNSETTERS = frozenset({"unsetenv", "delenv"})


def _clears_environ(call: ast.Call) -> bool:
    """`mock.patch.dict(os.environ, ..., clear=True)`."""
    target = call.args[0] if call.args else None
    return (
        target is not None
        and (_ends_with(target, "environ") or "os.environ" in _strings(target))
        and any(
            k.arg == "clear" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
    )


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _scoped_nodes(tree: ast.AST) -> list[tuple[ast.AST, Optional[ast.AST]]]:
    """Every node, with the function or class body it stands in."""
    found: list[tuple[ast.AST, Optional[ast.AST]]] = [(tree, None)]
    for node, scope in found:
        inner = node if isinstance(node, _SCOPES) else scope
        found += [(child, inner) for child in ast.iter_child_nodes(node)]
    return found


def _assignments(
    nodes: Iterable[tuple[ast.AST, Optional[ast.AST]]],
) -> Iterator[tuple[Optional[ast.AST], str, ast.expr]]:
    """Each assignment to a dotted name, with the function or class body it stands in."""
    for node, scope in nodes:
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            pairs = [(node.target, node.value)]
        else:
            continue
        for target, value in pairs:
            name = _dotted(target)
            if name is not None:
                yield scope, name, value


def _owner(scope: Optional[ast.AST], binding: str) -> Optional[ast.AST]:
    """Where `binding` lives: an attribute's object may be reached from anywhere, and a name
    that its function declares `global` is the module's."""
    if "." in binding or scope is None:
        return None
    declared = (n for node in ast.walk(scope) if isinstance(node, ast.Global) for n in node.names)
    return None if binding in declared else scope


def _scope_at(scopes: Sequence[ast.stmt], starts: Sequence[int], line: int) -> Optional[ast.AST]:
    """The innermost of `scopes` (sorted by their `starts`) that spans `line`: as they nest, the
    last to start before it that has not ended."""
    index = bisect.bisect_right(starts, line)
    for scope in reversed(scopes[:index]):
        if line <= (scope.end_lineno or scope.lineno):
            return scope
    return None


def _fallback_operands(node: ast.AST) -> Iterator[tuple[ast.expr, ast.expr]]:
    """(literal, the other operand) where a literal is what an expression gives when another
    value is empty: `PAT or "<key>"`, `PAT if PAT else "<key>"`, `"<key>" if not PAT else PAT`
    (not `DEV_PAT if STAGE == "dev" else "<key>"`, which gives the literal whatever DEV_PAT
    holds). Once that value holds the key, both give it."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        *before, last = node.values
        yield from ((last, value) for value in before)
    elif isinstance(node, ast.IfExp):
        for literal, other in ((node.orelse, node.body), (node.body, node.orelse)):
            if _tests(node.test, other):
                yield literal, other


def _tests(test: ast.expr, value: ast.expr) -> bool:
    """Whether `test` asks whether `value` is empty: `value`, `not value`, `value is None`,
    `value != ""`; or, for a read of a variable, whether the variable is set (`"X" in
    os.environ`)."""
    if ast.dump(_tested(test)) == ast.dump(value):
        return True
    variable = environ_read(value)
    return (
        variable is not None
        and isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.In, ast.NotIn))
        and _ends_with(test.comparators[0], "environ")
        and variable in _strings(test.left)
    )


def _tested(test: ast.expr) -> ast.expr:
    """What a test asks about: `pat` in `pat`, `not pat`, `pat is None`, `pat != ""`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value in (None, "")
    ):
        return test.left
    return test


def _returned_fallbacks(
    nodes: Sequence[tuple[ast.AST, Optional[ast.AST]]],
    reads: dict[tuple[Optional[ast.AST], str], str],
) -> list[tuple[ast.expr, str]]:
    """(literal, variable) where a function tests a credential variable's value and returns it
    in one place and a literal in another (`if pat: return pat`, then `return "<key>"`; `if
    not pat: return "<key>"`, then `return pat`): once the variable holds the key, every
    `return` gives it."""
    tested: dict[int, set[str]] = {}
    for node, scope in nodes:
        if isinstance(node, ast.If) and scope is not None:
            tested.setdefault(id(scope), set()).add(ast.dump(_tested(node.test)))
    returns: dict[int, list[ast.expr]] = {}
    variables: dict[int, set[str]] = {}
    for node, scope in nodes:
        if not (isinstance(node, ast.Return) and node.value is not None and scope is not None):
            continue
        value = node.value
        if next(_strings(value), None) is not None:
            returns.setdefault(id(scope), []).append(value)
        elif ast.dump(value) in tested.get(id(scope), ()):
            variable = _credential_read(value, scope, reads)
            if variable is not None:
                variables.setdefault(id(scope), set()).add(variable)
    return [
        (literal, next(iter(variables[scope])))
        for scope, literals in returns.items()
        if len(variables.get(scope, ())) == 1
        for literal in literals
    ]


def _option_envvar(node: ast.AST) -> Iterator[tuple[ast.expr, str]]:
    """(default, variable) of a click or typer option that reads a variable before its default:
    `click.option("--pat", envvar="X", default=...)`, `typer.Option(..., envvar=["X", "Y"])`
    (the first that is set wins), also in a parameter's annotation (`pat: Annotated[str,
    typer.Option(envvar="X")] = ...`)."""
    if isinstance(node, ast.arguments):
        for arg, value in parameter_defaults(node):
            annotation = arg.annotation
            if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
                for item in annotation.slice.elts[1:]:
                    variable = _envvar(item)
                    if variable is not None:
                        yield value, variable
        return
    variable = _envvar(node)
    if variable is None or not isinstance(node, ast.Call):
        return
    default: Optional[ast.expr] = next((k.value for k in node.keywords if k.arg == "default"), None)
    if default is None and node.args and _dotted(node.func) in _TYPER_PARAMETERS:
        default = node.args[0]
    if default is not None:
        yield default, variable


def _envvar(node: ast.AST) -> Optional[str]:
    """The variable that an option call reads first: its `envvar=`, or the first of a list."""
    if not isinstance(node, ast.Call):
        return None
    envvar: Optional[ast.expr] = next((k.value for k in node.keywords if k.arg == "envvar"), None)
    if isinstance(envvar, (ast.List, ast.Tuple)) and envvar.elts:
        envvar = envvar.elts[0]
    return None if envvar is None else next(_strings(envvar), None)


# typer's `Option` and `Argument` take the default first.
_TYPER_PARAMETERS = frozenset({"typer.Option", "typer.Argument", "Option", "Argument"})


def _credential_read(
    operand: ast.expr,
    scope: Optional[ast.AST],
    reads: dict[tuple[Optional[ast.AST], str], str],
) -> Optional[str]:
    """The credential variable that `operand` reads: itself (`os.getenv("X")`), or the name it
    was assigned from, in `scope` or the module."""
    variable = environ_read(operand)
    name = _dotted(operand)
    if variable is None and name is not None:
        variable = reads.get((_reading_owner(scope, name), name))
    return variable if variable and is_credential_name(variable, clarifai_file=False) else None


def _reading_owner(scope: Optional[ast.AST], name: str) -> Optional[ast.AST]:
    """Where a read of `name` in `scope` finds it: the function, if it binds it; else the
    module."""
    owner = _owner(scope, name)
    return None if owner is not None and not _binds(owner, name) else owner


def _holds(literal: ast.expr, finding: Finding) -> bool:
    return (
        isinstance(literal, ast.Constant)
        and isinstance(literal.value, str)
        and literal.lineno <= finding.line <= (literal.end_lineno or literal.lineno)
        and finding.secret in literal.value
    )


def _bound_literal(
    finding: Finding, statements: Sequence[tuple[Optional[ast.AST], str, ast.expr]]
) -> Optional[tuple[str, ast.expr]]:
    """(the name, the literal) where the finding's literal is assigned as it is."""
    for _, target, value in statements:
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and value.lineno == finding.line
            and finding.secret in value.value
        ):
            return target, value
    return None


def _guarded_values(
    nodes: Iterable[tuple[ast.AST, Optional[ast.AST]]],
) -> tuple[set[int], set[int]]:
    """The values (by identity) assigned under an `if` whose test names what they are assigned
    to or a variable they read (`if not pat: pat = ...`, `if "X" in os.environ: pat =
    os.environ["X"]`), or in an `except` block; and those that an `if` about something else
    picks (`if args.demo: pat = ...`, also an `elif` after `if not pat:`)."""
    guarded: set[int] = set()
    picked: set[int] = set()
    nodes = list(nodes)
    elifs = {
        id(node.orelse[0])
        for node, _ in nodes
        if isinstance(node, ast.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
    }
    for node, _ in nodes:
        if isinstance(node, ast.If):
            names = {
                name
                for part in ast.walk(node.test)
                for name in [_dotted(part) if isinstance(part, ast.expr) else None]
                + [part.value if isinstance(part, ast.Constant) else None]
                if isinstance(name, str)
            }
            tested: Optional[set[str]] = names
            # An `elif` is an `if` of its own, with its own test.
            elif_ = len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
            blocks: list[ast.stmt] = [*node.body, *([] if elif_ else node.orelse)]
            # Not in a chain of `elif`s, which test several variables.
            if not (elif_ or id(node) in elifs):
                guarded |= _given_where_unset(node, names)
        elif isinstance(node, ast.Try):
            tested = None
            blocks = [statement for handler in node.handlers for statement in handler.body]
        else:
            continue
        for block in blocks:
            for _, target, value in _assignments((n, None) for n in ast.walk(block)):
                if tested is None or target in tested or _variable_read(value) in tested:
                    guarded.add(id(value))
                elif id(value) not in guarded:
                    picked.add(id(value))
    return guarded, picked


def _given_where_unset(node: ast.If, tested: set[str]) -> set[int]:
    """`if "X" in os.environ: pat = os.environ["X"]` then `else: pat = "<key>"`: the values that
    one block of `node` gives a name that the other reads from a tested Clarifai variable."""
    body, orelse = (
        list(_assignments((n, None) for s in block for n in ast.walk(s)))
        for block in (node.body, node.orelse)
    )
    found: set[int] = set()
    for one, other in ((body, orelse), (orelse, body)):
        reading = {
            target
            for _, target, value in one
            for variable in [_variable_read(value)]
            if variable in tested and "CLARIFAI" in (variable or "").upper()
        }
        found.update(id(value) for _, target, value in other if target in reading)
    return found


def _default_read(node: ast.AST) -> Optional[tuple[str, str]]:
    """(name, variable) for a read of a Clarifai credential variable whose default is a name:
    `os.getenv("CLARIFAI_PAT", pat)`, `os.environ.get("JOB_CLARIFAI_PAT", pat)`."""
    if not isinstance(node, ast.Call) or len(node.args) != 2:
        return None
    variable = environ_read(node)
    name = _dotted(node.args[1])
    if variable is None or name is None or not is_credential_name(variable, clarifai_file=False):
        return None
    return name, variable


def _binds(function: ast.AST, name: str) -> bool:
    """Whether `function` binds `name`: a parameter, or an assignment to it."""
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and takes(function.args, name):
        return True
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in ast.walk(function)
    )


def _variable_read(value: ast.expr) -> Optional[str]:
    """The variable that `value` reads, if it is only a read: `os.getenv("X")`, `environ["X"]`,
    also before an `or` fallback."""
    return environ_read(value.values[0] if isinstance(value, ast.BoolOp) else value)


def _strings(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value


def _ends_with(node: ast.expr, attribute: str) -> bool:
    name = _dotted(node)
    return name is not None and name.rpartition(".")[2] == attribute


def _dotted(node: ast.expr) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])
