"""The FastAPI application: HTML pages, feeds and the JSON API, all from one cached Site.

Every response carries an ETag (a hash of its bytes), Last-Modified (the newest shown version)
and Cache-Control, and a matching If-None-Match gets 304. HTML paths are the static site's
file names (`story/<id>.html`), so served and published sites link the same way. A path
that is not there gets the site's HTML "Not found" page; under /api/ the error stays JSON.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Protocol
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.records import as_utc
from newsdesk.store.search import search_stories
from newsdesk.web import feeds
from newsdesk.web.api import (
    CategoryOut,
    StoryDetail,
    StoryList,
    detail_out,
    page_of,
    summary_out,
)
from newsdesk.web.cache import Rendered, SiteCache
from newsdesk.web.model import Site, StoryView, slugify
from newsdesk.web.render import (
    SITE_NAME,
    STATIC_DIR,
    Pages,
    SearchRow,
    StatusInfo,
    category_path,
)
from newsdesk.web.scheduler import SchedulerState

HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"
JSON = "application/json"
PUBLIC = "public, max-age=60"
SEARCH_PAGE_SIZE = 20
PAGE_METHODS = ["GET", "HEAD"]  # link checkers and feed readers probe with HEAD
SECURITY_HEADERS = {
    # No page runs scripts, so none may run: a missed escape still cannot execute.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class HasState(Protocol):
    def state(self) -> SchedulerState: ...


class ErrorOut(BaseModel):
    detail: str


def _etag_matches(header: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _not_modified_since(header: str | None, last_modified: datetime | None) -> bool:
    if not header or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and last_modified.replace(microsecond=0) <= since


def respond(request: Request, rendered: Rendered, cache_control: str = PUBLIC) -> Response:
    """The response, or 304 when the client's copy is current (If-None-Match wins, RFC 9110)."""
    headers = {"ETag": rendered.etag, "Cache-Control": cache_control, **SECURITY_HEADERS}
    if rendered.last_modified is not None:
        headers["Last-Modified"] = format_datetime(as_utc(rendered.last_modified), usegmt=True)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        fresh = _etag_matches(if_none_match, rendered.etag)
    else:
        fresh = _not_modified_since(
            request.headers.get("if-modified-since"), rendered.last_modified
        )
    if fresh:
        return Response(status_code=304, headers=headers)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def _base(request: Request) -> str:
    return str(request.base_url)


