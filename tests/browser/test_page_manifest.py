"""The page's copy of the app's slash commands and message shortcuts (static/manifest.js, used
when /playground/state does not list them) is the manifest's, so the composer's hints and the
"⋯" menu offer exactly what the app answers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.rituals.installed import INSTALLED
from bot.slack.manifest import build_manifest

MANIFEST_JS = Path(__file__).resolve().parents[2] / "bot" / "playground" / "static" / "manifest.js"


def _js_list(name: str) -> list[dict[str, Any]]:
    source = MANIFEST_JS.read_text()
    body = re.search(rf"export const {name} = (\[.*?\n\]);", source, re.S)
    assert body is not None, f"{name} not found in manifest.js"
    # The entries are written as JSON objects; only the list's trailing comma is not JSON.
    return list(json.loads(re.sub(r",\n\]$", "\n]", body.group(1))))


def test_the_pages_commands_are_the_manifests() -> None:
    manifest = build_manifest(url=None, socket=False, rituals=INSTALLED)

    wanted = [
        {k: c[k] for k in ("command", "description", "usage_hint")}
        for c in manifest["features"]["slash_commands"]
    ]

    assert _js_list("COMMANDS") == wanted


def test_the_pages_shortcuts_are_the_manifests() -> None:
    manifest = build_manifest(url=None, socket=False, rituals=INSTALLED)

    wanted = [
        {"callback_id": s["callback_id"], "name": s["name"], "type": s["type"]}
        for s in manifest["features"]["shortcuts"]
    ]

    assert _js_list("SHORTCUTS") == wanted
