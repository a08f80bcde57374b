"""Whether the sender that holds a lease is still alive, without waiting for the lease to expire.

Each sender holds a lock named by its owner id for as long as its process lives: a Postgres
session-level advisory lock on a dedicated connection, or an exclusive `flock` on a file beside
the SQLite database. The operating system (or Postgres, when the connection drops) releases it
when the process dies, even by SIGKILL; another sender that can take the lock knows the owner
is gone and takes its channels over at once. An owner with no lock to test (an in-memory SQLite
database, an owner from another host) counts as alive: its leases expire as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import zlib
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x0B0C  # the first key of the two-key advisory lock: "outbox senders"


class Presence:
    def hold(self, owner: str) -> None:
        """Holds `owner`'s lock until `close` or the process ends."""

    def gone(self, owner: str) -> bool:
        """True only when `owner` surely died (its lock is free)."""
        return False

    def close(self) -> None:
        """Lets the lock go (a sender that stops on purpose)."""


def presence_for(engine: Engine) -> Presence:
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        return _PostgresPresence(engine)
    database = engine.url.database
    if backend == "sqlite" and database and database != ":memory:":
        return _FilePresence(Path(database).with_name(Path(database).name + ".senders"))
    return Presence()


def _lock_key(owner: str) -> int:
    return zlib.crc32(owner.encode()) - 2**31  # a signed 32-bit key


class _PostgresPresence(Presence):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def hold(self, owner: str) -> None:
        with self._lock:
            if self._connection is None:
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            self._connection.execute(
                text("SELECT pg_advisory_lock(:ns, :key)"),
                {"ns": LOCK_NAMESPACE, "key": _lock_key(owner)},
            )

    def gone(self, owner: str) -> bool:
        params = {"ns": LOCK_NAMESPACE, "key": _lock_key(owner)}
        with self._engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = connection.execute(
                text("SELECT pg_try_advisory_lock(:ns, :key)"), params
            ).scalar()
            if taken:  # a session lock: let it go before the connection returns to the pool
                connection.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), params)
            return bool(taken)

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is None:
                return
            # A pooled connection keeps its session's advisory locks when it goes back to the
            # pool: let go first, or the next `hold` waits on our own stale lock for ever.
            try:
                connection.execute(text("SELECT pg_advisory_unlock_all()"))
            except Exception:
                logger.warning("could not release the sender's lock; dropping its connection")
                connection.invalidate()
            with contextlib.suppress(Exception):
                connection.close()


class _FilePresence(Presence):
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._held: dict[str, IO[Any]] = {}

    def hold(self, owner: str) -> None:
        if owner in self._held:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        handle = open(self._folder / owner, "w")  # noqa: SIM115 - held open for the process's life
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._held[owner] = handle

    def gone(self, owner: str) -> bool:
        path = self._folder / owner
        try:
            handle = open(path)  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return False  # never held here: count it alive, its lease decides
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            handle.close()  # also releases the lock we may have taken
        # The file stays: every other sender must find the owner dead too. (A sender that
        # stops on purpose removes its own; a killed one leaves an empty file behind.)
        return True

    def close(self) -> None:
        for owner, handle in self._held.items():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._folder / owner)
            handle.close()
        self._held.clear()
