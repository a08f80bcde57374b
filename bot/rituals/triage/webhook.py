"""`POST /hooks/tickets`: helpdesks push tickets into the support triage queue.

Authentication: each workspace has its own shared secret (the `webhook_secret` of its `triage`
setting). The workspace is named in the URL, `POST /hooks/tickets?team=T0123ABC`, and the body
is signed with one of:

- `X-Opsbot-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (any sender), or
- Zendesk's own webhook signing: `X-Zendesk-Webhook-Signature` (base64 HMAC-SHA256 of
  timestamp + body) with `X-Zendesk-Webhook-Signature-Timestamp`; save the Zendesk webhook's
  signing secret as the workspace secret.

Idempotent on (helpdesk, id): sending a ticket again updates it, never duplicates it.
`"status": "deleted"` removes it from the queue. Answers: 201 created, 200 updated or deleted,
400 bad JSON, 401 missing or wrong signature, 403 webhooks not enabled for the workspace,
422 a missing or invalid field; every error body is `{"error": "<reason>"}` and nothing is
stored.

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
from datetime import datetime

from flask import Flask, Response, jsonify, request

from bot.metrics import Metrics
from bot.rituals.triage.domain import PayloadError, parse_helpdesk_payload
from bot.rituals.triage.service import TriageService, WebhookResult

logger = logging.getLogger(__name__)

PATH = "/hooks/tickets"
SIGNATURE_HEADER = "x-opsbot-signature"
ZENDESK_SIGNATURE = "x-zendesk-webhook-signature"
ZENDESK_TIMESTAMP = "x-zendesk-webhook-signature-timestamp"


def sign(secret: str, body: bytes) -> str:
    """The `X-Opsbot-Signature` value for a body (senders and tests use it)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Constant-time check of either supported signature scheme."""
    ours = headers.get(SIGNATURE_HEADER)
    if ours:
        return hmac.compare_digest(ours.strip(), sign(secret, body))
    zendesk = headers.get(ZENDESK_SIGNATURE)
    timestamp = headers.get(ZENDESK_TIMESTAMP)
    if zendesk and timestamp:
        digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
        return hmac.compare_digest(zendesk.strip(), base64.b64encode(digest).decode("ascii"))
    return False


def _error(status: int, reason: str) -> tuple[Response, int]:
    return jsonify(error=reason), status


def make_ticket_hook(
    *, service: TriageService, metrics: Metrics, clock: Callable[[], datetime]
) -> Callable[[Flask], None]:
    """The route, added with `create_web_app(..., extra_routes=[make_ticket_hook(...)])`."""

    def add_route(web: Flask) -> None:
        @web.post(PATH)
        def receive_ticket() -> tuple[Response, int]:
            team_id = (request.args.get("team") or "").strip()
            if not team_id or len(team_id) > 32:
                metrics.triage_webhooks.labels("rejected").inc()
                return _error(400, "name the workspace: POST /hooks/tickets?team=<team id>")
            body = request.get_data(cache=False)
            headers = {k.lower(): v for k, v in request.headers.items()}
            secret = service.settings(team_id=team_id).webhook_secret
            if not secret:
                metrics.triage_webhooks.labels("rejected").inc()
                return _error(403, "ticket webhooks are not enabled for this workspace")
            if not signature_is_valid(secret, body, headers):
                metrics.triage_webhooks.labels("rejected").inc()
                logger.warning("rejected a ticket webhook with a missing or wrong signature")
                return _error(401, "missing or wrong signature")
            try:
                data = json.loads(body)
            except ValueError:
                metrics.triage_webhooks.labels("invalid").inc()
                return _error(400, "body is not valid JSON")
            try:
                incoming = parse_helpdesk_payload(data)
            except PayloadError as error:
                metrics.triage_webhooks.labels("invalid").inc()
                return _error(422, str(error))
            result, ticket_id = service.receive_from_helpdesk(
                team_id=team_id, incoming=incoming, now=clock()
            )
            metrics.triage_webhooks.labels(result.value).inc()
            status = 201 if result is WebhookResult.CREATED else 200
            return jsonify(result=result.value, ticket_id=ticket_id), status

    return add_route
