"""`opsbot playground`: starts the playground, prints its URL, opens the browser, stops on
Ctrl-C (or SIGTERM) cleanly."""

from __future__ import annotations

import argparse
import logging
import signal
import webbrowser
from pathlib import Path
from types import FrameType

from bot.config import Settings, home_dir
from bot.playground.app import Playground

logger = logging.getLogger(__name__)


def data_dir_for(args: argparse.Namespace) -> Path:
    """`--data-dir`, else `.playground/` in $OPSBOT_HOME (or the working directory)."""
    chosen = getattr(args, "data_dir", None)
    return Path(chosen) if chosen else home_dir() / ".playground"


def run_playground(settings: Settings, args: argparse.Namespace) -> int:
    playground = Playground(settings, data_dir=data_dir_for(args), port=settings.port)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, stopping the playground", signal.Signals(signum).name)
        playground.server.request_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        playground.start(seed=not args.empty)
        print(f"opsbot playground: {playground.url}  (Ctrl-C stops it)", flush=True)
        if not args.no_browser:
            webbrowser.open(playground.url)
        playground.wait()
    finally:
        playground.stop()
    print("opsbot playground stopped", flush=True)
    return 0
