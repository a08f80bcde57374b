"""App Home listener: publishes the Home tab when a person opens it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.home.service import HomeService


def register(app: App, home: HomeService, clock: Callable[[], datetime]) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        home.publish_home(
            client=client, team_id=context.team_id or "", user_id=event["user"], now=clock()
        )
