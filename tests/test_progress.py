"""A newcomer sees progress: plain log lines per stage and per story, the site up while the desk
writes, and a front page that says how many stories are still being written."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from fastapi.testclient import TestClient

from desk_support import demo_settings
from newsdesk.cli.ingest import LogProgress
from newsdesk.pipeline import Pipeline
from newsdesk.store import Store
from newsdesk.web import create_app
from newsdesk.web.model import RunProgress, load_site


def test_log_lines_say_each_stage_and_each_story_with_seconds() -> None:
    lines: list[str] = []
    now = [100.0]
    log = LogProgress(lines.append, lambda: now[0])
    log.start("feeds", 2)
    now[0] += 0.5
    log.advance("feeds")
    now[0] += 1.0
    log.advance("feeds")
    log.start("articles", 0)
    log.start("writing", 1)
    now[0] += 40.0
    log.advance("writing", "published in 40.0 s: Storm closes the coast road")
    assert lines == [
        "[    1.5 s] feeds: 2 done in 1.5 s",
        "[    1.5 s] articles: nothing to do",
        "[   41.5 s] writing 1/1: published in 40.0 s: Storm closes the coast road",
        "[   41.5 s] writing: 1 done in 40.0 s",
    ]


class SiteWatcher:
    """A Progress that, as each story is saved, reads the site the way a visitor would."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.seen: list[tuple[RunProgress | None, int]] = []
        self.notes: list[str] = []

    def start(self, stage: str, total: int) -> None:
        if stage == "writing":
            self._look()

    def advance(self, stage: str, note: str = "") -> None:
        if stage == "writing":
            self.notes.append(note)
            self._look()

    def _look(self) -> None:
        with Store(self.db_path) as store:
            site = load_site(store)
        self.seen.append((site.run, len(site.stories)))


def test_the_site_counts_down_the_stories_still_being_written(
    tmp_path: Path, demo_opml: Path
) -> None:
    settings = demo_settings(tmp_path, demo_opml, voices=(), max_stories_per_run=4)
    watcher = SiteWatcher(settings.db_path)
    with Store(settings.db_path) as store:
        store.acquire_writer()
        Pipeline(settings, store, progress=watcher).run()
    runs = [run for run, _ in watcher.seen]
    assert all(run is not None for run in runs)
    assert [(run.to_write, run.written, run.remaining) for run in runs if run] == [
        (4, 0, 4),
        (4, 1, 3),
        (4, 2, 2),
        (4, 3, 1),
        (4, 4, 0),
    ]
    assert [shown for _, shown in watcher.seen] == [0, *(n for n, _ in enumerate(runs) if n)]
    assert all(re.fullmatch(r"(published|held back) in \d+\.\d s: .+", n) for n in watcher.notes)
    with Store(settings.db_path) as store:
        assert load_site(store).run is None  # the run is over


def test_the_front_page_says_what_is_still_being_written(tmp_path: Path) -> None:
    db = tmp_path / "newsdesk.db"
    with Store(db) as store:
        run_id = store.start_run()
    client = TestClient(create_app(db, refresh_seconds=0))
    page = client.get("/").text
    assert "fetching and grouping its sources" in page
    assert "The first story appears here as soon as it is written." in page
    with Store(db) as store:
        store.record_run_progress(run_id, {"stories_to_write": 5, "stories_published": 2})
    page = client.get("/").text
    assert "2 of 5 stories written, 3 still being written" in page
    with Store(db) as store:
        store.finish_run(run_id, "ok", {"stories_to_write": 5, "stories_published": 5})
    page = client.get("/").text
    assert "still being written" not in page and "The desk is" not in page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_demo_serves_the_site_while_it_writes_and_logs_plain_lines(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NEWSDESK_WRITER": "fake",
        "NEWSDESK_EMBEDDER": "hashing",
        "NEWSDESK_ENTITIES": "none",
        "NEWSDESK_VOICES": "",
    }
    outlets, web = _free_port(), _free_port()
    command = [sys.executable, "-m", "newsdesk", "demo", "--demo-dir", str(tmp_path / "demo")]
    command += ["--port", str(outlets), "--web-port", str(web)]
    log = tmp_path / "demo.log"
    with log.open("w") as err:
        demo = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=err, stderr=err)
        try:
            text = _wait_for(log, "Ctrl-C or SIGTERM to stop", demo)
            with urllib.request.urlopen(f"http://127.0.0.1:{web}/", timeout=10) as page:
                assert b'class="card' in page.read()
        finally:
            # SIGTERM: a test run started as a background job has SIGINT ignored.
            demo.send_signal(signal.SIGTERM)
            try:
                returncode = demo.wait(60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait()
                raise AssertionError(f"SIGTERM did not stop the demo:\n{log.read_text()}") from None
    assert returncode == 0, log.read_text()
    site_line = text.index(f"The desk's site: http://127.0.0.1:{web}/")
    assert site_line < text.index("] feeds: 8 done in")  # up before the desk starts
    assert re.search(r"\] writing 1/\d+: published in \d+\.\d s: ", text)
    assert re.search(r"\] writing: \d+ done in \d+\.\d s", text)


def _wait_for(log: Path, marker: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        text = log.read_text()
        if marker in text:
            return text
        assert process.poll() is None, text
        time.sleep(0.2)
    raise AssertionError(f"no {marker!r} in time:\n{log.read_text()}")
