"""One store API, two backends: what SQLite and PostgreSQL must agree on, against real servers.

The store_location fixture gives each parametrised test a new SQLite file and a new database on
the session's throwaway PostgreSQL (tests/postgres_support.py); the comparisons fill one of
each and expect the same answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from desk_support import demo_settings, published_stories
from newsdesk.demo import DemoServer
from newsdesk.demo.fixtures import (
    HELD_STORY,
    add_hostile_story,
    fill_store,
    version_from_payload,
)
from newsdesk.errors import ConfigError, RunLockedError, StoreError
from newsdesk.pipeline import run_desk
from newsdesk.records import Story
from newsdesk.settings import load_settings
from newsdesk.store import Store, shown_location
from newsdesk.store.search import MARK_END, MARK_START, data_version, search_stories
from newsdesk.web import create_app

ROOT = Path(__file__).resolve().parents[1]


# -- search and the change marker, on each backend ---------------------------------------------
def test_search_and_change_marker_follow_version_writes(store_location: Path | str) -> None:
    with Store(store_location) as store:
        fill_store(store)
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
        assert data_version(store) != before
        store.save_version(version_from_payload(HELD_STORY, held, created_at=datetime.now(UTC)))
        result = search_stories(store, "quok")  # the last word is a prefix
        assert [h.story_id for h in result.hits] == [HELD_STORY]
        assert result.hits[0].version == 3 and result.hits[0].title == "A quokka on the slipway"
        assert search_stories(store, '"quokka) (slip*').total == 1  # no operators
        assert search_stories(store, "  ,;  ").total == 0
        accented = {**payload, "title": "Zürich's café reopens"}
        store.save_version(version_from_payload(HELD_STORY, accented, created_at=datetime.now(UTC)))
        assert [h.story_id for h in search_stories(store, "zurich cafe").hits] == [HELD_STORY]
        assert search_stories(store, "quokka").total == 0  # only the latest published version
        page = search_stories(store, "the", limit=2, offset=1)
        assert page.total > 3 and len(page.hits) == 2
        assert all(MARK_START in h.snippet and MARK_END in h.snippet for h in page.hits)


QUERIES = (
    "ferry",
    "fer",
    "storm edda",
    "Storm Edda relief",
    "the",
    "3.25",
    "measles dunmere",
    "script",
    "__xss",
    "quokka",
    "sourdough",
)


def test_both_backends_find_the_same_stories(tmp_path: Path, postgres_url: str) -> None:
    found = []
    for location in (tmp_path / "d.db", postgres_url):
        with Store(location) as store:
            fill_store(store)
            add_hostile_story(store)
            found.append(
                {
                    query: (result.total, sorted(h.story_id for h in result.hits))
                    for query in QUERIES
                    for result in [search_stories(store, query)]
                }
            )
    sqlite, postgres = found
    assert postgres == sqlite
    assert sqlite["ferry"][0] == 2 and sqlite["quokka"][0] == 0


def test_both_backends_serve_the_same_site(tmp_path: Path, postgres_url: str) -> None:
    sqlite = tmp_path / "d.db"
    for location in (sqlite, postgres_url):
        with Store(location) as store:
            fill_store(store)
            add_hostile_story(store)
    paths = (
        "/",
        "/story/ferry-aground.html",
        "/status.html",
        "/feed.atom",
        "/api/v1/stories",
        "/api/v1/stories?q=storm",
    )
    with TestClient(create_app(sqlite)) as one, TestClient(create_app(postgres_url)) as other:
        for path in paths:
            expected = one.get(path)
            assert expected.status_code == 200, path
            assert other.get(path).text == expected.text, path
        # Snippets may cut the text at other words; the results are the same.
        assert "story/ferry-report.html" in other.get("/search.html", params={"q": "ferry"}).text


# -- the writer lock ------------------------------------------------------------------------
HOLD_LOCK = """
import sys, time
from newsdesk.store import Store
store = Store(sys.argv[1])
store.acquire_writer()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_killed_writer_leaves_no_lock_behind(store_location: Path | str) -> None:
    Store(store_location).close()  # migrated before the child opens it
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_location)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with Store(store_location) as store:
            with pytest.raises(RunLockedError, match=f"pid {child.pid}"):
                store.acquire_writer()
            child.kill()
            child.wait(timeout=10)
            deadline = time.monotonic() + 10  # the server notices the closed session
            while True:
                try:
                    store.acquire_writer()
                    break
                except RunLockedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
    finally:
        child.kill()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


