"""Synthetic credentials. Test data never holds a real key; every key made here is recorded
so that the leak check in conftest.py can look for it in all captured output."""

from __future__ import annotations

import secrets
import string

from flake8_clarifai_secrets.credentials import entropy, is_generic_secret

GENERATED: set[str] = set()


def synthetic_key() -> str:
    """A random 32-hex key, with the entropy of a typical real one so tests are deterministic."""
    while True:
        key = secrets.token_hex(16)
        if entropy(key) >= 3.4:
            GENERATED.add(key)
            return key


def synthetic_legacy_secret(length: int = 40) -> str:
    """A random v1 client id or secret (40 characters) or access token (30): letters of both
    cases and digits."""
    alphabet = string.ascii_letters + string.digits
    while True:
        secret = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in secret) and secret.lower() != secret != secret.upper():
            GENERATED.add(secret)
            return secret


def synthetic_token() -> str:
    """A random non-Clarifai bearer token."""
    while True:
        token = "sk-" + secrets.token_urlsafe(24)
        if is_generic_secret(token):
            GENERATED.add(token)
            return token


KEY = synthetic_key()
KEY2 = synthetic_key()
LEGACY = synthetic_legacy_secret()
LEGACY2 = synthetic_legacy_secret()
ACCESS = synthetic_legacy_secret(30)
TOKEN = synthetic_token()


def fill(template: str) -> str:
    """Put the synthetic credentials into a template's `<KEY>`, `<KEY2>`, `<LEGACY>`,
    `<LEGACY2>`, `<ACCESS>`, `<TOKEN>`; `<KEY_A>` and `<KEY_B>` are the halves of `<KEY>`."""
    return (
        template.replace("<KEY2>", KEY2)
        .replace("<KEY_A>", KEY[:16])
        .replace("<KEY_B>", KEY[16:])
        .replace("<KEY>", KEY)
        .replace("<LEGACY2>", LEGACY2)
        .replace("<LEGACY>", LEGACY)
        .replace("<ACCESS>", ACCESS)
        .replace("<TOKEN>", TOKEN)
    )
