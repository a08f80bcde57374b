"""People opsbot has already seen: admin checks before an ack read only the stored person."""

from __future__ import annotations

from bot.wiring import Container
from bot.workspace.models import RoleGrant
from bot.workspace.roles import Grant
from tests.support.fake_slack import TEAM_ID, FakeSlackApi


def known_person(
    container: Container,
    fake_slack: FakeSlackApi,
    user_id: str,
    *,
    name: str = "",
    is_admin: bool = False,
) -> None:
    """A person in Slack whom opsbot has looked up before (as after /ops settings or App Home)."""
    fake_slack.add_user(user_id, name=name, is_admin=is_admin)
    container.services.admins.refresh(team_id=TEAM_ID, user_id=user_id)


def reviewer(container: Container, user_id: str, *, team_id: str = TEAM_ID) -> None:
    """Makes someone a reviewer (as an admin's `/ops roles grant @x reviewer` would)."""
    now = container.clock()
    container.services.workspaces.ensure_workspace(team_id=team_id, now=now)
    with container.sessions.begin() as session:
        session.add(
            RoleGrant(
                team_id=team_id,
                user_id=user_id,
                role=Grant.REVIEWER.value,
                granted_by="UADMIN",
                granted_at=now,
            )
        )
