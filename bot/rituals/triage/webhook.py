"""`POST /hooks/tickets`: helpdesks push tickets into the support triage queue.

Authentication: each workspace has its own shared secret (the `webhook_secret` of its `triage`
setting). The workspace is named in the URL, `POST /hooks/tickets?team=T0123ABC`, and the body
is signed with one of:

- `X-Opsbot-Timestamp: <unix seconds>` and
  `X-Opsbot-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>`
  (any sender; the same shape as Slack's own request signing), or
- Zendesk's own webhook signing: `X-Zendesk-Webhook-Signature` (base64 HMAC-SHA256 of
  timestamp + body) with `X-Zendesk-Webhook-Signature-Timestamp`; save the Zendesk webhook's
  signing secret as the workspace secret.

A signature more than 5 minutes from now is refused, so a captured request cannot be replayed
later; and an update signed before the one already applied to a ticket is ignored (a replayed
"create" cannot bring back a ticket deleted since).

Idempotent on (helpdesk, id): sending a ticket again updates it, never duplicates it.
`"status": "deleted"` removes it from the queue. Answers: 201 created, 200 updated, deleted or
ignored (older than what is stored), 400 bad JSON (or nested deeper than 8 levels), 401 missing,
wrong or stale signature (the same answer when the workspace has no webhook, so the answer
tells an outsider nothing), 413 a body over 64 KB, 422 a missing or invalid field; every error
body is `{"error": "<reason>"}` and nothing is stored.

The body (JSON object):

    field        required  meaning
    helpdesk     yes       "zendesk" | "intercom" | "freshdesk"
    id           yes       the helpdesk's ticket id (string or number)
    title        yes*      subject (*not needed when status is "deleted")
    description  no        the first message / description
    account      no        the customer's organisation or company
    severity     no        low | normal | high | urgent (Freshdesk priority 1-4 also works)
    url          no        link to the ticket in the helpdesk
    requester    no        the requester's email or name
    created_at   no        ISO 8601 with a zone; defaults to when it was received
    status       no        "deleted" removes the ticket; anything else keeps it queued

Zendesk (Admin Center → Webhooks, JSON, signed; then a trigger "Notify webhook" with this body;
a ticket without a priority arrives as "-" and is treated as normal):

    {"helpdesk": "zendesk", "id": "{{ticket.id}}", "title": "{{ticket.title}}",
     "description": "{{ticket.description}}", "account": "{{ticket.organization.name}}",
     "severity": "{{ticket.priority}}", "url": "{{ticket.link}}",
     "requester": "{{ticket.requester.email}}"}

Intercom (a Workflows custom action, through a relay that adds X-Opsbot-Signature, since
Intercom cannot compute an HMAC over a body it templates):

    {"helpdesk": "intercom", "id": "215468394", "title": "Export to CSV times out",
     "description": "Exports of more than 50k rows fail after 30 s",
     "account": "Acme Corp", "severity": "high",
     "url": "https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468394",
     "requester": "dana@acme.example", "created_at": "2026-11-16T08:12:00Z"}

Freshdesk (Automations → "Trigger webhook", POST, JSON, through a relay that adds
X-Opsbot-Signature, since Freshdesk cannot compute an HMAC itself; priority 1-4 or its name):

    {"helpdesk": "freshdesk", "id": "{{ticket.id}}", "title": "{{ticket.subject}}",
     "description": "{{ticket.description_text}}", "account": "{{ticket.company.name}}",
     "severity": "{{ticket.priority}}", "url": "{{ticket.url}}",
     "requester": "{{ticket.from_email}}"}

A ticket deleted in the helpdesk:

    {"helpdesk": "zendesk", "id": "4711", "status": "deleted"}
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from flask import Flask, Response, jsonify, request

from bot.rituals.triage.domain import PayloadError, WebhookResult, parse_helpdesk_payload
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.service import TriageService

logger = logging.getLogger(__name__)

PATH = "/hooks/tickets"
SIGNATURE_HEADER = "x-opsbot-signature"
TIMESTAMP_HEADER = "x-opsbot-timestamp"
MAX_AGE_SECONDS = 300
MAX_BODY = 64 * 1024
MAX_NESTING = 8
# A secret no workspace has: a request for a workspace without webhooks is checked against it,
# so "no such webhook" and "bad signature" take the same time and get the same answer.
_NO_SECRET = "opsbot-no-webhook-" + base64.b64encode(hashlib.sha256(b"none").digest()).decode()
ZENDESK_SIGNATURE = "x-zendesk-webhook-signature"
ZENDESK_TIMESTAMP = "x-zendesk-webhook-signature-timestamp"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The `X-Opsbot-Signature` value for a body sent at `timestamp` (senders and tests)."""
    base = b"v1:" + str(timestamp).encode() + b":" + body
    return "v1=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """Both headers a sender adds."""
    return {
        "X-Opsbot-Timestamp": str(timestamp),
        "X-Opsbot-Signature": sign(secret, body, timestamp),
    }


def signed_at(
    secret: str, body: bytes, headers: Mapping[str, str], now: datetime
) -> datetime | None:
    """When a correctly signed, fresh request was signed; None for anything else (constant
    time for the signature itself)."""
    ours = headers.get(SIGNATURE_HEADER)
    if ours:
        sent = _unix_time(headers.get(TIMESTAMP_HEADER, ""))
        if sent is None or not _fresh(sent, now):
            return None
        expected = sign(secret, body, int(sent.timestamp()))
        return sent if hmac.compare_digest(ours.strip(), expected) else None
    zendesk = headers.get(ZENDESK_SIGNATURE)
    stamp = headers.get(ZENDESK_TIMESTAMP)
    if zendesk and stamp:
        sent = _iso_time(stamp)
        if sent is None or not _fresh(sent, now):
            return None
        digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
        valid = hmac.compare_digest(zendesk.strip(), base64.b64encode(digest).decode("ascii"))
        return sent if valid else None
    return None


def _unix_time(value: str) -> datetime | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 12:
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def _iso_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _fresh(sent: datetime, now: datetime) -> bool:
    return abs((now - sent).total_seconds()) <= MAX_AGE_SECONDS


def _depth(value: object, limit: int) -> bool:
    """True when `value` nests no deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return True


