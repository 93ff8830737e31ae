"""The Clarifai SDK's source, pinned and downloaded from PyPI without its dependencies."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

SDK = "clarifai==12.5.0"


def download_sdk(root: Path) -> Path:
    """Download and unpack the SDK's wheel into `root`; return its `clarifai` package."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
        + ["-d", str(root), SDK],
        check=True,
    )
    (wheel,) = root.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root / "tree")
    return root / "tree" / "clarifai"
