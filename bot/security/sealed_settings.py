"""Which values of a stored setting are secrets, sealed on the way in and opened on the way out.

Settings are JSON owned by each ritual; any value whose key names a secret is encrypted,
however deep it sits (`{"tracker": {"token": ...}, "webhook_secret": ...}`). The audit log
gets the same structure with secrets masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.security.secret_box import SecretBox

SECRET_KEYS = frozenset(
    {"token", "secret", "webhook_secret", "refresh_token", "client_secret", "api_key", "password"}
)
MASK = "***"


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                change(item)
                if key in SECRET_KEYS and isinstance(item, str) and item
                else _walk(item, change)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, change) for item in value]
    return value


def seal_secrets(value: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    return dict(_walk(value, lambda s: s if box.is_sealed(s) else box.seal(s)))


def open_secrets(value: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    return dict(_walk(value, box.open))


def rotate_secrets(value: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    return dict(_walk(value, box.rotate))


def mask_secrets(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else dict(_walk(value, lambda _: MASK))
