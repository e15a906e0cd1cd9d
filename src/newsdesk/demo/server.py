"""A loopback HTTP server for the demo world, so the desk fetches it exactly as it fetches the web.

    with DemoServer() as server:
        for name, url in server.feed_urls():
            ...

It speaks enough HTTP to exercise a polite fetcher: ETag / If-None-Match and Last-Modified /
If-Modified-Since (answering 304), gzip when the client accepts it, HEAD, 404 for unknown
paths and a redirect for outlet home pages asked for without their trailing slash.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self, cast
from urllib.parse import urlsplit

from newsdesk.demo.site import Page, build_pages, render_opml
from newsdesk.demo.world import DemoWorld, ExpectedStory, expected_stories, load_world

NOT_FOUND = (
    b"<!DOCTYPE html><html><head><title>Not found</title></head><body>Not found</body></html>"
)


@dataclass(frozen=True, slots=True)
class _Resource:
    """A page with everything a response needs precomputed, so handlers only look things up."""

    page: Page
    etag: str
    gzip_etag: str  # a different representation needs a different strong validator
    gzip_body: bytes
    last_modified: str  # HTTP-date

    @classmethod
    def of(cls, page: Page) -> _Resource:
        digest = hashlib.sha256(page.body).hexdigest()[:20]
        return cls(
            page=page,
            etag=f'"{digest}"',
            gzip_etag=f'"{digest}-gz"',
            gzip_body=gzip.compress(page.body, mtime=0),
            last_modified=format_datetime(page.last_modified.astimezone(UTC), usegmt=True),
        )


def _accepts_gzip(header: str | None) -> bool:
    """True when Accept-Encoding allows gzip (explicitly or via *) with a q-value above 0."""
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        quality = params.strip().removeprefix("q=").strip() if params.strip() else "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def _etag_matches(header: str, resource: _Resource) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored for If-None-Match.
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return bool(tags & {resource.etag, resource.gzip_etag})


def _not_modified(if_none_match: str | None, if_modified_since: str | None, res: _Resource) -> bool:
    if if_none_match is not None:
        # When both are sent, If-None-Match wins and If-Modified-Since is ignored.
        return _etag_matches(if_none_match, res)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as the RFC says
    if since.tzinfo is None:
        return False
    return res.page.last_modified.replace(microsecond=0) <= since


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so closing the server never waits on idle
    # keep-alive sockets held open by a client.
    protocol_version = "HTTP/1.0"
    server_version = "newsdesk-demo/1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and `make demo` should not print a line per request."""

    def _respond(self, *, send_body: bool) -> None:
        resources = cast(_DemoHTTPServer, self.server).resources
        path = urlsplit(self.path).path  # tracking parameters and other queries are ignored
        resource = resources.get(path)
        if resource is None:
            self._missing(path, resources, send_body=send_body)
            return
        use_gzip = _accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = resource.gzip_etag if use_gzip else resource.etag
        if _not_modified(
            self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), resource
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(etag, resource)
            self.end_headers()
            return
        body = resource.gzip_body if use_gzip else resource.page.body
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.page.content_type)
        self.send_header("Content-Length", str(len(body)))
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self._validators(etag, resource)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _validators(self, etag: str, resource: _Resource) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", resource.last_modified)
        self.send_header("Cache-Control", "max-age=60")
        self.send_header("Vary", "Accept-Encoding")

    def _missing(self, path: str, resources: dict[str, _Resource], *, send_body: bool) -> None:
        if path + "/" in resources:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NOT_FOUND)))
        self.end_headers()
        if send_body:
            self.wfile.write(NOT_FOUND)


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    resources: dict[str, _Resource]

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client hanging up mid-response is normal for a fetcher under test."""


class DemoServer:
    """The demo world on http://127.0.0.1:<port>/, one outlet per path prefix.

    Port 0 (the default) asks the OS for a free port; read the result from `base_url`.
    Use as a context manager, or call `start()` and `close()`.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, world: DemoWorld | None = None
    ) -> None:
        self.world = world or load_world()
        self._httpd = _DemoHTTPServer((host, port), _Handler)
        self._thread: threading.Thread | None = None
        bound_host, bound_port = self._httpd.server_address[:2]
        self.base_url = f"http://{_host_str(bound_host)}:{bound_port}"
        try:
            # Pages embed absolute canonical URLs, so they can only be built once bound.
            pages = build_pages(self.base_url, self.world)
            self._httpd.resources = {path: _Resource.of(page) for path, page in pages.items()}
        except BaseException:
            self._httpd.server_close()
            raise

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="newsdesk-demo-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the socket. Safe to call twice or without `start()`."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def paths(self) -> list[str]:
        return sorted(self._httpd.resources)

    def feed_urls(self) -> list[tuple[str, str]]:
        """(outlet display name, feed URL) for every outlet, broken feed included."""
        return [(o.name, self.url(o.feed_url_path)) for o in self.world.outlets]

    def opml(self) -> bytes:
        """The feed list as OPML 2.0 (also served at /feeds.opml)."""
        return render_opml(self.world, self.base_url).encode("utf-8")

    def expected_stories(self) -> tuple[ExpectedStory, ...]:
        """Ground truth with absolute URLs on this server."""
        return expected_stories(self.base_url, self.world)

    def last_modified(self, path: str) -> datetime:
        return self._httpd.resources[path].page.last_modified


def _host_str(host: str | bytes | bytearray) -> str:
    return host.decode() if isinstance(host, bytes | bytearray) else host


def main() -> None:
    """`python -m newsdesk.demo [port]`: serve the demo world until Ctrl-C."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    with DemoServer(port=port) as server:
        print(f"demo world at {server.base_url}/  (OPML: {server.url('/feeds.opml')})")
        for name, url in server.feed_urls():
            print(f"  {name}: {url}")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
