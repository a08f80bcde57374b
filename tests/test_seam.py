"""The one seam: everything advertised is derived from `INSTALLED` and answers (no 404), the
pure layers stay pure, and user text enters mrkdwn only escaped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.home.blocks import build_home_view
from bot.ops.blocks import build_help_blocks
from bot.rituals.contract import MissingServiceError, Provided
from bot.rituals.installed import INSTALLED
from bot.slack.manifest import build_manifest
from bot.slack.mrkdwn import escape, link, safe_url
from bot.wiring import Container
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

BOT = Path(__file__).resolve().parent.parent / "bot"
COMMANDS = [c.command for r in INSTALLED for c in r.commands]
SHORTCUTS = [s.callback_id for r in INSTALLED for s in r.shortcuts]
SCHEDULED = [s.name for r in INSTALLED for s in r.scheduled]


def test_the_manifest_is_derived_from_the_installed_rituals() -> None:
    manifest = build_manifest(url="https://opsbot.acme.io", socket=False, rituals=INSTALLED)

    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    shortcuts = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert commands == {*COMMANDS, "/ops"}
    assert shortcuts == set(SHORTCUTS)
    assert {scope for r in INSTALLED for scope in r.scopes} <= scopes


def test_help_and_home_list_every_installed_ritual_and_nothing_else() -> None:
    help_text = str([b.to_dict() for b in build_help_blocks(rituals=INSTALLED)])
    home_text = str(build_home_view(display_name="Ada", is_admin=False, rituals=INSTALLED).blocks)

    for ritual in INSTALLED:
        assert ritual.title in help_text
        assert ritual.title in home_text
        for line in ritual.help_lines:
            assert line in help_text
    assert "/buddy" not in help_text or any(c == "/buddy" for c in COMMANDS)
    assert "/release" not in help_text or any(c == "/release" for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("text", ["", "help", "no-such-subcommand"])
def test_every_advertised_command_is_answered(
    slack: SlackDriver, fake_slack: FakeSlackApi, command: str, text: str
) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)

    response = slack.command(command, text)

    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("callback_id", SHORTCUTS)
def test_every_advertised_shortcut_is_answered(
    slack: SlackDriver, fake_slack: FakeSlackApi, callback_id: str
) -> None:
    response = slack.send(slack.requests.message_shortcut(callback_id, text="Export is slow"))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert fake_slack.wait_for("views.open")


@pytest.mark.parametrize("name", SCHEDULED)
def test_every_scheduled_ritual_runs_now(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, name: str
) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)

    response = slack.command("/ops", f"run {name} <#C7|product>")

    assert response.status_code == 200
    answer = fake_slack.wait_for_response()[0][1]
    assert "is not available" not in answer["text"]
    assert name in answer["text"]
    assert container.registry.get(name).name == name


def test_ops_help_names_every_installed_command(slack: SlackDriver) -> None:
    answer = body_json(slack.command("/ops", "help"))

    for command in COMMANDS:
        assert command in answer["text"]


def test_every_installed_scheduled_name_is_a_choice_in_the_schedule_modal(
    container: Container,
) -> None:
    names = container.schedules.settings_view(team_id=TEAM_ID, now=container.clock()).ritual_names

    assert set(SCHEDULED) <= set(names)


def test_a_ritual_that_needs_a_service_nobody_provides_fails_at_start() -> None:
    provided = Provided()
    provided.add("a string service")

    with pytest.raises(MissingServiceError, match="int is provided by no ritual"):
        provided.get(int)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


PURE_FILES = sorted(
    {
        *BOT.rglob("domain.py"),
        *BOT.rglob("blocks.py"),
        *BOT.glob("**/domain/*.py"),
        *BOT.glob("**/blocks/*.py"),
    }
)
FORBIDDEN = ("sqlalchemy", "httpx", "slack_bolt", "apscheduler")


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(BOT)))
def test_domain_and_blocks_modules_import_no_database_http_or_service(path: Path) -> None:
    imports = _imports(path)

    bad = {
        name
        for name in imports
        if name.split(".")[0] in FORBIDDEN
        or name.endswith(".service")
        or name.endswith(".queries")
        or name.endswith(".models")
    }
    assert bad == set()


def test_the_guard_would_catch_an_impure_import(tmp_path: Path) -> None:
    impure = tmp_path / "domain.py"
    impure.write_text("from sqlalchemy import select\nfrom bot.x.service import S\n")

    assert {"sqlalchemy", "bot.x.service"} <= _imports(impure)


def test_user_text_is_escaped_and_only_safe_urls_become_links() -> None:
    hostile = "<!channel> ping & <https://evil.example|docs>"

    assert escape(hostile) == "&lt;!channel&gt; ping &amp; &lt;https://evil.example|docs&gt;"
    assert link("https://docs.acme.io/x?a=1&b=2", "Docs <b>") == (
        "<https://docs.acme.io/x?a=1&b=2|Docs &lt;b&gt;>"
    )
    assert link("javascript:alert(1)", "x") == "x"
    assert safe_url("https://ok.io/a|b") is None
    assert safe_url("ftp://files.acme.io") is None
    assert safe_url("https://") is None
