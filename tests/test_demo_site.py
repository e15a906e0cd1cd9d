"""The demo world: enough variety to exercise the desk, and a server that behaves like the web."""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from email.utils import format_datetime
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from newsdesk.demo import (
    DemoArticle,
    DemoServer,
    DemoWorld,
    build_pages,
    build_site,
    expected_stories,
    load_world,
)
from newsdesk.demo.world import INJECTION_MARKER, DemoDataError, validate_world

BASE = "http://127.0.0.1:9"  # for pages rendered without a server; never fetched


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return load_world()


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        yield http


def _full_articles(world: DemoWorld) -> list[DemoArticle]:
    return [a for a in world.articles if not a.paywalled]


# --- the content ---------------------------------------------------------------------------


def test_world_is_big_and_varied_enough(world: DemoWorld) -> None:
    assert len(world.outlets) >= 7
    assert len(world.articles) >= 64
    assert len(world.stories) >= 13
    assert len({a.published.date() for a in world.articles}) >= 6
    assert len({s.category for s in world.stories}) >= 8
    assert len({o.name for o in world.outlets}) == len(world.outlets)
    assert len({o.hostname for o in world.outlets}) == len(world.outlets)
    assert len({o.template for o in world.outlets}) == len(world.outlets)


def test_feed_formats_cover_rss_atom_json_and_one_broken(world: DemoWorld) -> None:
    formats = Counter(o.feed_format for o in world.outlets)
    assert formats["rss"] >= 2
    assert formats["atom"] >= 2
    assert formats["json"] >= 1
    assert formats["broken-rss"] == 1


def test_articles_are_full_length_with_several_paragraphs(world: DemoWorld) -> None:
    for article in _full_articles(world):
        assert 180 <= article.word_count <= 400, article.id
        assert 4 <= len(article.paragraphs) <= 8, article.id
        assert article.authors, article.id
        assert article.published.tzinfo is not None


def test_multi_outlet_stories_have_one_article_per_outlet(world: DemoWorld) -> None:
    sizes = []
    for story in world.stories:
        outlets = [a.outlet for a in world.articles_in(story.id)]
        assert len(outlets) == len(set(outlets)), story.id
        sizes.append(len(outlets))
    assert sum(3 <= n <= 7 for n in sizes) >= 10
    assert sum(n == 1 for n in sizes) >= 3  # singletons


def test_shared_facts_are_stated_identically_across_outlets(world: DemoWorld) -> None:
    for story in world.stories:
        if len(world.articles_in(story.id)) > 1:
            assert story.key_facts, story.id
        for article in world.articles_in(story.id):
            if not article.paywalled:
                for fact in story.key_facts:
                    assert fact in article.body, (article.id, fact)


def test_wire_story_is_syndicated_on_at_least_four_other_sites(world: DemoWorld) -> None:
    copies = [a for a in world.articles if a.copy_of is not None]
    by_original = Counter(a.copy_of for a in copies)
    original_id, count = by_original.most_common(1)[0]
    assert count >= 4
    original = world.article(original_id)
    for copy in (a for a in copies if a.copy_of == original_id):
        assert copy.outlet != original.outlet
        assert original.body in copy.body  # verbatim, perhaps with a line added
        assert copy.story == original.story
    assert any(c.title != original.title for c in copies)  # one outlet changed the headline
    assert any(c.body != original.body for c in copies)  # one outlet added a line


def test_follow_ups_continue_an_earlier_story(world: DemoWorld) -> None:
    follow_ups = [s for s in world.stories if s.follows is not None]
    assert len(follow_ups) >= 3
    for story in follow_ups:
        earlier = world.story(story.follows or "")
        first_new = min(a.published for a in world.articles_in(story.id))
        last_old = max(a.published for a in world.articles_in(earlier.id))
        assert (first_new - last_old).days >= 1, story.id  # days later, not the same news cycle
        assert len(world.articles_in(story.id)) >= 3


def test_one_paywall_stub_in_a_covered_story(world: DemoWorld) -> None:
    (stub,) = [a for a in world.articles if a.paywalled]
    assert stub.word_count < 120
    assert len(world.articles_in(stub.story)) >= 3


def test_one_prompt_injection_inside_an_otherwise_normal_article(world: DemoWorld) -> None:
    (injected,) = [a for a in world.articles if a.injection]
    assert INJECTION_MARKER in injected.body.lower()
    assert len(world.articles_in(injected.story)) >= 3
    assert sum(INJECTION_MARKER in p.lower() for p in injected.paragraphs) == 1


def test_expected_stories_cover_every_article_once(world: DemoWorld) -> None:
    truth = expected_stories("http://example.test:8080/")
    ids = [i for story in truth for i in story.article_ids]
    assert sorted(ids) == sorted(a.id for a in world.articles)
    urls = [u for story in truth for u in story.urls]
    assert all(u.startswith("http://example.test:8080/") for u in urls)
    assert len(set(urls)) == len(urls)
    assert sum(len(s.paywalled_urls) for s in truth) == 1
    assert sum(len(s.injection_urls) for s in truth) == 1
    assert any(len(copies) >= 4 for s in truth for _, copies in s.syndicated)
    assert expected_stories()[0].urls[0].startswith("/")


