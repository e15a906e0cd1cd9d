import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from newsdesk.demo import DemoServer
from postgres_support import PostgresServer, PostgresUnavailable
from redis_support import RedisServer, RedisUnavailable

S = TypeVar("S")
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture
def demo_opml(tmp_path: Path, demo_server: DemoServer) -> Path:
    path = tmp_path / "feeds.opml"
    path.write_bytes(demo_server.opml())
    return path


# -- the store's two backends --------------------------------------------------------------
def _server_or_skip(start: Callable[[], S], unavailable: type[Exception], what: str) -> S:
    """A started server; without its Debian package the tests that need it skip, except
    under CI, whose .ci/run installs it."""
    try:
        return start()
    except unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is required under CI: {exc}")
        pytest.skip(f"no {what} server here: {exc}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL for the session, started on first use."""
    server = _server_or_skip(PostgresServer().start, PostgresUnavailable, "PostgreSQL")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """A new store's location on each backend: a SQLite path, a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "d.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


# -- the worker fleet's broker --------------------------------------------------------------
@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A throwaway Redis for the session (the worker fleet's broker), started on first use."""
    server = _server_or_skip(RedisServer().start, RedisUnavailable, "Redis")
    try:
        yield server
    finally:
        server.stop()
