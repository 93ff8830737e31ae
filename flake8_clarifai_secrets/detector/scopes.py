"""Bindings, and where a plain name's uses resolve, from the statements alone.

A name bound in a function is that function's; a use elsewhere resolves to the module's binding
or, failing that, to any (`Context.bindings`). So a binding need not be followed into a function
that binds the name itself. Each line that names an identifier is placed in its scope by
bisecting statement lists, without walking expressions. A line where a lambda may stand is left
uncertain, as is one where the identifier may be an attribute's name: `obj.name` reads a plain
binding from any scope when nothing binds `obj.name` itself. A scope counts as binding the name
only where a statement shows it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.credentials import is_credential_name
from flake8_clarifai_secrets.detector.branches import branch_for_clarifai
from flake8_clarifai_secrets.detector.providers import rows_elsewhere
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.detector.tree import (
    MATCH,
    Scope,
    Walker,
    blocks,
    decorated,
    dotted,
    leaf,
    parameter_defaults,
    string,
)
from flake8_clarifai_secrets.detector.values import ANY_ITEM, ANY_VALUE, Extended

BINDERS = frozenset(
    {
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.NamedExpr,
        ast.For,
        ast.AsyncFor,
        ast.With,
        ast.AsyncWith,
        ast.arguments,
        ast.Call,
        ast.FunctionDef,
        ast.ListComp,
        ast.SetComp,
        ast.GeneratorExp,
        ast.DictComp,
    }
)


def bound_pairs(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) pairs that `node` binds: assignments, unpacking, a loop or comprehension
    (see `_looped`), `name += value` (see `Extended`), `with` items, parameter defaults,
    `setattr(obj, "name", value)`, and `argparse` options' defaults, which `args.<dest>`
    reads."""
    if isinstance(node, ast.Assign):
        pairs = [pair for target in node.targets for pair in _unpack(target, node.value)]
        return pairs + [pair for target in node.targets for pair in _lambda_getter(target, node)]
    if isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        return _unpack(node.target, node.value)
    if isinstance(node, ast.AugAssign):
        if not isinstance(node.op, ast.Add) or dotted(node.target) is None:
            return []
        extended = Extended(node.target, ast.Add(), node.value)
        return [(node.target, ast.copy_location(extended, node.value))]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return _looped(node.target, node.iter)
    if isinstance(node, _COMPREHENSIONS):
        return [pair for loop in node.generators for pair in _looped(loop.target, loop.iter)]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        # `with httpx.Client(headers=...) as gh:`
        return [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars]
    if isinstance(node, ast.arguments):
        return [(ast.Name(arg.arg), default) for arg, default in parameter_defaults(node)]
    if isinstance(node, ast.Call):
        return (
            _option_default(node)
            or set_attribute(node)
            or [(ast.Name(n), v) for n, v in parametrized(node)]
        )
    if isinstance(node, ast.FunctionDef):
        return _getter(node)
    return []


