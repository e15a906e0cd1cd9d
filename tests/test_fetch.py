"""The fetcher against loopback servers and httpx.MockTransport; never the internet.

Functional tests talk to a threaded http.server on 127.0.0.1 (allow_private=True) and only
name it as 127.0.0.1 or localhost, so even a broken guard could not send a packet elsewhere.
"Public" hosts exist only behind MockTransport with an injected resolver.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any, TypeVar, cast

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

from newsdesk.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    FetchError,
    HTTPStatusError,
    RobotsDisallowedError,
)
from newsdesk.ingest.fetch import (
    Fetcher,
    FetchPolicy,
    Resolver,
    is_forbidden,
    retry_after_seconds,
    system_resolver,
)
from newsdesk.records import FetchResult

pytestmark = pytest.mark.timeout(30)

T = TypeVar("T")
Route = Callable[[BaseHTTPRequestHandler], None]

# Fast settings for tests: no politeness wait, tiny backoff, loopback allowed.
FAST = FetchPolicy(allow_private=True, politeness_delay=0.0, backoff_base=0.01, timeout=5.0)
PUBLIC_IP = "93.184.216.34"  # only ever handed to MockTransport, never connected to


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


# --- a loopback HTTP server -----------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class LoopbackServer:
    """http.server on 127.0.0.1 with routes per path; records requests and peak concurrency."""

    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    active: int = 0
    max_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)

    def enter(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self.lock:
            self.seen.append(Seen(handler.path, headers, time.monotonic()))
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def leave(self) -> None:
        with self.lock:
            self.active -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, like real servers
    timeout = 5  # a stuck connection cannot hold the test server forever

    def do_GET(self) -> None:
        owner = cast(_Server, self.server).owner
        owner.enter(self)
        try:
            owner.routes.get(self.path, _not_found)(self)
        finally:
            owner.leave()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: nothing outlives a test
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-body is the point of several tests


def _not_found(h: BaseHTTPRequestHandler) -> None:
    reply(h, 404, b"not found")


def reply(
    h: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> None:
    h.send_response(status)
    headers = headers or {}
    for name, value in headers.items():
        h.send_header(name, value)
    if status not in (204, 304) and "Content-Length" not in headers:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def redirect(to: str, status: int = 302) -> Route:
    return lambda h: reply(h, status, headers={"Location": to})


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    state = LoopbackServer()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.owner = state
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


async def fetch_one(policy: FetchPolicy, url: str, **kwargs: Any) -> FetchResult:
    async with Fetcher(policy) as fetcher:
        return await fetcher.fetch(url, **kwargs)


def mock_response(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    # stream=, not content=: httpx pre-reads content= bodies, and the fetcher streams.
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def fake_dns(table: dict[str, list[str]], calls: list[str] | None = None) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the test table")
        return table[host]

    return resolve


# --- basics: user agent, conditional GET, cookies, decoding ---------------------------------


def test_sends_honest_user_agent_and_accept_encoding(server: LoopbackServer) -> None:
    server.routes["/feed"] = lambda h: reply(h, 200, b"<rss/>", {"Content-Type": "text/xml"})
    result = run(fetch_one(FAST, server.url("/feed")))
    assert (result.status, result.body, result.content_type) == (200, b"<rss/>", "text/xml")
    assert result.final_url == result.url == server.url("/feed")
    headers = server.seen[0].headers
    assert headers["user-agent"] == FAST.user_agent
    assert headers["accept-encoding"] == "gzip, deflate, br"


def test_conditional_get_sends_validators_and_gets_empty_304(server: LoopbackServer) -> None:
    stamp = "Wed, 01 Jan 2025 00:00:00 GMT"

    def feed(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            reply(h, 304)  # deliberately without validators: ours must be kept
        else:
            reply(h, 200, b"<rss>full</rss>", {"ETag": '"v1"', "Last-Modified": stamp})

    server.routes["/feed"] = feed

    async def twice() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(FAST) as fetcher:
            first = await fetcher.fetch(server.url("/feed"))
            second = await fetcher.fetch(
                server.url("/feed"), etag=first.etag, last_modified=first.last_modified
            )
            return first, second

    first, second = run(twice())
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', stamp)
    assert second.not_modified and second.body == b""
    assert (second.etag, second.last_modified) == ('"v1"', stamp)
    assert "if-none-match" not in server.seen[0].headers
    assert server.seen[1].headers["if-none-match"] == '"v1"'
    assert server.seen[1].headers["if-modified-since"] == stamp


def test_cookies_are_not_kept_between_requests(server: LoopbackServer) -> None:
    server.routes["/a"] = lambda h: reply(h, 200, b"a", {"Set-Cookie": "track=1; Path=/"})

    async def twice() -> None:
        async with Fetcher(FAST) as fetcher:
            await fetcher.fetch(server.url("/a"))
            await fetcher.fetch(server.url("/a"))

    run(twice())
    assert "cookie" not in server.seen[1].headers


def _compress(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return packer.compress(data) + packer.flush()
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "raw-deflate":  # what some servers send as "deflate"
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    return bytes(brotli.compress(data, quality=5))


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "br"])
def test_compressed_bodies_are_decoded(server: LoopbackServer, coding: str) -> None:
    text = os.urandom(100_000) + b"news " * 50_000
    header = coding.removeprefix("raw-")
    packed = _compress(coding, text)
    server.routes["/z"] = lambda h: reply(h, 200, packed, {"Content-Encoding": header})
    assert run(fetch_one(FAST, server.url("/z"))).body == text


def test_unknown_content_encoding_is_refused(server: LoopbackServer) -> None:
    server.routes["/z"] = lambda h: reply(h, 200, b"??", {"Content-Encoding": "zstd"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        run(fetch_one(FAST, server.url("/z")))


# --- size caps and deadline -----------------------------------------------------------------


def test_declared_content_length_over_limit_is_refused(server: LoopbackServer) -> None:
    def huge(h: BaseHTTPRequestHandler) -> None:
        reply(h, 200, b"x" * 1000, {"Content-Length": "10000000"})

    server.routes["/big"] = huge
    policy = FetchPolicy(allow_private=True, politeness_delay=0, max_body_bytes=100_000)
    with pytest.raises(BodyTooLargeError, match="announces 10000000 bytes"):
        run(fetch_one(policy, server.url("/big")))


def test_chunked_body_over_limit_is_cut(server: LoopbackServer) -> None:
    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for _ in range(200):
            h.wfile.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    server.routes["/stream"] = chunked
    policy = FetchPolicy(allow_private=True, politeness_delay=0, max_body_bytes=10_000)
    with pytest.raises(BodyTooLargeError, match="exceeds"):
        run(fetch_one(policy, server.url("/stream")))


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """100 MB of zeros, gzipped (~100 KB) and brotli-compressed (a few hundred bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    gz = b"".join([packer.compress(zeros) for _ in range(100)] + [packer.flush()])
    return {"gzip": gz, "br": bytes(brotli.compress(bytes(100 << 20), quality=1))}


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compression_bomb_stops_early_in_little_memory(
    server: LoopbackServer, bombs: dict[str, bytes], coding: str
) -> None:
    bomb = bombs[coding]
    assert len(bomb) < 200_000
    server.routes["/bomb"] = lambda h: reply(h, 200, bomb, {"Content-Encoding": coding})
    policy = FetchPolicy(allow_private=True, politeness_delay=0, max_body_bytes=1_000_000)
    was_tracing = tracemalloc.is_tracing()
    tracemalloc.start()
    tracemalloc.reset_peak()  # the 100 MB built for the brotli bomb must not count
    baseline = tracemalloc.get_traced_memory()[0]  # nonzero under python -X tracemalloc
    try:
        with pytest.raises(BodyTooLargeError):
            run(fetch_one(policy, server.url("/bomb")))
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        if not was_tracing:
            tracemalloc.stop()
    assert peak < 12_000_000, f"peak {peak} bytes: the bomb was inflated too far"


def test_trickling_server_is_cut_at_the_overall_deadline(server: LoopbackServer) -> None:
    """A byte every 0.2 s never trips httpx's 1 s read timeout; only the deadline stops it."""

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.2)

    server.routes["/slow"] = trickle
    policy = FetchPolicy(allow_private=True, politeness_delay=0, timeout=1.0, retries=0)
    began = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 1s") as caught:
        run(fetch_one(policy, server.url("/slow")))
    assert 0.9 < time.monotonic() - began < 3.0
    assert server.url("/slow") in str(caught.value)
    assert isinstance(caught.value.__cause__, TimeoutError)


