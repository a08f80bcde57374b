"""Puts the logging setup back after code that calls `configure_logging` (the CLI's `main`).

`configure_logging` replaces the root logger's handlers and sets levels; left alone, its handler
(writing to one test's captured stderr) and levels would outlive that test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_CONFIGURED = ("slack_sdk", "slack_bolt", "waitress.queue", "alembic.runtime.plugins")


@contextmanager
def logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in _CONFIGURED)]
    levels = [logger.level for logger in loggers]
    handlers = list(root.handlers)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
