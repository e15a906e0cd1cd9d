"""HTML pages from a Site, with Jinja2 autoescaping every value.

Every link is relative to the page (`root` is "../" per directory level), so the same HTML works
when served by `newsdesk serve`, from any path prefix of a static host, or opened as a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from newsdesk.store.search import MARK_END, MARK_START
from newsdesk.web.model import CategoryView, Site, StoryView

SITE_NAME = "newsdesk"
INDEX = "index.html"
SEARCH = "search.html"
STATUS = "status.html"
STATIC_DIR = Path(__file__).parent / "static"  # site.css, served at /static and copied by publish


def story_path(story_id: str) -> str:
    return f"story/{quote(story_id, safe='')}.html"


def category_path(slug: str, ext: str = "html") -> str:
    return f"category/{quote(slug, safe='')}.{ext}"


def root_for(path: str) -> str:
    """The relative way back to the site root from a page at `path`."""
    return "../" * path.count("/")


def when(value: datetime | None) -> str:
    """'2 Mar 2026, 19:15 UTC': day first, no leading zero, always saying the zone."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def when_text(value: str | None) -> str:
    """`when` for the ISO strings the store keeps for runs and feeds; other text as it is."""
    if not value:
        return ""
    try:
        return when(datetime.fromisoformat(value))
    except ValueError:
        return value


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def highlight(snippet: str) -> Markup:
    """A search snippet escaped, then its match markers turned into <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@dataclass(frozen=True, slots=True)
class SearchRow:
    story: StoryView
    snippet: str


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """What the status page shows besides the Site: straight from the store and scheduler."""

    feeds: Sequence[Any]
    runs: Sequence[dict[str, Any]]
    counts: dict[str, int]
    failures: Sequence[tuple[str, str, str]]
    scheduler: Any | None  # web.scheduler.SchedulerState


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsdesk.web", "templates"),
        autoescape=True,  # everything, always: titles and quotes come from outside
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, when_text=when_text, iso=iso)
    env.globals.update(
        story_path=story_path,
        category_path=category_path,
        highlight=highlight,
        site_name=SITE_NAME,
    )
    return env


class Pages:
    """Renders every page. `search` is off for static sites (no server to answer queries, and
    no run in progress to report)."""

    def __init__(self, *, search: bool = True) -> None:
        self.search = search
        self.env = _environment()

    def _render(
        self, template: str, path: str, site: Site, *, root: str | None = None, **context: Any
    ) -> str:
        return self.env.get_template(template).render(
            root=root_for(path) if root is None else root,
            site=site,
            search_enabled=self.search,
            current_category=context.pop("current_category", None),
            query=context.pop("query", ""),
            **context,
        )

    def front(self, site: Site) -> str:
        top = site.stories[:5]
        shown = {s.id for s in top}
        sections = [(c, [s for s in c.stories if s.id not in shown][:4]) for c in site.categories]
        # A run in progress is news for a live page only; a static copy would keep it forever.
        run = site.run if self.search else None
        return self._render(
            "front.html",
            INDEX,
            site,
            top=top,
            sections=[(c, s) for c, s in sections if s],
            run=run,
        )

    def category(self, site: Site, category: CategoryView) -> str:
        return self._render(
            "category.html",
            category_path(category.slug),
            site,
            category=category,
            current_category=category.slug,
        )

    def story(self, site: Site, story: StoryView) -> str:
        return self._render(
            "story.html",
            story_path(story.id),
            site,
            story=story,
            current_category=story.category_slug,
            published_versions=[v for v in story.versions if v.published],
        )

    def search_page(
        self, site: Site, query: str, rows: Sequence[SearchRow], total: int, page: int, pages: int
    ) -> str:
        return self._render(
            "search.html", SEARCH, site, query=query, rows=rows, total=total, page=page, pages=pages
        )

    def status(self, site: Site, info: StatusInfo) -> str:
        return self._render("status.html", STATUS, site, info=info)

    def not_found(self, site: Site, path: str, *, root: str | None = None) -> str:
        """The "Not found" page for `path`; `root` overrides the way back to the site root (a
        static 404.html is shown at any depth, so it needs an absolute one to link right)."""
        return self._render("not_found.html", path, site, root=root)
