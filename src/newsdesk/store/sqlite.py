"""The SQLite backend: one file, the embedded default.

WAL mode so readers (status, the web site) never block the one writer, which holds an flock on
a lock file beside the database for the whole run. A connection stays in the thread that
opened it, so each thread opens its own Store.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsdesk.errors import RunLockedError, StoreError
from newsdesk.store.backend import Backend, Connection, Dialect, Row
from newsdesk.store.rows import FeedRow, PendingEntry, StoredArticle

__all__ = ["FeedRow", "PendingEntry", "SqliteBackend", "SqliteConnection", "StoredArticle"]


class SqliteConnection(Connection):
    dialect: Dialect = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.db.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.db.execute(sql, params).fetchone()
        return row

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.db.execute(sql, params).rowcount

    def many(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        # rowcount of executemany is the sum over the rows (triggers not counted)
        return max(self.db.executemany(sql, params).rowcount, 0)

    def try_run(self, sql: str) -> bool:
        self.db.execute("SAVEPOINT try_run")
        try:
            self.db.execute(sql)
        except sqlite3.Error:
            self.db.execute("ROLLBACK TO try_run")
            return False
        finally:
            self.db.execute("RELEASE try_run")
        return True

    def has_table(self, name: str) -> bool:
        found = self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return found is not None

    def lock_schema(self) -> None:
        pass  # BEGIN IMMEDIATE already keeps every other writer out


class SqliteBackend(Backend):
    dialect: Dialect = "sqlite"
    foreign_errors = (sqlite3.Error, OSError)

    def __init__(self, path: Path) -> None:
        self.path: Path = path
        self.shown = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        self._connection = SqliteConnection(self.db)
        self._lock_file: IO[str] | None = None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        yield self._connection

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self._connection
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def acquire_writer(self) -> None:
        lock_path = self.path.with_suffix(".lock")
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunLockedError(
                f"another newsdesk run is writing to {self.path} (pid {holder}); "
                "wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def release_writer(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    @contextmanager
    def step_lock(self, name: str) -> Iterator[None]:
        with open(self.path.with_suffix(f".{name}.lock"), "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # the kernel drops it with the process
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release_writer()
        self.db.close()
