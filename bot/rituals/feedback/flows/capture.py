"""Capture: from the form, `/feedback <text>`, the capture emoji and triaged tickets; editing an
item's details; and the similar items suggested after each new capture."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from bot.rituals.feedback.domain import (
    TEXT_LIMIT,
    CaptureResult,
    FeedbackDraft,
    FeedbackField,
    FeedbackInvalid,
    Importance,
    ItemNotFound,
    ItemSummary,
    MessageUnreadable,
    ReactionCapture,
    ReactionOutcome,
    ReadMessage,
    SimilarItem,
    Source,
    SourceMessage,
    Status,
    clean_draft,
    is_capture_emoji,
    match_area,
    parse_quick_capture,
    requester_key,
    similar_items,
)
from bot.rituals.feedback.flows.base import FeedbackCore, account_for, add_requester, summary
from bot.rituals.feedback.models import FeedbackItem, FeedbackRequester
from bot.rituals.feedback.store import FeedbackStore

logger = logging.getLogger(__name__)


class MessageReader(Protocol):
    """Reads one Slack message back (the reaction path); raises `MessageUnreadable`."""

    def read_message(self, channel_id: str, ts: str) -> ReadMessage | None: ...


class CaptureFlow(FeedbackCore):
    def capture(
        self,
        *,
        team_id: str,
        draft: FeedbackDraft,
        submitted_by: str,
        now: datetime,
        source_message: SourceMessage | None = None,
        capture_key: str | None = None,
    ) -> CaptureResult:
        """Stores one item and its first requester, then looks for similar items.

        Idempotent on `capture_key` (a message, a modal submission, a ticket): a repeat returns
        the stored item with `created=False`. Raises `FeedbackInvalid` and stores nothing when
        the draft is bad.
        """
        areas = self.settings(team_id=team_id).areas
        cleaned = clean_draft(draft, areas=areas)
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        if source_message is not None and capture_key is None:
            capture_key = f"msg:{source_message.channel_id}:{source_message.ts}"
        for attempt in (1, 2):
            try:
                with self._units.begin(team_id) as store:
                    existing = store.item_by_capture_key(capture_key) if capture_key else None
                    if existing is not None:
                        return CaptureResult(summary(store, existing), False, [])
                    item = _insert(
                        store,
                        draft=cleaned,
                        submitted_by=submitted_by,
                        now=now,
                        source_message=source_message,
                        capture_key=capture_key,
                    )
                    stored = summary(store, item)
                break
            except IntegrityError:
                # Another capture won a race: the same message or submission (it is returned
                # as already captured), or a new account name created at the same moment (the
                # second try finds the account).
                if attempt == 2:
                    raise
                logger.info("capture raced another one; trying once more")
        # Similar items are looked for after the commit, on a read: comparing with hundreds of
        # items is CPU work that must not hold SQLite's write lock (every other writer waits).
        with self._units.read(team_id) as store:
            result = CaptureResult(stored, True, _similar(store, stored.item_id, stored.text))
        self._metrics.captured.labels(cleaned.source.value).inc()
        logger.info("feedback %s captured from %s", result.item.item_id, cleaned.source.value)
        return result

    def check(self, *, team_id: str, draft: FeedbackDraft) -> None:
        """The check `capture` and `update_details` make, without writing: raises
        `FeedbackInvalid` for a bad draft. A form is checked with it before the ack (its errors
        are the ack) and stored after it, so no ack waits for the database write lock."""
        clean_draft(draft, areas=self.settings(team_id=team_id).areas)

    def quick_capture(
        self, *, team_id: str, text: str, submitted_by: str, now: datetime
    ) -> CaptureResult:
        """`/feedback [Acme] what they said #area`: stores at once. A hashtag that names no
        configured area stays part of the text rather than failing the capture."""
        parsed = parse_quick_capture(text)
        area = match_area(parsed.area_hint, self.settings(team_id=team_id).areas)
        body = parsed.text
        if parsed.area_hint and area is None:
            body = f"{body} #{parsed.area_hint}".strip()
        draft = FeedbackDraft(
            text=body, account_name=parsed.account_name, area=area, on_behalf_of=submitted_by
        )
        return self.capture(team_id=team_id, draft=draft, submitted_by=submitted_by, now=now)

    def capture_reaction(
        self,
        *,
        team_id: str,
        reaction: str,
        reactor: str,
        channel_id: str,
        ts: str,
        reader: MessageReader,
        now: datetime,
    ) -> ReactionCapture:
        """The capture emoji on a message stores that message once, crediting the first
        reactor; other emoji are ignored. Reads the message from Slack only when it is new."""
        if not is_capture_emoji(reaction, self.settings(team_id=team_id).capture_emoji):
            return ReactionCapture(ReactionOutcome.IGNORED)
        key = f"msg:{channel_id}:{ts}"
        with self._units.read(team_id) as store:
            existing = store.item_by_capture_key(key)
            if existing is not None:
                return ReactionCapture(
                    ReactionOutcome.ALREADY_CAPTURED,
                    CaptureResult(summary(store, existing), False, []),
                )
        try:
            message = reader.read_message(channel_id, ts)
        except MessageUnreadable:
            return ReactionCapture(ReactionOutcome.UNREADABLE)
        if message is None or not message.text.strip():
            return ReactionCapture(ReactionOutcome.EMPTY)
        result = self.capture(
            team_id=team_id,
            draft=FeedbackDraft(
                text=message.text[:TEXT_LIMIT], source=Source.SLACK, on_behalf_of=reactor
            ),
            submitted_by=reactor,
            now=now,
            source_message=SourceMessage(channel_id, ts, message.permalink),
            capture_key=key,
        )
        outcome = ReactionOutcome.CAPTURED if result.created else ReactionOutcome.ALREADY_CAPTURED
        return ReactionCapture(outcome, result)

    def capture_from_ticket(
        self,
        *,
        team_id: str,
        text: str,
        account_name: str | None,
        submitted_by: str,
        link: str | None,
        ticket_ref: str,
        now: datetime,
    ) -> int:
        """Turns a triaged support ticket into a feedback item; returns its id. Idempotent on
        (team_id, ticket_ref). A link that is not a web address is dropped rather than failing
        the triage click; text over the input limit is cut."""
        draft = FeedbackDraft(
            text=text[:TEXT_LIMIT],
            account_name=account_name,
            source=Source.SUPPORT,
            importance=Importance.IMPORTANT,
            link=link,
            on_behalf_of=submitted_by,
        )
        try:
            clean_draft(draft, areas=())
        except FeedbackInvalid as invalid:
            if set(invalid.errors) - {FeedbackField.LINK}:
                raise
            draft = replace(draft, link=None)
        result = self.capture(
            team_id=team_id,
            draft=draft,
            submitted_by=submitted_by,
            now=now,
            capture_key=f"ticket:{ticket_ref}",
        )
        return result.item.item_id

    def update_details(
        self, *, team_id: str, item_id: int, draft: FeedbackDraft, user_id: str, now: datetime
    ) -> ItemSummary:
        """Edits an item's details ("Add details" after a quick capture). Raises
        `FeedbackInvalid` for a bad draft and `ItemNotFound` for an unknown item."""
        cleaned = clean_draft(draft, areas=self.settings(team_id=team_id).areas)
        with self._units.begin(team_id) as store:
            item = store.item(item_id)
            if item is None:
                raise ItemNotFound(item_id)
            account = account_for(store, cleaned.account_name, now)
            item.text = cleaned.text
            item.area = cleaned.area
            item.source = cleaned.source.value
            item.importance = cleaned.importance.value
            item.link = cleaned.link
            item.on_behalf_of = cleaned.on_behalf_of or item.on_behalf_of
            if account is not None and account.id != item.account_id:
                item.account_id = account.id
                add_requester(store, item, account.id, item.on_behalf_of, now)
            return summary(store, item)

    def get_item(self, *, team_id: str, item_id: int) -> ItemSummary:
        with self._units.read(team_id) as store:
            item = store.item(item_id)
            if item is None:
                raise ItemNotFound(item_id)
            return summary(store, item)


def _insert(
    store: FeedbackStore,
    *,
    draft: FeedbackDraft,
    submitted_by: str,
    now: datetime,
    source_message: SourceMessage | None,
    capture_key: str | None,
) -> FeedbackItem:
    account = account_for(store, draft.account_name, now)
    on_behalf_of = draft.on_behalf_of or submitted_by
    item = FeedbackItem(
        team_id=store.team_id,
        text=draft.text,
        account_id=account.id if account else None,
        area=draft.area,
        source=draft.source.value,
        importance=draft.importance.value,
        link=draft.link,
        submitted_by=submitted_by,
        on_behalf_of=on_behalf_of,
        status=Status.NEW.value,
        request_count=1,
        message_channel=source_message.channel_id if source_message else None,
        message_ts=source_message.ts if source_message else None,
        permalink=source_message.permalink if source_message else None,
        capture_key=capture_key,
        captured_at=now,
        status_changed_at=now,
    )
    store.add(item)
    store.add(
        FeedbackRequester(
            team_id=store.team_id,
            item_id=item.id,
            requester_key=requester_key(account_id=item.account_id, user_id=on_behalf_of),
            account_id=item.account_id,
            user_id=on_behalf_of,
            added_at=now,
        )
    )
    return item


def _similar(store: FeedbackStore, item_id: int, text: str) -> list[SimilarItem]:
    """Up to three open items like this one, best first, to offer a +1 instead."""
    found = similar_items(text, store.similarity_candidates(exclude_id=item_id))
    suggestions: list[SimilarItem] = []
    for match in found:
        other = store.item(match.item_id)
        if other is None:
            continue
        account = store.account(other.account_id) if other.account_id else None
        suggestions.append(
            SimilarItem(
                other.id,
                other.text,
                account.name if account else None,
                other.request_count,
                match.score,
            )
        )
    return suggestions