# -- PostgreSQL's own errors become ours ------------------------------------------------------
def test_postgres_errors_are_store_errors(postgres_url: str) -> None:
    with Store(postgres_url) as store:
        orphan = Story(
            id="s1",
            label="x",
            article_urls=("https://nowhere.example/1",),
            outlets=("Outlet",),
            first_published=None,
            last_published=None,
        )
        with pytest.raises(StoreError, match="foreign key"):
            store.save_stories([orphan])  # no such article
        assert store.stories() == []  # rolled back, and the pool's connection still works
        with pytest.raises(StoreError, match="no SQLite connection"):
            _ = store.db


def test_an_unreachable_server_is_a_store_error_without_the_password(
    postgres_url: str,
) -> None:
    closed_port = postgres_url.replace("postgres@", "postgres:s3cret@").rsplit(":", 1)[0] + ":1/x"
    with pytest.raises(StoreError, match="cannot open store") as caught:
        Store(closed_port)
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)
    assert shown_location("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert shown_location(Path("a/b.db")) == "a/b.db"


# -- the setting ------------------------------------------------------------------------------
def test_store_url_setting(tmp_path: Path) -> None:
    default = load_settings(environ={"NEWSDESK_DATA_DIR": str(tmp_path)})
    assert default.store_url is None and default.store_location == tmp_path / "newsdesk.db"
    url = "postgresql://desk@db.example:5432/news"
    assert load_settings(environ={"NEWSDESK_STORE_URL": url}).store_location == url
    relative = load_settings(cli_overrides={"store_url": "sqlite:///data/x.db"}, environ={})
    assert relative.store_location == Path("data/x.db")
    absolute = load_settings(cli_overrides={"store_url": "sqlite:////srv/x.db"}, environ={})
    assert absolute.store_location == Path("/srv/x.db")
    with pytest.raises(ConfigError, match="store_url"):
        load_settings(environ={"NEWSDESK_STORE_URL": "mysql://desk@db/news"})
    with pytest.raises(StoreError, match="unknown store URL"):
        Store("mysql://desk@db/news")


# -- the whole desk on each backend -------------------------------------------------------------
def test_the_demo_desk_runs_the_same_on_both_backends(
    tmp_path: Path, demo_opml: Path, demo_server: DemoServer, postgres_url: str
) -> None:
    results = []
    for name, extra in (("sqlite", {}), ("postgres", {"store_url": postgres_url})):
        settings = demo_settings(tmp_path / name, demo_opml, writer="fake", **extra)
        report = run_desk(settings, fail_fast=True)
        with Store(settings.store_location) as store:
            results.append(
                {
                    "counts": dict(report.counts),
                    "stories": [(s.id, s.article_urls, s.outlets) for s in store.stories()],
                    "published": published_stories(store),
                    "snapshot": store.snapshot(),
                    "store counts": store.counts(),
                }
            )
    sqlite, postgres = results
    assert sqlite["counts"]["stories_published"] > 5
    assert len(sqlite["stories"]) > len(demo_server.expected_stories()) // 2
    for key in sqlite:
        assert postgres[key] == sqlite[key], key
    assert any(cited for _, _, sentences in sqlite["published"].values() for cited in sentences)


def test_the_cli_reads_a_postgres_store(tmp_path: Path, demo_opml: Path, postgres_url: str) -> None:
    settings = demo_settings(tmp_path, demo_opml, writer="fake", store_url=postgres_url)
    run_desk(settings, fail_fast=True)
    env = {
        **os.environ,
        "NEWSDESK_STORE_URL": postgres_url,
        "NEWSDESK_DATA_DIR": str(tmp_path / "unused"),
    }
    status = subprocess.run(
        [sys.executable, "-m", "newsdesk", "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert "articles=" in status.stdout and "Recent runs" in status.stdout
    assert not (tmp_path / "unused" / "newsdesk.db").exists()  # nothing went to SQLite