# --- retries --------------------------------------------------------------------------------


def flaky(status: int, failures: int, headers: dict[str, str] | None = None) -> Route:
    count = 0

    def route(h: BaseHTTPRequestHandler) -> None:
        nonlocal count
        count += 1
        if count <= failures:
            reply(h, status, b"busy", headers)
        else:
            reply(h, 200, b"finally")

    return route


def test_retries_503_then_succeeds(server: LoopbackServer) -> None:
    server.routes["/x"] = flaky(503, failures=2)
    assert run(fetch_one(FAST, server.url("/x"))).body == b"finally"
    assert server.hits("/x") == 3


def test_retry_after_seconds_is_honoured(server: LoopbackServer) -> None:
    server.routes["/x"] = flaky(503, failures=1, headers={"Retry-After": "1"})
    began = time.monotonic()
    assert run(fetch_one(FAST, server.url("/x"))).status == 200
    assert time.monotonic() - began >= 0.95  # backoff alone would be ~0.01 s


def test_retry_after_beyond_limit_gives_up_at_once(server: LoopbackServer) -> None:
    server.routes["/x"] = flaky(429, failures=9, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusError, match="retry after 3600s") as caught:
        run(fetch_one(FAST, server.url("/x")))
    assert caught.value.status == 429
    assert server.hits("/x") == 1


