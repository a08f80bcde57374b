"""Browser fixtures: the system Chromium driven by Playwright, and a real `opsbot playground`.

Chromium comes from the OS (`apt-get install chromium`; .ci/run installs it), never from
`playwright install`, which downloads a browser build and cannot work offline. Without a Chromium
the browser tests are skipped with one line saying so. They run on the SQLite half of
scripts/test only: the playground is SQLite by design, so the Postgres half has nothing to add.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKEND
from tests.support.process import OpsbotProcess, clean_env, free_port

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


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[str]:
    """A real `opsbot playground --no-browser --empty` on a free port; yields its URL."""
    port = free_port()
    env = clean_env(PORT=str(port), OPSBOT_HOME=str(tmp_path))
    process = OpsbotProcess(["playground", "--no-browser", "--empty"], env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if process.proc.poll() is not None:
            raise AssertionError(f"opsbot playground exited:\n{process.peek_stderr()}")
        try:
            if httpx.get(f"{url}/playground/state?as=UDANA", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.proc.kill()
            raise AssertionError(f"opsbot playground never answered:\n{process.peek_stderr()}")
        time.sleep(0.2)
    yield url
    process.proc.terminate()
    try:
        process.proc.wait(timeout=20)
    except Exception:
        process.proc.kill()
        raise


def screenshot(page: Any, name: str) -> None:
    """Saves docs/playground/<name>.png (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
