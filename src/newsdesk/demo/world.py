"""The offline sample news world: outlets, stories and articles loaded from `demo/data/`.

Everything in the data files is invented (towns, companies, people). The world doubles as
ground truth: each article says which story it belongs to, follow-up stories name the story
they continue, and syndicated copies name the article they copy, so later stages can be
tested against `expected_stories()`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal, cast, get_args

from newsdesk.errors import ConfigError
from newsdesk.records import Article, ItemStatus

FeedFormat = Literal["rss", "atom", "json", "broken-rss"]
ParagraphStyle = Literal["p", "div", "br"]

INJECTION_MARKER = "ignore previous instructions"

# Per-outlet quirks of markup and feeds, named in outlets.toml so site.py never tests ids.
QUIRKS = {
    "utc-dates": "feed dates in UTC (GMT / Z) rather than the local +01:00 offset",
    "full-text": "feed items carry the full article text, not just a summary",
    "permalink-guid": "RSS guid is the article URL; author as 'email (Name)'",
    "inline-read-more": "a 'Read more' link to another story sits inside the body",
}
DATA_PACKAGE = "newsdesk.demo"


class DemoDataError(ConfigError):
    """The demo data files are inconsistent (a bug in the data, caught at load time)."""


@dataclass(frozen=True, slots=True)
class DemoOutlet:
    """One sample outlet, served under `/<id>/` on the demo server."""

    id: str  # also the URL path prefix
    name: str  # display name
    hostname: str  # the outlet's pretend hostname, shown in pages and OPML
    description: str
    lang: str
    feed_format: FeedFormat
    feed_path: str  # relative to the outlet prefix
    article_path: str  # pattern using {year} {month} {day} {slug} {id}
    template: str  # file name in demo/templates/
    paragraph_style: ParagraphStyle
    ad_every: int  # insert an advert block after every N paragraphs; 0 for none
    tracking: str  # query string appended to feed links ("" for none)
    date_format: str  # strftime pattern for the visible date line
    private_path: str | None  # disallowed in robots.txt, relative to the prefix
    quirks: frozenset[str] = frozenset()  # keys of QUIRKS

    @property
    def home_path(self) -> str:
        return f"/{self.id}/"

    @property
    def feed_url_path(self) -> str:
        return f"/{self.id}/{self.feed_path}"


@dataclass(frozen=True, slots=True)
class DemoStory:
    """A real-world event; its articles are the ones whose `story` is this id."""

    id: str
    title: str
    category: str
    follows: str | None  # the earlier story this one continues, if any
    key_facts: tuple[str, ...] = ()  # phrases every full article of the story states verbatim


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One article page. Copies carry the resolved text of their original."""

    id: str
    outlet: str
    story: str
    slug: str
    title: str
    summary: str
    authors: tuple[str, ...]
    published: datetime
    updated: datetime | None
    paragraphs: tuple[str, ...]
    path: str  # absolute path on the demo server, without query
    copy_of: str | None = None  # id of the article this one syndicates
    paywalled: bool = False  # the page is a teaser stub behind a paywall
    injection: bool = False  # the body contains a prompt-injection attempt

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    @property
    def modified(self) -> datetime:
        return self.updated or self.published

    def url(self, base_url: str) -> str:
        """The canonical URL of the page: no query, no tracking parameters."""
        return base_url.rstrip("/") + self.path


@dataclass(frozen=True, slots=True)
class DemoWorld:
    outlets: tuple[DemoOutlet, ...]
    stories: tuple[DemoStory, ...]
    articles: tuple[DemoArticle, ...]

    def outlet(self, outlet_id: str) -> DemoOutlet:
        return next(o for o in self.outlets if o.id == outlet_id)

    def story(self, story_id: str) -> DemoStory:
        return next(s for s in self.stories if s.id == story_id)

    def article(self, article_id: str) -> DemoArticle:
        return next(a for a in self.articles if a.id == article_id)

    def articles_of(self, outlet_id: str) -> tuple[DemoArticle, ...]:
        """An outlet's articles, newest first (the order of its feed and home page)."""
        own = (a for a in self.articles if a.outlet == outlet_id)
        return tuple(sorted(own, key=lambda a: a.published, reverse=True))

    def articles_in(self, story_id: str) -> tuple[DemoArticle, ...]:
        return tuple(a for a in self.articles if a.story == story_id)


