"""What the store needs from a database engine: a connection to run SQL on, and a backend that
hands out connections, wraps writes in transactions and keeps the one-writer rule.

The store's SQL is written once, with `?` placeholders, in the dialect both engines speak
(ON CONFLICT, RETURNING, NULLS FIRST/LAST, FILTER). Where the engines differ (the full-text
index, column types, the writer lock) the code asks `dialect`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from newsdesk.errors import StoreError

Dialect = Literal["sqlite", "postgres"]
Row = tuple[Any, ...]

SQLITE_SCHEME = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Connection(ABC):
    """One open connection. Rows are tuples; engine errors surface as the engine's own (SQLite,
    as before) or as StoreError (PostgreSQL)."""

    dialect: Dialect

    @abstractmethod
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    @abstractmethod
    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    def many(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        """Run one statement per parameter row; returns how many rows they changed in all."""

    @abstractmethod
    def try_run(self, sql: str) -> bool:
        """Inside a transaction: run a statement that may fail (a savepoint keeps the
        transaction usable); False when it failed."""

    @abstractmethod
    def has_table(self, name: str) -> bool: ...

    @abstractmethod
    def lock_schema(self) -> None:
        """Inside a transaction: keep other processes from migrating at the same time."""


class Backend(ABC):
    """Connections to one database, the writer lock, and what to call it in messages."""

    dialect: Dialect
    shown: str  # the location for people: a path, or a URL without its password
    path: Path | None  # the SQLite file, None for a server
    # The engine's own errors that opening the store turns into StoreError.
    foreign_errors: tuple[type[Exception], ...] = ()

    @abstractmethod
    def connection(self) -> AbstractContextManager[Connection]:
        """A connection for reads (each statement commits on its own)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Connection]:
        """A connection inside a write transaction: committed on exit, rolled back on error."""

    @abstractmethod
    def acquire_writer(self) -> None: ...

    @abstractmethod
    def release_writer(self) -> None: ...

    @abstractmethod
    def step_lock(self, name: str) -> AbstractContextManager[None]:
        """Held while one step that must run alone runs (clustering, in any process); waits
        for another holder. Released when the block ends or the process dies."""

    @abstractmethod
    def close(self) -> None: ...


def is_postgres(location: Path | str) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def sqlite_path(location: Path | str) -> Path:
    """The file of a SQLite location: a path, or `sqlite:///relative` / `sqlite:////absolute`."""
    if isinstance(location, Path):
        return location
    if location.startswith(SQLITE_SCHEME):
        return Path(location[len(SQLITE_SCHEME) :])
    if "://" in location:
        raise StoreError(
            f"unknown store URL {shown_location(location)!r}: "
            "use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        )
    return Path(location)


def shown_location(location: Path | str) -> str:
    """A store location fit for messages and logs: a URL loses its password."""
    if isinstance(location, Path) or "://" not in location:
        return str(location)
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
