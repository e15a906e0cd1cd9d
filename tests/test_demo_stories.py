"""The demo, end to end with the real embedding model and NER: the stories come out right and
nothing unsupported is published."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.demo import DemoServer
from newsdesk.formats.house import parse_house_file
from newsdesk.pipeline import Pipeline
from newsdesk.records import Story, StoryVersion
from newsdesk.settings import Settings
from newsdesk.store import Store


@pytest.fixture(scope="module")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer
) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("demo")
    opml = root / "feeds.opml"
    opml.write_bytes(demo_server.opml())
    settings = Settings(
        data_dir=root / "data",
        feeds_file=opml,
        allow_private_addresses=True,
        politeness_delay=0.0,
        writer="extractive",  # the embedded LLM is for `make demo`, not for the test suite
    )
    with Store(settings.db_path) as store:
        store.acquire_writer()
        Pipeline(settings, store, fail_fast=True).run()
        yield store


def story_of(stories: list[Story]) -> dict[str, Story]:
    return {url: story for story in stories for url in story.article_urls}


def test_each_demo_story_is_one_cluster(demo_store: Store, demo_server: DemoServer) -> None:
    stories = demo_store.stories()
    by_url = story_of(stories)
    for expected in demo_server.expected_stories():
        urls = [u for u in expected.urls if u not in expected.paywalled_urls]
        found = {by_url[u].id for u in urls}
        assert len(found) == 1, f"{expected.id} split over {found}"
        (story,) = {by_url[u] for u in urls}
        assert set(story.article_urls) == set(urls), f"{expected.id} mixed with another story"


def test_follow_ups_are_threaded_not_merged(demo_store: Store, demo_server: DemoServer) -> None:
    stories = demo_store.stories()
    by_url = story_of(stories)
    expected = {e.id: e for e in demo_server.expected_stories()}
    for story in expected.values():
        if story.follows is None:
            continue
        follower = by_url[story.urls[0]]
        earlier = by_url[expected[story.follows].urls[0]]
        assert follower.id != earlier.id
        assert follower.follows == earlier.id, f"{story.id} should follow {story.follows}"
    # ... and nothing else is threaded (a shared town alone does not make a timeline).
    followers = {u for e in expected.values() if e.follows for u in e.urls}
    for found in stories:
        if found.follows is not None:
            assert followers & set(found.article_urls), f"{found.label!r} follows nothing"


def published(store: Store) -> list[StoryVersion]:
    return [v for v in store.latest_versions().values() if v.published]


def test_corroborated_stories_are_written_and_singletons_are_not(demo_store: Store) -> None:
    stories = {s.id: s for s in demo_store.stories()}
    versions = demo_store.latest_versions()
    assert {sid for sid, s in stories.items() if s.outlet_count >= 2} == set(versions)
    assert len(published(demo_store)) >= 10


def test_nothing_unsupported_is_published(demo_store: Store) -> None:
    for version in published(demo_store):
        payload = json.loads(version.payload)
        verdicts = {s["verdict"] for s in payload["sentences"]}
        assert verdicts == {"supported"}, version.story_id
        assert all(s["citations"] for s in payload["sentences"]), version.story_id
        (article,) = parse_house_file(version.text)
        assert 4 <= len(article.paragraphs) <= 5
        assert len(article.tags) == 3 and all(t == t.lower() for t in article.tags)
        assert {r.outlet for r in article.related} <= set(payload_outlets(payload))


def payload_outlets(payload: dict[str, object]) -> list[str]:
    related = payload["related"]
    assert isinstance(related, list)
    return [str(r["outlet"]) for r in related]


def test_the_injection_changes_nothing(demo_store: Store, demo_server: DemoServer) -> None:
    (story,) = [s for s in demo_server.expected_stories() if s.injection_urls]
    by_url = story_of(demo_store.stories())
    version = demo_store.latest_versions()[by_url[story.urls[0]].id]
    text = version.text.lower()
    assert "tripled" not in text and "ignore previous" not in text


def test_a_rerun_writes_no_new_version(demo_store: Store, tmp_path: Path) -> None:
    before = {sid: v.version for sid, v in demo_store.latest_versions().items()}
    settings = Settings(data_dir=tmp_path, writer="extractive")
    from newsdesk.pipeline.writing import stories_to_write

    assert stories_to_write(demo_store, settings.min_outlets) == []
    assert {sid: v.version for sid, v in demo_store.latest_versions().items()} == before