def _error(status: int, reason: str) -> tuple[Response, int]:
    return jsonify(error=reason), status


def make_ticket_hook(
    *, service: TriageService, metrics: TriageMetrics, clock: Callable[[], datetime]
) -> Callable[[Flask], None]:
    """The route, added with `create_web_app(..., extra_routes=[make_ticket_hook(...)])`."""

    def add_route(web: Flask) -> None:
        @web.post(PATH)
        def receive_ticket() -> tuple[Response, int]:
            team_id = (request.args.get("team") or "").strip()
            if not team_id or len(team_id) > 32:
                metrics.webhooks.labels("rejected").inc()
                return _error(400, "name the workspace: POST /hooks/tickets?team=<team id>")
            if (request.content_length or 0) > MAX_BODY:
                metrics.webhooks.labels("invalid").inc()
                return _error(413, f"the body is over {MAX_BODY // 1024} KB")
            body = request.get_data(cache=False)
            if len(body) > MAX_BODY:
                metrics.webhooks.labels("invalid").inc()
                return _error(413, f"the body is over {MAX_BODY // 1024} KB")
            headers = {k.lower(): v for k, v in request.headers.items()}
            now = clock()
            secret = service.settings(team_id=team_id).webhook_secret
            sent = signed_at(secret or _NO_SECRET, body, headers, now)
            if not secret or sent is None:
                metrics.webhooks.labels("rejected").inc()
                logger.warning("rejected a ticket webhook: missing, wrong or stale signature")
                return _error(401, "missing, wrong or stale signature")
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                metrics.webhooks.labels("invalid").inc()
                return _error(400, "body is not valid JSON")
            if not _depth(data, MAX_NESTING):
                metrics.webhooks.labels("invalid").inc()
                return _error(400, f"the JSON nests deeper than {MAX_NESTING} levels")
            try:
                incoming = parse_helpdesk_payload(data)
            except PayloadError as error:
                metrics.webhooks.labels("invalid").inc()
                return _error(422, str(error))
            result, ticket_id = service.receive_from_helpdesk(
                team_id=team_id, incoming=incoming, now=now, sent_at=sent
            )
            metrics.webhooks.labels(result.value).inc()
            status = 201 if result is WebhookResult.CREATED else 200
            return jsonify(result=result.value, ticket_id=ticket_id), status

    return add_route