def test_429_storm_gives_up_with_status(server: LoopbackServer) -> None:
    server.routes["/x"] = flaky(429, failures=99)
    policy = FetchPolicy(allow_private=True, politeness_delay=0, backoff_base=0.01, retries=2)
    with pytest.raises(HTTPStatusError, match="gave up after 3 attempts") as caught:
        run(fetch_one(policy, server.url("/x")))
    assert caught.value.status == 429
    assert server.hits("/x") == 3


def test_404_is_not_retried(server: LoopbackServer) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        run(fetch_one(FAST, server.url("/missing")))
    assert caught.value.status == 404
    assert server.hits("/missing") == 1


def test_dropped_connection_is_retried(server: LoopbackServer) -> None:
    count = 0

    def hang_up_once(h: BaseHTTPRequestHandler) -> None:
        nonlocal count
        count += 1
        if count == 1:
            h.close_connection = True  # no response at all
        else:
            reply(h, 200, b"ok")

    server.routes["/x"] = hang_up_once
    assert run(fetch_one(FAST, server.url("/x"))).body == b"ok"
    assert server.hits("/x") == 2


def test_refused_connection_gives_up_with_reason() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    policy = FetchPolicy(allow_private=True, politeness_delay=0, backoff_base=0.01, retries=1)
    with pytest.raises(FetchError, match=r"ConnectError.*gave up after 2 attempts") as caught:
        run(fetch_one(policy, url))
    assert url in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(days=1), usegmt=True), now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


# --- redirects ------------------------------------------------------------------------------


def test_redirects_are_followed(server: LoopbackServer) -> None:
    server.routes["/old"] = redirect("/middle", 301)
    server.routes["/middle"] = redirect(server.url("/new"), 307)
    server.routes["/new"] = lambda h: reply(h, 200, b"here")
    result = run(fetch_one(FAST, server.url("/old")))
    assert (result.url, result.final_url, result.body) == (
        server.url("/old"),
        server.url("/new"),
        b"here",
    )


def test_redirect_limit(server: LoopbackServer) -> None:
    for n in range(10):
        server.routes[f"/hop/{n}"] = redirect(f"/hop/{n + 1}")
    policy = FetchPolicy(allow_private=True, politeness_delay=0, max_redirects=3)
    with pytest.raises(FetchError, match="too many redirects"):
        run(fetch_one(policy, server.url("/hop/0")))
    assert server.hits("/hop/3") == 1 and server.hits("/hop/4") == 0


def test_redirect_loop(server: LoopbackServer) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a")
    with pytest.raises(FetchError, match="redirect loop"):
        run(fetch_one(FAST, server.url("/a")))
    assert server.hits("/a") == 1


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1/admin", "http://internal.example/", "http://[::1]:8080/"]
)
def test_redirect_to_private_address_is_refused(target: str) -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return mock_response(302, headers={"Location": target})

    dns = fake_dns({"news.example": [PUBLIC_IP], "internal.example": ["10.1.2.3"]})

    async def go() -> None:
        async with Fetcher(
            FetchPolicy(), transport=httpx.MockTransport(handler), resolver=dns
        ) as fetcher:
            await fetcher.fetch("http://news.example/story")

    with pytest.raises(BlockedAddressError):
        run(go())
    assert asked == ["http://news.example/story"]


