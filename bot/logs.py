"""Logging helpers: request ids, structured JSON output and secret scrubbing.

Only the CLI calls `configure_logging`; modules just use `logging.getLogger(__name__)`. Request
ids travel in a context variable that the listener executor copies into worker threads.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
team_id_var: ContextVar[str] = ContextVar("team_id", default="-")

# Slack tokens (xoxb-, xoxp-, xapp-, xoxe- refresh tokens), signing secrets passed as values and
# bearer headers: scrubbed from every record, whatever a library decides to log.
_SECRET_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"xox[abposre]-[A-Za-z0-9-]+"), "***"),
    (re.compile(r"xapp-[A-Za-z0-9-]+"), "***"),
    (re.compile(r"(?i)(bearer\s+)[^\s'\"]+"), r"\1***"),
    (re.compile(r"(?i)\b(signing_secret|client_secret|refresh_token|code)=[^&\s]+"), r"\1=***"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Adds request and team ids and removes secrets from the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.team_id = team_id_var.get()
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "team_id": getattr(record, "team_id", "-"),
        }
        for key in ("ritual", "channel", "delivery_id"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(payload)


class TextFormatter(logging.Formatter):
    def formatException(self, ei: object) -> str:
        return scrub(super().formatException(ei))  # type: ignore[arg-type]


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            TextFormatter("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # slack_sdk logs request bodies (OAuth codes, refresh tokens) at DEBUG: never below INFO.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, root.level))
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
