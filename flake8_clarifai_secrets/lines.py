"""Lines of source as `ast` counts them, for the detector and the notebook masks alike."""

from __future__ import annotations

import io


def source_lines(code: str) -> list[str]:
    """Split lines as `ast` counts them: at `\\n`, `\\r\\n` and `\\r` only."""
    return io.StringIO(code, newline="").readlines()
