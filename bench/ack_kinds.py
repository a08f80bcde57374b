"""The five request kinds of bench/ack_latency.py: the bare Bolt app that only acks them, the
signed requests for each (every one distinct, as Slack sends them), the data they act on, and
what opsbot must have stored afterwards (each once: nothing lost, nothing doubled).

- command: `/feedback <text>` (quick capture: stores an item)
- modal:   the feedback form submitted (view_submission: stores an item)
- button:  a triage decision, "Known issue", on an open ticket (block_actions: decides it)
- options: typing in the form's account picker (block_suggestion: reads accounts)
- event:   the capture emoji (reaction_added: stores the message); one in four is delivered
           again with the same event_id and X-Slack-Retry-Num, as Slack retries
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import func, select

from bench.ack_common import SECRET, TOKEN
from bench.ack_stand_in import CHANNEL
from bot.rituals.feedback.domain import AccountRecord
from bot.rituals.feedback.forms import FeedbackModalMetadata
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.triage.domain import Source, TicketDraft
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.models import Ticket
from bot.wiring import Container
from tests.support.fake_slack import TEAM_ID
from tests.support.feedback_forms import feedback_form_values
from tests.support.slack_requests import SignedRequest, SlackRequests

KINDS = ("command", "modal", "button", "options", "event")
RETRY_EVERY = 4  # one event in four is delivered twice (the original and a retry)
PEOPLE = 50


def bare_bolt_app(api_url: str) -> App:
    """Bolt with nothing but acks, for every kind the benchmark sends."""
    app = App(client=WebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/ops")(only_ack)
    app.command(FeedbackIds.COMMAND.value)(only_ack)
    app.view(FeedbackIds.MODAL.value)(only_ack)
    app.action(TriageIds.KNOWN.value)(only_ack)
    app.options(FeedbackIds.ACCOUNT_SELECT.value)(only_ack)
    app.event("reaction_added")(only_ack)
    return app


@dataclass
class Workload:
    """Builds each kind's requests; `sent` counts what reached opsbot, for the stored check."""

    requests: SlackRequests
    tickets: list[int] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    distinct_events: int = 0
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def seed(self, container: Container, *, tickets: int) -> None:
        """What the kinds act on: accounts to suggest, open tickets to decide (one per click,
        so every click changes a ticket), and the people who click."""
        now = container.clock()
        feedback = container.services.feedback
        feedback.import_accounts(
            team_id=TEAM_ID,
            records=[AccountRecord(name=f"Account {i:03d}") for i in range(200)],
            now=now,
        )
        triage = container.services.triage
        triage.configure(
            team_id=TEAM_ID, changes={"channel_id": CHANNEL}, user_id="UADMIN", now=now
        )
        for i in range(tickets):
            ticket = triage.submit(
                team_id=TEAM_ID,
                draft=TicketDraft(title=f"bench ticket {i}"),
                source=Source.SLASH,
                reporter_user_id=f"U{i % PEOPLE}",
                now=now,
            )
            self.tickets.append(ticket.id)

    def build(self, kind: str, count: int, *, to_opsbot: bool) -> list[SignedRequest]:
        """`count` distinct signed requests of `kind` (events: retries included in `count`)."""
        if kind == "event":
            built = self._events(count)
        else:
            built = [self._one(kind, to_opsbot) for _ in range(count)]
        if to_opsbot:
            self.sent[kind] += count
            if kind == "event":
                self.distinct_events += sum(
                    1 for r in built if "X-Slack-Retry-Num" not in r.headers
                )
        return built

    def _one(self, kind: str, to_opsbot: bool) -> SignedRequest:
        n = next(self._serial)
        user = f"U{n % PEOPLE}"
        if kind == "command":
            return self.requests.command("/feedback", f"[Acme] bench command {n}", user_id=user)
        if kind == "modal":
            return self.requests.view_submission(
                FeedbackIds.MODAL.value,
                feedback_form_values(text=f"bench modal {n}", on_behalf_of=user),
                user_id=user,
                private_metadata=FeedbackModalMetadata(channel_id=CHANNEL).to_json(),
            )
        if kind == "button":
            # The bare app decides nothing: it gets a ticket id that opsbot never will.
            ticket_id = self.tickets.pop() if to_opsbot else 0
            return self.requests.block_action(
                TriageIds.KNOWN.value,
                str(ticket_id),
                user_id=user,
                channel_id=CHANNEL,
                message_ts=f"1700000000.{ticket_id:06d}",
            )
        if kind == "options":
            return self.requests.block_suggestion(
                FeedbackIds.ACCOUNT_SELECT.value, f"Account {n % 20}", user_id=user
            )
        raise ValueError(kind)

    def _events(self, count: int) -> list[SignedRequest]:
        """Capture-emoji reactions on messages the stand-in serves (bench/ack_stand_in.py);
        every RETRY_EVERY-th request is a retry of an event sent a few requests earlier (still
        in flight, or just acked)."""
        out: list[SignedRequest] = []
        originals: list[tuple[dict[str, Any], str]] = []
        for i in range(count):
            if i % RETRY_EVERY == RETRY_EVERY - 1 and originals:
                event, event_id = originals[max(0, len(originals) - 3)]
                out.append(self.requests.event(event, event_id=event_id, retry_num=1))
                continue
            n = next(self._serial)
            ts = f"1700000000.{n:06d}"
            event = {
                "type": "reaction_added",
                "user": f"U{n % PEOPLE}",
                "reaction": "bulb",
                "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                "item_user": "UCUSTOMER",
            }
            event_id = f"EvBench{n:08d}"
            originals.append((event, event_id))
            out.append(self.requests.event(event, event_id=event_id))
        return out

    def stored(self, container: Container) -> dict[str, tuple[int, int]]:
        """(expected, stored) per writing kind: each request stored once."""
        with container.sessions() as session:

            def items(prefix: str) -> int:
                query = select(func.count()).where(FeedbackItem.text.like(f"{prefix}%"))
                return int(session.scalar(query) or 0)

            decided = select(func.count()).where(Ticket.outcome.is_not(None))
            return {
                "command": (self.sent["command"], items("bench command ")),
                "modal": (self.sent["modal"], items("bench modal ")),
                "button": (self.sent["button"], int(session.scalar(decided) or 0)),
                "event": (self.distinct_events, items("bench reaction ")),
            }
