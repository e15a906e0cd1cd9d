"""The PostgreSQL backend: one server that several desks, hosts and web workers can share.

Connections come from a pool (psycopg_pool), each in autocommit mode so a read never leaves a
transaction open; writes take one connection for a `BEGIN ... COMMIT`. The one-writer rule is
a session-level advisory lock (`pg_try_advisory_lock`) held on a connection of its own for the
whole run: the server drops it when that connection ends, however the run ends. Advisory locks
are per database, so two stores on one server never block each other.

Every psycopg error leaves this module as a StoreError.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from newsdesk.errors import RunLockedError, StoreError
from newsdesk.store.backend import Backend, Connection, Dialect, Row, shown_location

# The advisory lock keys, (int4, int4): "news" and "desk" for the writer, "news" and 1 while
# migrating. pg_locks shows them as classid, objid with objsubid 2.
LOCK_CLASS = 0x6E657773
WRITER_LOCK = 0x64657368
SCHEMA_LOCK = 1
STEP_LOCKS = {"cluster": 2}  # steps that run alone (Store.step_lock), keyed "news", n
CONNECT_TIMEOUT = 10  # seconds to reach the server when the store opens
POOL_SIZE = 8  # connections per Store at most; the pool keeps one open
APPLICATION = "newsdesk"


@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal % doubled): the store's SQL uses `?`."""
    return sql.replace("%", "%%").replace("?", "%s")


def _error(exc: psycopg.Error, where: str) -> StoreError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(f"PostgreSQL store {where}: {message}")


class PostgresConnection(Connection):
    dialect: Dialect = "postgres"

    def __init__(self, conn: psycopg.Connection[TupleRow], where: str) -> None:
        self.conn = conn
        self.where = where

    def _execute(self, sql: str, params: Sequence[Any]) -> psycopg.Cursor[TupleRow]:
        try:
            if params:
                return self.conn.execute(_placeholders(sql), tuple(params))
            return self.conn.execute(sql)
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._execute(sql, params)
        try:
            return cursor.fetchall()
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return max(self._execute(sql, params).rowcount, 0)

    def many(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        batch = [tuple(p) for p in params]
        if not batch:
            return 0
        try:
            with self.conn.cursor() as cursor:
                cursor.executemany(_placeholders(sql), batch)
                return max(cursor.rowcount, 0)
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc

    def try_run(self, sql: str) -> bool:
        try:
            with self.conn.transaction():  # a savepoint inside the caller's transaction
                self._execute(sql, ())
        except (StoreError, psycopg.Error):
            return False
        return True

    def has_table(self, name: str) -> bool:
        found = self.one("SELECT to_regclass(?) IS NOT NULL", (name,))
        return bool(found and found[0])

    def lock_schema(self) -> None:
        self.rows(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, {SCHEMA_LOCK})")


class PostgresBackend(Backend):
    dialect: Dialect = "postgres"

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.path = None
        self.shown = shown_location(url)
        self.where = f"at {self.shown}"
        # One direct connection first: a wrong host, port or password is an error now, with
        # the server's own words, instead of a pool retrying in the background.
        try:
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store {self.shown}: {exc}".strip()) from exc
        self.pool: ConnectionPool[psycopg.Connection[TupleRow]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max(pool_size, 1),
            kwargs={"autocommit": True, "application_name": APPLICATION},
            # A server restart leaves dead connections in the pool: test each before use.
            check=ConnectionPool.check_connection,
            open=False,
            name=f"newsdesk {self.shown}",
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            self.pool.close()
            raise StoreError(f"cannot open store {self.shown}: {exc}") from exc
        self._lock: psycopg.Connection[TupleRow] | None = None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        try:
            with self.pool.connection() as conn:
                yield PostgresConnection(conn, self.where)
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            with self.pool.connection() as conn, conn.transaction():
                yield PostgresConnection(conn, self.where)
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc

    # -- one writer at a time: a session advisory lock ---------------------------------------
    def acquire_writer(self) -> None:
        if self._lock is not None:
            return
        me = f"{APPLICATION} writer pid {os.getpid()} on {socket.gethostname()}"[:63]
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=me,
            )
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc
        try:
            got = conn.execute(f"SELECT pg_try_advisory_lock({LOCK_CLASS}, {WRITER_LOCK})")
            locked = bool(got.fetchone() == (True,))
            holder = None if locked else self._holder(conn)
        except psycopg.Error as exc:
            conn.close()
            raise _error(exc, self.where) from exc
        if not locked:
            conn.close()
            raise RunLockedError(
                f"another newsdesk run is writing to {self.shown} ({holder}); wait for it to finish"
            )
        self._lock = conn

    @staticmethod
    def _holder(conn: psycopg.Connection[TupleRow]) -> str:
        row = conn.execute(
            "SELECT a.application_name, a.pid FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            f"WHERE l.locktype = 'advisory' AND l.classid = {LOCK_CLASS} "
            f"AND l.objid = {WRITER_LOCK} AND l.objsubid = 2 AND l.granted"
        ).fetchone()
        if row is None:
            return "holder unknown"
        found = re.search(r"pid (\d+)(?: on (\S+))?", row[0] or "")
        if found:
            return f"pid {found.group(1)}" + (f" on {found.group(2)}" if found.group(2) else "")
        return f"server process {row[1]}"

    def release_writer(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.close()  # ending the session releases its advisory locks

    @contextmanager
    def step_lock(self, name: str) -> Iterator[None]:
        """A session advisory lock on a connection of its own: the server releases it when
        that connection ends, so a killed worker never leaves it held."""
        key = STEP_LOCKS[name]
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=f"{APPLICATION} {name} pid {os.getpid()}"[:63],
            )
        except psycopg.Error as exc:
            raise _error(exc, self.where) from exc
        try:
            try:
                conn.execute(f"SELECT pg_advisory_lock({LOCK_CLASS}, {key})")
            except psycopg.Error as exc:
                raise _error(exc, self.where) from exc
            yield
        finally:
            conn.close()  # ending the session releases the lock

    def close(self) -> None:
        self.release_writer()
        self.pool.close()