def _looped(target: ast.expr, iterable: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    """What a loop binds: over a display, each item in turn, to a target named for a credential
    only (`value`, `item` and `x` are reused everywhere, and a name's bindings are weighed
    whatever their order); over a name (`for k in KEYS`), any item of the lists bound to it;
    over a dict's values (`for k in KEYS.values()`, `for name, k in KEYS.items()`), any value of
    the dicts bound to it."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        looped = [pair for item in iterable.elts for pair in _unpack(target, item)]
        return [(name, value) for name, value in looped if _names_credential(name)]
    if isinstance(target, ast.Name) and dotted(iterable) is not None:
        item = ast.Call(ast.Name(ANY_ITEM, ast.Load()), [iterable], [])
        return [(target, ast.copy_location(item, iterable))]
    if isinstance(target, ast.Tuple) and dotted(iterable) is not None:
        # `for env, key in KEYS` over `KEYS = [("prod", "<key>"), ...]`: each name the item's
        # element in its place.
        return [
            (
                name,
                ast.copy_location(
                    ast.Call(ast.Name(ANY_ITEM, ast.Load()), [iterable, ast.Constant(n)], []),
                    iterable,
                ),
            )
            for n, name in enumerate(target.elts)
            if isinstance(name, ast.Name)
        ]
    method = iterable.func if isinstance(iterable, ast.Call) and not iterable.args else None
    if isinstance(method, ast.Attribute) and dotted(method.value) is not None:
        value = ast.copy_location(
            ast.Call(ast.Name(ANY_VALUE, ast.Load()), [method.value], []), iterable
        )
        if method.attr == "values" and isinstance(target, ast.Name):
            return [(target, value)]
        if method.attr == "items" and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            return [(target.elts[1], value)]
    return []


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _names_credential(target: ast.expr) -> bool:
    name = dotted(target)
    return name is not None and is_credential_name(leaf(name), clarifai_file=True)


def _getter(function: ast.FunctionDef) -> list[tuple[ast.expr, ast.expr]]:
    """`def get_pat(): return "<key>"` binds `get_pat()`, what a call reads: a function that
    takes nothing and only returns (after its docstring); or any function, whatever it takes,
    binds the strings its returns write (`def pat_for(env): if env == "prod": return "<key>"`),
    also as a name's fallback (`return pat or "<key>"`, `return pat if pat else "<key>"`)."""
    arguments = function.args
    body = function.body
    if len(body) == 2 and isinstance(body[0], ast.Expr) and string(body[0].value) is not None:
        body = body[1:]
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    target: ast.expr = ast.Name(function.name + "()")
    if decorated(function, PROPERTIES):
        # A property binds what `self.<name>` reads, and takes only `self`.
        target, parameters = ast.Attribute(ast.Name("self"), function.name), parameters[1:]
    if not parameters and len(body) == 1 and isinstance(body[0], ast.Return):
        returned = body[0].value
        return [] if returned is None else [(target, returned)]
    # A `return` of anything else (`os.environ["CLARIFAI_PAT"]`, `None`, `KEYS[stage]`) does
    # not hide the strings written in the others (`case "prod": return "<key>"`).
    returned_strings = [
        value for node in _own_returns(function) for value in _fallback_strings(node.value) or ()
    ]
    return [(target, value) for value in returned_strings]


PROPERTIES = frozenset({"property", "cached_property"})


def _lambda_getter(target: ast.expr, assignment: ast.Assign) -> list[tuple[ast.expr, ast.expr]]:
    """`get_pat = lambda: "<key>"` binds `get_pat()`, as `def get_pat()` does."""
    value = assignment.value
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Lambda):
        return []
    arguments = value.args
    if arguments.posonlyargs or arguments.args or arguments.kwonlyargs:
        return []
    return [(ast.Name(target.id + "()"), value.body)]


def _fallback_strings(value: Optional[ast.expr]) -> Optional[list[ast.expr]]:
    """The strings written in what a getter returns: the string itself, or the fallbacks of a
    value found elsewhere (`pat or "<key>"`, `pat if pat else "<key>"`), none for a name (`if
    pat: return pat`); None for anything else."""
    if value is None:
        return None
    if string(value) is not None:
        return [value]
    if isinstance(value, ast.Name):
        return []
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        operands = value.values
    elif isinstance(value, ast.IfExp):
        operands = [value.body, value.orelse]
    else:
        return None
    strings = [operand for operand in operands if string(operand) is not None]
    named = [operand for operand in operands if isinstance(operand, ast.Name)]
    return strings if len(strings) + len(named) == len(operands) else None


