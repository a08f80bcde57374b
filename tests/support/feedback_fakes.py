"""In-memory stand-ins for the feedback service's ports: a `FeedbackStore` over dicts, the unit of
work that opens it, workspace settings from a dict, and sessions that fail if anything touches the
database. The service's capture, merge and lifecycle rules run on these with no DB and no HTTP."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import count
from typing import Any, cast

from prometheus_client import CollectorRegistry

from bot.db import Sessions
from bot.rituals.feedback.domain import OPEN_STATUSES, Candidate, account_key
from bot.rituals.feedback.metrics import FeedbackMetrics
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem, FeedbackRequester
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.feedback.store import FeedbackStore

Row = FeedbackItem | FeedbackAccount | FeedbackRequester


class FakeFeedbackStore:
    """Rows of one workspace, ids assigned on `add` like a flush would."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.items: dict[int, FeedbackItem] = {}
        self.accounts: dict[int, FeedbackAccount] = {}
        self.requester_rows: list[FeedbackRequester] = []
        self._ids = count(1)
        self.commits = 0

    def item(self, item_id: int) -> FeedbackItem | None:
        return self.items.get(item_id)

    def item_by_capture_key(self, capture_key: str) -> FeedbackItem | None:
        return next((i for i in self.items.values() if i.capture_key == capture_key), None)

    def account(self, account_id: int) -> FeedbackAccount | None:
        return self.accounts.get(account_id)

    def account_by_name(self, name: str) -> FeedbackAccount | None:
        key = account_key(name)
        return next((a for a in self.accounts.values() if a.name_key == key), None)

    def add(self, row: Row) -> None:
        row.id = next(self._ids)
        if isinstance(row, FeedbackItem):
            self.items[row.id] = row
        elif isinstance(row, FeedbackAccount):
            self.accounts[row.id] = row
        else:
            self.requester_rows.append(row)

    def flush(self) -> None:
        return None

    def requesters(self, item_id: int) -> list[FeedbackRequester]:
        return [r for r in self.requester_rows if r.item_id == item_id]

    def count_requesters(self, item_id: int) -> int:
        return len(self.requesters(item_id))

    def repoint_merged(self, source_id: int, target_id: int) -> None:
        for item in self.items.values():
            if item.merged_into_id == source_id:
                item.merged_into_id = target_id

    def submitters_merged_into(self, item_id: int) -> list[str]:
        return [i.submitted_by for i in self.items.values() if i.merged_into_id == item_id]

    def account_owners(self, account_ids: Sequence[int]) -> list[str]:
        owners = (self.accounts[a].owner_user_id for a in account_ids if a in self.accounts)
        return [owner for owner in owners if owner]

    def similarity_candidates(self, *, exclude_id: int | None) -> list[Candidate]:
        open_values = {s.value for s in OPEN_STATUSES}
        return [
            Candidate(i.id, i.text)
            for i in sorted(self.items.values(), key=lambda i: -i.id)
            if i.id != exclude_id and i.merged_into_id is None and i.status in open_values
        ]


class FakeUnits:
    """One store per workspace; `begin` counts commits (no rollback: the rules under test check
    before they write)."""

    def __init__(self) -> None:
        self.stores: dict[str, FakeFeedbackStore] = {}

    def store(self, team_id: str) -> FakeFeedbackStore:
        return self.stores.setdefault(team_id, FakeFeedbackStore(team_id))

    @contextmanager
    def begin(self, team_id: str) -> Iterator[FeedbackStore]:
        store = self.store(team_id)
        yield store
        store.commits += 1

    @contextmanager
    def read(self, team_id: str) -> Iterator[FeedbackStore]:
        yield self.store(team_id)


class FakeWorkspaces:
    def __init__(self, settings: dict[str, dict[str, Any]] | None = None) -> None:
        self.settings = settings or {}

    def get_setting(self, *, team_id: str, key: str) -> dict[str, Any] | None:
        return self.settings.get(key)

    def ensure_workspace(self, *, team_id: str, now: datetime) -> None:
        return None


class NoDatabase:
    """Stands in for the session factory: any use fails the test."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the unit tier must not open a database session")

    def begin(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the unit tier must not open a database session")


class AllowEveryone:
    """The unit tier's permission check: rules about who may are tested in test_trust_roles."""

    def require(self, **_: Any) -> None:
        return None

    def allows(self, **_: Any) -> bool:
        return True


def fake_feedback_service(
    units: FakeUnits, *, settings: dict[str, dict[str, Any]] | None = None
) -> tuple[FeedbackService, FeedbackMetrics]:
    metrics = FeedbackMetrics(CollectorRegistry())
    service = FeedbackService(
        sessions=cast(Sessions, NoDatabase()),
        workspaces=FakeWorkspaces(settings),
        metrics=metrics,
        permissions=AllowEveryone(),
        default_areas=["Reporting", "Billing"],
        default_capture_emoji="bulb",
        units=units,
    )
    return service, metrics
