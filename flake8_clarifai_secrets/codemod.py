"""The LibCST codemod: rewrite exactly the nodes that the detector's findings point at."""

from __future__ import annotations

import argparse
import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

import libcst as cst
import libcst.matchers as m
from flake8.defaults import NOQA_INLINE_REGEXP
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, PositionProvider

from flake8_clarifai_secrets.detector import Finding, Span, find_credentials, source_lines
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR, env_var_name

_String = Union[cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.BinaryOperation]
# Parents in which `a + b` needs parentheses to stay one operand.
_BINDS_TIGHTER = m.Attribute() | m.Subscript() | m.Call() | m.UnaryOperation() | m.Await()


@dataclass(frozen=True)
class Moved:
    """A finding the codemod rewrote, and the variable that now holds its key."""

    finding: Finding
    env_var: str


def scheme_env_var(value: str) -> tuple[str, str]:
    """argparse `type=` for `SCHEME=NAME`, such as `Bearer=OPENAI_API_KEY`."""
    scheme, sep, name = value.partition("=")
    if not sep or not scheme.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not SCHEME=NAME, such as Bearer=MY_TOKEN")
    return scheme.strip().lower(), env_var_name(name)


def is_noqa(finding: Finding, lines: Sequence[str]) -> bool:
    """flake8's own `# noqa` rule, so that the fixer leaves what the linter is told to skip."""
    match = (
        NOQA_INLINE_REGEXP.search(lines[finding.line - 1]) if finding.line <= len(lines) else None
    )
    if match is None:
        return False
    codes = match.group("codes")
    return not codes or any(finding.code.startswith(c) for c in codes.replace(",", " ").split())


