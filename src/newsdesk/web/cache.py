"""The Site and every rendered response, kept until the store's data changes.

Reading the whole store per request would cost tens of milliseconds; instead the store is
asked at most once per `refresh_seconds` whether anything changed (`data_version`, one cheap
query), and only then is the Site rebuilt and the rendered pages dropped. On SQLite each check
opens its own short-lived Store, because sqlite3 connections must stay in the thread that made
them and requests arrive on several threads; a PostgreSQL Store hands out pooled connections
to any thread, so one is opened on first use and kept until `close()`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsdesk.store import Store, is_postgres
from newsdesk.store.search import data_version
from newsdesk.web.model import Site, load_site


@dataclass(frozen=True, slots=True)
class Rendered:
    """A response body with what conditional requests need."""

    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None

    @classmethod
    def of(cls, body: str | bytes, media_type: str, last_modified: datetime | None) -> Rendered:
        data = body.encode("utf-8") if isinstance(body, str) else body
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        return cls(data, media_type, etag, last_modified)


class SiteCache:
    def __init__(
        self, location: Path | str, *, refresh_seconds: float = 1.0, max_entries: int = 2048
    ):
        self.location = location
        self.refresh_seconds = refresh_seconds
        self.max_entries = (
            max_entries  # keys include the query string: bound what a client can fill
        )
        self._lock = threading.RLock()
        self._checked = float("-inf")
        self._version: str | None = None
        self._site: Site | None = None
        self._responses: dict[Hashable, Rendered] = {}
        self._shared: Store | None = None  # PostgreSQL: one pooled Store for every thread

    @contextmanager
    def store(self) -> Iterator[Store]:
        if not is_postgres(self.location):
            with Store(self.location) as store:
                yield store
            return
        with self._lock:
            if self._shared is None:
                self._shared = Store(self.location)
            shared = self._shared
        yield shared

    def close(self) -> None:
        with self._lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    def site(self) -> Site:
        with self._lock:
            now = time.monotonic()
            if self._site is None or now - self._checked >= self.refresh_seconds:
                self._refresh()
                self._checked = now
            assert self._site is not None
            return self._site

    def _refresh(self) -> None:
        with self.store() as store:
            version = data_version(store)
            if version != self._version or self._site is None:
                self._site = load_site(store)
                self._version = version
                self._responses.clear()

    def get(self, key: Hashable, build: Callable[[Site], Rendered]) -> Rendered:
        """The cached response for `key`, built from the current Site when missing."""
        with self._lock:  # one lock for both, so a response is never cached under newer data
            site = self.site()
            found = self._responses.get(key)
            if found is not None:
                return found
            rendered = build(site)
            if len(self._responses) >= self.max_entries:
                self._responses.clear()  # crude, but a flood of odd queries cannot grow memory
            self._responses[key] = rendered
            return rendered
