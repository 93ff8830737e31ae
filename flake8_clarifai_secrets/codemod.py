"""The LibCST codemod: apply a plan to exactly the nodes that the findings point at.

`clarifai-secrets-fix` hands it the plan for one file. Under LibCST's own tool (`python -m
libcst.tool codemod codemod.ReadKeyFromEnviron`) it makes the plan itself, from this file only.
Every result is compiled; one that does not compile is not written.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import re
from collections.abc import Callable, Sequence
from typing import Optional, TypeVar, Union

import libcst as cst
import libcst.matchers as m
from libcst.codemod import Codemod, CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import Assignment, ParentNodeProvider, PositionProvider, ScopeProvider

from flake8_clarifai_secrets.detector import Finding, Span, find_credentials, source_lines
from flake8_clarifai_secrets.flake8_config import Flake8
from flake8_clarifai_secrets.fixes import Config, FileFindings, Step, plan
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR, add_variable_arguments
from flake8_clarifai_secrets.os_import import (
    imports_os,
    notebook_cell,
    separates,
    with_os_import,
)
from flake8_clarifai_secrets.parsing import parse, silenced
from flake8_clarifai_secrets.placeholders import with_placeholders
from flake8_clarifai_secrets.scan import facts

_String = Union[cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.BinaryOperation]
# Parents in which `a + b` needs parentheses to stay one operand.
_BINDS_TIGHTER = m.Attribute() | m.Subscript() | m.Call() | m.UnaryOperation() | m.Await()
NO_QUOTE_FITS = "no quote or escape fits inside the enclosing f-string"
NO_PLACEHOLDER = "no placeholder fits where the key stands in this string"
NOT_FOUND = "the fix did not find the statement or entry to remove"
KEY_LEFT = (
    "the key also stands where the fix cannot replace it (split over the string's parts, or in "
    "a comment between them): fix it by hand"
)


def plan_alone(code: str, filename: str, config: Config) -> list[Step]:
    """The plan for one file on its own, deciding what to touch as flake8 does."""
    tree = parse(code)
    lines = source_lines(code)
    findings = find_credentials(tree, lines, config.env_var)
    if not findings:
        return []
    reported = _flake8(os.getcwd()).reported(filename, lines, findings, config.env_var)
    one = FileFindings(filename, findings, reported, facts(tree, findings))
    return plan([one], config).steps[filename]


@functools.lru_cache(maxsize=4)
def _flake8(cwd: str) -> Flake8:
    """flake8's configuration as seen from `cwd`."""
    return Flake8()


def string_literal(
    text: str, avoid: frozenset[str], in_fstring: bool, *, raw: frozenset[str] = frozenset()
) -> Optional[str]:
    """Source for the string `text`, with a quote not in `avoid`, as docs snippets write it:
    a character outside ASCII as it is only where the literal wrote it so (`raw`), else escaped
    (`\\u2022`), which any source encoding can hold.

    Inside an f-string's braces, Python before 3.12 allows neither the enclosing quote nor a
    backslash nor `#`.
    """
    if in_fstring and "#" in text:
        return None
    quotes = ("'", '"') if '"' in text and "'" not in text else ('"', "'")
    for quote in quotes:
        if quote in avoid:
            continue
        body = "".join(_escape(c, quote, raw) for c in text)
        if not (in_fstring and "\\" in body):
            return quote + body + quote
    return None


def _escape(char: str, quote: str, raw: frozenset[str]) -> str:
    if char in ("\\", quote):
        return "\\" + char
    if not char.isprintable() or not (char.isascii() or char in raw):
        return char.encode("unicode_escape").decode("ascii")
    return char


# What the fix may remove: a statement that writes the key into the environment, or an entry or
# a keyword of an `os.environ.update(...)` that writes other variables too.
_Dropped = TypeVar("_Dropped", cst.Assign, cst.AugAssign, cst.Expr, cst.DictElement, cst.Arg)


