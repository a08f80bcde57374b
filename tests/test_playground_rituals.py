"""A ritual flow through the playground end to end: a ticket arrives by webhook, the triage
thread is posted, a support lead clicks "bug" and the issue is filed in the playground's local
GitHub (so nothing leaves the machine), the ticket's message updated in place.

SQLite only, by design: the playground always runs on a SQLite file of its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.config import load_settings
from bot.playground.app import Playground
from bot.playground.people import TEAM_ID
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.webhook import signed_headers
from tests.test_playground_flows import DANA, eventually, post, state

pytestmark = pytest.mark.skipif(
    os.environ.get("OPSBOT_TEST_DB", "sqlite") != "sqlite",
    reason="the playground is SQLite-only by design",
)

AMARA = "UAMARA"
SECRET = "playground-webhook-secret"


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    running = Playground(load_settings(_env_file=None), data_dir=tmp_path, port=0)
    running.start(seed=False)
    yield running
    running.stop()


def test_a_ticket_decided_as_a_bug_is_filed_in_the_local_github(playground: Playground) -> None:
    assert playground.container is not None
    playground.container.services.triage.configure(
        team_id=TEAM_ID,
        changes={
            "channel_id": "CTRIAGE",
            "sla_days": 7,
            "webhook_secret": SECRET,
            "tracker": {
                "kind": "github",
                "project": "acme/app",
                "token": "playground-token",
                "base_url": playground.settings.github_api_url,
            },
        },
        user_id=DANA,
        now=playground.clock(),
    )
    with httpx.Client(base_url=playground.url, timeout=70) as page:
        granted = post(
            page,
            "command",
            {"as": DANA, "channel": "CTRIAGE", "text": f"/ops roles grant <@{AMARA}> reviewer"},
        )
        body = json.dumps(
            {
                "helpdesk": "zendesk",
                "id": "48361",
                "title": "Audit log misses role changes",
                "severity": "urgent",
                "url": "https://acme.zendesk.example/agent/tickets/48361",
            }
        ).encode()
        hook = page.post(
            f"/hooks/tickets?team={TEAM_ID}",
            content=body,
            headers={
                "Content-Type": "application/json",
                **signed_headers(SECRET, body, int(playground.clock().timestamp())),
            },
        )
        run = post(page, "run", {"ritual": "triage-thread", "channels": ["CTRIAGE"]})
        ticket = next(
            m
            for m in state(page, AMARA)["messages"]["CTRIAGE"]
            if "Audit log misses role changes" in m["text"]
        )
        bug = next(
            (block["block_id"], element)
            for block in ticket["blocks"]
            for element in block.get("elements", [])
            if element.get("action_id") == TriageIds.BUG.value
        )

        clicked = post(
            page,
            "action",
            {
                "as": AMARA,
                "source": {"kind": "message", "channel": "CTRIAGE", "ts": ticket["ts"]},
                "action": {
                    "action_id": bug[1]["action_id"],
                    "block_id": bug[0],
                    "value": bug[1]["value"],
                },
            },
        )

        issues = eventually(lambda: state(page, AMARA)["issues"])
        updated = eventually(
            lambda: [
                m
                for m in state(page, AMARA)["messages"]["CTRIAGE"]
                if m["ts"] == ticket["ts"] and m["edited"]
            ]
        )
    assert granted["ok"] is True
    assert hook.status_code in {200, 201, 202}
    assert run["posts"] == 2
    assert clicked == {"ok": True, "status": 200}
    assert [(i["key"], i["title"]) for i in issues] == [
        ("acme/app#1", "Audit log misses role changes")
    ]
    assert "acme/app#1" in json.dumps(updated[0]["blocks"])
