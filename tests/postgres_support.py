"""A throwaway PostgreSQL server for tests and benches: `initdb` and `pg_ctl` in a temporary
directory, listening on a free loopback port, removed again on stop.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (which the
Debian package creates) or `nobody`, through `runuser`. The binaries are looked up under
/usr/lib/postgresql/*/bin (Debian keeps them off the PATH), then on the PATH.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import psycopg

SUPERUSER = "postgres"
# Throwaway data: no fsync. `durable=True` keeps the server's defaults (benchmarks).
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start."""


def find_bindir() -> Path | None:
    """The newest PostgreSQL's bin directory holding initdb and pg_ctl, if any."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()]
    if found:
        return max(found, key=version)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _server_user() -> str | None:
    """Who runs the server: None for ourselves, or an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return None
    for name in (SUPERUSER, "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresUnavailable("running as root and neither user postgres nor nobody exists")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """`with PostgresServer() as server:` a running server; `server.create_database()`."""

    def __init__(self, *, durable: bool = False, settings: Sequence[str] = ()) -> None:
        self.durable = durable
        self.settings = tuple(settings)  # more `name=value` server settings
        self.port = 0
        self.root: Path | None = None
        self._user: str | None = None
        self._bindir: Path | None = None
        self._options = ""

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> PostgresServer:
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: "
                "install the Debian package postgresql"
            )
        self._bindir = bindir
        self._user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        data = self.root / "data"
        try:
            init = ["-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
            self._run("initdb", [*init, "--locale=C", "--no-sync"])
            self.port = _free_port()
            options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
            if not self.durable:
                options += [f"-c {setting}" for setting in FAST_SETTINGS]
            options += [f"-c {setting}" for setting in self.settings]
            self._options = " ".join(options)
            self._pg_start()
        except PostgresUnavailable:
            self._remove()
            raise
        return self

    def stop(self) -> None:
        if self.root is None:
            return
        if (self.root / "data" / "postmaster.pid").exists():
            for mode in ("fast", "immediate"):
                with contextlib.suppress(PostgresUnavailable):
                    self._run("pg_ctl", ["-D", str(self.root / "data"), "-m", mode, "-w", "stop"])
                    break
        self._remove()

    def _pg_start(self) -> None:
        assert self.root is not None
        data, log = str(self.root / "data"), str(self.root / "server.log")
        self._run("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", self._options, "start"])

    def restart(self, down_for: float = 0.0) -> None:
        """Stop the server (fast: every connection is cut) and start it again, same port."""
        assert self.root is not None
        self._run("pg_ctl", ["-D", str(self.root / "data"), "-m", "fast", "-w", "stop"])
        time.sleep(down_for)
        self._pg_start()

    def _remove(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, tool: str, args: Sequence[str]) -> None:
        assert self._bindir is not None
        command = [str(self._bindir / tool), *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=120, cwd="/", check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PostgresUnavailable(f"{tool}: {exc}") from exc
        if done.returncode != 0:
            log = ""
            if self.root is not None and (self.root / "server.log").exists():
                log = (self.root / "server.log").read_text(errors="replace")[-2000:]
            raise PostgresUnavailable(
                f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]} {log}".strip()
            )

    # -- databases ---------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
