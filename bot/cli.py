"""The `opsbot` command: the only place that configures logging and reads the environment."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

import yaml

from bot.config import ConfigurationError, Settings, SlackMode, load_settings
from bot.db import upgrade_database
from bot.logs import configure_logging
from bot.slack.manifest import build_manifest

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

    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--url", help="public base URL, e.g. https://opsbot.example.com")
    manifest.add_argument("--socket", action="store_true", help="a manifest for Socket Mode")
    manifest.set_defaults(handler=_manifest)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.web.server import make_server
    from bot.wiring import build_container

    settings.require_slack_credentials(SlackMode.HTTP)
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    server = make_server(
        container.web, host=settings.host, port=settings.port, threads=settings.server_threads
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received signal %s, shutting down", signum)
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("opsbot serving on http://%s:%s/slack/events", settings.host, server.effective_port)
    try:
        server.run()
    finally:
        container.close()
    return 0


def _socket(settings: Settings, args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.wiring import build_container

    settings.require_slack_credentials(SlackMode.SOCKET)
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    handler = SocketModeHandler(container.bolt, settings.secret(settings.slack_app_token))
    logger.info("opsbot connecting over Socket Mode")
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        container.close()
    return 0


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    upgrade_database(settings.database_url)
    print("database is up to date")
    return 0


def _manifest(settings: Settings, args: argparse.Namespace) -> int:
    manifest = build_manifest(url=args.url, socket=args.socket)
    sys.stdout.write(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
    return 0