def create_app(
    location: Path | str, *, scheduler: HasState | None = None, refresh_seconds: float = 1.0
) -> FastAPI:
    """The web app over the store at `location` (a SQLite path or a PostgreSQL URL);
    `scheduler` feeds the status page."""
    cache = SiteCache(location, refresh_seconds=refresh_seconds)
    pages = Pages(search=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            cache.close()  # a PostgreSQL store's connection pool

    app = FastAPI(
        lifespan=lifespan,
        title=f"{SITE_NAME} API",
        version="1",
        description="Published stories with their sources, per-sentence citations and versions.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the bundled docs page loads scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _not_found_page(app, cache, pages)
    _html_routes(app, cache, pages, scheduler)
    _feed_routes(app, cache)
    _api_routes(app, cache)
    return app


def _html(site: Site, body: str) -> Rendered:
    return Rendered.of(body, HTML, site.updated)


def _not_found(pages: Pages, site: Site, request: Request) -> Response:
    body = pages.not_found(site, request.url.path.lstrip("/"))
    return Response(body, status_code=404, media_type=HTML, headers=SECURITY_HEADERS)


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _not_found_page(app: FastAPI, cache: SiteCache, pages: Pages) -> None:
    """Any 404 outside /api/ (no route, no static file, no such feed) is the site's HTML page;
    API clients keep FastAPI's JSON error body, as do other statuses."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not _is_api(request.url.path):
            return _not_found(pages, cache.site(), request)
        return await http_exception_handler(request, exc)


def _html_routes(app: FastAPI, cache: SiteCache, pages: Pages, scheduler: HasState | None) -> None:
    @app.api_route("/", methods=PAGE_METHODS, include_in_schema=False)
    @app.api_route("/index.html", methods=PAGE_METHODS, include_in_schema=False)
    async def front(request: Request) -> Response:
        return respond(request, cache.get("front", lambda site: _html(site, pages.front(site))))

    @app.api_route("/category/{slug}.html", methods=PAGE_METHODS, include_in_schema=False)
    async def category(request: Request, slug: str) -> Response:
        site = cache.site()
        found = site.category(slug)
        if found is None:
            return _not_found(pages, site, request)
        key = ("category", slug)
        # Look the category up again in the Site the response is built from: it may be newer.
        return respond(
            request,
            cache.get(key, lambda s: _html(s, pages.category(s, s.category(slug) or found))),
        )

    @app.api_route("/story/{story_id}.html", methods=PAGE_METHODS, include_in_schema=False)
    async def story(request: Request, story_id: str) -> Response:
        site = cache.site()
        view = site.by_id.get(story_id)
        if view is None:
            return _not_found(pages, site, request)
        key = ("story", story_id)
        return respond(
            request, cache.get(key, lambda s: _html(s, pages.story(s, s.by_id.get(story_id, view))))
        )

    @app.api_route("/search.html", methods=PAGE_METHODS, include_in_schema=False)
    async def search(request: Request, q: str = "", page: int = 1) -> Response:
        query, page = q.strip()[:200], max(1, min(page, 1000))
        key = ("search", query, page)
        return respond(request, cache.get(key, lambda s: _search(cache, pages, s, query, page)))

    @app.api_route("/status.html", methods=PAGE_METHODS, include_in_schema=False)
    async def status(request: Request) -> Response:
        site = cache.site()
        with cache.store() as store:
            info = StatusInfo(
                feeds=store.feeds(),
                runs=store.runs(20),
                counts=store.counts(),
                failures=store.failures(30),
                scheduler=scheduler.state() if scheduler else None,
            )
        return respond(request, _html(site, pages.status(site, info)), "no-cache")


def _search(cache: SiteCache, pages: Pages, site: Site, query: str, page: int) -> Rendered:
    rows: list[SearchRow] = []
    total = 0
    if query:
        with cache.store() as store:
            offset = (page - 1) * SEARCH_PAGE_SIZE
            result = search_stories(store, query, limit=SEARCH_PAGE_SIZE, offset=offset)
        total = result.total
        rows = [
            SearchRow(site.by_id[h.story_id], h.snippet)
            for h in result.hits
            if h.story_id in site.by_id
        ]
    pages_total = max(1, math.ceil(total / SEARCH_PAGE_SIZE))
    return _html(site, pages.search_page(site, query, rows, total, page, pages_total))


def _feed_routes(app: FastAPI, cache: SiteCache) -> None:
    def build(site: Site, kind: str, base: str, slug: str | None) -> Rendered:
        category = site.category(slug) if slug else None
        stories = site.newest(category.stories if category else None)
        title = f"{SITE_NAME}: {category.name}" if category else f"{SITE_NAME}: all stories"
        page = category_path(slug) if slug else "index.html"
        self_path = category_path(slug, kind) if slug else f"feed.{kind}"
        make, media = (feeds.atom_feed, ATOM) if kind == "atom" else (feeds.json_feed, JSON_FEED)
        body = make(stories, title=title, base=base, self_path=self_path, page_path=page)
        return Rendered.of(body, media, site.updated)

    def feed(request: Request, kind: str, slug: str | None) -> Response:
        if slug is not None and cache.site().category(slug) is None:
            raise HTTPException(404, "no such category")
        base = _base(request)
        key = ("feed", kind, slug, base)
        return respond(request, cache.get(key, lambda site: build(site, kind, base, slug)))

    @app.api_route("/feed.atom", methods=PAGE_METHODS, include_in_schema=False)
    async def atom(request: Request) -> Response:
        return feed(request, "atom", None)

    @app.api_route("/feed.json", methods=PAGE_METHODS, include_in_schema=False)
    async def json_feed(request: Request) -> Response:
        return feed(request, "json", None)

    @app.api_route("/category/{slug}.atom", methods=PAGE_METHODS, include_in_schema=False)
    async def category_atom(request: Request, slug: str) -> Response:
        return feed(request, "atom", slug)

    @app.api_route("/category/{slug}.json", methods=PAGE_METHODS, include_in_schema=False)
    async def category_json(request: Request, slug: str) -> Response:
        return feed(request, "json", slug)


def _filtered(
    cache: SiteCache, site: Site, category: str | None, q: str | None, since: datetime | None
) -> list[StoryView]:
    stories = site.newest()
    if q and q.strip():
        with cache.store() as store:
            hits = search_stories(store, q, limit=len(site.stories) or 1).hits
        order = [h.story_id for h in hits]
        stories = [site.by_id[i] for i in order if i in site.by_id]
    if category:
        wanted = slugify(category)
        stories = [s for s in stories if s.category_slug == wanted]
    if since is not None:
        cutoff = _utc_cutoff(since)
        stories = [s for s in stories if s.updated >= cutoff]
    return stories


def _utc_cutoff(since: datetime) -> datetime:
    """`since` in UTC; an instant before year 1 or after 9999 in UTC ('0001-01-01T00:00+05:00')
    is the earliest or latest time there is."""
    try:
        return as_utc(since)
    except OverflowError:
        extreme = datetime.min if since.year == 1 else datetime.max
        return extreme.replace(tzinfo=UTC)


def _api_url(base: str, story_id: str) -> str:
    return f"{base}api/v1/stories/{quote(story_id, safe='')}"


def _api_routes(app: FastAPI, cache: SiteCache) -> None:
    def as_json(model: BaseModel, site: Site) -> Rendered:
        return Rendered.of(model.model_dump_json(), JSON, site.updated)

    @app.get("/api/v1/stories", response_model=StoryList, tags=["stories"])
    async def list_stories(
        request: Request,
        category: Annotated[str | None, Query(max_length=100, description="name or slug")] = None,
        q: Annotated[str | None, Query(max_length=200, description="full-text search")] = None,
        since: Annotated[datetime | None, Query(description="updated at or after")] = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> Response:
        """Published stories, newest update first (best match first with `q`)."""
        base = _base(request)

        def build(site: Site) -> Rendered:
            chosen = _filtered(cache, site, category, q, since)
            items, more = page_of(chosen, page, per_page)
            params = {k: v for k, v in request.query_params.items() if k != "page"}
            nxt = f"{base}api/v1/stories?{urlencode({**params, 'page': page + 1})}"
            listing = StoryList(
                stories=[summary_out(s, base, _api_url(base, s.id)) for s in items],
                total=len(chosen),
                page=page,
                per_page=per_page,
                next=nxt if more else None,
            )
            return as_json(listing, site)

        key = ("api-list", base, category, q, since, page, per_page)
        return respond(request, cache.get(key, build))

    @app.get(
        "/api/v1/stories/{story_id}",
        response_model=StoryDetail,
        responses={404: {"model": ErrorOut, "description": "No published story has this id"}},
        tags=["stories"],
    )
    async def get_story(request: Request, story_id: str) -> Response:
        """One published story: text, sentences with citations, sources, versions, thread."""
        view = cache.site().by_id.get(story_id)
        if view is None:
            raise HTTPException(404, "no published story has this id")
        base = _base(request)
        key = ("api-story", base, story_id)
        url = _api_url(base, story_id)
        return respond(request, cache.get(key, lambda s: as_json(detail_out(view, base, url), s)))

    @app.get("/api/v1/categories", response_model=list[CategoryOut], tags=["stories"])
    async def categories(request: Request) -> Response:
        """Categories in front-page order, with how many published stories each holds."""

        def build(site: Site) -> Rendered:
            out = [
                CategoryOut(name=c.name, slug=c.slug, stories=len(c.stories))
                for c in site.categories
            ]
            body = "[" + ",".join(c.model_dump_json() for c in out) + "]"
            return Rendered.of(body, JSON, site.updated)

        return respond(request, cache.get("api-categories", build))
