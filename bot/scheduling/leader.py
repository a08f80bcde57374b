"""Exactly one active scheduler per deployment (APScheduler job stores cannot be shared).

Postgres: the leader holds a session-level advisory lock on a dedicated connection (never a
pooled one: a transaction-level lock or a returned connection would release it at once). When
the leader dies its connection closes, Postgres drops the lock, and a standby polling every
few seconds takes over. SQLite (one machine): an exclusive lock on a file next to the database;
a second scheduler is refused with a clear message.
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.db import normalise_url

logger = logging.getLogger(__name__)

# "opsbot-scheduler" as a 63-bit number, fixed so every process asks for the same lock.
ADVISORY_LOCK_KEY = 0x6F70_7362_6F74_5343


class SchedulerAlreadyRunning(RuntimeError):
    pass


class LeaderLock(Protocol):
    waits_for_leader: bool  # True: a standby polls; False: a second scheduler is refused

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLeaderLock:
    waits_for_leader = True

    def __init__(self, url: str) -> None:
        self._engine = create_engine(normalise_url(url), poolclass=NullPool)
        self._connection: Any = None

    def try_acquire(self) -> bool:
        if self._connection is None:
            self._connection = self._engine.connect()
        got = bool(
            self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
        )
        self._connection.commit()
        return got

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objid = (:key & 4294967295)"
                ),
                {"key": ADVISORY_LOCK_KEY},
            ).scalar()
            self._connection.commit()
        except Exception:
            # Any failure on the dedicated connection means the lock may be gone: step down.
            logger.warning("lost the scheduler lock connection; stepping down")
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        self._drop()
        self._engine.dispose()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # closing the session releases the lock
            except Exception:
                logger.debug("closing the scheduler lock connection failed", exc_info=True)
            self._connection = None


class FileLeaderLock:
    waits_for_leader = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def leader_lock_for(database_url: str) -> LeaderLock:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(database_url)
    database = url.database or "opsbot.db"
    return FileLeaderLock(Path(database).with_name(Path(database).name + ".scheduler.lock"))
