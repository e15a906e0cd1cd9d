"""Fetch one URL politely and safely: the only stage that talks HTTP.

Safety: every hop of a fetch goes through an SSRF guard (`AddressGuard`) that refuses
private, loopback, link-local and other non-public targets; the default transport connects
only to the addresses the guard approved, so DNS rebinding has no window between check and
connect. Bodies are capped after decompression while streaming (a gzip bomb stops after the cap,
not after 100 MB), and every HTTP exchange has an overall deadline (no slow-loris).

Politeness: an honest User-Agent, per-host and global concurrency limits, a minimum delay
between request starts to one host, robots.txt for article pages, conditional GET, and
retries with backoff that honour Retry-After.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import random
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import NoReturn, Protocol, Self
from urllib.robotparser import RobotFileParser

import brotli  # brotli ships no type information
import httpcore
import httpx

from newsdesk.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    FetchError,
    HTTPStatusError,
    RobotsDisallowedError,
)
from newsdesk.records import FetchResult

__all__ = [
    "AddressGuard",
    "FetchPolicy",
    "Fetcher",
    "Resolver",
    "is_forbidden",
    "retry_after_seconds",
    "system_resolver",
]

ROBOTS_AGENT = "newsdesk"  # the token robots.txt files name us by
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT_ENCODING = "gzip, deflate, br"
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Most decompressed bytes produced in one step; bounds memory however dense the input is.
_PIECE = 64 * 1024
# RFC 6052 NAT64 prefix: 64:ff9b::a.b.c.d reaches a.b.c.d through a NAT64 gateway.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Maps (host, port) to IP address strings; injectable so tests never touch real DNS."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard, how fast and how carefully the fetcher may talk to servers."""

    user_agent: str = "newsdesk/0.1 (+https://example.invalid/newsdesk; news aggregator)"
    timeout: float = 20.0  # httpx connect/read/write/pool AND an overall deadline per exchange
    max_body_bytes: int = 5_000_000  # after decompression
    max_redirects: int = 5
    per_host_concurrency: int = 2
    total_concurrency: int = 16
    politeness_delay: float = 0.5  # min seconds between two request starts to the same host
    retries: int = 3  # on 429/5xx and transport errors
    backoff_base: float = 0.5  # exponential backoff with jitter
    max_retry_after: float = 60.0  # Retry-After longer than this -> give up (HTTPStatusError)
    respect_robots: bool = True  # for article pages (fetch(..., robots=True))
    allow_private: bool = False  # allow loopback/private/link-local targets (demo + tests)


# --- SSRF guard ---------------------------------------------------------------------------


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the OS resolver (getaddrinfo) gives for host, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal_ip(host: str) -> IPAddress | None:
    """The address a host names literally, or None for a real hostname."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # Legacy IPv4 spellings (2130706433, 0x7f.1, 127.1) are addresses to getaddrinfo and to
    # browsers; parse them the same way so they cannot pass as hostnames.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def is_forbidden(address: IPAddress) -> bool:
    """True for any address a fetch of the public web has no business reaching."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:a.b.c.d (dual-stack sockets) and 64:ff9b::a.b.c.d (NAT64) reach exactly a.b.c.d.
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:
            return is_forbidden(embedded)
        sixtofour = address.sixtofour
        if address.is_site_local or (sixtofour is not None and is_forbidden(sixtofour)):
            return True
    return (
        not address.is_global  # private, loopback, link-local, unspecified, CGNAT, doc ranges
        or address.is_multicast  # multicast counts as "global" in ipaddress
        or address.is_reserved
    )


