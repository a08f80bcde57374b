"""The `opsbot` command: the only place that configures logging and reads the environment."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING
from urllib.error import URLError

import yaml
from slack_sdk.errors import SlackApiError

from bot import cli_data
from bot.config import ConfigurationError, Settings, SlackMode, load_settings
from bot.db import upgrade_database
from bot.logs import configure_logging
from bot.rituals.contract import CliContainer, CliGroups
from bot.rituals.installed import INSTALLED
from bot.slack.identity import InvalidSlackToken, SlackState
from bot.slack.manifest import PLACEHOLDER_URL, build_manifest

if TYPE_CHECKING:
    from bot.wiring import Container

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except ValueError as error:
        print(f"opsbot: invalid configuration: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        result: int = args.handler(settings, args)
    except ConfigurationError as error:
        print(f"opsbot: {error}", file=sys.stderr)
        return 2
    except InvalidSlackToken as error:
        print(_token_refused_line(error.code), file=sys.stderr)
        return 2
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else "unknown"
        print(_token_refused_line(code), file=sys.stderr)
        return 2
    except (URLError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        print(f"opsbot: cannot reach Slack at {settings.slack_api_url}: {reason}", file=sys.stderr)
        return 1
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsbot", description="Self-hosted Slack bot for product-ops rituals."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve Slack over HTTP on $PORT")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the scheduler in this process (run `opsbot scheduler` once instead)",
    )
    serve.set_defaults(handler=_serve)

    socket = commands.add_parser("socket", help="serve Slack over Socket Mode (development)")
    socket.set_defaults(handler=_socket)

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply pending migrations")
    upgrade.set_defaults(handler=_db_upgrade)

    scheduler = commands.add_parser(
        "scheduler", help="run the scheduler and outbox sender alone (one active, others stand by)"
    )
    scheduler.set_defaults(handler=_scheduler)

    ritual = commands.add_parser("ritual", help="ritual schedules and runs")
    ritual_commands = ritual.add_subparsers(metavar="ACTION")
    run = ritual_commands.add_parser("run", help="run a ritual now, through the outbox")
    run.add_argument("name", help=", ".join(s.name for r in INSTALLED for s in r.scheduled))
    run.add_argument("--team", required=True, help="Slack team id (T...)")
    run.add_argument("--channel", action="append", help="channel id; repeat for several")
    run.set_defaults(handler=_ritual_run)
    listing = ritual_commands.add_parser(
        "list", help="every installed ritual with its schedules and next run"
    )
    listing.add_argument("--team", required=True, help="Slack team id (T...)")
    listing.set_defaults(handler=_ritual_list)

    export = commands.add_parser(
        "export", help="export data as CSV or JSON (or --team T --all: everything, as JSON)"
    )
    export.add_argument("--all", action="store_true", dest="everything", help="every table")
    export.add_argument("--team", dest="all_team", help="with --all: the Slack team id (T...)")
    export.add_argument("--output", "-o", dest="all_output", help="with --all: write to a file")
    export.set_defaults(handler=cli_data.export_everything)
    export_commands = export.add_subparsers(metavar="WHAT")
    importing = commands.add_parser("import", help="import data from files")
    import_commands = importing.add_subparsers(metavar="WHAT")
    groups = CliGroups(export=export_commands, import_=import_commands, containers=_container)
    for installed in INSTALLED:
        installed.cli(groups)

    stats = commands.add_parser(
        "stats", help="the numbers that measure product ops (as /ops stats), as JSON or CSV"
    )
    stats.add_argument("--team", required=True, help="Slack team id (T...)")
    stats.add_argument("--period", default="30d", help="7d, 30d or quarter (default 30d)")
    stats.add_argument("--format", choices=["json", "csv"], default="json")
    stats.add_argument(
        "--as-of",
        type=cli_data.parse_moment,
        help="measure as of this UTC moment (2026-11-16T09:00)",
    )
    stats.set_defaults(handler=cli_data.stats)
    purge = commands.add_parser("purge", help="delete every row of one workspace")
    purge.add_argument("--team", required=True, help="Slack team id (T...)")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.set_defaults(handler=cli_data.purge)

    secrets = commands.add_parser("secrets", help="stored secrets (tracker tokens, ...)")
    secrets_commands = secrets.add_subparsers(metavar="ACTION")
    rotate = secrets_commands.add_parser(
        "rotate",
        help="re-encrypt every stored secret with the first key of OPSBOT_ENCRYPTION_KEY",
    )
    rotate.set_defaults(handler=cli_data.rotate_secrets)

    playground = commands.add_parser(
        "playground", help="try opsbot in a local Slack-like page (SQLite, no credentials)"
    )
    playground.add_argument("--no-browser", action="store_true", help="do not open a browser")
    playground.add_argument("--empty", action="store_true", help="start without seed data")
    playground.add_argument("--data-dir", help="where its SQLite lives (default .playground/)")
    playground.set_defaults(handler=_playground)

    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--url", help="public base URL, e.g. https://opsbot.example.com")
    manifest.add_argument("--socket", action="store_true", help="a manifest for Socket Mode")
    manifest.set_defaults(handler=_manifest)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.scheduling.leader import SchedulerAlreadyRunning
    from bot.web.server import make_server
    from bot.wiring import build_container

    settings.require_slack_credentials(SlackMode.HTTP)
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    scheduler = None
    exit_code = 0
    try:
        reachable = _check_slack_token(container)
        server = make_server(
            container.web, host=settings.host, port=settings.port, threads=settings.server_threads
        )
        if not args.no_scheduler:
            scheduler = container.build_scheduler()
            try:
                scheduler.start_in_background()
            except SchedulerAlreadyRunning as error:
                print(f"opsbot: {error}", file=sys.stderr)
                return 2

        def token_refused(error: InvalidSlackToken) -> None:
            nonlocal exit_code
            print(_token_refused_line(error.code), file=sys.stderr)
            exit_code = 2
            server.request_stop()

        if not reachable:
            container.identity.retry_in_background(on_invalid=token_refused)
        _on_stop_signals(server.request_stop)
        logger.info(
            "opsbot serving on http://%s:%s/slack/events", settings.host, server.effective_port
        )
        server.serve(grace=settings.shutdown_grace)
        logger.info("stopped taking requests; stopping the scheduler and the sender")
    finally:
        if scheduler is not None and not scheduler.stop(timeout=3):
            logger.warning("the scheduler did not stop within 3 s")
        container.close(grace=1.0)
    logger.info("opsbot stopped")
    return exit_code


def _scheduler(settings: Settings, args: argparse.Namespace) -> int:
    import threading

    from bot.scheduling.leader import SchedulerAlreadyRunning
    from bot.wiring import build_container

    settings.require_slack_credentials(settings.mode_for_web)
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    stop = threading.Event()
    try:
        if not _check_slack_token(container):
            # The outbox sender retries failed posts by itself; only bad tokens are fatal.
            container.identity.retry_in_background(on_invalid=lambda error: stop.set())
        _on_stop_signals(stop.set)
        container.build_scheduler().run(stop)
    except SchedulerAlreadyRunning as error:
        print(f"opsbot: {error}", file=sys.stderr)
        return 2
    finally:
        container.close(grace=1.0)
    if container.identity.state is SlackState.INVALID_TOKEN:
        print(_token_refused_line("invalid token"), file=sys.stderr)
        return 2
    return 0


def _on_stop_signals(stop: Callable[[], None]) -> None:
    """SIGTERM (docker stop, systemd) and SIGINT (Ctrl-C) both ask for a clean stop; the
    handler only sets a flag, the main thread does the stopping."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, shutting down", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def _ritual_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import utcnow
    from bot.scheduling.registry import UnknownRitualError
    from bot.wiring import build_container

    settings.require_slack_credentials(settings.mode_for_web)
    container = build_container(settings)
    if not _check_slack_token(container):
        print(f"opsbot: cannot reach Slack at {settings.slack_api_url}", file=sys.stderr)
        container.close()
        return 1
    try:
        result = container.dispatcher.run_now(
            team_id=args.team, ritual=args.name, channel_ids=args.channel, now=utcnow()
        )
    except UnknownRitualError as error:
        print(f"opsbot: {error}", file=sys.stderr)
        return 2
    print(f"{result.ritual} {result.period}: {result.posts} post(s) queued; delivering")
    container.sender.drain()
    rows = container.outbox.deliveries(team_id=args.team, period=result.period)
    for row in rows:
        print(f"  {row.channel_id} {row.part}: {row.state} {row.ts or row.error or ''}".rstrip())
    container.close()
    return 0 if all(row.state == "sent" for row in rows) else 1


