"""What every feedback listener shares: the view-submission helper that turns domain errors
into inline errors, opening a modal, and the Slack gateway with its shared-channel cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.home.service import HomeService
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.feedback.slack_io import SlackFeedbackGateway
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]
T = TypeVar("T")
Payload = dict[str, Any]
Refusal = tuple[type[Exception], Callable[[Any], dict[str, str]]]
Table = list[tuple[str, str, Callable[..., None]]]


def submitted(ack: Ack, call: Callable[[], T], *refusals: Refusal) -> T | None:
    """Acks a view submission. When `call` raises one of the refused errors the modal stays open
    with inline errors and None is returned; otherwise the modal closes and the result is."""
    try:
        result = call()
    except tuple(kind for kind, _ in refusals) as error:
        errors = next(to_errors(error) for kind, to_errors in refusals if isinstance(error, kind))
        ack(response_action="errors", errors=errors)
        return None
    ack()
    return result


def open_modal(client: WebClient, trigger_id: str, view: View) -> Any:
    return client.views_open(trigger_id=trigger_id, view=view.to_dict())


class ListenerBase:
    """The services a group of listeners calls, and its `table` of (Bolt decorator, id,
    listener) rows that `listeners.register` walks."""

    def __init__(
        self,
        *,
        feedback: FeedbackService,
        admins: AdminGuard,
        home: HomeService,
        clock: Clock,
        shared: SharedChannelCache,
    ) -> None:
        self._feedback = feedback
        self._admins = admins
        self._home = home
        self._clock = clock
        self._shared = shared

    def table(self) -> Table:
        raise NotImplementedError

    def gateway(self, client: WebClient) -> SlackFeedbackGateway:
        return SlackFeedbackGateway(client, self._shared)