class ReadKeyFromEnviron(VisitorBasedCodemodCommand):
    DESCRIPTION = "Read hard-coded Clarifai keys from os.environ."
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        add_variable_arguments(arg_parser, DEFAULT_ENV_VAR)

    def __init__(
        self,
        context: CodemodContext,
        env_var: str = DEFAULT_ENV_VAR,
        env_var_for: Sequence[tuple[str, str]] = (),
        steps: Optional[Sequence[Step]] = None,
        cell_separator: Optional[str] = None,
    ) -> None:
        """`cell_separator`: the statement that joins a notebook's cells into the module."""
        super().__init__(context)
        self.config = Config(env_var, dict(env_var_for))
        self._given = steps
        self._cell_separator = cell_separator
        self._reset([])

    def _reset(self, steps: Sequence[Step]) -> None:
        """Per-file state: LibCST's tool may run one instance over many files."""
        self.steps = list(steps)
        # A literal's steps: text may hold several keys.
        self._literals: dict[Span, list[Step]] = {}
        # Names bound to an argparse mutually exclusive group, whose options are never
        # required: looked for only where an option would be.
        self._exclusive_groups: Optional[set[str]] = None
        self._env_reads: set[Span] = set()
        self._drops: set[Span] = set()
        self._dropped: set[Span] = set()
        self._failed: dict[Span, str] = {}
        self._dropped_names: set[str] = set()
        # Each import statement as the fix leaves it, by the original; and those that no code
        # read before the fix, which removing unused imports must leave alone.
        self._imports: dict[_Import, _Import] = {}
        self._unread: set[int] = set()

    @property
    def moved(self) -> list[Step]:
        return [s for s in self.steps if s.variable is not None and self._ok(s)]

    @property
    def left(self) -> list[Step]:
        return [
            s if self._ok(s) else Step(s.finding, refusal=self._failed[_span(s.finding)])
            for s in self.steps
            if s.variable is None or not self._ok(s)
        ]

    def _ok(self, step: Step) -> bool:
        return step.finding.fix is None or step.finding.fix.span not in self._failed

    def transform_module(self, tree: cst.Module) -> cst.Module:
        # LibCST's `evaluated_value` and the compile below parse the code: no warning of its
        # escapes may show a line of the file.
        with silenced():
            return self._transformed(tree)

    def _transformed(self, tree: cst.Module) -> cst.Module:
        result = _without_new_leading_blanks(tree, super().transform_module(tree))
        if not result.body and not result.header and not result.footer:
            result = result.with_changes(has_trailing_newline=False)
        if result is not tree:
            result = _footer_without_blanks_on_blank_lines(result)
            try:
                # A notebook's cells may `await` at the top level, as IPython allows.
                compile(
                    result.code,
                    self.context.filename or "<fixed>",
                    "exec",
                    flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                    dont_inherit=True,
                )
            except SyntaxError as error:
                raise SkipFile(f"the rewrite does not compile (line {error.lineno})") from None
        return result

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        if self._given is not None:
            self._reset(self._given)
        else:
            filename = self.context.filename or "stdin"
            try:
                self._reset(plan_alone(tree.code, filename, self.config))
            except SyntaxError as error:
                raise SkipFile(f"`ast` cannot parse line {error.lineno}") from None
        for step in self.steps:
            fix = step.finding.fix
            if step.variable is None or fix is None:
                continue
            if fix.kind in ("literal", "name", "placeholder"):
                self._literals.setdefault(fix.span, []).append(step)
            elif fix.kind == "env_read":
                self._env_reads.add(fix.span)
            else:
                self._drops.add(fix.span)
        if not (self._literals or self._env_reads or self._drops):
            self._warn_left()
            return tree
        result = super().transform_module_impl(tree)
        for span in self._drops - self._dropped:
            self._failed[span] = NOT_FOUND
        self._warn_left()
        return result

    def _warn_left(self) -> None:
        for step in self.left:
            finding = step.finding
            self.warn(
                f"{finding.line}:{finding.col + 1}: {finding.code} left alone: {step.refusal}"
            )

    def _span(self, node: cst.CSTNode) -> Span:
        pos = self.get_metadata(PositionProvider, node)
        return Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column)

    def _enclosing_quotes(self, node: cst.CSTNode) -> tuple[frozenset[str], bool]:
        """The quote characters of the f-strings around `node`, and whether there are any."""
        quotes = set()
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None:
            if isinstance(parent, cst.FormattedString):
                quotes.add(parent.start.lstrip("rRbBfFuU")[0])
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        return frozenset(quotes), bool(quotes)

    def _environ(
        self,
        name: cst.BaseExpression,
        *,
        lazy: bool = False,
        required: bool = False,
        blank: bool = False,
    ) -> cst.BaseExpression:
        environ = cst.Attribute(cst.Name("os"), cst.Name("environ"))
        if lazy:
            given = [cst.Arg(name, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))]
            if required:
                arguments = [*given, cst.Arg(cst.Ellipsis())]
            elif blank and isinstance(name, cst.SimpleString):
                # An empty string in the quotes the name was written with.
                arguments = [*given, cst.Arg(cst.SimpleString(name.value[-1] * 2))]
            else:
                arguments = [cst.Arg(name)]
            return cst.Call(cst.Attribute(environ, cst.Name("get")), arguments)
        return cst.Subscript(value=environ, slice=[cst.SubscriptElement(cst.Index(name))])

    def _literal(self, original: _String, updated: _String) -> cst.BaseExpression:
        new = self._rewritten(original, updated)
        span = self._span(original)
        if new is not updated:
            code = cst.Module([]).code_for_node(new)
            for step in self._literals[span]:
                secret, half = step.finding.secret, len(step.finding.secret) // 2
                if any(piece in code for piece in (secret, secret[:half], secret[half:])):
                    self._failed[span] = KEY_LEFT
                    return updated
        return new

    def _rewritten(self, original: _String, updated: _String) -> cst.BaseExpression:
        span = self._span(original)
        steps = self._literals.get(span, [])
        binary = _binary(original)
        if len(steps) > 1:
            if not binary:
                return self._placeholders(span, original, updated, steps)
            self._failed[span] = NO_PLACEHOLDER
            return updated
        if not steps:
            return updated
        step = steps[0]
        fix, variable = step.finding.fix, step.variable
        assert fix is not None and variable is not None
        avoid, in_fstring = self._enclosing_quotes(original)
        laid_out = fix.kind == "literal" and not fix.lazy and _laid_out(original, span)
        if (
            not binary
            and laid_out
            and isinstance(updated, cst.SimpleString)
            and "{" in updated.value
        ):
            # A block with braces of its own (a Jinja template) is split at its key: a field
            # would double each of them.
            name_only = string_literal(variable, avoid, in_fstring)
            parts = _split_at(updated, step.finding.secret)
            if parts is not None and name_only is not None:
                head, tail = parts
                split = _chained(head, self._environ(cst.SimpleString(name_only)), tail)
                return self._parenthesized(original, updated, split)
        if not binary and (fix.kind == "placeholder" or laid_out):
            # An f-string with fields of its own; or a triple-quoted block, or parts with
            # comments between them, where a `+` chain would put it all on one line.
            placed = self._placeholder(updated, step.finding.secret, variable, avoid, fix.blank)
            if placed is not None:
                return placed
            if fix.kind == "placeholder":
                self._failed[span] = NO_PLACEHOLDER
                return updated
        if fix.kind == "name":
            name_only = string_literal(variable, avoid, in_fstring)
            if name_only is None:
                self._failed[span] = NO_QUOTE_FITS
                return updated
            return cst.SimpleString(name_only, lpar=updated.lpar, rpar=updated.rpar)
        raw = frozenset(cst.Module([]).code_for_node(original))
        pieces = [
            string_literal(text, avoid, in_fstring, raw=raw) for text in (fix.prefix, variable)
        ]
        suffix = string_literal(fix.suffix, avoid, in_fstring, raw=raw) if fix.suffix else ""
        prefix, name = pieces
        if prefix is None or name is None or suffix is None:
            self._failed[span] = NO_QUOTE_FITS
            return updated
        expression = self._environ(
            cst.SimpleString(name),
            lazy=fix.lazy and not fix.factory,
            required=fix.required,
            blank=fix.blank,
        )
        if fix.factory:
            expression = cst.Lambda(cst.Parameters(), expression)
        if binary:
            # Bytes around the key stay bytes (ASCII, as written), and the key is encoded.
            if not (fix.prefix + fix.suffix).isascii():
                self._failed[span] = NO_QUOTE_FITS
                return updated
            prefix, suffix = "b" + prefix, "b" + suffix if suffix else ""
            expression = cst.Call(cst.Attribute(expression, cst.Name("encode")))
        expression = _chained(
            cst.SimpleString(prefix) if fix.prefix else None,
            expression,
            cst.SimpleString(suffix) if fix.suffix else None,
        )
        return self._parenthesized(original, updated, expression)

    def _parenthesized(
        self, original: _String, updated: _String, expression: cst.BaseExpression
    ) -> cst.BaseExpression:
        """`expression` in the literal's place, in parentheses where a `+` chain needs them:
        not as the left operand of a `+`, which `+` groups from the left."""
        if isinstance(expression, cst.BinaryOperation) and not updated.lpar:
            parent = self.get_metadata(ParentNodeProvider, original)
            leftmost = (
                isinstance(parent, cst.BinaryOperation)
                and isinstance(parent.operator, cst.Add)
                and parent.left is original
            )
            if m.matches(parent, _BINDS_TIGHTER) or (
                m.matches(parent, m.BinaryOperation()) and not leftmost
            ):
                return expression.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return expression.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def _placeholders(
        self, span: Span, original: _String, updated: _String, steps: list[Step]
    ) -> cst.BaseExpression:
        """Text that holds several keys: a field for each, or none."""
        avoid, _ = self._enclosing_quotes(original)
        placed: Optional[cst.BaseExpression] = updated
        # A key that the text repeats has a step for each place: its first puts a field in each.
        placed_keys: set[str] = set()
        for step in steps:
            if step.finding.secret in placed_keys:
                continue
            placed_keys.add(step.finding.secret)
            assert step.variable is not None
            if not isinstance(
                placed, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
            ):
                placed = None
                break
            assert step.finding.fix is not None
            blank = step.finding.fix.blank
            placed = self._placeholder(placed, step.finding.secret, step.variable, avoid, blank)
        if placed is None:
            self._failed[span] = NO_PLACEHOLDER
            return updated
        return placed

    def _placeholder(
        self, updated: _String, secret: str, variable: str, avoid: frozenset[str], blank: bool
    ) -> Optional[cst.BaseExpression]:
        """`f"pat: {os.environ['VAR']}"` for `f"pat: <key>"` (with `blank`,
        `os.environ.get('VAR', '')`), or None if no field fits."""

        def expression(quotes: frozenset[str]) -> Optional[cst.BaseExpression]:
            name = string_literal(variable, avoid | quotes, in_fstring=True)
            if name is None:
                return None
            return self._environ(cst.SimpleString(name), lazy=blank, blank=blank)

        assert not isinstance(updated, cst.BinaryOperation)
        new = with_placeholders(updated, secret, expression)
        return None if new is updated else new

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._literal(original_node, updated_node)

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        return self._literal(original_node, updated_node)

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        return self._literal(original_node, updated_node)

    def leave_BinaryOperation(
        self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation
    ) -> cst.BaseExpression:
        return self._literal(original_node, updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self._span(original_node) not in self._env_reads:
            return self._required_unless_set(
                original_node, self._closed(original_node, updated_node)
            )
        self._replaced_reader(original_node)
        return self._environ(updated_node.args[0].value).with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        if self._span(original_node) not in self._env_reads:
            return updated_node
        call = cst.ensure_type(updated_node.left, cst.Call)
        self._replaced_reader(cst.ensure_type(original_node.left, cst.Call))
        return self._environ(call.args[0].value).with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )

    def _replaced_reader(self, call: cst.Call) -> None:
        """`getenv` of `from os import getenv` (or `environ` of `environ.get`), which the read
        no longer calls: its import goes if nothing else uses it."""
        func = call.func
        while isinstance(func, cst.Attribute):
            func = func.value
        if isinstance(func, cst.Name):
            self._dropped_names.add(func.value)

    def _drop(self, original: _Dropped, updated: _Dropped) -> Union[_Dropped, cst.RemovalSentinel]:
        if self._span(original) not in self._drops:
            return updated
        self._dropped.add(self._span(original))
        self._dropped_names.update(
            n.value for n in m.findall(original, m.Name()) if isinstance(n, cst.Name)
        )
        return cst.RemoveFromParent()

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> Union[cst.Assign, cst.RemovalSentinel]:
        return self._drop(original_node, updated_node)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> Union[cst.AugAssign, cst.RemovalSentinel]:
        return self._drop(original_node, updated_node)

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> Union[cst.Expr, cst.Assign, cst.RemovalSentinel]:
        call = original_node.value
        # Only a magic whose key the fix replaced: other code stays as it is.
        if isinstance(call, cst.Call) and len(call.args) == 2:
            if self._span(call.args[1].value) in self._literals:
                assignment = _env_magic_as_assignment(updated_node)
                if assignment is not None:
                    return assignment
        return self._drop(original_node, updated_node)

    def leave_DictElement(
        self, original_node: cst.DictElement, updated_node: cst.DictElement
    ) -> Union[cst.DictElement, cst.RemovalSentinel]:
        return self._drop(original_node, updated_node)

    def leave_Arg(
        self, original_node: cst.Arg, updated_node: cst.Arg
    ) -> Union[cst.Arg, cst.RemovalSentinel]:
        return self._drop(original_node, updated_node)

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        """Where the fix removed the last entries, the new last one ends as the old one did (no
        comma on one line, not `{"A": 1, }`), with its own comment, before the same `}`."""
        elements, removed = updated_node.elements, original_node.elements[-1:]
        if not elements or not removed or self._span(removed[0]) not in self._drops:
            return updated_node
        last, gone = elements[-1], removed[0].comma
        own = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
        if isinstance(gone, cst.Comma) and isinstance(last.comma, cst.Comma):
            comma: Union[cst.Comma, cst.MaybeSentinel] = last.comma.with_changes(
                whitespace_after=cst.SimpleWhitespace("")
            )
        else:
            comma = cst.MaybeSentinel.DEFAULT
        rbrace = updated_node.rbrace.with_changes(
            whitespace_before=_with_comment(own, updated_node.rbrace.whitespace_before)
        )
        return updated_node.with_changes(
            elements=[*elements[:-1], last.with_changes(comma=comma)], rbrace=rbrace
        )

    def _required_unless_set(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """An option whose default the fix reads lazily (`add_argument("--pat",
        default=os.environ.get(VAR))`) is required where the variable is unset: its value
        would be None, and a client given None reads a variable of its own (the OpenAI
        client's `OPENAI_API_KEY`) and sends that key to Clarifai. Not in a mutually exclusive
        group, whose options argparse refuses to make required. (click's options: see
        `Fix.factory`.)"""
        func = original.func
        if not m.matches(func, m.Attribute(attr=m.Name("add_argument"))):
            return updated
        assert isinstance(func, cst.Attribute)
        flags = [a for a in original.args if a.keyword is None]
        keywords = {a.keyword.value: i for i, a in enumerate(original.args) if a.keyword}
        first = flags[0].value if flags else None
        optional = isinstance(first, cst.SimpleString) and first.raw_value.startswith("-")
        if not optional or "required" in keywords or "default" not in keywords:
            return updated
        index = keywords["default"]
        span = self._span(original.args[index].value)
        steps = self._literals.get(span, [])
        fix = steps[0].finding.fix if len(steps) == 1 else None
        if fix is None or not fix.lazy or span in self._failed or self._exclusive(func.value):
            return updated
        variable = steps[0].variable
        assert variable is not None and index > 0
        unset = cst.Comparison(
            cst.SimpleString(f'"{variable}"'),
            [cst.ComparisonTarget(cst.NotIn(), cst.Attribute(cst.Name("os"), cst.Name("environ")))],
        )
        # Before the default, laid out as the argument before it is, without its comment.
        separator = updated.args[index - 1].comma
        if isinstance(separator, cst.Comma) and isinstance(
            separator.whitespace_after, cst.ParenthesizedWhitespace
        ):
            after = separator.whitespace_after.with_changes(first_line=cst.TrailingWhitespace())
            separator = separator.with_changes(whitespace_after=after)
        required = cst.Arg(
            unset, keyword=cst.Name("required"), equal=updated.args[index].equal, comma=separator
        )
        return updated.with_changes(args=[*updated.args[:index], required, *updated.args[index:]])

    def _exclusive(self, receiver: cst.BaseExpression) -> bool:
        """Whether `add_argument` is called on an argparse mutually exclusive group."""
        if self._exclusive_groups is None:
            module = self.get_metadata(ParentNodeProvider, receiver)
            while not isinstance(module, cst.Module):
                module = self.get_metadata(ParentNodeProvider, module)
            self._exclusive_groups = {
                target.value
                for assignment in m.findall(module, m.Assign(value=_EXCLUSIVE_GROUP))
                if isinstance(assignment, cst.Assign)
                for target in (t.target for t in assignment.targets)
                if isinstance(target, cst.Name)
            }
        return m.matches(receiver, _EXCLUSIVE_GROUP) or (
            isinstance(receiver, cst.Name) and receiver.value in self._exclusive_groups
        )

    def _closed(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """As `leave_Dict` for a call's arguments, where the line break before `)` belongs to
        the last argument."""
        arguments, removed = updated.args, original.args[-1:]
        if not arguments or not removed or self._span(removed[0]) not in self._drops:
            return updated
        last, gone = arguments[-1], removed[0]
        own = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
        if isinstance(gone.comma, cst.Comma) and isinstance(last.comma, cst.Comma):
            after = _with_comment(own, gone.comma.whitespace_after)
            last = last.with_changes(comma=last.comma.with_changes(whitespace_after=after))
        else:
            last = last.with_changes(
                comma=cst.MaybeSentinel.DEFAULT,
                whitespace_after_arg=_with_comment(own, gone.whitespace_after_arg),
            )
        return updated.with_changes(args=[*arguments[:-1], last])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if updated_node.body and len(updated_node.body) < len(original_node.body):
            last = updated_node.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(body=[*updated_node.body[:-1], last])
        return updated_node

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if len(updated_node.body) == len(original_node.body):
            return updated_node
        if not updated_node.body:
            return updated_node.with_changes(body=[cst.Pass()])
        last = updated_node.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=[*updated_node.body[:-1], last])

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return _block_keeping_comments(original_node, updated_node, self._all_dropped)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        module = _module_keeping_comments(original_node, updated_node, self._all_dropped)
        uses = [span.line for span in self._env_reads] + [
            span.line
            for span, steps in self._literals.items()
            for step in steps
            if self._ok(step)
            and step.finding.fix
            and step.finding.fix.kind in ("literal", "placeholder")
        ]
        from_os = _from_os(original_node)
        removed = {n for n in self._dropped_names if n == "os" or n in from_os}
        if removed:
            unread = _unread_imports(original_node, removed)
            self._unread = {id(self._imports[node]) for node in unread}
        for name in sorted(self._dropped_names):
            if name == "os" and not uses:
                RemoveImportsVisitor.remove_unused_import(self.context, "os")
            elif name in from_os:
                obj, asname = from_os[name]
                RemoveImportsVisitor.remove_unused_import(self.context, "os", obj, asname)
        if not uses or self._os_imported_before(original_node, min(uses)):
            return module
        if self._cell_separator is None:
            return with_os_import(module)
        separators = [s for s in original_node.body if separates(s, self._cell_separator)]
        used_in = sum(
            self.get_metadata(PositionProvider, statement).start.line < min(uses)
            for statement in separators
        )
        return with_os_import(module, notebook_cell(module, self._cell_separator, used_in))

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        self._imports[original_node] = updated_node
        return updated_node

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        self._imports[original_node] = updated_node
        return updated_node

    def _all_dropped(self, statement: cst.SimpleStatementLine) -> bool:
        return all(self._span(small) in self._drops for small in statement.body)

    def _instantiate_and_run(self, transform: type[Codemod], tree: cst.Module) -> cst.Module:
        if transform is not RemoveImportsVisitor:
            return super()._instantiate_and_run(transform, tree)
        # The visitor sees a copy of `tree`: it knows the imports to keep by their order.
        imports = m.findall(tree, m.Import() | m.ImportFrom())
        kept = {index for index, node in enumerate(imports) if id(node) in self._unread}
        return _RemoveImportsKeepingComments(self.context, kept).transform_module(tree)

    def _os_imported_before(self, module: cst.Module, line: int) -> bool:
        """Whether a module-level `import os` comes before `line`, where the fix first uses it."""
        return any(
            imports_os(statement)
            and self.get_metadata(PositionProvider, statement).start.line < line
            for statement in module.body
        )


_Emptied = Callable[[cst.SimpleStatementLine], bool]
_Import = Union[cst.Import, cst.ImportFrom]


def _carrying_comments(
    original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement], emptied: _Emptied
) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """Move the comments above an emptied line onto the next statement, or the block's end.

    LibCST leaves out a statement line whose statements were all removed, comments and all.
    """
    kept = iter(updated)
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    for statement in original:
        if isinstance(statement, cst.SimpleStatementLine) and emptied(statement):
            carried += statement.leading_lines
            continue
        new = next(kept)
        if carried and isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            new = new.with_changes(leading_lines=_joined_lines(carried, new.leading_lines))
            carried = []
        body.append(new)
    return body, carried