def _ritual_list(settings: Settings, args: argparse.Namespace) -> int:
    """Every installed ritual, scheduled or not; needs only the database."""
    from bot.db import utcnow
    from bot.scheduling.triggers import next_run
    from bot.wiring import build_container

    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        if container.services.workspaces.known_time_zone(team_id=args.team) is None:
            print(
                f"opsbot: no workspace {args.team} yet: it appears once someone uses opsbot there",
                file=sys.stderr,
            )
            return 2
        now = utcnow()
        by_ritual: dict[str, list[str]] = {}
        for schedule in container.schedules.list_schedules(team_id=args.team):
            upcoming = next_run(schedule, now)
            when = f"{upcoming:%a %Y-%m-%d %H:%M %Z}" if upcoming else "paused"
            name = "" if schedule.key == "default" else f" [{schedule.key}]"
            by_ritual.setdefault(schedule.ritual, []).append(
                f"{schedule.rule.describe()} ({schedule.time_zone}){name}"
                f"\t{','.join(schedule.channel_ids)}\tnext: {when}"
            )
        for ritual in INSTALLED:
            for scheduled in ritual.scheduled:
                lines = by_ritual.get(scheduled.name) or [
                    "not scheduled — set it with /ops settings"
                ]
                for line in lines:
                    print(f"{scheduled.name}\t{line}")
    finally:
        container.close()
    return 0


