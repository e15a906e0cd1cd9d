"""The ingest pipeline end to end, over HTTP against the demo outlets on loopback."""

import json
from pathlib import Path

import pytest

from desk_support import demo_settings
from newsdesk.demo import DemoServer
from newsdesk.errors import RunLockedError
from newsdesk.pipeline import Pipeline
from newsdesk.records import ItemStatus
from newsdesk.settings import Settings
from newsdesk.store import Store


def run_once(settings: Settings) -> dict[str, int]:
    with Store(settings.db_path) as store:
        store.acquire_writer()
        return dict(Pipeline(settings, store, fail_fast=True).run().counts)


def test_demo_run_ingests_every_article(
    tmp_path: Path, demo_opml: Path, demo_server: DemoServer
) -> None:
    settings = demo_settings(tmp_path, demo_opml)
    counts = run_once(settings)
    world = demo_server.world
    originals = [a for a in world.articles if not a.paywalled]
    assert counts["feeds_ok"] == len(world.outlets)
    assert counts["articles_ok"] == len(originals)
    assert counts["articles_paywall"] == 1
    with Store(settings.db_path) as store:
        stored = {s.article.canonical_url: s for s in store.articles()}
        held = store.articles(status=None)
        feeds = {f.title: f for f in store.feeds()}
    # Every stored URL is canonical: no tracking parameters survive.
    assert all("utm_" not in url for url in stored)
    # The paywall stub is kept with its reason, never among the publishable articles.
    (paywalled,) = [s for s in held if s.article.status is ItemStatus.PAYWALL]
    assert "teaser" in (paywalled.article.reason or "")
    # The broken feed is recorded with what was wrong, and its good entries were used.
    broken = [f for f in feeds.values() if f.problems]
    assert len(broken) == 1 and broken[0].last_status == "ok" and broken[0].entry_count >= 7
    # Syndicated wire copies share one text group; independent reports do not.
    for story in demo_server.expected_stories():
        for original, copies in story.syndicated:
            group = stored[original].text_group
            assert group == original
            assert {stored[c].text_group for c in copies} == {group}
    groups = [s.text_group for s in stored.values()]
    copies = sum(len(c) for s in demo_server.expected_stories() for _, c in s.syndicated)
    assert len(set(groups)) == len(stored) - copies


def test_second_run_is_conditional_and_changes_nothing(tmp_path: Path, demo_opml: Path) -> None:
    settings = demo_settings(tmp_path, demo_opml)
    run_once(settings)
    with Store(settings.db_path) as store:
        before = store.snapshot()
    counts = run_once(settings)
    assert counts["feeds_not_modified"] == 8
    assert "entries_new" not in counts and "articles_ok" not in counts
    with Store(settings.db_path) as store:
        assert store.snapshot() == before


def test_rerun_without_validators_stores_the_same_content(tmp_path: Path, demo_opml: Path) -> None:
    settings = demo_settings(tmp_path, demo_opml)
    run_once(settings)
    with Store(settings.db_path) as store:
        before = store.snapshot()
        store.db.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")
    run_once(settings)
    with Store(settings.db_path) as store:
        assert store.snapshot()["articles"] == before["articles"]
        assert store.snapshot()["entries"] == before["entries"]
        assert store.counts()["articles"] == len(before["articles"]) - 1  # one paywalled


def test_a_failing_feed_never_stops_the_run(
    tmp_path: Path, demo_opml: Path, demo_server: DemoServer
) -> None:
    settings = demo_settings(
        tmp_path, demo_opml, feeds=(demo_server.url("/no-such-outlet/feed.xml"),)
    )
    counts = run_once(settings)
    assert counts["feeds_failed"] == 1
    assert counts["articles_ok"] > 60
    with Store(settings.db_path) as store:
        (failed,) = [f for f in store.feeds() if f.last_status == "failed"]
        assert "404" in (failed.last_error or "")


def test_loopback_is_refused_unless_allowed(tmp_path: Path, demo_opml: Path) -> None:
    settings = demo_settings(tmp_path, demo_opml).model_copy(
        update={"allow_private_addresses": False}
    )
    counts = run_once(settings)
    assert counts["feeds_failed"] == 8
    with Store(settings.db_path) as store:
        assert all("refusing" in (f.last_error or "") for f in store.feeds())


def test_only_one_writer(tmp_path: Path, demo_opml: Path) -> None:
    settings = demo_settings(tmp_path, demo_opml)
    with Store(settings.db_path) as holder:
        holder.acquire_writer()
        with pytest.raises(RunLockedError):
            run_once(settings)


def test_a_capped_run_writes_the_most_covered_stories_and_the_next_run_the_rest(
    tmp_path: Path, demo_opml: Path
) -> None:
    capped = run_once(demo_settings(tmp_path, demo_opml, max_stories_per_run=3))
    corroborated = capped["stories_corroborated"]
    assert corroborated > 3
    assert capped["stories_deferred"] == corroborated - 3
    assert capped["stories_published"] + capped.get("stories_held", 0) == 3
    with Store(tmp_path / "data" / "newsdesk.db") as store:
        stories = {s.id: s for s in store.stories()}
        written = [stories[story_id] for story_id in store.latest_versions()]
        waiting = [s for s in stories.values() if s.id not in store.latest_versions()]
    most = max(s.outlet_count for s in waiting if s.outlet_count >= 2)
    assert min(s.outlet_count for s in written) >= most  # the most-covered went first
    rest = run_once(demo_settings(tmp_path, demo_opml))
    assert "stories_deferred" not in rest
    assert rest["stories_published"] + rest.get("stories_held", 0) == corroborated - 3


def test_a_run_publishes_the_configured_voices_next_to_each_story(
    tmp_path: Path, demo_opml: Path
) -> None:
    counts = run_once(demo_settings(tmp_path, demo_opml, voices=("brief", "five-ws")))
    assert counts["stories_published"] > 0
    with Store(tmp_path / "data" / "newsdesk.db") as store:
        published = [v for v in store.latest_versions().values() if v.published]
    assert published
    for version in published:
        voices = json.loads(version.payload)["voices"]
        assert set(voices) == {"brief", "five-ws"}, version.story_id
