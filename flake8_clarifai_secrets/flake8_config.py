"""flake8's own machinery, so that the fixer touches exactly what flake8 reports.

flake8 reads its configuration (`setup.cfg`, `tox.ini`, `.flake8`, and `pyproject.toml` where a
plugin such as Flake8-pyproject teaches it to), loads the plugins, finds the files, and decides
for each finding: `select`, `ignore`, their `extend-` forms, `per-file-ignores`, `# noqa` over a
whole logical line, `# flake8: noqa` and `disable-noqa`. Nothing here copies those rules.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Sequence
from typing import Any

from flake8.discover_files import expand_paths
from flake8.exceptions import Flake8Exception
from flake8.main.application import Application
from flake8.processor import FileProcessor
from flake8.style_guide import Decision

from flake8_clarifai_secrets.detector import Finding

# `-qq` makes flake8 build its `quiet-nothing` formatter: deciding prints nothing.
_QUIET = ["--quiet", "--quiet"]


class ConfigError(Exception):
    """flake8 rejected its configuration or plugins."""


class Flake8:
    def __init__(self, arguments: Sequence[str] = ()) -> None:
        """`arguments`: flake8's own command-line options (`--stdin-display-name`)."""
        application = Application()
        try:
            application.initialize([*_QUIET, *arguments])
        except SystemExit:
            # flake8's parser has printed its usage and the error, under its own name.
            raise ConfigError(
                "flake8 refused its configuration, as it says above; nothing was changed"
            ) from None
        except Flake8Exception as error:  # a plugin that does not load, for one
            raise ConfigError(f"flake8: {error}") from None
        except ValueError as error:  # `max-line-length = abc`, which flake8 does not catch
            raise ConfigError(f"flake8: a configuration value is not valid: {error}") from None
        self.options: argparse.Namespace = application.options
        self._guide: Any = application.guide

    def selects_any(self, codes: Sequence[str]) -> bool:
        """Whether `select`, `ignore` and their `extend-` forms let any of `codes` through
        (`per-file-ignores` and `noqa` aside)."""
        return any(self._guide.decider.decision_for(code) is Decision.Selected for code in codes)

    @property
    def env_var(self) -> str:
        value: str = self.options.clarifai_env_var
        return value

    def files(self, paths: Sequence[str]) -> list[str]:
        """The files flake8 would check for `paths`, honouring `exclude` and `filename`, and the
        notebooks beside them."""
        extra: dict[str, bool] = {}
        if "is_running_from_diff" in inspect.signature(expand_paths).parameters:  # flake8 5
            extra["is_running_from_diff"] = False
        return sorted(
            expand_paths(
                paths=paths,
                stdin_display_name=self.options.stdin_display_name,
                filename_patterns=[*self.options.filename, "*.ipynb"],
                exclude=[*self.options.exclude, *self.options.extend_exclude],
                **extra,
            )
        )

    def reports_in_file(self, path: str, lines: list[str], codes: Sequence[str]) -> bool:
        """Whether flake8 reports any of `codes` in the file `path` by its configuration for the
        file (`select`, `per-file-ignores`, `# flake8: noqa`), whatever a line's `# noqa` says."""
        if FileProcessor(path, self.options, lines=list(lines)).should_ignore_file():
            return False
        # An empty physical line holds no `# noqa`.
        return any(bool(self._guide.handle_error(code, path, 1, 0, "", "")) for code in codes)

    def reported(
        self, path: str, lines: list[str], findings: Sequence[Finding], env_var: str
    ) -> list[bool]:
        """For each finding, whether flake8 reports it in the file `path` whose lines these are."""
        processor = FileProcessor(path, self.options, lines=list(lines))
        if processor.should_ignore_file():
            return [False] * len(findings)
        return [
            bool(
                self._guide.handle_error(
                    finding.code,
                    path,
                    finding.line,
                    finding.col,
                    finding.message(env_var),
                    processor.noqa_line_for(finding.line),
                )
            )
            for finding in findings
        ]
