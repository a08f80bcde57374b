"""`opsbot playground`: starts the playground, prints its URL, opens the browser, stops on
Ctrl-C (or SIGTERM) cleanly."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
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
    try:
        playground = Playground(settings, data_dir=data_dir_for(args), port=settings.port)
    except OSError as error:
        print(
            f"opsbot: cannot listen on 127.0.0.1:{settings.port} ({error.strerror or error}); "
            "set PORT to a free port (PORT=0 picks one)",
            file=sys.stderr,
        )
        return 2

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, stopping the playground", signal.Signals(signum).name)
        playground.server.request_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        playground.start(seed=not args.empty)
        print(
            f"opsbot playground: {playground.url}  (Ctrl-C stops it; its database is "
            f"{playground.database}, recreated at each start)",
            flush=True,
        )
        if not args.no_browser:
            _open_browser(playground.url)
        playground.wait()
    finally:
        playground.stop()
    print("opsbot playground stopped", flush=True)
    return 0


def _open_browser(url: str) -> None:
    """Opens the page in the system browser, unless there is no desktop (a server, a container):
    there `webbrowser` would start a text browser in this terminal. On its own thread, so a
    browser that takes its time never holds up the playground."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        print(f"no desktop here: open {url} in a browser", flush=True)
        return
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
