"""Encrypts the secrets opsbot stores (tracker tokens, webhook secrets, OAuth tokens).

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with key rotation: OPSBOT_ENCRYPTION_KEY
holds one or more comma-separated keys; the first encrypts, all decrypt, so a new key is added
in front and `opsbot secrets rotate` re-encrypts what is stored. Without an explicit key, a key
is derived (HKDF-SHA256) from SLACK_SIGNING_SECRET so that a copy of the database alone never
reveals a token; it is still decryptable after OPSBOT_ENCRYPTION_KEY is set, because the derived
key stays last in the ring. Stored values carry a prefix so plain legacy values are recognised.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "enc:v1:"
_DERIVATION_INFO = b"opsbot secrets at rest v1"


class SecretBoxError(Exception):
    """No key to encrypt with, or a stored secret no configured key can open."""


def derived_key(signing_secret: str) -> bytes:
    """A Fernet key derived from the signing secret (the fallback when no key is set)."""
    material = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"opsbot", info=_DERIVATION_INFO
    ).derive(signing_secret.encode("utf-8"))
    return base64.urlsafe_b64encode(material)


class SecretBox:
    def __init__(self, keys: Sequence[bytes]) -> None:
        self._ring = MultiFernet([Fernet(key) for key in keys]) if keys else None

    @classmethod
    def from_config(cls, *, encryption_keys: str | None, signing_secret: str | None) -> SecretBox:
        keys = [k.strip().encode("ascii") for k in (encryption_keys or "").split(",") if k.strip()]
        if signing_secret:
            keys.append(derived_key(signing_secret))
        try:
            return cls(keys)
        except ValueError as error:
            raise SecretBoxError(
                "OPSBOT_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), "
                "comma-separated"
            ) from error

    @staticmethod
    def is_sealed(value: str) -> bool:
        return value.startswith(PREFIX)

    def seal(self, plain: str) -> str:
        if self._ring is None:
            raise SecretBoxError(
                "opsbot has no key to encrypt secrets with: set OPSBOT_ENCRYPTION_KEY "
                "(or SLACK_SIGNING_SECRET)"
            )
        return PREFIX + self._ring.encrypt(plain.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        """The plain secret; a legacy plain value is returned as it is."""
        if not self.is_sealed(stored):
            return stored
        if self._ring is None:
            raise SecretBoxError("a stored secret is encrypted but no key is configured")
        try:
            return self._ring.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise SecretBoxError(
                "a stored secret cannot be opened with the configured keys "
                "(was OPSBOT_ENCRYPTION_KEY or SLACK_SIGNING_SECRET changed?)"
            ) from error

    def rotate(self, stored: str) -> str:
        """Re-encrypted with the first key (plain legacy values get encrypted)."""
        if self._ring is None:
            raise SecretBoxError("no key configured")
        if not self.is_sealed(stored):
            return self.seal(stored)
        token = self._ring.rotate(stored[len(PREFIX) :].encode("ascii"))
        return PREFIX + token.decode("ascii")