def _own_returns(function: ast.FunctionDef) -> list[ast.Return]:
    """The `return` statements of `function`'s body, not of the functions and classes in it,
    nor in a branch taken for another provider (`if provider == "together": return "<key>"`,
    see `branches`), unless a branch inside it is Clarifai's. Only statement lists are
    searched, as no expression holds a `return`."""
    found: list[ast.Return] = []
    stack: list[tuple[ast.AST, Optional[bool]]] = [(node, None) for node in function.body]
    while stack:
        node, whose = stack.pop()
        if isinstance(node, ast.Return):
            if whose is not False:
                found.append(node)
        elif isinstance(node, ast.If) or type(node) is MATCH:
            headed: list[tuple[Sequence[ast.AST], Optional[ast.AST]]] = (
                [(node.body, node), (node.orelse, None)]
                if isinstance(node, ast.If)
                else [(case.body, case) for case in node.cases]  # type: ignore[attr-defined]
            )
            for block, header in headed:
                branch = branch_for_clarifai(node, header)
                stack += [(child, whose if branch is None else branch) for child in block]
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for block in blocks(node):
                stack += [(child, whose) for child in block]
    return found


def _option_default(call: ast.Call) -> list[tuple[ast.expr, ast.expr]]:
    """`add_argument("--api-key", default=x)` binds `api_key` (argparse's `dest`) to `x`."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
        return []
    default = dest = None
    for keyword in call.keywords:
        if keyword.arg == "default":
            default = keyword.value
        elif keyword.arg == "dest":
            dest = string(keyword.value)
    flags = [flag for flag in map(string, call.args) if flag]
    if dest is None and flags:
        dest = next((f for f in flags if f.startswith("--")), flags[0]).lstrip("-")
        dest = dest.replace("-", "_")
    if default is None or not dest:
        return []
    return [(ast.Name(dest), default)]


def named_tuple_fields(call: ast.Call) -> Optional[list[str]]:
    """The fields of `namedtuple("name", "a b")` (or `["a", "b"]`, `"a, b"`)."""
    if leaf(dotted(call.func) or "") != "namedtuple" or len(call.args) != 2:
        return None
    fields = call.args[1]
    text = string(fields)
    if text is not None:
        return text.replace(",", " ").split()
    if isinstance(fields, (ast.List, ast.Tuple)):
        names = [string(item) for item in fields.elts]
        return None if None in names else [name for name in names if name is not None]
    return None


def named_tuple_defaults(call: ast.Call) -> list[tuple[ast.expr, ast.expr]]:
    """`namedtuple("Auth", "user_id pat", defaults=["<key>"])` binds `pat`: defaults go to the
    last fields."""
    fields = named_tuple_fields(call)
    defaults = next((k.value for k in call.keywords if k.arg == "defaults"), None)
    if fields is None or not isinstance(defaults, (ast.List, ast.Tuple)):
        return []
    values = defaults.elts
    if len(values) > len(fields) or any(isinstance(value, ast.Starred) for value in values):
        return []
    return [
        (ast.Name(field), value)
        for field, value in zip(fields[len(fields) - len(values) :], values)
    ]


def set_attribute(call: ast.Call) -> list[tuple[ast.expr, ast.expr]]:
    """`setattr(settings, "pat", x)` binds `settings.pat` to `x`, as `settings.pat = x` does."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "setattr"):
        return []
    if len(call.args) != 3 or call.keywords:
        return []
    owner, attribute, value = call.args
    name = string(attribute)
    if name is None or not name.isidentifier() or dotted(owner) is None:
        return []
    return [(ast.Attribute(owner, name, ast.Store()), value)]


