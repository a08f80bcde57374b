"""Ack now, do the slow part after: the one way listeners call Slack (or anything slow).

Slack wants an answer within 3 s, and Bolt only sends it once the listener has called `ack()`
on Bolt's listener pool. A listener that calls the Web API on that pool (views.open, users.info,
chat.postMessage) holds a thread for as long as Slack takes; under a slow Slack every thread is
busy and new requests are never acknowledged. So a listener does only database and memory work
itself, and hands the rest to `AfterAck.ack_then`::

    def register(app: App, *, after_ack: AfterAck, service: Service, clock: Clock) -> None:
        @app.command("/thing")
        def on_thing(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
            def open_form() -> None:           # runs on the after-ack pool
                client.views_open(trigger_id=command["trigger_id"], view=build_form().to_dict())

            after_ack.ack_then(ack, command, client, open_form, trigger_bound=True)

        @app.view(ThingIds.MODAL)
        def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient):
            form = parse(view)                 # pure; bad input -> ack(response_action="errors")
            ...
            after_ack.ack_then(ack, body, client, lambda: service.save(form, now=clock()))

What `ack_then` promises:

- The ack never waits on the pool or on Slack: it reserves a place first, then acks (with
  `ack_with`, e.g. `{"text": "On it"}` or `{"response_action": "errors", ...}`), then submits.
- When the pool is full, nothing is queued: a command is acked with a polite private "busy"
  answer; any other request is acked normally and the person gets the same note privately
  (best effort, on a tiny separate pool). A form whose text would be lost with it passes
  `store_when_full`: then it is stored before the ack (which may wait for the database) and
  the person is told it was saved.
- Any exception in `work` is logged, counted, and told to the person privately (the same
  wording as the app's error handler: `UserFacingError` text as is); it never reaches Bolt,
  whose ack-reset path would otherwise turn the answered request into a 404.
- `trigger_bound=True` (work that calls views.open with the request's trigger id, valid 3 s):
  if the work only starts after `TRIGGER_BUDGET` seconds, it is skipped and the person is asked
  to try again, instead of calling Slack with an expired trigger.

Web API calls made by `work` use the listener's `client`: the request middleware hands
listeners a client with the short interactive timeout (`OPSBOT_SLACK_INTERACTIVE_TIMEOUT`), so a
stuck Slack frees a worker after a few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.slack.after_ack import AfterAckPool, received_at_var
from bot.slack.error_handler import message_for, tell_privately_about
from bot.slack.private_reply import SharedChannelCache
from bot.slack.request_kind import request_kind

logger = logging.getLogger(__name__)

TRIGGER_BUDGET = 2.5  # seconds: a trigger id is valid for 3 s from Slack's side

BUSY = (
    ":hourglass_flowing_sand: opsbot is very busy right now and could not take this on. "
    "Nothing was changed; please try again in a minute."
)
BUSY_AFTER_SAVING = (
    ":hourglass_flowing_sand: Saved. opsbot is very busy right now, so the messages that go "
    "with it may come a little later."
)
TOO_SLOW = (
    ":hourglass_flowing_sand: Slack was too slow to answer in time, so I could not open that "
    "for you. Please try again."
)

Work = Callable[[], None]


class SlackTooSlowError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(TOO_SLOW)


class AfterAck:
    """Shared by every listener; built once by the composition root around one pool."""

    def __init__(
        self,
        pool: AfterAckPool,
        *,
        background: AfterAckPool | None = None,
        notice_threads: int = 2,
        notice_queue: int = 50,
    ):
        self.pool = pool
        # Refreshes nobody waits for (users.info after an admin check) get a small pool of their
        # own: under a slow Slack they must not take the threads that open people's modals.
        self.background = background or AfterAckPool(
            workers=4, queue_limit=256, metrics=pool.metrics
        )
        self._shared = SharedChannelCache()
        self._notices = ThreadPoolExecutor(
            max_workers=notice_threads, thread_name_prefix="opsbot-busy-notice"
        )
        self._notice_slots = threading.BoundedSemaphore(notice_threads + notice_queue)

    def ack_then(
        self,
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        work: Work,
        *,
        ack_with: Mapping[str, Any] | None = None,
        trigger_bound: bool = False,
        name: str = "",
        saved: bool = False,
        store_when_full: Callable[[], object] | None = None,
    ) -> bool:
        """Acks (with `ack_with`) and runs `work` after the ack on the bounded pool.

        Returns False when the work was shed (pool full); the person has then been told:
        "nothing was changed", or with `saved=True` (the listener stored the change before
        the ack, and `work` only tells people) that it was saved and messages may come later.

        `store_when_full`: what must not be lost when `work` is shed (a submitted form, whose
        text exists nowhere else once the modal closes): it then runs before the ack, which
        may wait for the database, and the person is told it was saved. It must be idempotent
        with the store in `work` (a capture key), which never runs in that case.
        """
        received = received_at_var.get()
        if received is None:
            received = time.monotonic()
        reservation = self.pool.reserve()
        if reservation is None:
            if store_when_full is not None:
                store_when_full()  # raises before the ack: the error handler answers
                saved = True
            self._shed(ack, body, client, BUSY_AFTER_SAVING if saved else BUSY)
            return False
        try:
            ack(**dict(ack_with or {}))
        except BaseException:
            reservation.release()
            raise

        def run() -> None:
            if trigger_bound and time.monotonic() - received > TRIGGER_BUDGET:
                raise SlackTooSlowError
            work()

        return reservation.submit(
            run,
            on_error=lambda error: self.report(error, body=body, client=client),
            name=name or getattr(work, "__name__", "work"),
        )

    def in_background(self, work: Work, *, name: str = "") -> bool:
        """Work nobody waits for (a cache refresh); dropped silently when the pool is full."""
        return self.background.try_submit(work, name=name or getattr(work, "__name__", "work"))

    def report(self, error: Exception, *, body: dict[str, Any], client: WebClient) -> None:
        """Tells the person privately what went wrong, as the app's error handler would."""
        kind = request_kind(body) or "unknown"
        if kind == "event" and not isinstance(error, UserFacingError):
            return  # nobody asked: nothing to tell (the log has it)
        tell_privately_about(client, self._shared, body, message_for(error))

    def _shed(self, ack: Ack, body: dict[str, Any], client: WebClient, note: str) -> None:
        kind = request_kind(body)
        logger.warning("after-ack pool full: shedding a %s", kind or "request")
        if kind == "command":
            ack(text=note, response_type="ephemeral")
            return
        ack()
        if kind == "event" or not self._notice_slots.acquire(blocking=False):
            return

        def tell() -> None:
            try:
                self.report(UserFacingError(note), body=body, client=client)
            except Exception as error:
                logger.warning("could not send a busy note: %s", type(error).__name__)
            finally:
                self._notice_slots.release()

        try:
            self._notices.submit(tell)
        except RuntimeError:
            self._notice_slots.release()

    def shutdown(self, *, timeout: float) -> bool:
        self._notices.shutdown(wait=False, cancel_futures=True)
        self.background.shutdown(timeout=0)
        return self.pool.shutdown(timeout=timeout)
