from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.keys import GENERATED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """Fail any test whose id, captured output or failure text shows a whole credential."""
    outcome = yield
    report = outcome.get_result()
    shown = "\n".join(
        [item.nodeid, report.longreprtext, *(content for _, content in report.sections)]
    )
    leaked = [secret for secret in GENERATED if secret in shown]
    if leaked:
        report.outcome = "failed"
        report.longrepr = f"a generated credential ending {leaked[0][-4:]} appears in the output"
