"""The flake8 entry point. Nothing on this import path may import libcst."""

from __future__ import annotations

import argparse
import ast
from typing import TYPE_CHECKING, Any

from flake8.violation import Violation

from flake8_clarifai_secrets.comments import commented_keys, commented_message
from flake8_clarifai_secrets.detector import Scan, find_credentials
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR, env_var_name
from flake8_clarifai_secrets.fixes import file_variables
from flake8_clarifai_secrets.scan import named_facts

if TYPE_CHECKING:
    from flake8.options.manager import OptionManager


class Plugin:
    env_var = DEFAULT_ENV_VAR

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        self._tree = tree
        self._lines = lines

    @classmethod
    def add_options(cls, manager: OptionManager) -> None:
        manager.add_option(
            "--clarifai-env-var",
            default=DEFAULT_ENV_VAR,
            type=env_var_name,
            parse_from_config=True,
            help="Environment variable that holds the Clarifai PAT, named in CLR messages and "
            "used by clarifai-secrets-fix (default: %(default)s)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.env_var = options.clarifai_env_var

    def run(self) -> list[tuple[int, int, str, type[Any]]]:
        scan = Scan(self._lines, self.env_var)
        findings = find_credentials(self._tree, self._lines, self.env_var, scan=scan)
        # A key in a comment or a docstring stands on a line that holds a key-shaped token.
        commented = (
            [
                (line, col, commented_message(key), type(self))
                for line, col, key in commented_keys(
                    "".join(self._lines), self._tree, findings, self.env_var
                )
            ]
            if scan.clarifai_context and scan.token_lines
            else []
        )
        if not findings:
            return commented
        # A finding that its line's `# noqa` hides takes no variable in the fixer's plan.
        shown = [
            not Violation(f.code, "", f.line, f.col, "", self._lines[f.line - 1]).is_inline_ignored(
                False
            )
            for f in findings
        ]
        known = named_facts(self._tree, findings, self._lines)
        variables = file_variables(findings, shown, known, self.env_var)
        reported = [
            (finding.line, finding.col, finding.message(self.env_var, variable), type(self))
            for finding, variable in zip(findings, variables)
        ]
        return sorted(reported + commented, key=lambda result: result[:2])
