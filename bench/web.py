"""Web serving speed: requests/s and p50/p99 latency for the front page and a story page.

    python bench/web.py [--requests 5000] [--connections 16] [--db PATH]

Serves a store (by default a fresh one filled with the fixture stories) with `newsdesk serve`'s
app under uvicorn in a subprocess, then loads it over loopback with a small keep-alive HTTP/1.1
client written on asyncio streams (bounded by request count and time). The story asked for (as
a page and from the API) is the fixtures' ferry-report, or with --db the lead story of that
store's front page, so every request is for a page it has. The baseline, measured
in the same run against the same server, is the static stylesheet: the cost of uvicorn and
routing alone. wrk is used too when it is installed (apt-get install wrk).
Targets: 500 requests/s and p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from newsdesk.web.render import story_path

TARGET_RPS = 500.0
TARGET_P99_MS = 100.0
FIXTURE_STORY = "ferry-report"


def paths_for(story_id: str) -> dict[str, str]:
    """The pages measured, the first being the baseline; `story_id` must be published."""
    return {
        "static css (baseline)": "/static/site.css",
        "front page": "/",
        "story page": "/" + story_path(story_id),
        "api story": f"/api/v1/stories/{quote(story_id, safe='')}",
    }


@dataclass(frozen=True, slots=True)
class Result:
    requests: int
    seconds: float
    latencies: list[float]  # seconds
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def _one_connection(
    host: str, port: int, path: str, quota: list[int], deadline: float, out: list[float]
) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    errors = 0
    try:
        while quota[0] > 0 and time.perf_counter() < deadline:
            quota[0] -= 1
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            out.append(time.perf_counter() - start)
            errors += not head.startswith(b"HTTP/1.1 200")
    finally:
        writer.close()
        await writer.wait_closed()
    return errors


async def load(
    host: str, port: int, path: str, requests: int, connections: int, limit_s: float
) -> Result:
    quota: list[int] = [requests]
    latencies: list[float] = []
    start = time.perf_counter()
    deadline = start + limit_s
    errors = await asyncio.gather(
        *(_one_connection(host, port, path, quota, deadline, latencies) for _ in range(connections))
    )
    return Result(len(latencies), time.perf_counter() - start, latencies, sum(errors))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fixture_store(directory: Path) -> Path:
    from newsdesk.demo.fixtures import fill_store
    from newsdesk.store import Store

    path = directory / "newsdesk.db"
    with Store(path) as store:
        fill_store(store)
    return path


def _lead_story(db: Path) -> str:
    """The id of the store's lead published story; SystemExit when it has none."""
    from newsdesk.store import Store
    from newsdesk.web.model import load_site

    if not db.is_file():
        raise SystemExit(f"no store at {db}")
    with Store(db) as store:
        site = load_site(store)
    if not site.stories:
        raise SystemExit(f"{db} has no published story to ask for")
    return site.stories[0].id


def _serve(db: Path, port: int) -> None:
    from newsdesk.web import create_app, serve

    serve(create_app(db), "127.0.0.1", port, access_log=False, log_level="warning")


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def _wrk(port: int, path: str) -> str | None:
    if shutil.which("wrk") is None:
        return None
    run = subprocess.run(
        ["wrk", "-t1", "-c16", "-d5s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    rps = re.search(r"Requests/sec:\s*([\d.]+)", run.stdout)
    p99 = re.search(r"99%\s+([\d.]+\w+)", run.stdout)
    return f"wrk: {rps.group(1) if rps else '?'} req/s, p99 {p99.group(1) if p99 else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per page")
    parser.add_argument("--db", type=Path, help="serve this store instead of fixtures")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(Path(args.serve[0]), int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.db is not None:
            db, story_id = args.db, _lead_story(args.db)
        else:
            db, story_id = _fixture_store(Path(tmp)), FIXTURE_STORY
        port = _free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(db), str(port)])
        try:
            _wait_for(port, server)
            _report(port, args, paths_for(story_id))
        finally:
            server.terminate()
            server.wait(10)


def _report(port: int, args: argparse.Namespace, paths: dict[str, str]) -> None:
    print(
        f"uvicorn, 1 process; {args.connections} keep-alive connections; "
        f"{args.requests} requests per page (after 200 warm-up); story {paths['story page']}"
    )
    baseline: float | None = None
    ok = True
    for name, path in paths.items():
        asyncio.run(load("127.0.0.1", port, path, 200, 4, 10))  # warm the page cache
        result = asyncio.run(
            load("127.0.0.1", port, path, args.requests, args.connections, args.seconds)
        )
        baseline = baseline or result.rps
        p50, p99 = statistics.median(result.latencies) * 1000, result.percentile(99)
        line = (
            f"{name:<22} {result.rps:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
            f"({result.rps / baseline:.2f}x baseline, {result.errors} errors)"
        )
        wrk = _wrk(port, path)
        print(line + (f"  | {wrk}" if wrk else ""))
        if "baseline" not in name:
            ok = ok and result.rps >= TARGET_RPS and p99 < TARGET_P99_MS and not result.errors
    verdict = "meets" if ok else "MISSES"
    print(f"{verdict} the target of {TARGET_RPS:.0f} req/s with p99 < {TARGET_P99_MS:.0f} ms")


if __name__ == "__main__":
    main()
