"""Multi-workspace test set-up: installs over the real OAuth flow against the Web API stand-in."""

from __future__ import annotations

import re

from bot.wiring import Container
from tests.support.fake_slack import FakeSlackApi


def install(container: Container, fake_slack: FakeSlackApi, *, team_id: str, token: str) -> None:
    """Goes through /slack/install and /slack/oauth_redirect as a person installing would."""
    web = container.web.test_client()
    page = web.get("/slack/install")
    state = re.search(r"state=([\w-]+)", page.get_data(as_text=True))
    assert state is not None
    code = f"code-{team_id}"
    fake_slack.grant_install(code, team_id=team_id, bot_token=token)
    done = web.get(f"/slack/oauth_redirect?code={code}&state={state.group(1)}")
    assert done.status_code == 200, done.get_data(as_text=True)
