"""Database engine, declarative base and the unit of work.

A unit of work is `with sessions.begin() as session:`; it commits on success and rolls back on
any exception, so nothing half-written stays behind. SQLite is the embedded default, Postgres the
production store; both run the same Alembic revisions (`migrations/`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from bot.config import REPO_ROOT

logger = logging.getLogger(__name__)

# An installed package carries its migrations (setup.py copies them into the wheel); a source
# checkout (editable install, tests, alembic.ini) uses the repository's `migrations/`.
_PACKAGED_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATIONS_DIR = (
    _PACKAGED_MIGRATIONS
    if (_PACKAGED_MIGRATIONS / "env.py").is_file()
    else REPO_ROOT / "migrations"
)

Sessions = sessionmaker[Session]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


def normalise_url(url: str) -> str:
    """Accept the URLs hosting providers hand out (postgres://) and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        if "poolclass" not in kwargs and ":memory:" not in url and url != "sqlite://":
            # Room for every thread that may hold a connection at once (server, listener and
            # after-ack workers): writers queued on the lock keep theirs while they wait, and a
            # read before an ack must not queue behind them for a connection (SQLAlchemy's
            # default is 5 + 10).
            kwargs = {"pool_size": 16, "max_overflow": 128, **kwargs}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_immediately)
        return engine
    if "poolclass" not in kwargs:
        kwargs = {"pool_size": 10, "max_overflow": 20, **kwargs}
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (below), so writers queue on the lock instead of
    # failing with "database is locked" when a read transaction upgrades to a write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite_immediately(connection: Any) -> None:
    # Readers (see `read_only`) begin a deferred transaction: under WAL they never wait for
    # the writer, which matters before an ack. Everything else takes the write lock up front.
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


READ_ONLY_OPTION = "opsbot_read_only"


def make_sessions(engine: Engine) -> Sessions:
    return sessionmaker(engine, expire_on_commit=False)


def read_only(sessions: Sessions) -> Sessions:
    """Sessions for reads only: on SQLite they take no write lock (a write in one fails);
    on Postgres they are ordinary sessions."""
    engine = sessions.kw["bind"]
    return sessionmaker(
        engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
    )


def database_is_up(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        logger.warning("database health check failed: %s", type(error).__name__)
        return False
    return True


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "heads") -> None:
    """Apply pending Alembic revisions (idempotent). Rituals may add parallel branches off
    0001, so the target is every head."""
    from alembic import command

    if make_url(normalise_url(url)).get_backend_name() == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def utcnow() -> datetime:
    """The one place that reads the wall clock; everything below takes `now` as an argument."""
    return datetime.now(UTC)
