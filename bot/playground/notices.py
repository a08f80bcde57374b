"""App errors shown on the page: ERROR log records of opsbot and Bolt become notices.

The page must show what went wrong instead of a modal that silently never opens; the log line
(with its traceback's last line) is what a developer would look for in the terminal anyway.
"""

from __future__ import annotations

import logging

from bot.playground.workspace import Workspace

WATCHED = ("bot", "slack_bolt", "slack_sdk")


class NoticeHandler(logging.Handler):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(level=logging.ERROR)
        self._workspace = workspace

    def emit(self, record: logging.LogRecord) -> None:
        try:
            raw: dict[str, str] = {"logger": record.name, "level": record.levelname}
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                raw["error"] = f"{type(error).__name__}: {error}"
            self._workspace.notice(f"app error: {record.getMessage()}", raw)
        except Exception:  # a logging handler must never raise into the code that logged
            self.handleError(record)

    def attach(self) -> None:
        for name in WATCHED:
            logging.getLogger(name).addHandler(self)

    def detach(self) -> None:
        for name in WATCHED:
            logging.getLogger(name).removeHandler(self)