@dataclass(frozen=True, slots=True)
class ExpectedStory:
    """Ground truth for clustering and threading tests, with URLs as the server serves them."""

    id: str
    title: str
    category: str
    follows: str | None
    key_facts: tuple[str, ...]
    article_ids: tuple[str, ...]
    urls: tuple[str, ...]  # canonical URLs of every article in the story
    syndicated: tuple[tuple[str, tuple[str, ...]], ...]  # (original URL, copy URLs)
    paywalled_urls: tuple[str, ...]
    injection_urls: tuple[str, ...]

    @property
    def outlets(self) -> int:
        """How many outlets covered the story (a copy counts for the outlet carrying it)."""
        return len(self.urls)


# --- loading -------------------------------------------------------------------------------


def _req_str(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DemoDataError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _opt_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    return _req_str(table, key, where) if key in table else None


def _opt_datetime(table: Mapping[str, Any], key: str, where: str) -> datetime | None:
    value = table.get(key)
    if value is None:
        return None
    # TOML offset date-times arrive as aware datetimes; naive ones would be ambiguous.
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise DemoDataError(f"{where}: '{key}' must be a date-time with a UTC offset")
    return value


def _str_tuple(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DemoDataError(f"{where}: '{key}' must be a list of strings")
    return tuple(cast(list[str], value))


def _paragraphs(text: str) -> tuple[str, ...]:
    """Split a body on blank lines and unwrap lines inside a paragraph."""
    blocks = (" ".join(block.split()) for block in text.strip().split("\n\n"))
    return tuple(b for b in blocks if b)


def _literal(value: str, allowed: object, where: str) -> str:
    options = get_args(allowed)
    if value not in options:
        raise DemoDataError(f"{where}: {value!r} is not one of {options}")
    return value


def _outlet(table: Mapping[str, Any]) -> DemoOutlet:
    oid = _req_str(table, "id", "outlet")
    where = f"outlet {oid}"

    def s(key: str) -> str:
        return _req_str(table, key, where)

    return DemoOutlet(
        id=oid,
        name=s("name"),
        hostname=s("hostname"),
        description=s("description"),
        lang=s("lang"),
        feed_format=cast(FeedFormat, _literal(s("feed_format"), FeedFormat, where)),
        feed_path=s("feed_path"),
        article_path=s("article_path"),
        template=s("template"),
        paragraph_style=cast(ParagraphStyle, _literal(s("paragraph_style"), ParagraphStyle, where)),
        ad_every=int(table.get("ad_every", 0)),
        tracking=str(table.get("tracking", "")),
        date_format=s("date_format"),
        private_path=_opt_str(table, "private_path", where),
        quirks=_quirks(table, where),
    )


def _quirks(table: Mapping[str, Any], where: str) -> frozenset[str]:
    quirks = frozenset(_str_tuple(table, "quirks", where) or ())
    unknown = quirks - QUIRKS.keys()
    if unknown:
        raise DemoDataError(f"{where}: unknown quirks {sorted(unknown)}")
    return quirks


def _story(table: Mapping[str, Any], source: str) -> DemoStory:
    sid = _req_str(table, "id", source)
    where = f"story {sid}"
    return DemoStory(
        id=sid,
        title=_req_str(table, "title", where),
        category=_req_str(table, "category", where),
        follows=_opt_str(table, "follows", where),
        key_facts=_str_tuple(table, "key_facts", where) or (),
    )


def _article_path(outlet: DemoOutlet, aid: str, slug: str, published: datetime) -> str:
    tail = outlet.article_path.format(
        year=f"{published.year:04d}",
        month=f"{published.month:02d}",
        day=f"{published.day:02d}",
        slug=slug,
        id=aid,
    )
    return f"/{outlet.id}/{tail}"


def _article_paragraphs(
    table: Mapping[str, Any], original: DemoArticle | None, where: str
) -> tuple[str, ...]:
    if original is None:
        return _paragraphs(_req_str(table, "body", where))
    # Syndicated copies reuse the original text verbatim, plus the lines the outlet added.
    before = _str_tuple(table, "prepend", where) or ()
    after = _str_tuple(table, "append", where) or ()
    return before + original.paragraphs + after


def _article(
    table: Mapping[str, Any],
    story_id: str,
    outlets: Mapping[str, DemoOutlet],
    originals: Mapping[str, DemoArticle],
) -> DemoArticle:
    """Build one article; a copy inherits any field it does not override from its original."""
    aid = _req_str(table, "id", f"story {story_id}")
    where = f"article {aid}"
    outlet_id = _req_str(table, "outlet", where)
    if outlet_id not in outlets:
        raise DemoDataError(f"{where}: unknown outlet {outlet_id!r}")
    copy_of = _opt_str(table, "copy_of", where)
    original = originals.get(copy_of) if copy_of else None
    if copy_of and original is None:
        raise DemoDataError(f"{where}: copy_of {copy_of!r} is not an earlier original")

    def text(key: str) -> str:
        value = _opt_str(table, key, where)
        if value is not None:
            return value
        if original is None:
            raise DemoDataError(f"{where}: '{key}' is required")
        return cast(str, getattr(original, key))

    paragraphs = _article_paragraphs(table, original, where)
    published = _opt_datetime(table, "published", where)
    if published is None:
        raise DemoDataError(f"{where}: 'published' is required")
    slug = text("slug")
    return DemoArticle(
        id=aid,
        outlet=outlet_id,
        story=story_id,
        slug=slug,
        title=text("title"),
        summary=text("summary"),
        authors=_str_tuple(table, "authors", where) or (original.authors if original else ()),
        published=published,
        updated=_opt_datetime(table, "updated", where),
        paragraphs=paragraphs,
        path=_article_path(outlets[outlet_id], aid, slug, published),
        copy_of=copy_of,
        paywalled=bool(table.get("paywalled", False)),
        injection=bool(table.get("injection", False)),
    )


def _read_toml(name: str) -> dict[str, Any]:
    data_dir = resources.files(DATA_PACKAGE).joinpath("data")
    with data_dir.joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def _story_files() -> list[str]:
    data_dir = resources.files(DATA_PACKAGE).joinpath("data")
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith("story_"))


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise DemoDataError(f"duplicate {what}: {item!r}")
        seen.add(item)


def validate_world(world: DemoWorld) -> None:
    """Raise DemoDataError unless ids are unique and every reference points somewhere."""
    _unique((o.id for o in world.outlets), "outlet id")
    _unique((s.id for s in world.stories), "story id")
    _unique((a.id for a in world.articles), "article id")
    _unique((a.path for a in world.articles), "article path")
    stories = {s.id: s for s in world.stories}
    for story in world.stories:
        if not world.articles_in(story.id):
            raise DemoDataError(f"story {story.id} has no articles")
        if story.follows is not None:
            _validate_follow_up(world, story, stories)
    for article in world.articles:
        _validate_article(world, article)


def _validate_follow_up(
    world: DemoWorld, story: DemoStory, stories: Mapping[str, DemoStory]
) -> None:
    earlier = stories.get(story.follows or "")
    if earlier is None or earlier.id == story.id:
        raise DemoDataError(f"story {story.id}: follows unknown story {story.follows!r}")
    first_new = min(a.published for a in world.articles_in(story.id))
    first_old = min(a.published for a in world.articles_in(earlier.id))
    if first_new <= first_old:
        raise DemoDataError(f"story {story.id} must start after the story it follows")


def _validate_article(world: DemoWorld, article: DemoArticle) -> None:
    where = f"article {article.id}"
    if article.story not in {s.id for s in world.stories}:
        raise DemoDataError(f"{where}: unknown story {article.story!r}")
    if article.outlet not in {o.id for o in world.outlets}:
        raise DemoDataError(f"{where}: unknown outlet {article.outlet!r}")
    if article.copy_of is not None and article.copy_of not in {a.id for a in world.articles}:
        raise DemoDataError(f"{where}: copy_of unknown article {article.copy_of!r}")
    if article.copy_of is not None:
        original = world.article(article.copy_of)
        if original.copy_of is not None:
            raise DemoDataError(f"{where}: copies must name the original, not another copy")
        if original.outlet == article.outlet or original.story != article.story:
            raise DemoDataError(f"{where}: a copy must be in another outlet, same story")
        if article.published <= original.published:
            raise DemoDataError(f"{where}: a copy cannot appear before its original")
    has_marker = INJECTION_MARKER in article.body.lower()
    if has_marker != article.injection:
        raise DemoDataError(f"{where}: 'injection' flag does not match the body text")


@cache
def load_world() -> DemoWorld:
    """Load and validate the packaged demo world (cached: the data never changes at runtime)."""
    outlet_tables = _read_toml("outlets.toml").get("outlet", [])
    outlets = {o.id: o for o in map(_outlet, outlet_tables)}
    stories: list[DemoStory] = []
    articles: dict[str, DemoArticle] = {}
    for name in _story_files():
        doc = _read_toml(name)
        story = _story(doc.get("story", {}), name)
        stories.append(story)
        for table in doc.get("article", []):
            article = _article(table, story.id, outlets, articles)
            if article.id in articles:
                raise DemoDataError(f"duplicate article id: {article.id!r}")
            articles[article.id] = article
    world = DemoWorld(tuple(outlets.values()), tuple(stories), tuple(articles.values()))
    validate_world(world)
    return world


def expected_stories(
    base_url: str = "", world: DemoWorld | None = None
) -> tuple[ExpectedStory, ...]:
    """Ground truth per story. URLs are absolute when `base_url` is given, else paths."""
    world = world or load_world()
    return tuple(_expected(world, story, base_url) for story in world.stories)


def _expected(world: DemoWorld, story: DemoStory, base_url: str) -> ExpectedStory:
    articles = world.articles_in(story.id)
    copies: dict[str, list[str]] = {}
    for article in articles:
        if article.copy_of is not None:
            copies.setdefault(article.copy_of, []).append(article.url(base_url))
    syndicated = tuple(
        (world.article(original).url(base_url), tuple(urls)) for original, urls in copies.items()
    )
    return ExpectedStory(
        id=story.id,
        title=story.title,
        category=story.category,
        follows=story.follows,
        key_facts=story.key_facts,
        article_ids=tuple(a.id for a in articles),
        urls=tuple(a.url(base_url) for a in articles),
        syndicated=syndicated,
        paywalled_urls=tuple(a.url(base_url) for a in articles if a.paywalled),
        injection_urls=tuple(a.url(base_url) for a in articles if a.injection),
    )


def story_articles(story_id: str, world: DemoWorld | None = None) -> list[Article]:
    """A demo story's articles as the desk's records, without fetching them (URLs are the
    server paths); for tests and benchmarks of the stages after ingest."""
    world = world or load_world()
    return [
        Article(
            url=a.path,
            canonical_url=a.path,
            outlet=world.outlet(a.outlet).name,
            title=a.title,
            authors=a.authors,
            published=a.published,
            body=a.body,
            lang="en",
            status=ItemStatus.PAYWALL if a.paywalled else ItemStatus.OK,
        )
        for a in world.articles_in(story_id)
    ]
