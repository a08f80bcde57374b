"""The feedback flows' view of the database: a `FeedbackStore` scoped to one workspace, opened by
a `FeedbackUnits` unit of work. The SQL versions delegate to `queries`; unit tests pass an
in-memory fake, so the capture, merge and lifecycle rules run without a database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from sqlalchemy.orm import Session

from bot.db import Sessions, read_only
from bot.rituals.feedback import queries
from bot.rituals.feedback.domain import Candidate
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem, FeedbackRequester


class FeedbackStore(Protocol):
    """Rows of one workspace. `add` assigns the row's id at once; nothing here commits."""

    team_id: str

    def item(self, item_id: int) -> FeedbackItem | None: ...
    def item_by_capture_key(self, capture_key: str) -> FeedbackItem | None: ...
    def account(self, account_id: int) -> FeedbackAccount | None: ...
    def account_by_name(self, name: str) -> FeedbackAccount | None: ...
    def add(self, row: FeedbackItem | FeedbackAccount | FeedbackRequester) -> None: ...
    def flush(self) -> None: ...
    def requesters(self, item_id: int) -> list[FeedbackRequester]: ...
    def count_requesters(self, item_id: int) -> int: ...
    def repoint_merged(self, source_id: int, target_id: int) -> None: ...
    def submitters_merged_into(self, item_id: int) -> list[str]: ...
    def account_owners(self, account_ids: Sequence[int]) -> list[str]: ...
    def similarity_candidates(self, *, exclude_id: int | None) -> list[Candidate]: ...


class FeedbackUnits(Protocol):
    """`begin` is one transaction (committed when the block ends without error); `read` only
    reads."""

    def begin(self, team_id: str) -> AbstractContextManager[FeedbackStore]: ...
    def read(self, team_id: str) -> AbstractContextManager[FeedbackStore]: ...


class SqlFeedbackStore:
    def __init__(self, session: Session, team_id: str) -> None:
        self._session = session
        self.team_id = team_id

    def item(self, item_id: int) -> FeedbackItem | None:
        return queries.item(self._session, self.team_id, item_id)

    def item_by_capture_key(self, capture_key: str) -> FeedbackItem | None:
        return queries.item_by_capture_key(self._session, self.team_id, capture_key)

    def account(self, account_id: int) -> FeedbackAccount | None:
        return queries.account(self._session, self.team_id, account_id)

    def account_by_name(self, name: str) -> FeedbackAccount | None:
        return queries.account_by_name(self._session, self.team_id, name)

    def add(self, row: FeedbackItem | FeedbackAccount | FeedbackRequester) -> None:
        self._session.add(row)
        self._session.flush()

    def flush(self) -> None:
        self._session.flush()

    def requesters(self, item_id: int) -> list[FeedbackRequester]:
        return queries.requesters(self._session, self.team_id, item_id)

    def count_requesters(self, item_id: int) -> int:
        return queries.count_requesters(self._session, self.team_id, item_id)

    def repoint_merged(self, source_id: int, target_id: int) -> None:
        queries.repoint_merged(self._session, self.team_id, source_id, target_id)

    def submitters_merged_into(self, item_id: int) -> list[str]:
        return queries.submitters_merged_into(self._session, self.team_id, item_id)

    def account_owners(self, account_ids: Sequence[int]) -> list[str]:
        return queries.account_owners(self._session, self.team_id, account_ids)

    def similarity_candidates(self, *, exclude_id: int | None) -> list[Candidate]:
        return queries.similarity_candidates(self._session, self.team_id, exclude_id=exclude_id)


class SqlFeedbackUnits:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        # Reads take no SQLite write lock (bot.db.read_only): the capture emoji's "already
        # captured?" check and the item shown in a modal never wait for a writer.
        self._reads = read_only(sessions)

    @contextmanager
    def begin(self, team_id: str) -> Iterator[FeedbackStore]:
        with self._sessions.begin() as session:
            yield SqlFeedbackStore(session, team_id)

    @contextmanager
    def read(self, team_id: str) -> Iterator[FeedbackStore]:
        with self._reads() as session:
            yield SqlFeedbackStore(session, team_id)
