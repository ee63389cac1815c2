"""Platform tokens at rest: a settings or account value "enc:…" is Fernet-encrypted with the
office's key (BAOCHI_SOCIAL_SECRET_KEY, else social.key in the data folder, mode 0600); a
plain value can only come from the environment. Tokens are never part of an error or a log.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from baochi.settings import Settings

PREFIX = "enc:"
KEY_FILE = "social.key"


class TokenError(ValueError):
    """A token cannot be read: no key, the wrong key, or a damaged value."""


def _key_path(settings: Settings) -> Path:
    return settings.data / KEY_FILE


def _key(settings: Settings, create: bool) -> bytes:
    if settings.social_secret_key:
        return settings.social_secret_key.encode()
    path = _key_path(settings)
    if path.is_file():
        return path.read_bytes().strip()
    if not create:
        raise TokenError(f"no key to decrypt tokens: set BAOCHI_SOCIAL_SECRET_KEY or {path}")
    settings.data.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as f:
        f.write(key)
    return key


def encrypt(token: str, settings: Settings) -> str:
    """The token as "enc:…", made with the office's key (created on first use)."""
    if not token.strip():
        raise TokenError("empty token")
    try:
        return PREFIX + Fernet(_key(settings, create=True)).encrypt(token.encode()).decode()
    except ValueError as exc:
        raise TokenError("the social secret key is not a valid Fernet key") from exc


def reveal(value: str, settings: Settings) -> str:
    """The usable token: "enc:…" decrypted, anything else as given (the environment's)."""
    if not value.startswith(PREFIX):
        return value
    try:
        return Fernet(_key(settings, create=False)).decrypt(value[len(PREFIX) :]).decode()
    except (InvalidToken, ValueError) as exc:
        raise TokenError("an encrypted token does not open with this key") from exc