def test_redirect_to_file_scheme_is_refused(server: LoopbackServer) -> None:
    server.routes["/x"] = redirect("file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        run(fetch_one(FAST, server.url("/x")))


# --- SSRF guard -----------------------------------------------------------------------------

_DNS = {
    "localhost": ["127.0.0.1", "::1"],
    "sneaky.example": ["127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": [PUBLIC_IP, "192.168.0.7"],
    "news.example": [PUBLIC_IP],
}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "https://sneaky.example/",
        "https://metadata.example/",
        "http://mixed.example/",
    ],
)
def test_ssrf_guard_refuses_non_public_targets(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"the guard let {request.url} through")

    async def go() -> None:
        async with Fetcher(
            FetchPolicy(), transport=httpx.MockTransport(handler), resolver=fake_dns(_DNS)
        ) as fetcher:
            await fetcher.fetch(url)

    with pytest.raises(BlockedAddressError, match=f"refusing {re.escape(url)}: "):
        run(go())


@pytest.mark.parametrize(
    "url", ["http://news.example/a", f"https://{PUBLIC_IP}/", "http://[2606:4700::1111]/"]
)
def test_ssrf_guard_lets_public_targets_through(url: str) -> None:
    transport = httpx.MockTransport(lambda request: mock_response(200, b"ok"))

    async def go() -> FetchResult:
        async with Fetcher(FetchPolicy(), transport=transport, resolver=fake_dns(_DNS)) as f:
            return await f.fetch(url)

    assert run(go()).body == b"ok"


def test_unresolvable_host_is_a_fetch_error() -> None:
    async def go() -> None:
        async with Fetcher(FetchPolicy(), resolver=fake_dns({})) as fetcher:
            await fetcher.fetch("https://nowhere.example/x")

    with pytest.raises(FetchError, match=r"cannot resolve nowhere\.example for https://nowhere"):
        run(go())


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://news.example/x", "gopher://h/"])
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        run(fetch_one(FetchPolicy(), url))


def test_invalid_url_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="invalid URL"):
        run(fetch_one(FetchPolicy(), "http://[::1"))