class AddressGuard:
    """Resolves a host and refuses it when any of its addresses is not public."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private

    async def resolve(self, host: str, port: int, *, url: str | None = None) -> list[str]:
        """The host's addresses, all checked; BlockedAddressError if any is forbidden.

        `url` only names the fetch in error messages (the connect-time check knows just host).
        """
        target = url or host
        literal = _literal_ip(host)
        addresses = (
            [str(literal)] if literal is not None else await self._lookup(host, port, target)
        )
        if not self._allow_private:
            for address in addresses:
                self._check(host, address, target)
        return addresses

    async def _lookup(self, host: str, port: int, target: str) -> list[str]:
        try:
            addresses = await self._resolver(host, port)
        except OSError as exc:
            raise FetchError(f"cannot resolve {host} for {target}: {exc}") from exc
        if not addresses:
            raise FetchError(f"cannot resolve {host} for {target}: no addresses")
        return addresses

    @staticmethod
    def _check(host: str, address: str, target: str) -> None:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError as exc:
            raise BlockedAddressError(f"refusing {target}: bad address {address!r}") from exc
        # Refuse the whole name, not just the bad address: mixed answers are a rebinding trick.
        if is_forbidden(parsed):
            raise BlockedAddressError(f"refusing {target}: {host} is non-public {address}")


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the guard approved in the same step.

    Resolving here and connecting to the checked IP (TLS still verifies the hostname) leaves
    no gap in which a DNS answer could change between check and connect.
    """

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: Exception | None = None
        for address in await self._guard.resolve(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # try the host's next address
        if last_error is None:
            raise FetchError(f"no address to connect to for {host}")
        raise last_error

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _guarded_transport(policy: FetchPolicy, guard: AddressGuard) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend, so swap in a pool built on ours.
    # test_dns_rebinding_is_caught_at_connect fails loudly if a future httpx breaks this.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=policy.total_concurrency,
        max_keepalive_connections=policy.total_concurrency,
        keepalive_expiry=5.0,
        network_backend=_GuardedBackend(guard),
    )
    return transport


# --- bounded decompression ------------------------------------------------------------------


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _ZlibDecoder:
    """gzip or deflate, inflated at most _PIECE bytes at a time (httpx's decoder is unbounded)."""

    def __init__(self, wbits: int | None) -> None:
        self._inflater = None if wbits is None else zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._inflater = zlib.decompressobj(_deflate_wbits(data))
        return self._drain(self._inflater, data)

    def flush(self) -> Iterator[bytes]:
        return iter(()) if self._inflater is None else self._drain(self._inflater, b"")

    @staticmethod
    def _drain(inflater: zlib._Decompress, data: bytes) -> Iterator[bytes]:
        while True:
            piece = inflater.decompress(data, _PIECE)
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(piece) < _PIECE:
                return


def _deflate_wbits(head: bytes) -> int:
    """zlib-wrapped deflate (what the RFC says) or raw deflate (what some servers send)."""
    wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class _BrotliDecoder:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield self._decompressor.process(data, output_buffer_limit=_PIECE)
        # With output pending, brotli wants empty input until it can accept more.
        while not self._decompressor.can_accept_more_data():
            yield self._decompressor.process(b"", output_buffer_limit=_PIECE)

    def flush(self) -> Iterator[bytes]:
        # Brotli may hold back output of input it has already taken; drain it a piece at a time.
        while not self._decompressor.is_finished():
            piece: bytes = self._decompressor.process(b"", output_buffer_limit=_PIECE)
            if not piece:
                return
            yield piece


_DECODERS: dict[str, Callable[[], _Decoder]] = {
    "gzip": lambda: _ZlibDecoder(zlib.MAX_WBITS | 16),
    "x-gzip": lambda: _ZlibDecoder(zlib.MAX_WBITS | 16),
    "deflate": lambda: _ZlibDecoder(None),
    "br": _BrotliDecoder,
}


def _decoder_for(content_encoding: str | None, url: httpx.URL) -> _Decoder:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity()
    # We only ever offer single codings, so a stacked one ("gzip, br") is refused, not unwound.
    if len(codings) == 1 and codings[0] in _DECODERS:
        return _DECODERS[codings[0]]()
    raise FetchError(f"unsupported Content-Encoding {content_encoding!r} from {url}")


# --- retries and politeness -----------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(slots=True)
class _HostGate:
    """Per-host concurrency limit plus the time the next request may start."""

    slots: asyncio.Semaphore
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0

    async def wait_turn(self, delay: float) -> None:
        """Sleep until `delay` seconds have passed since the previous start to this host."""
        async with self.turn:
            loop = asyncio.get_running_loop()
            wait = self.next_start - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self.next_start = loop.time() + delay


@dataclass(frozen=True, slots=True)
class _Reply:
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class _Transient:
    """A failure worth retrying (timeout, reset connection), kept until retries run out."""

    reason: str
    cause: Exception


# --- the fetcher ----------------------------------------------------------------------------