def _joined_lines(
    carried: Sequence[cst.EmptyLine], own: Sequence[cst.EmptyLine]
) -> list[cst.EmptyLine]:
    """The lines above a removed statement, then those below it, where the blank lines that
    met at the statement are one run, as long as the longer: pycodestyle counted each apart."""
    before = len(carried)
    while before and carried[before - 1].comment is None:
        before -= 1
    after = 0
    while after < len(own) and own[after].comment is None:
        after += 1
    blank = own[:after] if after >= len(carried) - before else carried[before:]
    return [*carried[:before], *blank, *own[after:]]


def _block_keeping_comments(
    original: cst.IndentedBlock, updated: cst.IndentedBlock, emptied: _Emptied
) -> cst.IndentedBlock:
    body, footer = _carrying_comments(original.body, updated.body, emptied)
    if not body:
        body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)]
        footer = []
    return updated.with_changes(body=body, footer=[*footer, *updated.footer])


def _module_keeping_comments(
    original: cst.Module, updated: cst.Module, emptied: _Emptied
) -> cst.Module:
    body, footer = _carrying_comments(original.body, updated.body, emptied)
    return updated.with_changes(body=body, footer=[*footer, *updated.footer])


def _unread_imports(module: cst.Module, names: set[str]) -> set[_Import]:
    """The import statements in `module` that bind one of `names` (`os`, or a name from it)
    that no code reads."""
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = {scope for scope in wrapper.resolve(ScopeProvider).values() if scope is not None}
    return {
        assignment.node
        for scope in scopes
        for assignment in scope.assignments
        if isinstance(assignment, Assignment)
        and isinstance(assignment.node, (cst.Import, cst.ImportFrom))
        and assignment.name in names
        and not assignment.references
    }


