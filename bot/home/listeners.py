"""App Home listener: publishes the Home tab when a person opens it (after the ack: it asks
Slack who the person is and publishes a view, both Web API calls)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.home.service import HomeService
from bot.slack.listen import AfterAck


def register(
    app: App, home: HomeService, clock: Callable[[], datetime], after_ack: AfterAck
) -> None:
    @app.event("app_home_opened")
    def on_home_opened(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        team_id, user_id = context.team_id or "", event["user"]

        def publish() -> None:
            home.publish_home(client=client, team_id=team_id, user_id=user_id, now=clock())

        after_ack.ack_then(ack, body, client, publish)