def parametrized(call: ast.Call) -> list[tuple[str, ast.expr]]:
    """The values that `@pytest.mark.parametrize("pat", ["<key>"])` gives the test's
    parameters, row by row; a row may be `pytest.param(...)`. (The walk puts a decorator in the
    function's scope, where the parameters are.)"""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "parametrize"):
        return []
    given = dict(zip(("argnames", "argvalues"), call.args))
    given.update((k.arg, k.value) for k in call.keywords if k.arg in ("argnames", "argvalues"))
    names_node, rows = given.get("argnames"), given.get("argvalues")
    text = string(names_node)
    if text is not None:
        names = [name.strip() for name in text.split(",") if name.strip()]
    elif isinstance(names_node, (ast.Tuple, ast.List)):
        names = [n for n in map(string, names_node.elts) if n is not None]
        if len(names) != len(names_node.elts):
            return []
    else:
        return []
    if not names or not isinstance(rows, (ast.Tuple, ast.List)):
        return []
    table: list[list[ast.expr]] = []
    for row in rows.elts:
        if isinstance(row, ast.Call) and dotted(row.func) in ("pytest.param", "param"):
            values = row.args
        elif len(names) == 1:
            values = [row]
        elif isinstance(row, (ast.Tuple, ast.List)):
            values = row.elts
        else:
            continue
        if len(values) == len(names) and not any(isinstance(v, ast.Starred) for v in values):
            table.append(values)
    elsewhere = [rows_elsewhere(table, column) for column in range(len(names))]
    return [
        (name, value)
        for n, values in enumerate(table)
        for column, (name, value) in enumerate(zip(names, values))
        if not elsewhere[column][n]
    ]


def _unpack(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        if any(isinstance(e, ast.Starred) for e in target.elts):
            return []
        if _unpacked_whole(value):
            # `USER_ID, PAT = creds()`, `USER_ID, PAT = CREDS`: each name the item in its place.
            return [
                (t, ast.copy_location(ast.Subscript(value, ast.Constant(n), ast.Load()), value))
                for n, t in enumerate(target.elts)
                if isinstance(t, (ast.Name, ast.Attribute))
            ]
        if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != len(target.elts):
            return []
        if any(isinstance(e, ast.Starred) for e in value.elts):
            return []
        return [pair for t, v in zip(target.elts, value.elts) for pair in _unpack(t, v)]
    return [(target, value)]


def _unpacked_whole(value: ast.expr) -> bool:
    """A name, or a call of the file's own getter, unpacked into names: what it holds or returns
    is looked up where it is bound."""
    return isinstance(value, ast.Name) or (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
    )


class Uses(NamedTuple):
    """The lines that name an identifier, by the scope their nodes resolve it in."""

    lines: dict[int, list[int]]
    """id(scope) -> the lines in it, sorted."""
    uncertain: list[int]
    """Lines whose scope the statements do not settle: they belong to every scope."""
    binders: frozenset[int]
    """id(scope) of the scopes that certainly bind the identifier."""
    unbound: list[int]
    """The lines of the scopes that may not bind it, which read the module's or any binding."""

    def within(self, scope: Scope) -> list[int]:
        """The lines that may belong to `scope`: its own and the uncertain ones."""
        return self.lines.get(id(scope), []) + self.uncertain


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def find_uses(walker: Walker, scan: Scan, identifier: str, lines: list[int]) -> Uses:
    """Place `lines`, the lines that name `identifier`, in their scopes."""
    by_scope: dict[int, list[int]] = {}
    uncertain: list[int] = []
    binders: set[int] = set()
    word = identifier.encode("utf-8", "surrogatepass")
    for line in lines:
        scope, statement, first = walker.innermost(line)
        if scan.mentions(b"lambda", first, line) or scan.after_dot(word, line):
            uncertain.append(line)
            continue
        by_scope.setdefault(id(scope), []).append(line)
        binder = statement.args if isinstance(statement, _DEFS) else statement
        if type(binder) in BINDERS and any(
            dotted(target) == identifier for target, _ in bound_pairs(binder)
        ):
            binders.add(id(scope))
        elif isinstance(binder, ast.arguments) and takes(binder, identifier):
            binders.add(id(scope))
    unbound = [n for where, more in by_scope.items() if where not in binders for n in more]
    return Uses(by_scope, uncertain, frozenset(binders), unbound)


def takes(arguments: ast.arguments, identifier: str) -> bool:
    """Whether a function's parameters include `identifier`, which its callers bind."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return any(argument.arg == identifier for argument in every)
