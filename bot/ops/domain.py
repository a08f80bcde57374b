"""Parsing what people type after `/ops`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpsCommand:
    name: str
    args: tuple[str, ...]


def parse_ops_command(text: str) -> OpsCommand:
    words = text.split()
    if not words:
        return OpsCommand("help", ())
    return OpsCommand(words[0].lower(), tuple(words[1:]))
