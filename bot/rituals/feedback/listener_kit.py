"""What every feedback listener shares: the view-submission check that turns domain errors into
inline errors, opening a modal, the after-ack helper and the Slack gateway.

Every listener acks after database and memory work only; whatever calls Slack (views.open,
respond, private replies, uploads) runs after the ack through `ListenerBase.after_ack`
(bot/slack/listen.py), so a slow Slack never delays an ack.
"""

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
from bot.slack.listen import AfterAck
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]
T = TypeVar("T")
Payload = dict[str, Any]
Refusal = tuple[type[Exception], Callable[[Any], dict[str, str]]]
Table = list[tuple[str, str, Callable[..., None]]]


class Refused:
    """What `checked` returns when the modal stays open with inline errors (already acked)."""


REFUSED = Refused()


def checked(ack: Ack, call: Callable[[], T], *refusals: Refusal) -> T | Refused:
    """Runs a view submission's database work before the ack. When `call` raises one of the
    refused errors the modal stays open with inline errors (acked here) and `REFUSED` is
    returned; otherwise nothing is acked yet: the caller acks, with `AfterAck.ack_then` when it
    still has Slack calls to make."""
    try:
        return call()
    except tuple(kind for kind, _ in refusals) as error:
        errors = next(to_errors(error) for kind, to_errors in refusals if isinstance(error, kind))
        ack(response_action="errors", errors=errors)
        return REFUSED


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
        after_ack: AfterAck,
    ) -> None:
        self._feedback = feedback
        self._admins = admins
        self._home = home
        self._clock = clock
        self._shared = shared
        self._after_ack = after_ack

    def table(self) -> Table:
        raise NotImplementedError

    def gateway(self, client: WebClient) -> SlackFeedbackGateway:
        return SlackFeedbackGateway(client, self._shared)
