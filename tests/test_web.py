"""The web site, feeds, JSON API, static publishing, export and scheduler, tested in-process.

The store is filled by `newsdesk.demo.fixtures`: the demo world's stories "written" by quoting
their sources, plus one story whose every field carries a script payload.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from newsdesk.cli.main import app as cli_app
from newsdesk.cli.web import scheduled_run
from newsdesk.demo.fixtures import (
    HELD_STORY,
    HELD_UPDATE_STORY,
    HOSTILE_STORY,
    UPDATED_STORY,
    VOICED_STORY,
    add_hostile_story,
    fill_store,
    version_from_payload,
)
from newsdesk.errors import ConfigError, RunLockedError
from newsdesk.formats.house import parse_house
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.migrations import MIGRATIONS, _003_search
from newsdesk.store.search import data_version, fts_query, search_stories
from newsdesk.web import Scheduler, create_app, export_text, parse_interval, publish_site
from newsdesk.web.model import load_site
from newsdesk.web.safety import clean_html, safe_url
from newsdesk.web.scheduler import SchedulerState


def _filled(path: Path) -> Path:
    with Store(path) as store:
        fill_store(store)
        add_hostile_story(store)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _filled(tmp_path_factory.mktemp("web") / "newsdesk.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


@pytest.fixture
def fresh_db(tmp_path: Path) -> Path:
    """A store of its own, for tests that write to it."""
    return _filled(tmp_path / "newsdesk.db")


class Elements(HTMLParser):
    """Every element of a page as the browser's parser would see it: tags, links, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k in ("href", "src") and v]
        self.handlers += [k for k, _ in attrs if k.startswith("on")]


