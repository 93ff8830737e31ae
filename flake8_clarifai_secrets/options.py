"""The `clarifai-env-var` option, shared by the plugin and the fixer."""

from __future__ import annotations

import argparse
import re

DEFAULT_ENV_VAR = "CLARIFAI_PAT"
_ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_var_name(value: str) -> str:
    """argparse `type=`: flake8 applies it to config-file values too, so both get one error."""
    name = value.strip()
    if _ENV_VAR.fullmatch(name) is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an environment variable name (letters, digits and `_`, "
            "not starting with a digit)"
        )
    return name