def test_validation_accepts_the_packaged_world(world: DemoWorld) -> None:
    validate_world(world)
    moved = replace(world.articles[0], path="/elsewhere")
    validate_world(replace(world, articles=(*world.articles[1:], moved)))


@pytest.mark.parametrize(
    "change",
    [
        {"story": "no-such-story"},
        {"outlet": "no-such-outlet"},
        {"copy_of": "no-such-article"},
        {"id": "hh-ferry-report"},  # duplicate id
        {"injection": True},  # flag without the text
    ],
)
def test_validation_rejects_inconsistent_data(world: DemoWorld, change: dict[str, object]) -> None:
    broken = replace(world.articles[0], path="/elsewhere", **change)  # type: ignore[arg-type]
    with pytest.raises(DemoDataError):
        validate_world(replace(world, articles=(*world.articles[1:], broken)))


def test_validation_rejects_a_follow_up_that_does_not_follow(world: DemoWorld) -> None:
    story = next(s for s in world.stories if s.follows is None)
    looped = replace(story, follows=story.id)
    stories = tuple(looped if s.id == story.id else s for s in world.stories)
    with pytest.raises(DemoDataError):
        validate_world(replace(world, stories=stories))


# --- rendering -----------------------------------------------------------------------------


def test_article_pages_contain_title_body_and_clean_canonical(world: DemoWorld) -> None:
    site = build_site(BASE)
    for article in world.articles:
        body, content_type = site[article.path]
        page = body.decode()
        assert content_type.startswith("text/html")
        assert html.escape(article.title) in page, article.id
        for paragraph in article.paragraphs:
            assert html.escape(paragraph) in page, article.id
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page)
        assert canonical is not None and canonical.group(1) == article.url(BASE)
        assert "utm_" not in canonical.group(1)


def test_pages_escape_text(world: DemoWorld) -> None:
    site = build_site(BASE)
    article = next(a for a in world.articles if "&" in a.title)
    page = site[article.path][0].decode()
    assert html.escape(article.title) in page
    assert f">{article.title}<" not in page


def test_json_ld_where_present_parses_and_marks_the_paywall(world: DemoWorld) -> None:
    site = build_site(BASE)
    seen = 0
    for article in world.articles:
        page = site[article.path][0].decode()
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
            data = json.loads(block)
            nodes = data.get("@graph", [data])
            (news,) = [n for n in nodes if n["@type"] == "NewsArticle"]
            assert news["headline"] == article.title
            assert news["isAccessibleForFree"] is (not article.paywalled)
            seen += 1
    assert seen >= len(world.articles) // 3
    stub = next(a for a in world.articles if a.paywalled)
    page = site[stub.path][0].decode()
    assert "Subscribe to continue reading" in page
    assert '"isAccessibleForFree": false' in page


def test_outlets_use_different_markup(world: DemoWorld) -> None:
    site = build_site(BASE)
    skeletons = set()
    for outlet in world.outlets:
        page = site[world.articles_of(outlet.id)[0].path][0].decode()
        skeletons.add(tuple(re.findall(r"<(article|section|table|main|aside|div)\b", page)[:12]))
    assert len(skeletons) == len(world.outlets)


def test_good_xml_feeds_are_well_formed_and_parse(world: DemoWorld) -> None:
    site = build_site(BASE)
    for outlet in world.outlets:
        if outlet.feed_format not in {"rss", "atom"}:
            continue
        body, _ = site[outlet.feed_url_path]
        ET.fromstring(body)  # raises on malformed XML
        parsed = feedparser.parse(body)
        assert not parsed.bozo, outlet.id
        assert parsed.version == ("rss20" if outlet.feed_format == "rss" else "atom10")
        articles = world.articles_of(outlet.id)
        assert len(parsed.entries) == len(articles)
        for entry, article in zip(parsed.entries, articles, strict=True):
            assert entry.title == article.title
            assert entry.link.split("?")[0] == article.url(BASE)
            assert entry.summary == article.summary
            assert entry.author
            assert entry.published_parsed is not None


def test_json_feeds_follow_json_feed_1_1(world: DemoWorld) -> None:
    site = build_site(BASE)
    for outlet in (o for o in world.outlets if o.feed_format == "json"):
        body, content_type = site[outlet.feed_url_path]
        assert content_type == "application/feed+json"
        feed = json.loads(body)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] == outlet.name
        items = feed["items"]
        assert [i["title"] for i in items] == [a.title for a in world.articles_of(outlet.id)]
        for item in items:
            assert item["id"] and item["url"] and item["date_published"] and item["authors"]
            assert "content_html" in item or "content_text" in item


def test_broken_feed_is_malformed_but_recoverable(world: DemoWorld) -> None:
    (outlet,) = [o for o in world.outlets if o.feed_format == "broken-rss"]
    body, _ = build_site(BASE)[outlet.feed_url_path]
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)
    parsed = feedparser.parse(body)
    assert parsed.bozo
    links = {e.get("link") for e in parsed.entries if e.get("link")}
    assert len(links) >= 2
    assert links <= {a.url(BASE) for a in world.articles_of(outlet.id)}


