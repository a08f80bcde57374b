"""The Slack Web API client: pointed at `SLACK_API_URL` and counted in `/metrics`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web import SlackResponse

from bot.metrics import Metrics

# The workspace a scheduled job or the outbox sender is acting for: in multi-workspace (OAuth)
# mode the shared client has no token of its own and takes that workspace's bot token.
_ACTING_FOR: ContextVar[str | None] = ContextVar("opsbot_acting_for", default=None)


@contextmanager
def acting_for(team_id: str) -> Iterator[None]:
    """Web API calls made inside use `team_id`'s bot token (multi-workspace mode)."""
    reset = _ACTING_FOR.set(team_id)
    try:
        yield
    finally:
        _ACTING_FOR.reset(reset)


class NotInstalledError(Exception):
    """A call for a workspace that has no installation (or no workspace was named)."""


class MeteredWebClient(WebClient):
    """A `WebClient` that counts every call by method and outcome.

    No retry handler for 429 is installed on purpose: slack_sdk's sleeps on the calling thread,
    which could be a thread that acknowledges Slack requests. Scheduled posts go through the
    outbox sender, which honours Retry-After without blocking anyone.
    """

    def __init__(
        self,
        *args: Any,
        metrics: Metrics,
        team_tokens: Callable[[str], str | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics
        self._team_tokens = team_tokens

    def for_token(self, token: str | None) -> MeteredWebClient:
        """This client when the token is ours, else a sibling for that token (multi-workspace)."""
        if token is None or token == self.token:
            return self
        return self._sibling(token=token)

    def with_timeout(self, seconds: int) -> MeteredWebClient:
        """The same client with another timeout (interactive paths use a short one)."""
        return self._sibling(timeout=seconds)

    def patient(self, *, max_retries: int) -> MeteredWebClient:
        """The same client, but waiting out 429s (Retry-After) up to `max_retries` times on its
        own thread: only for background work nobody waits for, never on an ack path."""
        return self._sibling(retry_handlers=[RateLimitErrorRetryHandler(max_retries)])

    def _sibling(self, **changes: Any) -> MeteredWebClient:
        """A client like this one (API location, token, timeout, metrics and, in multi-workspace
        mode, the per-workspace tokens) with `changes`."""
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "token": self.token,
            "timeout": self.timeout,
            "metrics": self._metrics,
            "team_tokens": self._team_tokens,
            **changes,
        }
        return MeteredWebClient(**options)

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if self.token is None and self._team_tokens is not None and _ACTING_FOR.get():
            kwargs["headers"] = {**(kwargs.get("headers") or {}), **self._authorization()}
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            status = getattr(error.response, "status_code", 0)
            if status == 429:
                self._metrics.slack_api_ratelimited.labels(api_method).inc()
                self._metrics.slack_api_calls.labels(api_method, "ratelimited").inc()
            else:
                self._metrics.slack_api_calls.labels(api_method, "error").inc()
            raise
        except Exception:
            self._metrics.slack_api_calls.labels(api_method, "failed").inc()
            raise
        self._metrics.slack_api_calls.labels(api_method, "ok").inc()
        return response

    def _authorization(self) -> dict[str, str]:
        team_id = _ACTING_FOR.get()
        if team_id is None or self._team_tokens is None:  # pragma: no cover - checked by caller
            raise NotInstalledError("no workspace was named for this Slack call")
        token = self._team_tokens(team_id)
        if token is None:
            raise NotInstalledError(f"opsbot is not installed in workspace {team_id}")
        return {"Authorization": f"Bearer {token}"}


def make_client(
    *,
    base_url: str,
    token: str | None,
    metrics: Metrics,
    timeout: int = 10,
    team_tokens: Callable[[str], str | None] | None = None,
) -> MeteredWebClient:
    return MeteredWebClient(
        base_url=base_url,
        token=token,
        timeout=timeout,
        metrics=metrics,
        team_tokens=team_tokens,
    )
