"""Synthetic credentials. Test data never holds a real key; every key made here is recorded
so that the leak check in conftest.py can look for it in all captured output."""

from __future__ import annotations

import secrets
import string

from flake8_clarifai_secrets.credentials import entropy

GENERATED: set[str] = set()


def synthetic_key() -> str:
    """A random 32-hex key, with the entropy of a typical real one so tests are deterministic."""
    while True:
        key = secrets.token_hex(16)
        if entropy(key) >= 3.4:
            GENERATED.add(key)
            return key


def synthetic_legacy_secret() -> str:
    """A random 40-character v1 client secret (letters of both cases, digits)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        secret = "".join(secrets.choice(alphabet) for _ in range(40))
        if any(c.isdigit() for c in secret) and secret.lower() != secret != secret.upper():
            GENERATED.add(secret)
            return secret


def synthetic_access_token() -> str:
    """A random 30-character v1 access token (letters of both cases, digits)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        token = "".join(secrets.choice(alphabet) for _ in range(30))
        if any(c.isdigit() for c in token) and token.lower() != token != token.upper():
            GENERATED.add(token)
            return token


def synthetic_token() -> str:
    """A random non-Clarifai bearer token."""
    token = "sk-" + secrets.token_urlsafe(24)
    GENERATED.add(token)
    return token


KEY = synthetic_key()
KEY2 = synthetic_key()
LEGACY = synthetic_legacy_secret()
LEGACY2 = synthetic_legacy_secret()
ACCESS = synthetic_access_token()
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