def _python_string(text: str) -> str:
    """A double-quoted literal for `text` where Python allows one, as the docs snippets write."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return '"' + literal[1:-1] + '"'
    return literal


def _binds_os_elsewhere(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "os" and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg)):
            if getattr(node, "name", getattr(node, "arg", None)) == "os":
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                binds = alias.asname or alias.name.partition(".")[0]
                is_module = isinstance(node, ast.Import) and alias.name.partition(".")[0] == "os"
                if binds == "os" and not (is_module and alias.asname in (None, "os")):
                    return True
    return False


class ReadKeyFromEnviron(VisitorBasedCodemodCommand):
    DESCRIPTION = "Read hard-coded Clarifai keys from os.environ."
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--env-var",
            dest="env_var",
            type=env_var_name,
            default=DEFAULT_ENV_VAR,
            help="Variable that holds the Clarifai key (default: %(default)s)",
        )
        arg_parser.add_argument(
            "--env-var-for",
            dest="env_var_for",
            type=scheme_env_var,
            action="append",
            default=[],
            metavar="SCHEME=NAME",
            help="Also move non-Clarifai `authorization` credentials with this scheme into NAME",
        )

    def __init__(
        self,
        context: CodemodContext,
        env_var: str = DEFAULT_ENV_VAR,
        env_var_for: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(context)
        self.env_var = env_var
        self.env_var_for = dict(env_var_for)
        self.findings: list[Finding] = []
        self.moved: list[Moved] = []
        self.left: list[tuple[Finding, str]] = []
        self._literals: dict[Span, tuple[Finding, str]] = {}
        self._env_reads: set[Span] = set()
        self._drops: set[Span] = set()

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        try:
            ast_tree = ast.parse(tree.code)
        except SyntaxError as error:
            self.warn(f"not rewritten: `ast` cannot parse line {error.lineno}")
            return tree
        lines = source_lines(tree.code)
        self.findings = find_credentials(ast_tree, lines, self.env_var)
        if not self.findings:
            return tree
        os_taken = _binds_os_elsewhere(ast_tree)
        for finding, var in self._plan(lines, os_taken):
            self.moved.append(Moved(finding, var))
            assert finding.fix is not None
            if finding.fix.kind in ("literal", "name"):
                self._literals[finding.fix.span] = (finding, var)
            elif finding.fix.kind == "env_read":
                self._env_reads.add(finding.fix.span)
            else:
                self._drops.add(finding.fix.span)
        for finding, reason in self.left:
            self.warn(f"{finding.line}:{finding.col + 1}: {finding.code} left alone: {reason}")
        if not self.moved:
            return tree
        if any(f.fix and f.fix.kind == "literal" for f, _ in self._literals.values()) or (
            self._env_reads
        ):
            AddImportsVisitor.add_needed_import(self.context, "os")
        return super().transform_module_impl(tree)

    def _plan(self, lines: Sequence[str], os_taken: bool) -> list[tuple[Finding, str]]:
        """Choose a variable per finding: one per distinct key, so no two keys share one."""
        owner: dict[str, str] = {}
        fixable = []
        for finding in self.findings:
            if is_noqa(finding, lines):
                continue
            if finding.fix is None:
                self.left.append((finding, "this form cannot be rewritten safely"))
            elif not finding.clarifai and (finding.scheme or "").lower() not in self.env_var_for:
                self.left.append(
                    (finding, "not a Clarifai key; name a variable with --env-var-for")
                )
            elif os_taken and finding.fix.kind != "drop":
                self.left.append((finding, "`os` is bound to something else in this file"))
            else:
                fixable.append(finding)
                if finding.fix.kind not in ("literal", "name"):
                    owner.setdefault(finding.target, finding.secret)
        planned = []
        for finding in fixable:
            assert finding.fix is not None
            if finding.fix.kind not in ("literal", "name"):
                planned.append((finding, finding.target))
                continue
            base = (
                self.env_var
                if finding.clarifai
                else self.env_var_for[(finding.scheme or "").lower()]
            )
            var, n = base, 1
            while owner.setdefault(var, finding.secret) != finding.secret:
                n += 1
                var = f"{base}_{n}"
            planned.append((finding, var))
        return planned

    def _span(self, node: cst.CSTNode) -> Span:
        pos = self.get_metadata(PositionProvider, node)
        return Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column)

    def _environ(self, var_name: cst.BaseExpression) -> cst.Subscript:
        return cst.Subscript(
            value=cst.parse_expression("os.environ", config=self.module.config_for_parsing),
            slice=[cst.SubscriptElement(cst.Index(var_name))],
        )

    def _literal(self, original: _String, updated: _String) -> cst.BaseExpression:
        target = self._literals.get(self._span(original))
        if target is None:
            return updated
        finding, var = target
        assert finding.fix is not None
        if finding.fix.kind == "name":
            return cst.SimpleString(f'"{var}"', lpar=updated.lpar, rpar=updated.rpar)
        pieces = [finding.fix.prefix, f'os.environ["{var}"]', finding.fix.suffix]
        source = " + ".join(
            piece if i == 1 else _python_string(piece) for i, piece in enumerate(pieces) if piece
        )
        expression = cst.parse_expression(source, config=self.module.config_for_parsing)
        if isinstance(expression, cst.BinaryOperation) and not updated.lpar:
            parent = self.get_metadata(ParentNodeProvider, original)
            if m.matches(parent, _BINDS_TIGHTER) or m.matches(parent, m.BinaryOperation()):
                return expression.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return expression.with_changes(lpar=updated.lpar, rpar=updated.rpar)

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
            return updated_node
        return self._environ(updated_node.args[0].value).with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        if self._span(original_node) not in self._env_reads:
            return updated_node
        call = cst.ensure_type(updated_node.left, cst.Call)
        return self._environ(call.args[0].value).with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> Union[cst.Assign, cst.RemovalSentinel]:
        if self._span(original_node) in self._drops:
            return cst.RemoveFromParent()
        return updated_node

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> Union[cst.Expr, cst.RemovalSentinel]:
        if self._span(original_node) in self._drops:
            return cst.RemoveFromParent()
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if updated_node.body and len(updated_node.body) < len(original_node.body):
            last = updated_node.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(body=[*updated_node.body[:-1], last])
        return updated_node

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, footer = self._keep_comments(original_node.body, updated_node.body)
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)]
            footer = []
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, footer = self._keep_comments(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def _keep_comments(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Move the comments above a dropped line onto the next statement, or the block's end.

        LibCST leaves out a statement line whose statements were all removed, comments and all.
        """
        kept = iter(updated)
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for statement in original:
            if isinstance(statement, cst.SimpleStatementLine) and all(
                self._span(small) in self._drops for small in statement.body
            ):
                carried += statement.leading_lines
                continue
            new = next(kept)
            if carried and isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                new = new.with_changes(leading_lines=[*carried, *new.leading_lines])
                carried = []
            body.append(new)
        return body, carried