class _RemoveImportsKeepingComments(RemoveImportsVisitor):
    """LibCST's `RemoveImportsVisitor`, keeping the comments above an import line it removes
    (`# --- config ---`, a notebook's `# In[2]:`), and the imports that no code read before the
    fix (`kept`: their indexes among the import statements, in source order)."""

    def __init__(self, context: CodemodContext, kept: set[int]) -> None:
        super().__init__(context)
        self._kept = kept
        self._index = -1
        self._emptied: set[int] = set()

    def visit_Import(self, node: cst.Import) -> None:
        self._index += 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._index += 1

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> Union[cst.Import, cst.RemovalSentinel]:
        kept = self._index in self._kept
        return updated_node if kept else super().leave_Import(original_node, updated_node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> Union[cst.ImportFrom, cst.RemovalSentinel]:
        kept = self._index in self._kept
        return updated_node if kept else super().leave_ImportFrom(original_node, updated_node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not updated_node.body:
            self._emptied.add(id(original_node))
        return updated_node

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return _block_keeping_comments(original_node, updated_node, self._was_emptied)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return _module_keeping_comments(original_node, updated_node, self._was_emptied)

    def _was_emptied(self, statement: cst.SimpleStatementLine) -> bool:
        return id(statement) in self._emptied


def _from_os(module: cst.Module) -> dict[str, tuple[str, Optional[str]]]:
    """Local name -> (name in `os`, alias) for the module's `from os import ...`."""
    found: dict[str, tuple[str, Optional[str]]] = {}
    lines = [s for s in module.body if isinstance(s, cst.SimpleStatementLine)]
    imports = [n for line in lines for n in line.body if isinstance(n, cst.ImportFrom)]
    for node in imports:
        names = node.names
        if not isinstance(node.module, cst.Name) or node.module.value != "os":
            continue
        for alias in () if isinstance(names, cst.ImportStar) else names:
            obj = cst.ensure_type(alias.name, cst.Name).value
            found[alias.evaluated_alias or obj] = (obj, alias.evaluated_alias)
    return found


_EXCLUSIVE_GROUP = m.Call(func=m.Attribute(attr=m.Name("add_mutually_exclusive_group")))


def _binary(node: _String) -> bool:
    """Whether a literal (or the first of a chain of them) is bytes."""
    while isinstance(node, (cst.ConcatenatedString, cst.BinaryOperation)):
        node = node.left  # type: ignore[assignment]
    return isinstance(node, cst.SimpleString) and "b" in node.prefix.lower()


def _chained(
    head: Optional[cst.BaseExpression],
    expression: cst.BaseExpression,
    tail: Optional[cst.BaseExpression],
) -> cst.BaseExpression:
    """`head + expression + tail`, without the parts that are None."""
    if head is not None:
        expression = cst.BinaryOperation(head, cst.Add(), expression)
    if tail is not None:
        expression = cst.BinaryOperation(expression, cst.Add(), tail)
    return expression


def _split_at(
    string: cst.SimpleString, secret: str
) -> Optional[tuple[Optional[cst.SimpleString], Optional[cst.SimpleString]]]:
    """The literals before and after the key in `string`'s own source, each with its prefix
    and quotes (None where nothing stands there), or None if they would not read as the text
    did: a block `a {{ x }} <key> b` in triple quotes is `a {{ x }} ` and ` b` in them."""
    source, opening = string.value, len(string.prefix) + len(string.quote)
    at = source.find(secret, opening)
    if at == -1:
        return None
    written = source[:at]
    if "r" not in string.prefix.lower():
        # A quote right before the cut would close the head early: `"pat": "` + `"""`.
        quotes = len(written) - len(written.rstrip(string.quote[0]))
        if quotes and at - quotes >= opening:
            written = written[: at - quotes] + ("\\" + string.quote[0]) * quotes
    head = cst.SimpleString(written + string.quote)
    tail = cst.SimpleString(string.prefix + string.quote + source[at + len(secret) :])
    try:
        before, after, whole = head.evaluated_value, tail.evaluated_value, string.evaluated_value
    except (SyntaxError, ValueError):  # an escape cut in two
        return None
    if not (
        isinstance(before, str) and isinstance(after, str) and before + secret + after == whole
    ):
        return None
    return (
        head if at > opening else None,
        tail if at + len(secret) < len(source) - len(string.quote) else None,
    )


def _laid_out(node: _String, span: Span) -> bool:
    """Whether a string over several lines has a layout to keep: it is triple-quoted,
    comments stand between its parts, or its parts are lines of a text (`.env` or YAML, a
    line per part)."""
    if span.line == span.end_line or isinstance(node, cst.BinaryOperation):
        return False
    if isinstance(node, (cst.SimpleString, cst.FormattedString)) or m.findall(node, m.Comment()):
        return True
    parts = [p for p in m.findall(node, m.SimpleString()) if isinstance(p, cst.SimpleString)]
    return any("\n" in str(part.evaluated_value) for part in parts)


def _footer_without_blanks_on_blank_lines(module: cst.Module) -> cst.Module:
    """`module` whose last lines, once a removal made them its end, start with no spaces where
    LibCST would not read them back: it drops the blank lines above an indented line at the end
    (`pass\\n\\n \\n` and `pass\\n\\n #\\n` come back as `pass\\n \\n`, `pass\\n #\\n`), so that
    the next run would change the file again."""
    if not any(line.whitespace.value for line in module.footer[1:]):
        return module
    code = module.code
    if cst.parse_module(code).code == code:
        return module
    footer = [line.with_changes(whitespace=cst.SimpleWhitespace("")) for line in module.footer]
    return module.with_changes(footer=footer)


def _without_new_leading_blanks(original: cst.Module, result: cst.Module) -> cst.Module:
    """`result` without the blank lines that removing its first statements (`import os`, a
    dropped `os.environ[...] = ...`) left at its top, where the original had none."""
    if not original.body or not result.body or original.body[0].leading_lines:
        return result
    first = result.body[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        del lines[0]
    return result.with_changes(body=[first.with_changes(leading_lines=lines), *result.body[1:]])


# What comes before the value in `%env NAME=value`, `%env NAME value`, `%env NAME = value`.
_ENV_MAGIC_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*|\s+)")


def _env_magic_as_assignment(statement: cst.Expr) -> Optional[cst.Assign]:
    """`os.environ["OPENAI_API_KEY"] = os.environ["CLARIFAI_PAT"]` for `%env` (in its Python
    form) once the fix made it `run_line_magic("env", "OPENAI_API_KEY=" + os.environ[...])`:
    the magic prints the value it sets, the key, into the cell's output."""
    call = statement.value
    if not (
        m.matches(call, m.Call(func=m.Attribute(value=m.Call(func=m.Name("get_ipython")))))
        and isinstance(call, cst.Call)
        and len(call.args) == 2
    ):
        return None
    magic, text = (argument.value for argument in call.args)
    if not (
        isinstance(magic, cst.SimpleString)
        and magic.evaluated_value in ("env", "set_env")
        and isinstance(text, cst.BinaryOperation)
        and isinstance(text.operator, cst.Add)
        and isinstance(text.left, cst.SimpleString)
        and isinstance(text.left.evaluated_value, str)
        and isinstance(text.right, (cst.Subscript, cst.Call))
    ):
        return None
    name = _ENV_MAGIC_NAME.fullmatch(text.left.evaluated_value)
    if name is None:
        return None
    environ = cst.Attribute(cst.Name("os"), cst.Name("environ"))
    variable = cst.SimpleString(f'"{name[1]}"')
    target = cst.Subscript(environ, [cst.SubscriptElement(cst.Index(variable))])
    return cst.Assign([cst.AssignTarget(target)], text.right)


def _with_comment(
    own: Optional[cst.BaseParenthesizableWhitespace], other: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """`other`, the line break that closed a removed last entry, with the comment that ended the
    new last entry's line (`"B": 1,  # who`) in place of the removed one's."""
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
        other, cst.ParenthesizedWhitespace
    ):
        return other.with_changes(first_line=own.first_line)
    return other


def _span(finding: Finding) -> Span:
    assert finding.fix is not None
    return finding.fix.span
