"""Browser fixtures: the system Chromium driven by Playwright, and the real playground.

Chromium comes from the OS (`apt-get install chromium`; .ci/run installs it), never from
`playwright install`, which downloads a browser build and cannot work offline. Without a Chromium
the browser tests are skipped with one line saying so. They run on the SQLite half of
scripts/test only: the playground is SQLite by design, so the Postgres half has nothing to add.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.playground.app import Playground
from tests.conftest import BACKEND

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STATIC = REPO / "bot" / "playground" / "static"
SCREENSHOTS = REPO / "docs" / "playground"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = str(HERE)
    if BACKEND == "postgres":
        why = "browser tests run on the SQLite half only (the playground is SQLite by design)"
    elif not Path(CHROMIUM).exists():
        why = "no Chromium found (apt-get install chromium): browser tests skipped"
    else:
        return
    for item in items:
        if str(item.path).startswith(here) and "page" in item.fixturenames:
            item.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], f"the page threw: {errors}"


class _Harness(SimpleHTTPRequestHandler):
    """Serves the page's modules under /static/ and the renderer harness with real surfaces."""

    surfaces: bytes = b"{}"

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0]
        if clean.startswith("/static/"):
            return str(STATIC / clean.removeprefix("/static/"))
        return str(HERE / "harness.html")

    def do_GET(self) -> None:
        if self.path.startswith("/surfaces.json"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(self.surfaces)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="session")
def harness_url() -> Iterator[str]:
    from tests.browser.surfaces import real_surfaces

    handler = type("Handler", (_Harness,), {"surfaces": json.dumps(real_surfaces()).encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(HERE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@contextmanager
def _running_playground(data_dir: Path, *, seed: bool = False) -> Iterator[str]:
    """The real playground (core's code: the app, its scheduler and sender behind the local
    workspace) started in this process on a free port, empty unless `seed`; yields its URL."""
    running = Playground(load_settings(_env_file=None), data_dir=data_dir, port=0)
    running.start(seed=seed)
    try:
        yield running.url.rstrip("/")
    finally:
        running.stop()


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[str]:
    """A fresh empty playground per test: the ritual flows assert on what they alone did."""
    with _running_playground(tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def shared_playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One playground for a module whose tests each use their own people and channels."""
    with _running_playground(tmp_path_factory.mktemp("playground")) as url:
        yield url


@pytest.fixture
def seeded_playground(tmp_path: Path) -> Iterator[str]:
    """The playground as `opsbot playground` opens it: with the seeded month."""
    with _running_playground(tmp_path, seed=True) as url:
        yield url


def screenshot(page: Any, name: str) -> None:
    """Takes the flow's screenshot. With OPSBOT_SCREENSHOTS=1 it replaces
    docs/playground/<name>.png (the README shows them); otherwise it goes to a temporary folder,
    so an ordinary test run leaves the repository's images alone."""
    folder = SCREENSHOTS if os.environ.get("OPSBOT_SCREENSHOTS") == "1" else _scratch()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def _scratch() -> Path:
    return Path(tempfile.gettempdir()) / "opsbot-playground-screenshots"
