"""Feedback use cases: capture, suggest similar items, merge, move through the lifecycle, digest,
export and accounts. Each public method is one unit of work and takes `now` (aware UTC).

Other rituals call in here: support triage turns a ticket into feedback with
`capture_from_ticket`, releases mark items shipped with `change_status`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.metrics import Metrics
from bot.rituals.feedback import queries
from bot.rituals.feedback.domain import (
    EXPORT_COLUMNS,
    AccountRecord,
    CaptureResult,
    Digest,
    DigestItem,
    FeedbackDraft,
    FeedbackField,
    FeedbackInvalid,
    Importance,
    ItemSummary,
    MessageUnreadable,
    ReactionOutcome,
    ReadMessage,
    SimilarItem,
    Source,
    SourceMessage,
    Status,
    StatusChange,
    StatusChangeInvalid,
    StatusRequest,
    Window,
    account_key,
    check_status_change,
    clean_draft,
    is_capture_emoji,
    match_area,
    parse_quick_capture,
    rank_accounts,
    requester_key,
    similar_items,
)
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem, FeedbackRequester
from bot.workspace import queries as workspace_queries
from bot.workspace.models import Role
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

AREAS_SETTING = "product_areas"  # {"areas": ["Reporting", ...]}
FEEDBACK_SETTING = "feedback"  # {"capture_emoji": "bulb", "area_owners": {"Reporting": ["U1"]}}

DIGEST_LIST = 10
TOP_ACCOUNTS = 5
REVIEW_LOOKBACK = timedelta(days=28)


class ItemNotFound(UserFacingError):
    """No such item in this workspace (or it was merged away)."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"There is no feedback item #{item_id} (it may have been merged).")
        self.item_id = item_id


class MessageReader(Protocol):
    """Reads one Slack message back (the reaction path); raises `MessageUnreadable`."""

    def read_message(self, channel_id: str, ts: str) -> ReadMessage | None: ...


@dataclass(frozen=True)
class ReactionCapture:
    outcome: ReactionOutcome
    result: CaptureResult | None = None


@dataclass(frozen=True)
class FeedbackSettings:
    areas: list[str]
    capture_emoji: str
    area_owners: dict[str, list[str]]


