"""Turns an HTTP request into a Bolt request: verify, reject what is no Slack payload, dispatch.

Verification happens here (and again inside Bolt) so that a bad signature is a 401 before any
parsing, and a body that is no Slack payload is a 400 instead of Bolt's 404 "unhandled".
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.logs import request_id_var
from bot.metrics import Metrics
from bot.slack.after_ack import received_at_var
from bot.slack.request_kind import request_kind

logger = logging.getLogger(__name__)


@dataclass
class EndpointResponse:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, reason: str) -> EndpointResponse:
    return EndpointResponse(
        status, json.dumps({"error": reason}), {"content-type": "application/json"}
    )


class SlackEndpoint:
    def __init__(self, *, app: App, signing_secret: str, metrics: Metrics) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret)
        self._metrics = metrics

    def handle(self, *, body: bytes, headers: Mapping[str, str], query: str) -> EndpointResponse:
        started = time.perf_counter()
        received_at_var.set(time.monotonic())
        request_id_var.set(uuid.uuid4().hex[:12])
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        signed = timestamp.isdigit() and signature.startswith("v0=")
        if not signed or not self._verifier.is_valid(
            body=body, timestamp=timestamp, signature=signature
        ):
            self._metrics.requests.labels("unknown", "rejected").inc()
            logger.warning("rejected a request with a missing, wrong or expired signature")
            return _error(401, "invalid or expired signature")
        try:
            text = body.decode("utf-8")
            bolt_request = BoltRequest(
                body=text, query=query, headers={k.lower(): v for k, v in headers.items()}
            )
        except (UnicodeDecodeError, ValueError):
            self._metrics.requests.labels("unknown", "malformed").inc()
            return _error(400, "body is not a Slack payload (form-encoded or JSON)")
        kind = request_kind(bolt_request.body)
        if kind is None:
            self._metrics.requests.labels("unknown", "malformed").inc()
            return _error(400, "body is not a Slack payload")
        response = self._app.dispatch(bolt_request)
        elapsed = time.perf_counter() - started
        self._metrics.ack_seconds.labels(kind).observe(elapsed)
        outcome = "ok" if response.status < 400 else f"http_{response.status}"
        self._metrics.requests.labels(kind, outcome).inc()
        headers_out = {k: v[0] for k, v in response.headers.items() if v}
        return EndpointResponse(response.status, response.body, headers_out)
