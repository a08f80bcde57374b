"""People opsbot has already seen: admin checks before an ack read only the stored person."""

from __future__ import annotations

from bot.wiring import Container
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