class Fetcher:
    """Fetches URLs under one FetchPolicy. Use as `async with Fetcher(policy) as fetcher:`.

    `transport` replaces the guarded network transport (tests use httpx.MockTransport); then
    only the per-hop pre-check guards addresses. `resolver` replaces getaddrinfo.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self._policy = policy
        self._guard = AddressGuard(resolver or system_resolver, allow_private=policy.allow_private)
        self._client = httpx.AsyncClient(
            transport=transport or _guarded_transport(policy, self._guard),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,  # every hop must pass the guard, so we follow by hand
            # No env proxies (they would sidestep the connect-time guard) and no os.environ
            # reads outside settings.py.
            trust_env=False,
            # Stateless: one shared cookie jar would carry tracking state across outlets.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )
        self._total = asyncio.Semaphore(policy.total_concurrency)
        self._hosts: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Self:
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.__aexit__(exc_type, exc, tb)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = False,
    ) -> FetchResult:
        """GET url; a 304 comes back as status=304 with an empty body. Raises FetchError."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        check_robots = robots and self._policy.respect_robots
        reply = await self._follow(_parse_url(url), headers, check_robots=check_robots)
        # A 304 may omit validators; the ones we sent are still the current ones.
        kept = reply.status == 304
        return FetchResult(
            url=url,
            final_url=str(reply.url),
            status=reply.status,
            body=reply.body,
            content_type=reply.headers.get("content-type"),
            etag=reply.headers.get("etag") or (etag if kept else None),
            last_modified=reply.headers.get("last-modified") or (last_modified if kept else None),
        )

    async def _follow(
        self, url: httpx.URL, headers: dict[str, str], *, check_robots: bool
    ) -> _Reply:
        """Follow redirects by hand; validators go along so a moved feed can still answer 304."""
        start, seen = url, {url.copy_with(fragment=None)}
        for _ in range(self._policy.max_redirects + 1):
            await self._check_target(url)
            if check_robots:
                await self._check_robots(url)
            reply = await self._with_retries(url, headers)
            location = reply.headers.get("location")
            if reply.status not in REDIRECT_STATUSES or not location:
                return _final(reply)
            url = _parse_url(location, base=url)
            if url.copy_with(fragment=None) in seen:
                raise FetchError(f"redirect loop: {url} came round again while fetching {start}")
            seen.add(url.copy_with(fragment=None))
        raise FetchError(f"too many redirects (over {self._policy.max_redirects}) from {start}")

    async def _check_target(self, url: httpx.URL) -> None:
        """Scheme and address check before each hop.

        With the default transport this is a fast early refusal and the connect-time check in
        _GuardedBackend is the real guard. With an injected transport it is the only check, and
        a DNS answer could still change between here and that transport's own lookup.
        """
        if url.scheme not in _DEFAULT_PORTS:
            raise FetchError(f"refusing {url}: only http and https are fetched")
        if not url.host:
            raise FetchError(f"refusing {url}: no host")
        host = url.raw_host.decode("ascii")
        await self._guard.resolve(host, url.port or _DEFAULT_PORTS[url.scheme], url=str(url))

    async def _with_retries(self, url: httpx.URL, headers: dict[str, str]) -> _Reply:
        attempt = 0
        while True:
            outcome = await self._attempt(url, headers)
            if isinstance(outcome, _Reply) and outcome.status not in RETRY_STATUSES:
                return outcome
            if attempt == self._policy.retries:
                _give_up(outcome, url, attempts=attempt + 1)
            await asyncio.sleep(self._retry_delay(outcome, attempt, url))
            attempt += 1

    def _retry_delay(self, outcome: _Reply | _Transient, attempt: int, url: httpx.URL) -> float:
        # "Equal jitter": half fixed, half random, so retries spread out but never come at once.
        ceiling = min(self._policy.backoff_base * 2.0**attempt, self._policy.max_retry_after)
        backoff = ceiling / 2 + random.uniform(0, ceiling / 2)
        if isinstance(outcome, _Transient):
            return backoff
        asked = retry_after_seconds(outcome.headers.get("retry-after"), datetime.now(UTC))
        if asked is None:
            return backoff
        if asked > self._policy.max_retry_after:
            raise HTTPStatusError(
                f"{url} answered {outcome.status} and asked to retry after {asked:.0f}s,"
                f" beyond our {self._policy.max_retry_after:g}s limit",
                outcome.status,
            )
        return asked

    async def _attempt(self, url: httpx.URL, headers: dict[str, str]) -> _Reply | _Transient:
        """One HTTP exchange under the host and global limits and the overall deadline."""
        timeout = self._policy.timeout
        try:
            async with self._slot(url):
                # The deadline starts once we hold a slot: queueing is not the server's fault.
                async with asyncio.timeout(timeout):
                    return await self._exchange(url, headers)
        except (TimeoutError, httpx.TimeoutException) as exc:
            return _Transient(f"timed out after {timeout:g}s fetching {url}", exc)
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            return _Transient(f"{type(exc).__name__} ({exc}) fetching {url}", exc)
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__} ({exc}) fetching {url}") from exc

    @asynccontextmanager
    async def _slot(self, url: httpx.URL) -> AsyncIterator[None]:
        gate = self._hosts.get(url.host)
        if gate is None:
            gate = self._hosts[url.host] = _HostGate(
                asyncio.Semaphore(self._policy.per_host_concurrency)
            )
        # Host slot first: a task queued behind a busy host must not sit on a global slot.
        async with gate.slots, self._total:
            await gate.wait_turn(self._policy.politeness_delay)
            yield

    async def _exchange(self, url: httpx.URL, headers: dict[str, str]) -> _Reply:
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            # Error pages, redirects and 304s are judged by status alone; their bodies stay unread.
            ok = 200 <= response.status_code < 300
            body = await self._read_body(response, url) if ok else b""
            return _Reply(url, response.status_code, response.headers, body)
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response, url: httpx.URL) -> bytes:
        limit = self._policy.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLargeError(f"{url} announces {declared} bytes, over the {limit} limit")
        encoding = response.headers.get("content-encoding")
        decoder = _decoder_for(encoding, url)
        body = bytearray()
        received = 0
        try:
            async for chunk in response.aiter_raw():
                # Raw bytes count too, so input that never inflates cannot stream on forever.
                received += len(chunk)
                if received > limit:
                    raise BodyTooLargeError(f"{url} body exceeds the {limit} byte limit")
                _append_capped(body, decoder.feed(chunk), limit, url)
            _append_capped(body, decoder.flush(), limit, url)
        except (zlib.error, brotli.error) as exc:
            raise FetchError(f"cannot decode {encoding} body of {url}: {exc}") from exc
        return bytes(body)

    async def _check_robots(self, url: httpx.URL) -> None:
        rules = await self._robots_for(url)
        if not rules.can_fetch(ROBOTS_AGENT, str(url)):
            raise RobotsDisallowedError(f"robots.txt forbids {ROBOTS_AGENT} to fetch {url}")

    async def _robots_for(self, url: httpx.URL) -> RobotFileParser:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        # One download per origin even when many article fetches for it start together.
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(url.join("/robots.txt"))
        return self._robots[origin]

    async def _load_robots(self, robots_url: httpx.URL) -> RobotFileParser:
        """robots.txt rules with urllib.robotparser's reading of statuses.

        401/403 and 5xx forbid everything, other 4xx allow everything; a robots.txt that cannot
        be fetched at all (timeout, refused, too large) allows everything.
        """
        rules = RobotFileParser(str(robots_url))
        lines: list[str] = []
        try:
            reply = await self._follow(robots_url, {}, check_robots=False)
            lines = reply.body.decode("utf-8", errors="replace").splitlines()
        except HTTPStatusError as exc:
            if exc.status in (401, 403) or exc.status >= 500:
                lines = ["User-agent: *", "Disallow: /"]
        except FetchError:
            # Unreachable (or redirected somewhere the guard refuses): allowed. The article's
            # own hops still pass the guard.
            pass
        rules.parse(lines)
        return rules


def _append_capped(body: bytearray, pieces: Iterable[bytes], limit: int, url: httpx.URL) -> None:
    for piece in pieces:
        body += piece
        if len(body) > limit:
            raise BodyTooLargeError(f"{url} body exceeds the {limit} byte limit")


def _give_up(outcome: _Reply | _Transient, url: httpx.URL, *, attempts: int) -> NoReturn:
    if isinstance(outcome, _Transient):
        raise FetchError(f"{outcome.reason} (gave up after {attempts} attempts)") from (
            outcome.cause
        )
    raise HTTPStatusError(
        f"{url} answered {outcome.status} (gave up after {attempts} attempts)", outcome.status
    )


def _final(reply: _Reply) -> _Reply:
    if 200 <= reply.status < 300 or reply.status == 304:
        return reply
    raise HTTPStatusError(f"{reply.url} answered {reply.status}", reply.status)


def _parse_url(url: str, *, base: httpx.URL | None = None) -> httpx.URL:
    try:
        return base.join(url) if base is not None else httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}") from exc