def test_dns_rebinding_is_caught_at_connect(server: LoopbackServer) -> None:
    """First answer public (pre-check passes), second loopback: the connect-time check refuses.

    The host is "localhost" so that, were the guarded backend ever bypassed, the system
    resolver would still keep traffic on this machine (and the hit count would show it).
    """
    calls: list[str] = []
    answers = iter([[PUBLIC_IP], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    async def go() -> None:
        async with Fetcher(FetchPolicy(retries=0), resolver=rebinding) as fetcher:
            await fetcher.fetch(server.url("/", host="localhost"))

    with pytest.raises(
        BlockedAddressError, match=r"refusing localhost: localhost is non-public 127"
    ):
        run(go())
    assert calls == ["localhost", "localhost"]
    assert server.seen == []


def test_connection_goes_to_the_resolved_address(server: LoopbackServer) -> None:
    """The injected resolver decides where the socket goes, not a second system lookup."""
    calls: list[str] = []
    dns = fake_dns({"localhost": ["127.0.0.1"]}, calls)

    async def go() -> FetchResult:
        async with Fetcher(FAST, resolver=dns) as fetcher:
            return await fetcher.fetch(server.url("/ok", host="localhost"))

    server.routes["/ok"] = lambda h: reply(h, 200, b"ok")
    assert run(go()).body == b"ok"
    assert calls == ["localhost", "localhost"]  # pre-check, then connect


def test_is_forbidden_table() -> None:
    blocked = ["127.0.0.1", "10.1.1.1", "169.254.1.1", "::1", "fe80::1", "fc00::1", "fec0::1"]
    blocked += ["ff02::1", "239.1.1.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1"]
    blocked += ["240.0.0.1", "255.255.255.255", "198.18.0.1", "::"]
    allowed = [PUBLIC_IP, "1.1.1.1", "2606:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101"]
    assert [a for a in blocked if not is_forbidden(ip_address(a))] == []
    assert [a for a in allowed if is_forbidden(ip_address(a))] == []


def test_system_resolver_returns_address_strings() -> None:
    assert run(system_resolver("127.0.0.1", 80)) == ["127.0.0.1"]


# --- robots.txt -----------------------------------------------------------------------------

ROBOTS = b"User-agent: newsdesk\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n"


def test_robots_disallow_is_respected_and_cached(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = lambda h: reply(h, 200, ROBOTS, {"Content-Type": "text/plain"})
    server.routes["/public"] = lambda h: reply(h, 200, b"story")
    server.routes["/private"] = lambda h: reply(h, 200, b"secret")

    async def go() -> None:
        async with Fetcher(FAST) as fetcher:
            assert (await fetcher.fetch(server.url("/public"), robots=True)).body == b"story"
            with pytest.raises(RobotsDisallowedError, match="/private"):
                await fetcher.fetch(server.url("/private"), robots=True)
            # Feeds are fetched without robots=True and are not subject to it.
            assert (await fetcher.fetch(server.url("/private"))).body == b"secret"

    run(go())
    assert server.hits("/robots.txt") == 1
    assert server.hits("/private") == 1
    robots_request = next(s for s in server.seen if s.path == "/robots.txt")
    assert robots_request.headers["user-agent"] == FAST.user_agent


def test_robots_ignored_when_policy_says_so(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = lambda h: reply(h, 200, ROBOTS)
    server.routes["/private"] = lambda h: reply(h, 200, b"secret")
    policy = FetchPolicy(allow_private=True, politeness_delay=0, respect_robots=False)
    assert run(fetch_one(policy, server.url("/private"), robots=True)).body == b"secret"
    assert server.hits("/robots.txt") == 0


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (410, True), (403, False)])
def test_robots_status_semantics(server: LoopbackServer, status: int, allowed: bool) -> None:
    server.routes["/robots.txt"] = lambda h: reply(h, status)
    server.routes["/story"] = lambda h: reply(h, 200, b"story")
    if allowed:
        assert run(fetch_one(FAST, server.url("/story"), robots=True)).body == b"story"
    else:
        with pytest.raises(RobotsDisallowedError):
            run(fetch_one(FAST, server.url("/story"), robots=True))


def test_unreachable_robots_txt_allows() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            raise httpx.ConnectError("connection refused", request=request)
        return mock_response(200, b"story")

    async def go() -> FetchResult:
        policy = FetchPolicy(retries=0, politeness_delay=0)
        transport = httpx.MockTransport(handler)
        async with Fetcher(policy, transport=transport, resolver=fake_dns(_DNS)) as f:
            return await f.fetch("https://news.example/story", robots=True)

    assert run(go()).body == b"story"


# --- concurrency and politeness -------------------------------------------------------------


def _slow_route(h: BaseHTTPRequestHandler) -> None:
    time.sleep(0.2)
    reply(h, 200, b"done")


async def _fetch_all(policy: FetchPolicy, urls: list[str]) -> list[FetchResult]:
    async with Fetcher(policy) as fetcher:
        return await asyncio.gather(*(fetcher.fetch(u) for u in urls))


def test_per_host_concurrency_is_respected(server: LoopbackServer) -> None:
    server.routes["/slow"] = _slow_route
    policy = FetchPolicy(allow_private=True, politeness_delay=0, per_host_concurrency=2)
    results = run(_fetch_all(policy, [server.url("/slow")] * 6))
    assert [r.status for r in results] == [200] * 6
    assert server.max_active == 2


def test_total_concurrency_is_respected_across_hosts(server: LoopbackServer) -> None:
    server.routes["/slow"] = _slow_route
    policy = FetchPolicy(
        allow_private=True, politeness_delay=0, per_host_concurrency=2, total_concurrency=1
    )
    urls = [server.url("/slow"), server.url("/slow", host="localhost")] * 2
    run(_fetch_all(policy, urls))
    assert server.max_active == 1


def test_politeness_delay_spaces_request_starts() -> None:
    """Measured where requests start (the transport), not where they land after a connect."""
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(time.monotonic())
        return mock_response(200, b"x")

    async def go() -> None:
        policy = FetchPolicy(politeness_delay=0.25, per_host_concurrency=4)
        transport = httpx.MockTransport(handler)
        async with Fetcher(policy, transport=transport, resolver=fake_dns(_DNS)) as fetcher:
            urls = ["https://news.example/a", "https://news.example/b", "https://news.example/c"]
            await asyncio.gather(*(fetcher.fetch(u) for u in urls))
            other = time.monotonic()
            await fetcher.fetch(f"https://{PUBLIC_IP}/")  # another host: no wait
            assert time.monotonic() - other < 0.2

    run(go())
    assert len(starts) == 4
    assert all(b - a >= 0.24 for a, b in itertools.pairwise(starts[:3]))
