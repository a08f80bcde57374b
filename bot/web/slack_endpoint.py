"""Turns an HTTP request into a Bolt request: verify, reject what is no Slack payload, dispatch.

Verification happens here (Bolt's own is switched off) so that a bad signature is a 401 before
any parsing, and a body that is no Slack payload (not UTF-8, not parseable, not shaped like
anything Slack sends: bot/slack/payload_shape.py) is a 400 with one WARNING line, instead of a
500 with a traceback from deep inside Bolt.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.logs import request_id_var
from bot.metrics import Metrics
from bot.slack.after_ack import received_at_var
from bot.slack.payload_shape import shape_problem
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
        # A log correlation id, not a secret: uuid4 reads os.urandom, a system call that hands
        # the interpreter lock to any busy after-ack thread mid-ack (bench/ack_latency.py).
        request_id_var.set(f"{random.getrandbits(48):012x}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._malformed("body is not UTF-8 text")
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        signed = timestamp.isdigit() and signature.startswith("v0=")
        if not signed or not self._verifier.is_valid(
            body=text, timestamp=timestamp, signature=signature
        ):
            self._metrics.requests.labels("unknown", "rejected").inc()
            logger.warning("rejected a request with a missing, wrong or expired signature")
            return _error(401, "invalid or expired signature")
        try:
            bolt_request = BoltRequest(
                body=text, query=query, headers={k.lower(): v for k, v in headers.items()}
            )
        except Exception as error:  # Bolt's parser assumes Slack's shapes; any other is ours
            return self._malformed(f"unparseable body ({type(error).__name__})")
        problem = shape_problem(bolt_request.body)
        if problem is not None:
            return self._malformed(problem)
        kind = request_kind(bolt_request.body) or "unknown"
        response = self._app.dispatch(bolt_request)
        elapsed = time.perf_counter() - started
        self._metrics.ack_seconds.labels(kind).observe(elapsed)
        outcome = "ok" if response.status < 400 else f"http_{response.status}"
        self._metrics.requests.labels(kind, outcome).inc()
        headers_out = {k: v[0] for k, v in response.headers.items() if v}
        return EndpointResponse(response.status, response.body, headers_out)

    def _malformed(self, reason: str) -> EndpointResponse:
        """A signed-or-not body that is no Slack payload: one WARNING line, no traceback."""
        self._metrics.requests.labels("unknown", "malformed").inc()
        logger.warning("rejected a malformed Slack request: %s", reason)
        return _error(400, f"not a Slack payload: {reason}")
