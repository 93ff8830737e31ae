"""The `clarifai-env-var` option, shared by the plugin and the fixer."""

from __future__ import annotations

import argparse
import re
from typing import Optional

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


def scheme_env_var(value: str) -> tuple[str, str]:
    """argparse `type=` for `SCHEME=NAME`, such as `Bearer=OPENAI_API_KEY`."""
    scheme, sep, name = value.partition("=")
    if not sep or not scheme.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not SCHEME=NAME, such as Bearer=MY_TOKEN")
    return scheme.strip().lower(), env_var_name(name)


def add_variable_arguments(parser: argparse.ArgumentParser, env_var: Optional[str]) -> None:
    """`--env-var` and `--env-var-for`, shared by clarifai-secrets-fix and LibCST's tool."""
    parser.add_argument(
        "--env-var",
        dest="env_var",
        type=env_var_name,
        default=env_var,
        help="variable that holds the Clarifai key (default: `clarifai-env-var` from flake8's "
        f"configuration, else {DEFAULT_ENV_VAR})",
    )
    parser.add_argument(
        "--env-var-for",
        dest="env_var_for",
        type=scheme_env_var,
        action="append",
        default=[],
        metavar="SCHEME=NAME",
        help="also move non-Clarifai `authorization` credentials with this scheme into NAME",
    )
