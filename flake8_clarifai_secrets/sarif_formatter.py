"""`flake8 --format=sarif`: every violation of the run as one SARIF 2.1.0 log."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from flake8.formatting.base import BaseFormatter

from flake8_clarifai_secrets.report import Reported, sarif_log

if TYPE_CHECKING:
    from flake8.statistics import Statistics
    from flake8.violation import Violation


class SarifFormatter(BaseFormatter):  # type: ignore[misc]
    def after_init(self) -> None:
        self.found: list[Reported] = []

    def handle(self, error: Violation) -> None:
        """Collect; never show the source line, which may hold a key."""
        self.found.append(
            Reported(
                error.filename,
                error.line_number,
                error.column_number,
                error.code,
                error.text,
                fixable=False,
            )
        )

    def show_statistics(self, statistics: Statistics) -> None:
        """Nothing but the log goes to the output."""

    def show_benchmarks(self, benchmarks: list[tuple[str, float]]) -> None:
        """Nothing but the log goes to the output."""

    def stop(self) -> None:
        self._write(json.dumps(sarif_log(self.found, os.getcwd()), indent=2))
        super().stop()
