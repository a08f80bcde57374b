"""A scheduler in its own process (as `opsbot scheduler`), so tests can kill -9 the leader.

python -m tests.support.scheduler_worker DATABASE_URL SLACK_API_URL
"""

from __future__ import annotations

import sys
import threading

from bot.config import load_settings
from bot.rituals.installed import INSTALLED
from bot.wiring import build_container
from tests.support.rituals import EchoRitual, echo_ritual


def main() -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test-0000-token",
        slack_signing_secret="test-signing-secret-0123456789abcdef",
        database_url=sys.argv[1],
        slack_api_url=sys.argv[2],
    )
    container = build_container(settings, rituals=(*INSTALLED, echo_ritual(EchoRitual(replies=3))))
    scheduler = container.build_scheduler()
    scheduler._standby_poll = 0.5  # a test standby checks the lock more often than 5 s
    scheduler.run(threading.Event())


if __name__ == "__main__":
    main()
