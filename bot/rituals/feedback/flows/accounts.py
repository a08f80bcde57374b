"""Accounts (the type-ahead, the CSV import, the admins' editor) and who reviews feedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.rituals.feedback import queries
from bot.rituals.feedback.domain import AccountRecord
from bot.rituals.feedback.flows.base import FeedbackCore, new_account
from bot.workspace import queries as workspace_queries
from bot.workspace.models import Role


class AccountsFlow(FeedbackCore):
    def search_accounts(self, *, team_id: str, typed: str, limit: int = 20) -> list[str]:
        with self._reads() as session:
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
                    account = new_account(team_id, record.name, now)
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

    def get_account(self, *, team_id: str, name: str) -> AccountRecord | None:
        with self._reads() as session:
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

    def is_reviewer(self, *, team_id: str, user_id: str) -> bool:
        """PMs who review feedback: area owners, people enrolled as PMs and admins."""
        owners = self.settings(team_id=team_id).area_owners
        if any(user_id in users for users in owners.values()):
            return True
        with self._reads() as session:
            person = workspace_queries.get_person(session, team_id, user_id)
            return bool(person and (person.role == Role.PM.value or person.is_admin))

    def known_teams(self) -> list[str]:
        """Workspaces opsbot knows (the CLI picks the only one when --team is omitted)."""
        with self._reads() as session:
            return queries.team_ids(session)
