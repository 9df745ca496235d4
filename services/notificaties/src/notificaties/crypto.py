"""Secrets at rest: the signing secret and the subscriber's authorization header are stored encrypted, so a
database dump or a read-only replica does not hand out credentials to other systems."""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, MultiFernet

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format marker of a secret, not a secret


class SecretBox:
    """Authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) with key rotation: the first key
    encrypts, every key decrypts."""

    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()


def nieuw_geheim() -> str:
    """A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
