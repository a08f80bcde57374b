"""The logger handed to Bolt, without the one warning that is wrong for opsbot.

Bolt reads SLACK_BOT_TOKEN from the environment by itself and, because opsbot gives it a
ready-made client (carrying that same token), warns on every start that "`token` will be
unused". Nothing is unused; the line only makes operators look for a problem.
"""

from __future__ import annotations

import logging

_MISLEADING = ("As you gave `client` as well, `token` will be unused.",)


class _DropMisleading(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in _MISLEADING


_FILTER = _DropMisleading()


def quiet_bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack.bolt")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