def elements_of(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def links_of(page: str) -> list[str]:
    return elements_of(page).links


# -- pages -----------------------------------------------------------------------------------
def test_front_page_ranks_stories_and_lists_categories(client: TestClient) -> None:
    page = client.get("/").text
    assert client.get("/index.html").text == page
    lead = re.search(r'class="card-title"><a href="([^"]+)">', page)
    assert lead is not None and lead.group(1) == "story/flood-fund.html"
    for name in ("Politics", "Health", "Science", "National", "Business"):
        assert f">{name}</a>" in page
    assert HELD_STORY not in page


def test_every_link_is_relative_or_http(client: TestClient) -> None:
    for path in ("/", "/story/ferry-report.html", "/category/politics.html", "/status.html"):
        for link in links_of(client.get(path).text):
            assert not link.startswith("/"), f"{path}: root-relative link {link}"
            assert "://" not in link or link.startswith(("http://", "https://")), link


def test_category_page_holds_only_its_stories(client: TestClient) -> None:
    page = client.get("/category/politics.html").text
    assert "Northern Coast Rail Link" in page and "Corran Star" not in page
    assert 'aria-current="page">Politics' in page
    assert client.get("/category/nothing-here.html").status_code == 404


def test_story_page_shows_article_citations_sources_thread_and_voices(client: TestClient) -> None:
    response = client.get(f"/story/{VOICED_STORY}.html")
    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and "Corran Star sailed with a broken echo sounder" in page
    # Each cited sentence links to its note, which quotes the source and names the outlet.
    assert len(re.findall(r'class="cite" id="ref-\d+"', page)) == 6
    assert page.count('<li id="cite-') == 6
    assert "Meridian Wire</a>" in page
    # Sources grouped by outlet, with links and times.
    assert re.search(r"<h3>The Harbour Herald</h3>\s*<ul>\s*<li>\s*<a href=\"https://", page)
    assert '<time datetime="2026-03-06T' in page
    # The thread links back to the story it follows.
    assert 'href="../story/ferry-aground.html"' in page
    # Voices, with their headings.
    assert "<summary>Explainer</summary>" in page and "<h3>What happened</h3>" in page


def test_story_page_shows_the_newest_published_version_only(client: TestClient) -> None:
    updated = client.get(f"/story/{UPDATED_STORY}.html").text
    assert "(updated)</h1>" in updated and "Version 2 (shown)" in updated
    held_update = client.get(f"/story/{HELD_UPDATE_STORY}.html").text
    assert "Version 1 (shown)" in held_update
    assert "a rewrite that contradicts" not in held_update
    assert client.get(f"/story/{HELD_STORY}.html").status_code == 404


def test_unknown_story_is_a_404_page(client: TestClient) -> None:
    response = client.get("/story/no-such-story.html")
    assert response.status_code == 404
    assert "Not found" in response.text and 'href="../index.html"' in response.text


def test_unknown_paths_are_the_html_404_page_and_api_paths_stay_json(
    client: TestClient,
) -> None:
    page_headers = client.get("/").headers
    for path in ("/no/such/page", "/static/missing.css", "/category/nothing.atom", "/api2"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "text/html; charset=utf-8", path
        for header in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert response.headers[header] == page_headers[header], (path, header)
        assert "<h1>Not found</h1>" in response.text and "detail" not in response.text
    # Its links are relative to where it was asked for, so they lead back into the site.
    page = client.get("/no/such/page").text
    for link in links_of(page):
        if not link.startswith("#"):
            target = urljoin("http://testserver/no/such/page", link)
            assert client.get(target).status_code == 200, link
    head = client.head("/no/such/page")
    assert head.status_code == 404 and head.content == b""
    assert head.headers["content-type"] == "text/html; charset=utf-8"
    for path in ("/api/v1/no-such-thing", "/api/nothing", "/api"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json", path
        assert response.json() == {"detail": "Not Found"}
    story = client.get("/api/v1/stories/no-such-story")
    assert story.status_code == 404
    assert story.json() == {"detail": "no published story has this id"}


def test_search_finds_published_stories_with_highlights(client: TestClient) -> None:
    page = client.get("/search.html", params={"q": "echo sounder"}).text
    assert "story/ferry-report.html" in page
    assert "<mark>echo</mark>" in page.lower() or "<mark>Echo</mark>" in page
    # Held-back text is never found, and FTS syntax in the query is taken as plain words.
    assert "2 stories match" not in client.get("/search.html", params={"q": "rewrite"}).text
    for odd in ('"', "AND OR NOT", "*", "col:x", "NEAR(a b)", "'; DROP TABLE x; --", "\x00"):
        assert client.get("/search.html", params={"q": odd}).status_code == 200
    assert "Type words" in client.get("/search.html").text


def test_status_page_shows_feeds_runs_and_held_stories(client: TestClient) -> None:
    response = client.get("/status.html")
    page = response.text
    assert response.headers["cache-control"] == "no-cache"
    assert "Storm Edda: a rewrite that contradicts its sources" in page
    assert "1 sentence contradicts its source" in page
    assert "2 of 8 sentences have no supporting source" in page
    assert "The Harbour Herald" in page and "feeds_ok=8" in page
    assert "No run is in progress" in page


def test_status_page_shows_a_run_in_progress(fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        store.start_run()
    with TestClient(create_app(fresh_db)) as test_client:
        assert "A run is in progress" in test_client.get("/status.html").text


# -- escaping ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [f"/story/{HOSTILE_STORY}.html", "/", "/category/world.html", "/search.html?q=harbour"],
)
def test_outside_text_is_escaped(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert "Harbour &lt;script&gt;" in response.text
    found = elements_of(response.text)
    assert "script" not in found.tags and "img" not in found.tags and "b" not in found.tags
    assert found.handlers == []
    assert not [link for link in found.links if "javascript" in link.lower()]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_feeds_and_api_carry_no_live_markup(client: TestClient) -> None:
    contents = []
    for path in ("/feed.atom", "/category/world.atom"):
        body = client.get(path).text
        assert "javascript:" not in body
        hostile = next(e for e in feedparser.parse(body).entries if "Harbour" in e.title)
        contents.append(hostile.content[0].value)
    items = client.get("/feed.json").json()["items"]
    contents.append(next(i["content_html"] for i in items if "Harbour" in i["title"]))
    for content in contents:
        found = elements_of(content)
        assert {"script", "img", "b"}.isdisjoint(found.tags) and found.handlers == []
        assert not [link for link in found.links if not link.startswith("http")]
    detail = client.get(f"/api/v1/stories/{HOSTILE_STORY}").json()
    assert {s["url"] for s in detail["sources"]} == {None}
    assert {c["url"] for s in detail["sentences"] for c in s["citations"]} == {None}


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/a?b=1", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.com/x", False),
        ("/relative", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url_keeps_http_links_only(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


def test_clean_html_strips_scripts_and_bad_links() -> None:
    cleaned = clean_html('<p onclick="x()">a<script>b</script><a href="javascript:c">d</a></p>')
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned


# -- feeds -------------------------------------------------------------------------------------
def test_atom_feed_round_trips_through_feedparser(client: TestClient) -> None:
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids)) == 20
    assert all(i.startswith("tag:newsdesk,2026:story/") for i in ids)
    first = parsed.entries[0]
    assert first.updated_parsed and first.published_parsed and first.link.startswith("http")
    updated = next(e for e in parsed.entries if e.id.endswith(f"/{UPDATED_STORY}"))
    assert updated.title.endswith("(updated)") and updated.updated > updated.published
    # Ids do not depend on the host the feed was fetched from.
    other = feedparser.parse(client.get("/feed.atom", headers={"host": "example.org"}).content)
    assert [e.id for e in other.entries] == ids


def test_category_atom_feed(client: TestClient) -> None:
    parsed = feedparser.parse(client.get("/category/politics.atom").content)
    assert not parsed.bozo
    assert {tag.term for e in parsed.entries for tag in e.tags} == {"politics"}
    assert client.get("/category/nothing.atom").status_code == 404


def test_json_feed_has_the_required_fields(client: TestClient) -> None:
    response = client.get("/feed.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["feed_url"].endswith("/feed.json")
    assert feed["home_page_url"].startswith("http")
    items = feed["items"]
    assert len(items) == 20 and len({i["id"] for i in items}) == 20
    for item in items:
        assert isinstance(item["id"], str) and item["url"].startswith("http")
        assert item["content_html"] and item["content_text"]
        for key in ("date_published", "date_modified"):
            datetime.fromisoformat(item[key].replace("Z", "+00:00"))
    dates = [i["date_modified"] for i in items]
    assert dates == sorted(dates, reverse=True)
    politics = client.get("/category/politics.json").json()
    assert {i["tags"][0] for i in politics["items"]} == {"Politics"}


# -- API ---------------------------------------------------------------------------------------
def test_api_lists_stories_with_pagination(client: TestClient) -> None:
    first = client.get("/api/v1/stories", params={"per_page": 5}).json()
    assert first["total"] == 20 and len(first["stories"]) == 5 and first["page"] == 1
    second = client.get(first["next"]).json()
    assert second["page"] == 2
    assert not {s["id"] for s in first["stories"]} & {s["id"] for s in second["stories"]}
    last = client.get("/api/v1/stories", params={"per_page": 6, "page": 4}).json()
    assert len(last["stories"]) == 2 and last["next"] is None


def test_api_filters(client: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        response = client.get("/api/v1/stories", params={**params, "per_page": "100"})
        return {s["id"] for s in response.json()["stories"]}

    assert (
        ids(category="Politics")
        == ids(category="politics")
        == {
            "rail-link-vote",
            "rail-link-challenge",
            "flood-fund",
        }
    )
    assert ids(q="echo sounder") == {"ferry-report"}
    assert ids(since="2026-03-11T00:00:00Z") == {"flood-fund", "measles-rise", "tax-app-outage"}
    assert ids(category="health", since="2026-03-11T00:00:00") == {"measles-rise"}


def test_api_story_detail(client: TestClient) -> None:
    detail = client.get(f"/api/v1/stories/{VOICED_STORY}").json()
    assert detail["title"].startswith("Inquiry: Corran Star")
    assert detail["follows"] == "ferry-aground"
    assert [t["id"] for t in detail["thread"]] == ["ferry-aground", "ferry-report"]
    assert len(detail["sentences"]) == 6
    assert all(s["citations"][0]["quote"] == s["text"] for s in detail["sentences"])
    assert {s["outlet"] for s in detail["sources"]} >= {"Meridian Wire", "The Harbour Herald"}
    assert detail["voices"][0]["name"] == "Explainer"
    held = client.get(f"/api/v1/stories/{HELD_UPDATE_STORY}").json()
    assert [v["version"] for v in held["versions"]] == [1]  # the held v2 is not public
    assert client.get(f"/api/v1/stories/{HELD_STORY}").status_code == 404


def test_api_rejects_bad_parameters(client: TestClient) -> None:
    assert client.get("/api/v1/stories", params={"page": 0}).status_code == 422
    assert client.get("/api/v1/stories", params={"per_page": 1000}).status_code == 422
    assert client.get("/api/v1/stories", params={"since": "yesterday"}).status_code == 422


def test_openapi_schema_is_served_and_valid(db: Path) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(db))
    schema.validate()  # against the OpenAPI meta-schema
    paths = set(schema.raw_schema["paths"])
    assert paths == {"/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/categories"}


def test_api_conforms_to_its_schema(db: Path) -> None:
    """Schemathesis: generated requests to every operation; no 5xx, responses as documented."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(db))
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()


# -- HTTP caching ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/", f"/story/{VOICED_STORY}.html", "/feed.atom", "/api/v1/stories"]
)
def test_conditional_requests(client: TestClient, path: str) -> None:
    response = client.get(path)
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert client.get(path).headers["etag"] == etag  # stable while nothing changes
    again = client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get(path, headers={"if-modified-since": modified}).status_code == 304
    past = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get(path, headers={"if-modified-since": past}).status_code == 200


def test_pages_and_feeds_answer_head(client: TestClient) -> None:
    for path in ("/", f"/story/{VOICED_STORY}.html", "/feed.atom", "/status.html"):
        response = client.head(path)
        assert response.status_code == 200 and response.content == b""
        assert response.headers["etag"] == client.get(path).headers["etag"]


def test_new_versions_show_up_and_change_the_etag(fresh_db: Path) -> None:
    with TestClient(create_app(fresh_db, refresh_seconds=0)) as test_client:
        etag = test_client.get("/").headers["etag"]
        with Store(fresh_db) as store:
            (shown,) = [v for v in store.versions(VOICED_STORY) if v.published]
            payload = {**json.loads(shown.payload), "title": "Corran Star inquiry: quokka report"}
            store.save_version(
                version_from_payload(VOICED_STORY, payload, created_at=datetime.now(UTC))
            )
        assert test_client.get("/").headers["etag"] != etag
        assert "quokka report" in test_client.get(f"/story/{VOICED_STORY}.html").text
        found = test_client.get("/search.html", params={"q": "quokka"}).text
        assert f"story/{VOICED_STORY}.html" in found


# -- the store: search index and change marker ---------------------------------------------------
def test_fts_query_quotes_every_word() -> None:
    assert fts_query('echo "sounder" OR x*') == '"echo" "sounder" "OR" "x"*'
    assert fts_query("  ,;  ") is None


def test_search_index_follows_version_writes(fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        before = data_version(store)
        assert search_stories(store, "quokka").total == 0
        payload = json.loads(store.versions(HELD_STORY)[0].payload)
        held = {**payload, "title": "A quokka on the slipway"}
        store.save_version(
            version_from_payload(
                HELD_STORY, held, created_at=datetime.now(UTC), published=False, reasons=["x"]
            )
        )
        assert search_stories(store, "quokka").total == 0  # held back: not searchable
        store.save_version(version_from_payload(HELD_STORY, held, created_at=datetime.now(UTC)))
        result = search_stories(store, "quokka")
        assert [h.story_id for h in result.hits] == [HELD_STORY] and result.hits[0].version == 3
        assert data_version(store) != before
        store.db.execute("DELETE FROM story_versions WHERE story_id = ?", (HELD_STORY,))
        assert search_stories(store, "quokka").total == 0


def test_search_migration_indexes_existing_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        fill_store(store)
    db = sqlite3.connect(path)
    for trigger in ("insert", "delete", "update"):  # back to the schema before migration 003
        db.execute(f"DROP TRIGGER story_search_{trigger}")
    db.execute("DROP TABLE story_search")
    db.execute("UPDATE schema_version SET version = ?", (MIGRATIONS.index(_003_search),))
    db.commit()
    db.close()
    with Store(path) as store:
        assert search_stories(store, "echo sounder").total == 1


# -- the read model ------------------------------------------------------------------------------
def test_unreadable_payload_falls_back_and_is_reported(fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        good = [v for v in store.versions(VOICED_STORY) if v.published][-1]
        broken = version_from_payload(
            VOICED_STORY, json.loads(good.payload), created_at=datetime.now(UTC)
        )
        from dataclasses import replace

        store.save_version(replace(broken, payload='{"title": 1}'))
        site = load_site(store)
    assert site.by_id[VOICED_STORY].version == good.version
    assert any(p.startswith(f"{VOICED_STORY} v2: payload unreadable") for p in site.problems)


def test_more_outlets_and_newer_stories_rank_higher(db: Path) -> None:
    with Store(db) as store:
        site = load_site(store)
    scores = {s.id: s for s in site.stories}
    same_day = [scores["storm-edda"], scores["cup-final"]]  # both 9 March, 5 outlets
    assert all(s.outlet_count == 5 for s in same_day)
    assert scores["storm-edda"].score > scores["cup-final"].score  # later that day
    assert scores["rate-hold"].score > scores["korvia-fishing"].score  # 6 outlets vs 1
    assert [s.score for s in site.stories] == sorted((s.score for s in site.stories), reverse=True)


# -- publish and export --------------------------------------------------------------------------
def test_publish_writes_a_site_whose_links_all_resolve(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Store(db) as store:
        written = publish_site(store, out, base_url="https://news.example/desk")
    assert written > 40
    pages = list(out.rglob("*.html"))
    assert out / "index.html" in pages and out / f"story/{VOICED_STORY}.html" in pages
    for page in pages:
        for link in links_of(page.read_text(encoding="utf-8")):
            if link.startswith(("http://", "https://", "#")):
                continue
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(out)} links to missing {link}"
    assert 'role="search"' not in (out / "index.html").read_text()  # no server to search
    feed = json.loads((out / "feed.json").read_text())
    assert feed["items"][0]["url"].startswith("https://news.example/desk/story/")
    assert not feedparser.parse((out / "category/politics.atom").read_bytes()).bozo
    listing = json.loads((out / "api/v1/stories.json").read_text())
    assert listing["total"] == 20
    detail = json.loads((out / f"api/v1/stories/{VOICED_STORY}.json").read_text())
    assert detail["id"] == VOICED_STORY


def test_publish_writes_a_404_page_for_static_hosts(db: Path, tmp_path: Path) -> None:
    relative, absolute = tmp_path / "relative", tmp_path / "absolute"
    with Store(db) as store:
        publish_site(store, relative)
        publish_site(store, absolute, base_url="https://news.example/desk")
    page = (relative / "404.html").read_text(encoding="utf-8")
    assert "<h1>Not found</h1>" in page and 'href="index.html"' in page
    for link in links_of(page):  # without a base URL: relative to the site's top
        if not link.startswith("#"):
            assert (relative / link).is_file(), link
    # With one, absolute: a host shows 404.html for a missing page at any depth.
    page = (absolute / "404.html").read_text(encoding="utf-8")
    assert 'href="https://news.example/desk/index.html"' in page
    assert 'href="https://news.example/desk/static/site.css"' in page
    assert all(link.startswith(("https://news.example/desk/", "#")) for link in links_of(page)), (
        links_of(page)
    )


def test_export_writes_each_story_in_the_house_layout(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        assert export_text(store, tmp_path) == 20
        shown = {v.story_id: v for v in store.versions() if v.published}
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) == 20 and not (tmp_path / f"{HELD_STORY}.txt").exists()
    text = (tmp_path / f"{UPDATED_STORY}.txt").read_text(encoding="utf-8")
    assert text == shown[UPDATED_STORY].text and not text.endswith("\n")
    article = parse_house(text)
    assert article.title.endswith("(updated)") and article.category == "National"
    assert len(article.related) == 5


def test_cli_publish_and_export(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(db.parent)]
    result = runner.invoke(cli_app, [*base, "publish", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site/index.html").is_file()
    result = runner.invoke(
        cli_app, [*base, "export", "--format", "text", "--out", str(tmp_path / "t")]
    )
    assert result.exit_code == 0 and "wrote 20 stories" in result.output
    result = runner.invoke(cli_app, [*base, "export", "--format", "pdf", "--out", str(tmp_path)])
    assert result.exit_code == 2


# -- scheduler ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("2d", timedelta(days=2)),
        ("20", timedelta(minutes=20)),
    ],
)
def test_parse_interval(text: str, expected: timedelta) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "15x", "0s", "m15", "15m later"])
def test_parse_interval_rejects_nonsense(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_interval(text)


def test_scheduler_runs_on_schedule_and_survives_failures() -> None:
    calls: list[int] = []

    def run() -> str:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("feed server down")
        return f"run {len(calls)}"

    scheduler = Scheduler(run, timedelta(seconds=0.05))
    with scheduler:
        deadline = datetime.now() + timedelta(seconds=5)
        while len(calls) < 3 and datetime.now() < deadline:
            threading.Event().wait(0.01)
    assert len(calls) >= 3
    state = scheduler.state()
    assert state.completed >= 3 and not state.running and state.next_run is not None


def test_scheduler_state_shows_a_run_in_progress(db: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def run() -> str:
        started.set()
        release.wait(5)
        return "done"

    scheduler = Scheduler(run, timedelta(hours=1))
    with TestClient(create_app(db, scheduler=scheduler)) as test_client, scheduler:
        assert started.wait(5)
        state: SchedulerState = scheduler.state()
        assert state.running
        page = test_client.get("/status.html").text
        assert "A run is in progress" in page and "Scheduled every 1h" in page
        release.set()
    assert scheduler.state().last_result == "ok: done"
    assert scheduler.run_once().startswith("ok")


def test_scheduled_run_refuses_while_another_run_writes(fresh_db: Path) -> None:
    settings = Settings(data_dir=fresh_db.parent)
    with Store(fresh_db) as holder:
        holder.acquire_writer()
        with pytest.raises(RunLockedError):
            scheduled_run(settings)
        scheduler = Scheduler(lambda: scheduled_run(settings), timedelta(hours=1))
        assert scheduler.run_once().startswith("skipped: another newsdesk run is writing")


@pytest.mark.parametrize(
    ("since", "everything"),
    [("0001-01-01T00:00:21+20:01", True), ("9999-12-31T23:59:00-05:00", False)],
)
def test_since_beyond_the_calendar_in_utc_is_the_first_or_last_instant(
    client: TestClient, since: str, everything: bool
) -> None:
    """Found by the schema test: a `since` whose UTC instant falls outside years 1-9999."""
    response = client.get("/api/v1/stories", params={"since": since, "per_page": 100})
    assert response.status_code == 200
    listed = response.json()
    everything_listed = client.get("/api/v1/stories", params={"per_page": 100}).json()
    assert listed == everything_listed if everything else listed["stories"] == []