def _socket(settings: Settings, args: argparse.Namespace) -> int:
    import threading

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.wiring import build_container

    settings.require_slack_credentials(SlackMode.SOCKET)
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        if not _check_slack_token(container):
            print(
                f"opsbot: cannot reach Slack at {settings.slack_api_url}; Socket Mode needs it",
                file=sys.stderr,
            )
            return 1
        handler = SocketModeHandler(container.bolt, settings.secret(settings.slack_app_token))
        stop = threading.Event()
        _on_stop_signals(stop.set)
        handler.connect()  # type: ignore[no-untyped-call]
        logger.info("opsbot connected over Socket Mode")
        stop.wait()
        handler.close()  # type: ignore[no-untyped-call]
    finally:
        container.close(grace=settings.shutdown_grace)
    return 0


def _container(settings: Settings) -> CliContainer:
    from bot.wiring import build_container

    return build_container(settings)


def _check_slack_token(container: Container) -> bool:
    """Asks Slack once (auth.test) before starting anything. A refused token raises (one
    clear line from `main`); an unreachable Slack returns False (the caller decides). With
    multi-workspace install there is no one token to check: each workspace's comes with it."""
    if container.settings.mode_for_web is SlackMode.OAUTH:
        return True
    return container.identity.check() is SlackState.OK


def _token_refused_line(code: str) -> str:
    return (
        f"opsbot: Slack refused the bot token ({code}): check SLACK_BOT_TOKEN "
        "(OAuth & Permissions, after installing the app)."
    )


def _playground(settings: Settings, args: argparse.Namespace) -> int:
    from bot.playground.run import run_playground

    return run_playground(settings, args)


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    upgrade_database(settings.database_url)
    print("database is up to date")
    return 0


def _manifest(settings: Settings, args: argparse.Namespace) -> int:
    if not args.url and not args.socket:
        print(
            f"opsbot: no --url given, so the manifest uses the placeholder {PLACEHOLDER_URL}; "
            "run `opsbot manifest --url https://your-public-host` (or --socket for Socket Mode) "
            "before pasting it into Slack.",
            file=sys.stderr,
        )
    manifest = build_manifest(url=args.url, socket=args.socket, rituals=INSTALLED)
    sys.stdout.write(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
    return 0
