"""The ticket webhook under hostile input: replays, stale signatures, deep nesting, big bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from bot.rituals.triage.domain import TicketStatus
from bot.rituals.triage.webhook import signed_headers
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID

SECRET = "whsec-trust"


def _enable(container: Container, clock: FakeClock) -> None:
    container.services.triage.configure(
        team_id=TEAM_ID, changes={"webhook_secret": SECRET}, user_id="UADMIN", now=clock()
    )


def _post(slack: SlackDriver, body: bytes, headers: dict[str, str]) -> Any:
    return slack.http.post(
        f"/hooks/tickets?team={TEAM_ID}",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )


def _signed(payload: Any, at: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, signed_headers(SECRET, body, at)


def test_a_replayed_create_does_not_bring_back_a_deleted_ticket(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    _enable(container, clock)
    now = int(clock().timestamp())
    create = _signed({"helpdesk": "zendesk", "id": "42", "title": "Export broken"}, now - 60)
    delete = _signed({"helpdesk": "zendesk", "id": "42", "status": "deleted"}, now - 30)

    created = _post(slack, *create)
    deleted = _post(slack, *delete)
    replayed = _post(slack, *create)

    assert [created.status_code, deleted.status_code, replayed.status_code] == [201, 200, 200]
    assert body_json(replayed)["result"] == "ignored"
    (ticket,) = container.services.triage.export(team_id=TEAM_ID)
    assert ticket.status is TicketStatus.DELETED


def test_a_signature_older_than_five_minutes_is_refused(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    _enable(container, clock)
    stale = _signed(
        {"helpdesk": "zendesk", "id": "1", "title": "x"}, int(clock().timestamp()) - 301
    )

    response = _post(slack, *stale)

    assert response.status_code == 401
    assert container.services.triage.export(team_id=TEAM_ID) == []


def test_a_zendesk_signature_dated_2001_is_refused(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    _enable(container, clock)
    body = json.dumps({"helpdesk": "zendesk", "id": "7", "title": "Old"}).encode()
    timestamp = "2001-01-01T00:00:00Z"
    digest = hmac.new(SECRET.encode(), timestamp.encode() + body, hashlib.sha256).digest()

    response = _post(
        slack,
        body,
        {
            "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        },
    )

    assert response.status_code == 401


def test_deep_nesting_and_oversized_bodies_get_a_4xx_with_a_reason(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    _enable(container, clock)
    now = int(clock().timestamp())
    deep = b'{"helpdesk": "zendesk", "id": "1", "title": "x", "extra": ' + b"[" * 5000
    deep += b"]" * 5000 + b"}"
    big = json.dumps({"helpdesk": "zendesk", "id": "2", "title": "x" * 70_000}).encode()

    nested = _post(slack, deep, signed_headers(SECRET, deep, now))
    oversized = _post(slack, big, signed_headers(SECRET, big, now))

    assert nested.status_code == 400
    assert "nests deeper" in body_json(nested)["error"] or "JSON" in body_json(nested)["error"]
    assert oversized.status_code == 413
    assert container.services.triage.export(team_id=TEAM_ID) == []
