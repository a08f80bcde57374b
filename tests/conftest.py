"""Fixtures: a database per test (SQLite file or a real Postgres), the Web API stand-in, the app.

The backend is chosen with OPSBOT_TEST_DB=sqlite|postgres; for Postgres, OPSBOT_TEST_POSTGRES_URL
names a server where the tests may create databases (scripts/test starts a throwaway one).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import Settings, load_settings
from bot.db import Base, make_engine, normalise_url, upgrade_database
from bot.models_registry import metadata
from bot.rituals.installed import INSTALLED
from bot.wiring import Container, build_container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlackApi
from tests.support.rituals import EchoRitual, echo_ritual
from tests.support.slack_requests import SlackRequests

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-token"
BACKEND = os.environ.get("OPSBOT_TEST_DB", "sqlite")

assert metadata is Base.metadata


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgres":
        return
    skip = pytest.mark.skip(reason="needs a real PostgreSQL (OPSBOT_TEST_DB=postgres)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_report_header() -> str:
    return f"opsbot database backend: {BACKEND}"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per test process; each test gets a fresh copy or truncation."""
    if BACKEND == "postgres":
        admin_url = normalise_url(os.environ["OPSBOT_TEST_POSTGRES_URL"])
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"opsbot_test_{worker}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade_database(url)
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade_database(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgres":
        _truncate_all(_migrated_template)
        yield _migrated_template
        _truncate_all(_migrated_template)
    else:
        path = tmp_path / "opsbot.db"
        shutil.copy(_migrated_template, path)
        yield f"sqlite:///{path}"


def _truncate_all(url: str) -> None:
    """Empties every table. A listener thread of the test just ended (a Home publish, say) may
    still be reading several tables; Postgres then picks the TRUNCATE as a deadlock victim, so
    it is tried again after that reader has finished."""
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    for attempt in range(1, 6):
        try:
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            break
        except OperationalError as error:
            if "deadlock" not in str(error).lower() or attempt == 5:
                raise
            time.sleep(0.2 * attempt)
    engine.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlackApi) -> Settings:
    return load_settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        listener_threads=8,
        # the tracker stand-in (tests/support/fake_tracker.py) listens on plain http locally
        tracker_allowed_hosts=["http://127.0.0.1"],
    )


@pytest.fixture
def container(settings: Settings, clock: FakeClock) -> Iterator[Container]:
    built = build_container(settings, clock=clock, rituals=(*INSTALLED, echo_ritual(EchoRitual())))
    yield built
    _wait_for_listeners(built)
    built.close()


def _wait_for_listeners(container: Container) -> None:
    """Lets work Bolt started after its ack finish while the Web API stand-in is still up: a
    test may end at the ack, and a listener still writing when the database is truncated
    deadlocks the TRUNCATE on Postgres (seen in test_seam.py's no-such-subcommand cases)."""
    bolt = container.__dict__.get("bolt")
    runner = getattr(bolt, "_listener_runner", None)
    if runner is not None:
        runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def slack_requests(fake_slack: FakeSlackApi) -> SlackRequests:
    return SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url())


@pytest.fixture
def slack(container: Container, slack_requests: SlackRequests) -> SlackDriver:
    return SlackDriver(container.web, slack_requests, clock=container.clock)