def test_home_pages_advertise_their_feed_and_list_articles(world: DemoWorld) -> None:
    site = build_site(BASE)
    for outlet in world.outlets:
        page = site[outlet.home_path][0].decode()
        assert 'rel="alternate" type="' in page
        assert f'href="{outlet.feed_url_path}"' in page
        for article in world.articles_of(outlet.id):
            assert f'href="{article.path}"' in page


def test_robots_txt_allows_all_but_private_paths(world: DemoWorld) -> None:
    robots = build_site(BASE)["/robots.txt"][0].decode()
    assert "User-agent: *" in robots
    assert "Allow: /" in robots
    for outlet in world.outlets:
        if outlet.private_path:
            assert f"Disallow: /{outlet.id}/{outlet.private_path}" in robots


def test_build_is_deterministic() -> None:
    assert build_site(BASE) == build_site(BASE)


# --- the server ----------------------------------------------------------------------------


def _feed_links(client: httpx.Client, outlet_format: str, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    if outlet_format == "json":
        return [item["url"] for item in response.json()["items"]]
    return [e.link for e in feedparser.parse(response.content).entries if e.get("link")]


def test_every_feed_link_resolves_to_its_article(
    server: DemoServer, client: httpx.Client, world: DemoWorld
) -> None:
    checked = 0
    for outlet in world.outlets:
        links = _feed_links(client, outlet.feed_format, server.url(outlet.feed_url_path))
        assert len(links) >= 2, outlet.id
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, link
            assert response.headers["content-type"].startswith("text/html")
            canonical = link.split("?")[0]
            article = next(a for a in world.articles if a.url(server.base_url) == canonical)
            assert html.escape(article.title) in response.text
            assert f'href="{canonical}"' in response.text
            checked += 1
    assert checked >= len(world.articles)


def test_conditional_get_answers_304(server: DemoServer, client: httpx.Client) -> None:
    path = server.world.outlets[0].feed_url_path
    first = client.get(path)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]

    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    older = format_datetime(server.last_modified(path).replace(year=2025), usegmt=False)
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag


def test_gzip_only_when_accepted(server: DemoServer) -> None:
    path = server.world.articles[0].path
    with httpx.Client(base_url=server.base_url) as http:
        zipped = http.get(path, headers={"Accept-Encoding": "gzip"})
        plain = http.get(path, headers={"Accept-Encoding": "identity"})
        refused = http.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == plain.text  # httpx decodes transparently
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    assert zipped.headers["etag"] != plain.headers["etag"]


def test_gzip_body_is_really_gzip(server: DemoServer) -> None:
    path = server.world.articles[0].path
    with (
        httpx.Client(base_url=server.base_url) as http,
        http.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response,
    ):
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw).decode().startswith("<!")


def test_unknown_paths_404_and_home_without_slash_redirects(
    server: DemoServer, client: httpx.Client
) -> None:
    assert client.get("/no/such/page").status_code == 404
    assert client.head("/no/such/page").status_code == 404
    moved = client.get("/harbour-herald")
    assert moved.status_code == 301
    assert moved.headers["location"] == "/harbour-herald/"
    head = client.head(server.world.articles[0].path)
    assert head.status_code == 200 and head.content == b""


def test_tracking_parameters_are_ignored_when_routing(
    server: DemoServer, client: httpx.Client
) -> None:
    article = server.world.articles[0]
    assert client.get(article.path + "?utm_source=test&utm_medium=x").status_code == 200


def test_feed_urls_and_opml_list_every_outlet(server: DemoServer, client: httpx.Client) -> None:
    feeds = server.feed_urls()
    assert len(feeds) == len(server.world.outlets)
    outlines = ET.fromstring(server.opml()).findall("./body/outline")
    assert [(o.get("title"), o.get("xmlUrl")) for o in outlines] == feeds
    assert client.get("/feeds.opml").content == server.opml()
    for _, url in feeds:
        assert urlsplit(url).hostname == "127.0.0.1"
        assert client.get(url).status_code == 200


def test_server_expected_stories_use_its_base_url(server: DemoServer) -> None:
    truth = server.expected_stories()
    assert all(u.startswith(server.base_url + "/") for s in truth for u in s.urls)


def test_server_closes_cleanly_and_twice() -> None:
    demo = DemoServer().start()
    url = demo.url("/robots.txt")
    assert httpx.get(url).status_code == 200
    demo.close()
    demo.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)
    DemoServer().close()  # never started: still releases its socket


def test_pages_have_last_modified_from_the_content(world: DemoWorld) -> None:
    pages = build_pages(BASE, world)
    article = next(a for a in world.articles if a.updated is not None)
    assert pages[article.path].last_modified == article.updated
    outlet = world.outlet(article.outlet)
    assert pages[outlet.feed_url_path].last_modified == max(
        a.modified for a in world.articles_of(outlet.id)
    )
