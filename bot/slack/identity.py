"""Who the bot is in Slack (`auth.test`), checked at start and retried while Slack is away.

Two different failures at start-up, two different answers:

- Slack refuses the token (`invalid_auth`, `token_revoked`, ...): nothing will ever work, so the
  process exits at once with one line saying which variable to fix (`InvalidSlackToken`).
- Slack cannot be reached (network error, timeout, 5xx, 429): that passes, so `opsbot serve`
  starts anyway, `/healthz` says `slack: unreachable`, and a background thread asks again with
  a growing pause until Slack answers.

Bolt would call `auth.test` itself when the app is built and fail hard; the app factory turns
that off and this module hands Bolt the answer once it has one (`attach`).
"""

from __future__ import annotations

import http.client
import logging
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from slack_bolt import App
from slack_bolt.middleware.authorization.single_team_authorization import (
    SingleTeamAuthorization,
)
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

logger = logging.getLogger(__name__)


class SlackState(StrEnum):
    UNCHECKED = "unchecked"
    OK = "ok"
    UNREACHABLE = "unreachable"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a state, not a secret


class InvalidSlackToken(Exception):
    """Slack answered and refused the bot token; `code` is Slack's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


TRANSIENT = (OSError, http.client.HTTPException, ValueError)  # URLError, timeouts, bad bodies


def _is_transient(error: SlackApiError) -> bool:
    status = getattr(error.response, "status_code", 0) or 0
    code = error.response.get("error") if error.response is not None else None
    return status >= 500 or status == 429 or code in {"ratelimited", "fatal_error"}


class SlackIdentity:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._state = SlackState.UNCHECKED
        self._result: SlackResponse | None = None
        self._apps: list[App] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SlackState:
        return self._state

    def status(self) -> str:
        """For /healthz: ok, unreachable, invalid_token or unchecked."""
        return self._state.value

    @property
    def bot_user_id(self) -> str | None:
        return str(self._result["user_id"]) if self._result is not None else None

    def check(self) -> SlackState:
        """One `auth.test`. Raises `InvalidSlackToken` when Slack refuses the token; returns
        UNREACHABLE (and logs one WARNING line) when Slack could not be asked."""
        try:
            result = self._client.auth_test()
        except SlackApiError as error:
            if not _is_transient(error):
                self._state = SlackState.INVALID_TOKEN
                raise InvalidSlackToken(str(error.response.get("error") or "unknown")) from None
            return self._unreachable(f"HTTP {getattr(error.response, 'status_code', '?')}")
        except TRANSIENT as error:
            return self._unreachable(_reason(error))
        with self._lock:
            self._state = SlackState.OK
            self._result = result
            apps = list(self._apps)
        for app in apps:
            _seed(app, result)
        return SlackState.OK

    def _unreachable(self, reason: str) -> SlackState:
        self._state = SlackState.UNREACHABLE
        logger.warning("Slack is unreachable (%s); serving anyway and asking again", reason)
        return SlackState.UNREACHABLE

    def attach(self, app: App) -> None:
        """Hands Bolt the `auth.test` answer (now, or when a retry gets it), so that Bolt does
        not ask Slack itself on the first request."""
        with self._lock:
            self._apps.append(app)
            result = self._result
        if result is not None:
            _seed(app, result)

    def retry_in_background(
        self,
        *,
        on_invalid: Callable[[InvalidSlackToken], None],
        first_pause: float = 5.0,
        longest_pause: float = 60.0,
    ) -> None:
        """Asks again (5 s, 10 s, ... up to 60 s apart) until Slack answers; calls `on_invalid`
        if it then refuses the token."""
        if self._state is SlackState.OK or self._thread is not None:
            return

        def retry() -> None:
            pause = first_pause
            while not self._stop.wait(pause):
                try:
                    if self.check() is SlackState.OK:
                        logger.info("Slack is reachable again")
                        return
                except InvalidSlackToken as error:
                    on_invalid(error)
                    return
                pause = min(pause * 2, longest_pause)

        self._thread = threading.Thread(target=retry, name="opsbot-slack-retry", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


def _reason(error: BaseException) -> str:
    reason: Any = getattr(error, "reason", None) or error
    return f"{type(error).__name__}: {reason}"


def _seed(app: App, result: SlackResponse) -> None:
    for middleware in app._middleware_list:  # once per app; Bolt offers no public setter
        if isinstance(middleware, SingleTeamAuthorization):
            middleware.auth_test_result = result
