"""A separate process that drains the outbox, so tests can kill it mid fan-out (a real crash).

python -m tests.support.outbox_worker DATABASE_URL SLACK_API_URL
"""

from __future__ import annotations

import sys

from bot.config import load_settings
from bot.wiring import build_container


def main() -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test-0000-token",
        slack_signing_secret="test-signing-secret-0123456789abcdef",
        database_url=sys.argv[1],
        slack_api_url=sys.argv[2],
    )
    container = build_container(settings)
    print("draining", flush=True)
    container.sender.drain()


if __name__ == "__main__":
    main()
