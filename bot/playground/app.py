"""Builds and runs the playground: the real opsbot app wired to the local workspace.

The app is built exactly as `opsbot serve` builds it (build_container, its Bolt and web apps,
the scheduler with its outbox sender), with settings that differ only in where Slack is:
SLACK_API_URL is this server's `/api/`, the signing secret is random per run, the bot token is a
fake one the local Web API accepts (single-workspace mode: `auth.test` names TEAM_ID), SQLite
lives in the playground's data directory, and the clock is the playground's.

The database is recreated at every start: the local workspace (messages, views) lives in
memory, so a database kept from an earlier run would point at messages that no longer exist.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from bot.config import Settings
from bot.db import upgrade_database
from bot.playground.actions import PageActions, PageError
from bot.playground.clock import PlaygroundClock
from bot.playground.github import LocalGitHub
from bot.playground.notices import NoticeHandler
from bot.playground.people import PEOPLE, TEAM_ID
from bot.playground.rituals import RitualClock, scheduled_rituals
from bot.playground.seed import seed_month
from bot.playground.server import Router, create_playground_web
from bot.playground.signer import Signer
from bot.playground.slack_side import AppLink
from bot.playground.state import state_for
from bot.playground.view_actions import ViewActions
from bot.playground.web_api import BOT_TOKEN, WebApi
from bot.playground.workspace import Workspace
from bot.rituals.installed import INSTALLED
from bot.slack.manifest import build_manifest
from bot.web.server import GracefulServer, make_server

if TYPE_CHECKING:
    from bot.scheduling.scheduler import RitualScheduler
    from bot.wiring import Container

logger = logging.getLogger(__name__)

MAX_JUMP = timedelta(days=400)


def playground_settings(base: Settings, *, data_dir: Path, api_url: str, port: int) -> Settings:
    """`base` (the environment's settings: log level, ritual defaults) with every setting that
    points at Slack, GitHub or a database replaced: nothing in the playground leaves the
    machine, whatever the environment holds."""
    return base.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(secrets.token_hex(16)),
            "slack_app_token": None,
            "slack_client_id": None,
            "slack_client_secret": None,
            "encryption_key": None,
            "slack_api_url": api_url,
            "github_api_url": api_url.removesuffix("api/") + "github",
            "github_token": None,
            # The local GitHub (github.py) is plain http on this host: let trackers reach it.
            "tracker_allowed_hosts": ["http://127.0.0.1"],
            "database_url": f"sqlite:///{data_dir / 'opsbot.db'}",
            "auto_migrate": True,
            "host": "127.0.0.1",
            "port": port,
        }
    )


def _manifest() -> dict[str, Any]:
    """The app's manifest: what Slack knows of it (its events, commands and shortcuts)."""
    manifest: dict[str, Any] = build_manifest(url=None, socket=False, rituals=INSTALLED)
    return manifest


def _app_surfaces(manifest: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The commands and shortcuts the page offers, as Slack offers them: from the manifest."""
    features = manifest["features"]
    commands = [
        {k: c[k] for k in ("command", "description", "usage_hint") if k in c}
        for c in features.get("slash_commands", [])
    ]
    shortcuts = [
        {k: s[k] for k in ("callback_id", "name", "type", "description") if k in s}
        for s in features.get("shortcuts", [])
    ]
    return {"commands": commands, "shortcuts": shortcuts}


class Playground:
    def __init__(self, base: Settings, *, data_dir: Path, port: int, threads: int = 24) -> None:
        self.clock = PlaygroundClock()
        self.workspace = Workspace(clock=self.clock)
        self.default_user = next(p.id for p in PEOPLE if p.is_admin)
        self._router = Router(create_playground_web(self))
        # Bind first: the app's SLACK_API_URL needs the port (0 picks a free one).
        self.server: GracefulServer = make_server(
            self._router, host="127.0.0.1", port=port, threads=threads
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}/"
        data_dir.mkdir(parents=True, exist_ok=True)
        database = data_dir / "opsbot.db"
        self.database = database
        for stale in (database, data_dir / "opsbot.db-wal", data_dir / "opsbot.db-shm"):
            stale.unlink(missing_ok=True)
        self.settings = playground_settings(
            base, data_dir=data_dir, api_url=self.url + "api/", port=self.server.effective_port
        )
        manifest = _manifest()
        self._surfaces = _app_surfaces(manifest)
        self.web_api = WebApi(self.workspace, base_url=lambda: self.url)
        self.signer = Signer(self.settings.secret(self.settings.slack_signing_secret) or "")
        self.link = AppLink(self.workspace, events_url=self.url + "slack/events")
        self.actions = PageActions(
            workspace=self.workspace,
            signer=self.signer,
            link=self.link,
            base_url=lambda: self.url,
            bot_events=frozenset(manifest["settings"]["event_subscriptions"]["bot_events"]),
        )
        self.views = ViewActions(self.actions)
        self.github = LocalGitHub(self.workspace, base_url=self.url)
        self._notices = NoticeHandler(self.workspace)
        self.container: Container | None = None
        self.rituals: RitualClock | None = None
        self._scheduler: RitualScheduler | None = None
        self._serving: threading.Thread | None = None

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self, *, seed: bool) -> None:
        """Migrates, builds the app, seeds (unless told not to), starts scheduler and server."""
        from bot.wiring import build_container

        upgrade_database(self.settings.database_url)
        container = build_container(self.settings, clock=self.clock)
        self.container = container
        self._router.app = container.web
        self._notices.attach()
        self._serving = threading.Thread(
            target=self.server.serve, kwargs={"grace": 2.0}, name="playground-http", daemon=True
        )
        self._serving.start()
        container.identity.check()  # auth.test, answered by the local Web API
        if seed:
            self._seed(container)
        self._connect_local_tracker(container)
        self.rituals = RitualClock(container, self.clock)
        self._scheduler = container.build_scheduler()
        self._scheduler.start_in_background()
        self.rituals.start()

    def _seed(self, container: Container) -> None:
        try:
            summary = seed_month(container, now=self.clock())
        except Exception:
            # Seed data is a convenience: without it the playground still works (as with
            # --empty), and the failure is on the page as a notice (notices.py) and in the log.
            logger.exception("the playground's seed data could not be written")
            return
        logger.info("playground seeded: %s", summary)

    def _connect_local_tracker(self, container: Container) -> None:
        """Points triage's tracker at the local GitHub (github.py) unless one is set, so a
        ticket decided as a bug is really filed, seeded or `--empty`: the local GitHub is part
        of the local world, like the local Slack. Saved through the triage settings service, as
        an admin saving `/ops settings` would."""
        triage = container.services.triage
        if triage.settings(team_id=TEAM_ID).tracker is not None:
            return
        triage.configure(
            team_id=TEAM_ID,
            changes={
                "tracker": {
                    "kind": "github",
                    "project": "acme/app",
                    "token": "playground-token",
                    "base_url": self.settings.github_api_url,
                }
            },
            user_id=self.default_user,
            now=self.clock(),
        )

    def wait(self) -> None:
        """Blocks until the server stops (request_stop from a signal handler)."""
        self.server.stopped.wait()

    def stop(self) -> None:
        self.server.request_stop()
        self.server.stopped.wait(10)
        if self.rituals is not None:
            self.rituals.stop()
        if self._scheduler is not None and not self._scheduler.stop(timeout=5):
            logger.warning("the scheduler did not stop within 5 s")
        self._notices.detach()
        if self.container is not None:
            self.container.close(grace=1.0)
        self.link.close()

    # ---- the page's calls that are not Slack's ----------------------------------------------
    def state(self, user: str, since: int | None) -> dict[str, Any]:
        if not any(p.id == user for p in PEOPLE):
            raise PageError(f"unknown user {user!r}")
        found = state_for(self.workspace, user=user, since=since, rituals=scheduled_rituals())
        if not found.get("unchanged"):
            found["issues"] = self.github.listed()
            found.update(self._surfaces)
        return found

    def run(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.rituals is None:
            return {"ok": False, "error": "not started"}
        channels = body.get("channels") or ([body["channel"]] if body.get("channel") else None)
        return self.rituals.run_now(str(body.get("ritual") or ""), channels)

    def jump(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.rituals is None:
            return {"ok": False, "error": "not started"}
        by = timedelta(
            days=float(body.get("advance_days") or 0), hours=float(body.get("advance_hours") or 0)
        )
        if by <= timedelta(0) or by > MAX_JUMP:
            raise PageError("advance_days/advance_hours: a positive jump of at most 400 days")
        return self.rituals.advance(by)