class FeedbackService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        metrics: Metrics,
        default_areas: Sequence[str],
        default_capture_emoji: str,
    ) -> None:
        self._sessions = sessions
        self._workspaces = workspaces
        self._metrics = metrics
        self._default_areas = list(default_areas)
        self._default_emoji = default_capture_emoji.strip(":")

    # ---- settings ------------------------------------------------------------------------
    def settings(self, *, team_id: str) -> FeedbackSettings:
        areas_value = self._workspaces.get_setting(team_id=team_id, key=AREAS_SETTING) or {}
        feedback_value = self._workspaces.get_setting(team_id=team_id, key=FEEDBACK_SETTING) or {}
        areas = [str(a) for a in areas_value.get("areas", self._default_areas)]
        emoji = str(feedback_value.get("capture_emoji") or self._default_emoji).strip(":")
        owners = {
            str(area): [str(u) for u in users]
            for area, users in dict(feedback_value.get("area_owners") or {}).items()
        }
        return FeedbackSettings(areas=areas, capture_emoji=emoji, area_owners=owners)

    # ---- capture -------------------------------------------------------------------------
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
                with self._sessions.begin() as session:
                    existing = (
                        queries.item_by_capture_key(session, team_id, capture_key)
                        if capture_key
                        else None
                    )
                    if existing is not None:
                        return CaptureResult(_summary(session, existing), False, [])
                    item = self._insert(
                        session,
                        team_id=team_id,
                        draft=cleaned,
                        submitted_by=submitted_by,
                        now=now,
                        source_message=source_message,
                        capture_key=capture_key,
                    )
                    similar = self._similar(session, team_id, item)
                    result = CaptureResult(_summary(session, item), True, similar)
                break
            except IntegrityError:
                # Another capture won a race: the same message or submission (it is returned
                # as already captured), or a new account name created at the same moment (the
                # second try finds the account).
                if attempt == 2:
                    raise
                logger.info("capture raced another one; trying once more")
        self._metrics.feedback_captured.labels(cleaned.source.value).inc()
        logger.info("feedback %s captured from %s", result.item.item_id, cleaned.source.value)
        return result

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
        with self._sessions() as session:
            existing = queries.item_by_capture_key(session, team_id, key)
            if existing is not None:
                return ReactionCapture(
                    ReactionOutcome.ALREADY_CAPTURED,
                    CaptureResult(_summary(session, existing), False, []),
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
                text=message.text[:3000], source=Source.SLACK, on_behalf_of=reactor
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
            text=text[:3000],
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
        with self._sessions.begin() as session:
            item = queries.item(session, team_id, item_id)
            if item is None:
                raise ItemNotFound(item_id)
            account = self._account_for(session, team_id, cleaned.account_name, now)
            item.text = cleaned.text
            item.area = cleaned.area
            item.source = cleaned.source.value
            item.importance = cleaned.importance.value
            item.link = cleaned.link
            item.on_behalf_of = cleaned.on_behalf_of or item.on_behalf_of
            if account is not None and account.id != item.account_id:
                item.account_id = account.id
                self._add_requester(session, item, account.id, item.on_behalf_of, now)
            return _summary(session, item)

    def get_item(self, *, team_id: str, item_id: int) -> ItemSummary:
        with self._sessions() as session:
            item = queries.item(session, team_id, item_id)
            if item is None:
                raise ItemNotFound(item_id)
            return _summary(session, item)

    # ---- duplicates ----------------------------------------------------------------------
    def merge(
        self, *, team_id: str, source_id: int, target_id: int, user_id: str, now: datetime
    ) -> ItemSummary:
        """Folds `source_id` into `target_id`: every requester and account moves to the target,
        the source stays (for links and exports) marked as merged. Returns the target."""
        if source_id == target_id:
            raise FeedbackInvalid({FeedbackField.TEXT: "An item cannot be merged into itself."})
        with self._sessions.begin() as session:
            source = queries.item(session, team_id, source_id)
            target = queries.item(session, team_id, target_id)
            if source is None or source.merged_into_id is not None:
                raise ItemNotFound(source_id)
            if target is None:
                raise ItemNotFound(target_id)
            while target.merged_into_id is not None:
                target = queries.item(session, team_id, target.merged_into_id)
                if target is None or target.id == source.id:
                    raise ItemNotFound(target_id)
            for requester in queries.requesters(session, team_id, source.id):
                self._add_requester(session, target, requester.account_id, requester.user_id, now)
            if target.account_id is None:
                target.account_id = source.account_id
            source.merged_into_id = target.id
            queries.repoint_merged(session, team_id, source.id, target.id)
            session.flush()
            target.request_count = queries.count_requesters(session, team_id, target.id)
            logger.info("feedback %s merged into %s by %s", source.id, target.id, user_id)
            self._metrics.feedback_merged.inc()
            return _summary(session, target)

    # ---- lifecycle -----------------------------------------------------------------------
    def change_status(
        self, *, team_id: str, item_id: int, request: StatusRequest, user_id: str, now: datetime
    ) -> StatusChange:
        """Moves an item through new → reviewed → planned → shipped | declined. Raises
        `StatusChangeInvalid` for a change the rules forbid. When the item becomes shipped (or
        declined) `notify` lists who must be told privately: submitters, the people it was
        captured for and the owners of every requesting account."""
        with self._sessions.begin() as session:
            item = queries.item(session, team_id, item_id)
            if item is None or item.merged_into_id is not None:
                raise ItemNotFound(item_id)
            previous = Status(item.status)
            cleaned = check_status_change(previous, request)
            if cleaned.status != previous:
                item.status = cleaned.status.value
                item.status_changed_at = now
                if item.reviewed_at is None and cleaned.status is not Status.NEW:
                    item.reviewed_at = now
                if cleaned.link:
                    item.status_link = cleaned.link
                if cleaned.status is Status.DECLINED:
                    item.decline_reason = cleaned.reason
                self._metrics.feedback_status_changes.labels(cleaned.status.value).inc()
            notify: list[str] = []
            closes_loop = cleaned.status in {Status.SHIPPED, Status.DECLINED}
            if closes_loop and cleaned.status != previous:
                notify = self._people_to_tell(session, team_id, item)
            return StatusChange(_summary(session, item), previous, notify)

    # ---- accounts ------------------------------------------------------------------------
    def search_accounts(self, *, team_id: str, typed: str, limit: int = 20) -> list[str]:
        with self._sessions() as session:
            return queries.search_accounts(session, team_id, typed, limit)

    def import_accounts(
        self, *, team_id: str, records: Sequence[AccountRecord], now: datetime
    ) -> tuple[int, int]:
        """Creates or updates accounts by name (one transaction). Returns (created, updated)."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        created = updated = 0
        with self._sessions.begin() as session:
            for record in records:
                account = queries.account_by_name(session, team_id, record.name)
                if account is None:
                    account = _new_account(team_id, record.name, now)
                    session.add(account)
                    session.flush()
                    created += 1
                else:
                    updated += 1
                account.name = record.name
                account.external_id = record.external_id or account.external_id
                account.segment = record.segment or account.segment
                account.arr = record.arr if record.arr is not None else account.arr
                account.owner_user_id = record.owner_user_id or account.owner_user_id
        return created, updated

    def save_account(self, *, team_id: str, record: AccountRecord, now: datetime) -> None:
        """Creates or edits one account (admins, from Slack)."""
        self.import_accounts(team_id=team_id, records=[record], now=now)

    def is_reviewer(self, *, team_id: str, user_id: str) -> bool:
        """PMs who review feedback: area owners, people enrolled as PMs and admins."""
        owners = self.settings(team_id=team_id).area_owners
        if any(user_id in users for users in owners.values()):
            return True
        with self._sessions() as session:
            person = workspace_queries.get_person(session, team_id, user_id)
            return bool(person and (person.role == Role.PM.value or person.is_admin))

    def known_teams(self) -> list[str]:
        """Workspaces opsbot knows (the CLI picks the only one when --team is omitted)."""
        with self._sessions() as session:
            return queries.team_ids(session)

    def get_account(self, *, team_id: str, name: str) -> AccountRecord | None:
        with self._sessions() as session:
            account = queries.account_by_name(session, team_id, name)
            if account is None:
                return None
            return AccountRecord(
                account.name,
                account.external_id,
                account.segment,
                account.arr,
                account.owner_user_id,
            )

    # ---- digest, home, export ------------------------------------------------------------
    def digest(self, *, team_id: str, area: str | None, now: datetime) -> Digest:
        """The weekly numbers: SQL aggregations over indexed columns, so the cost follows the
        week's volume and the list lengths, not the table size."""
        window = Window.week_ending(now)
        with self._sessions() as session:
            median = queries.median_review_seconds(
                session, team_id, area, now - REVIEW_LOOKBACK, now
            )
            return Digest(
                area=area,
                window=window,
                new_this_week=queries.count_captured(session, team_id, area, window),
                new_last_week=queries.count_captured(session, team_id, area, window.previous()),
                by_area=queries.count_by_area(session, team_id, area, window),
                top_accounts=rank_accounts(
                    queries.top_accounts(session, team_id, area, window, TOP_ACCOUNTS)
                ),
                most_requested=queries.most_requested(session, team_id, area, DIGEST_LIST),
                awaiting_review=queries.awaiting_review(session, team_id, area, DIGEST_LIST),
                awaiting_review_total=queries.count_awaiting_review(session, team_id, area),
                median_time_to_review=None if median is None else timedelta(seconds=median),
                new_items=queries.new_items(session, team_id, area, window, DIGEST_LIST),
            )

    def recent_for(self, *, team_id: str, user_id: str, limit: int = 5) -> list[DigestItem]:
        with self._sessions() as session:
            return queries.recent_by_submitter(session, team_id, user_id, limit)

    def awaiting_review_for(
        self, *, team_id: str, user_id: str, limit: int = 5
    ) -> list[DigestItem]:
        """Items waiting for review in the areas this person owns (all areas when the workspace
        has not assigned owners)."""
        owners = self.settings(team_id=team_id).area_owners
        mine = [area for area, users in owners.items() if user_id in users]
        with self._sessions() as session:
            return queries.awaiting_review_in_areas(
                session, team_id, mine if owners else None, limit
            )

    def export(self, *, team_id: str, fmt: str, since: datetime | None) -> Iterator[str]:
        """Streams every item (merged ones too, with `merged_into`) as CSV or a JSON array."""
        with self._sessions() as session:
            rows = (
                _export_record(item, name)
                for item, name in queries.export_rows(session, team_id, since)
            )
            if fmt == "json":
                yield "["
                for index, record in enumerate(rows):
                    yield ("," if index else "") + "\n  " + json.dumps(record, ensure_ascii=False)
                yield "\n]\n"
                return
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for record in rows:
                writer.writerow(record)
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

    # ---- internals -----------------------------------------------------------------------
    def _insert(
        self,
        session: Session,
        *,
        team_id: str,
        draft: FeedbackDraft,
        submitted_by: str,
        now: datetime,
        source_message: SourceMessage | None,
        capture_key: str | None,
    ) -> FeedbackItem:
        account = self._account_for(session, team_id, draft.account_name, now)
        on_behalf_of = draft.on_behalf_of or submitted_by
        item = FeedbackItem(
            team_id=team_id,
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
        session.add(item)
        session.flush()
        session.add(
            FeedbackRequester(
                team_id=team_id,
                item_id=item.id,
                requester_key=requester_key(account_id=item.account_id, user_id=on_behalf_of),
                account_id=item.account_id,
                user_id=on_behalf_of,
                added_at=now,
            )
        )
        session.flush()
        return item

    def _account_for(
        self, session: Session, team_id: str, name: str | None, now: datetime
    ) -> FeedbackAccount | None:
        if not name:
            return None
        account = queries.account_by_name(session, team_id, name)
        if account is None:
            account = _new_account(team_id, name, now)
            session.add(account)
            session.flush()
        return account

    def _add_requester(
        self,
        session: Session,
        item: FeedbackItem,
        account_id: int | None,
        user_id: str,
        now: datetime,
    ) -> None:
        key = requester_key(account_id=account_id, user_id=user_id)
        known = {r.requester_key for r in queries.requesters(session, item.team_id, item.id)}
        if key in known:
            return
        session.add(
            FeedbackRequester(
                team_id=item.team_id,
                item_id=item.id,
                requester_key=key,
                account_id=account_id,
                user_id=user_id,
                added_at=now,
            )
        )
        session.flush()
        item.request_count = queries.count_requesters(session, item.team_id, item.id)

    def _similar(self, session: Session, team_id: str, item: FeedbackItem) -> list[SimilarItem]:
        candidates = queries.similarity_candidates(session, team_id, exclude_id=item.id)
        found = similar_items(item.text, candidates)
        suggestions: list[SimilarItem] = []
        for match in found:
            other = queries.item(session, team_id, match.item_id)
            if other is None:
                continue
            account = (
                queries.account(session, team_id, other.account_id) if other.account_id else None
            )
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

    def _people_to_tell(self, session: Session, team_id: str, item: FeedbackItem) -> list[str]:
        requesters = queries.requesters(session, team_id, item.id)
        people = [item.submitted_by, item.on_behalf_of]
        people += queries.submitters_merged_into(session, team_id, item.id)
        people += [r.user_id for r in requesters]
        account_ids = sorted({r.account_id for r in requesters if r.account_id is not None})
        people += queries.account_owners(session, team_id, account_ids)
        return list(dict.fromkeys(p for p in people if p))


def _new_account(team_id: str, name: str, now: datetime) -> FeedbackAccount:
    return FeedbackAccount(team_id=team_id, name=name, name_key=account_key(name), created_at=now)


def _summary(session: Session, item: FeedbackItem) -> ItemSummary:
    account = queries.account(session, item.team_id, item.account_id) if item.account_id else None
    return ItemSummary(
        item_id=item.id,
        text=item.text,
        account_name=account.name if account else None,
        area=item.area,
        source=Source(item.source),
        importance=Importance(item.importance),
        link=item.link,
        status=Status(item.status),
        on_behalf_of=item.on_behalf_of,
        submitted_by=item.submitted_by,
        request_count=item.request_count,
        permalink=item.permalink,
        status_link=item.status_link,
        decline_reason=item.decline_reason,
        merged_into_id=item.merged_into_id,
    )


def _export_record(item: FeedbackItem, account_name: str | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "captured_at": item.captured_at.isoformat(),
        "text": item.text,
        "account": account_name or "",
        "area": item.area or "",
        "source": item.source,
        "importance": item.importance,
        "status": item.status,
        "requests": item.request_count,
        "submitted_by": item.submitted_by,
        "on_behalf_of": item.on_behalf_of,
        "link": item.link or "",
        "status_link": item.status_link or "",
        "decline_reason": item.decline_reason or "",
        "permalink": item.permalink or "",
        "merged_into": item.merged_into_id or "",
    }


__all__ = ["FeedbackService", "ItemNotFound", "StatusChangeInvalid"]
