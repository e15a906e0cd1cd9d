"""Reliability: crash and resume, concurrent runs, hostile servers and pages, bad configuration.

Everything here runs the real desk: `newsdesk` subprocesses (tests/reliability_support.py)
or the Pipeline with Settings, against loopback servers (the demo outlets and
tests/hostile_server.py). RELIABILITY.md summarises what these tests and bench/crash_resume.py
showed, with the numbers.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from hostile_server import (
    CAFE,
    CYRILLIC,
    GOOD_STORIES,
    INJECTION,
    INJECTION_TITLE,
    JAPANESE,
    SCRIPT_MARKERS,
    HostileServer,
    story_text,
)
from newsdesk.demo import DemoServer
from newsdesk.errors import ConfigError
from newsdesk.ingest.fetch import Fetcher
from newsdesk.models.registry import check_model_server
from newsdesk.pipeline import Pipeline, fetch_policy
from newsdesk.records import ItemStatus
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.sqlite import StoredArticle
from reliability_support import (
    FAST_MODELS,
    CrashHarness,
    Outcome,
    WatchedRun,
    hit_counts,
    newsdesk_argv,
    newsdesk_env,
    run_newsdesk,
    store_health,
    trial_table,
)

DEMO = {"allow_private_addresses": True, "politeness_delay": 0, **FAST_MODELS}


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def feed_list(path: Path, urls: list[str]) -> Path:
    path.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return path


# --- crash and resume -------------------------------------------------------------------------


# Many `newsdesk run` subprocesses, each importing the package and loading the embedding and
# NER models: 32 s on a quiet machine, but past 60 s when the cores are shared (seen twice on
# 2026-11-27 with a model benchmark running). The limit is for hangs.
@pytest.mark.timeout(180)
def test_killed_runs_resume_to_the_clean_store(tmp_path: Path, demo_opml: Path) -> None:
    """bench/crash_resume.py in small: all demo feeds, 4 articles each, every phase hit."""
    harness = CrashHarness(tmp_path, demo_opml, {**DEMO, "max_articles_per_feed": 4}, seed=3)
    # No control run here (the bench makes one); a nondeterministic run would fail trials.
    timeline = harness.prepare(control=False)
    # Two kills per trial (the resuming run is killed too), each in the next phase, so four
    # trials hit every phase; a phase missed gets one more try. The bench does the 30.
    trials = harness.run_trials(-(-len(timeline.phases) // 2), kills=2, retries_per_phase=1)
    table = trial_table(trials, timeline.phases)
    print(table)
    assert all(t.held for t in trials), table
    hits = hit_counts(trials, timeline.phases)
    assert all(hits[phase] for phase in timeline.phases), table


# --- concurrency ----------------------------------------------------------------------------


@dataclass
class ReaderLog:
    """What a reader saw while a run wrote: how long each read took, article counts."""

    latencies: list[float]
    articles: list[int]
    errors: list[str]


def read_while(db_path: Path, running: Callable[[], bool]) -> ReaderLog:
    log = ReaderLog([], [], [])
    with Store(db_path) as store:
        while running():
            began = time.monotonic()
            try:
                log.articles.append(store.counts()["articles"])
            except Exception as exc:  # any failure to read is the finding
                log.errors.append(repr(exc))
            log.latencies.append(time.monotonic() - began)
            time.sleep(0.02)
    return log


@pytest.mark.timeout(90)
def test_second_run_refuses_while_readers_keep_reading(
    tmp_path: Path, demo_server: DemoServer, hostile: HostileServer
) -> None:
    """Run A holds the writer lock (parked on /hold.xml); B must refuse, readers must not wait."""
    data = tmp_path / "data"
    urls = [url for _, url in demo_server.feed_urls()] + [hostile.url("/hold.xml")]
    feeds = feed_list(tmp_path / "feeds.txt", urls)
    env = newsdesk_env(**DEMO)
    args = ("--data-dir", str(data), "run", "--feeds", str(feeds))
    hostile.release.clear()
    hostile.held.clear()
    first = WatchedRun(newsdesk_argv(*args), env, tmp_path)
    try:
        assert hostile.held.wait(30), "run A never reached the held feed"
        second = run_newsdesk(args, env, tmp_path, timeout=60)
        status = run_newsdesk(("--data-dir", str(data), "status"), env, tmp_path, timeout=60)
        reader: list[ReaderLog] = []
        watcher = threading.Thread(
            target=lambda: reader.append(read_while(data / "newsdesk.db", first.alive))
        )
        watcher.start()
        hostile.release.set()  # A now fetches and stores ~67 articles while we read
        outcome = first.wait(60)
        watcher.join(10)
    finally:
        hostile.release.set()
        first.kill()
        first.wait(10)

    assert second.returncode == 1
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, second.stderr
    assert re.fullmatch(
        rf"newsdesk: error: another newsdesk run is writing to \S+newsdesk\.db "
        rf"\(pid {first.proc.pid}\); wait for it to finish",
        lines[0],
    ), lines[0]

    assert status.returncode == 0, status.stderr
    assert f"feeds={len(urls)}" in status.stdout and "running" in status.stdout

    (log,) = reader
    print(
        f"\nreader: {len(log.latencies)} reads during the run, slowest {max(log.latencies):.3f}s,"
        f" article counts seen {sorted(set(log.articles))[:3]}...{max(log.articles)}"
    )
    assert outcome.returncode == 0, outcome.stderr
    assert log.errors == []
    assert max(log.latencies) < 1.0, "a reader waited on the writer (WAL should prevent that)"
    assert len(set(log.articles)) >= 3, "the reader did not see the articles arrive"
    assert log.articles == sorted(log.articles)
    assert store_health(data / "newsdesk.db").integrity == "ok"


# --- hostile servers ------------------------------------------------------------------------

HOSTILE_SETTINGS = {
    **DEMO,
    "fetch_timeout": 2,
    "retries": 1,
    "max_body_bytes": 1_000_000,
    # Nothing is written: the rot13 page, now stored, would corroborate a good story, and the
    # writing stage's imports (+110 MB measured) are not what the RSS bound is about.
    "min_outlets": 99,
}
# The hostile fetch should end after (retries + 1) x fetch_timeout + backoff, ~5 s here. The
# bounds are loose because CI machines are busy; a fetcher that did not bound the exchange
# would instead run into the server's own patience (90 s) or the test timeout.
STAGE_SECONDS_BOUND = 20.0  # the stage the hostile fetch happens in
RUN_SECONDS_BOUND = 60.0
RSS_HEADROOM_MB = 100.0  # over the good-feed-only run; an inflated bomb would be 100 MB+


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # on the hostile server; "" for the baseline (good feed only)
    reason: str  # the recorded failure must match this; "" when the feed must come out ok
    entries: bool = False  # the feed itself is fine; its article pages are what misbehave
    scheme: str = "http"  # "https": self-signed TLS server; "https-plain": TLS to plain HTTP
    stored: tuple[str, ...] = ()  # article pages (link suffixes) that must be stored anyway


CASES = (
    Case("baseline", "", ""),
    Case("slow-loris-body", "/slow-body.xml", r"timed out after 2s .*gave up after 2 attempts"),
    Case("slow-loris-headers", "/slow-headers.xml", r"timed out after 2s"),
    Case("endless-body", "/endless.xml", r"exceeds the 1000000 byte limit"),
    Case("gzip-bomb", "/gzip-bomb.xml", r"exceeds the 1000000 byte limit"),
    Case("gzip-file-bomb", "/gzip-file-bomb.xml", r"gzip body unpacks to more than"),
    Case("redirect-loop", "/loop/a.xml", r"redirect loop"),
    Case("redirect-chain", "/chain/0", r"too many redirects"),
    Case("image-as-feed", "/image.xml", r"not XML|not a feed"),
    Case("html-as-feed", "/html.xml", r"not a feed: an HTML page"),
    Case("429-storm", "/storm.xml", r"answered 429 \(gave up after 2 attempts\)"),
    Case("429-retry-after-3600", "/storm-long.xml", r"asked to retry after 3600s"),
    Case("cut-mid-body", "/cut.xml", r"RemoteProtocolError.*gave up after 2 attempts"),
    # <meta charset="rot13"> names no charset: ignored, and the page decoded by its bytes.
    Case(
        "bad-article-pages",
        "/bad/feed.xml",
        r"answered 429|no article body|empty page|parseable|gave up",
        True,
        stored=("/bad/rot13-article.html",),
    ),
    # Python's 'undefined' codec fails on every byte: the charset is ignored, the feed read.
    Case("charset-undefined", "/charset-undefined.xml", ""),
    Case("tls-self-signed", "/good/feed.xml", r"CERTIFICATE_VERIFY_FAILED", False, "https"),
    Case("tls-on-plain-port", "/good/feed.xml", r"SSL|TLS|ConnectError", False, "https-plain"),
)


@dataclass(frozen=True)
class CaseRun:
    case: Case
    url: str
    outcome: Outcome
    feeds: dict[str, tuple[str | None, str | None]]  # url -> (last_status, last_error)
    entries: list[tuple[str, str | None, str | None, str]]  # (feed url, status, reason, link)
    articles_ok: int

    @property
    def hostile_stage_seconds(self) -> float:
        """Time of the stage the hostile server is met in (feeds, or articles for pages)."""
        seconds = self.outcome.stage_seconds("articles" if self.case.entries else "feeds")
        assert seconds is not None, self.outcome.stderr
        return seconds


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path] | None:
    """A throwaway certificate for 127.0.0.1, or None without the openssl tool."""
    if shutil.which("openssl") is None:
        return None
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = shlex.split(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -subj /CN=x -addext subjectAltName=IP:127.0.0.1"
    )
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    return cert, key


def run_case(case: Case, urls: dict[str, str], folder: Path) -> CaseRun:
    good = urls["http"] + "/good/feed.xml"
    url = urls[case.scheme] + case.path if case.path else ""
    feeds = feed_list(folder / "feeds.txt", [good] + ([url] if url else []))
    data = folder / "data"
    env = newsdesk_env(**HOSTILE_SETTINGS)
    outcome = run_newsdesk(("--data-dir", str(data), "run", "--feeds", str(feeds)), env, folder)
    with Store(data / "newsdesk.db") as store:
        rows = {f.url: (f.last_status, f.last_error) for f in store.feeds()}
        entries = store.db.execute("SELECT feed_url, status, reason, link FROM entries").fetchall()
        articles_ok = store.counts()["articles"]
    return CaseRun(case, url, outcome, rows, entries, articles_ok)


@pytest.fixture(scope="module")
def hostile_runs(
    hostile: HostileServer,
    self_signed: tuple[Path, Path] | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, CaseRun]]:
    """Every case as its own `newsdesk run`, four at a time (most of them just wait)."""
    with contextlib.ExitStack() as stack:
        urls = {"http": f"http://{hostile.netloc}", "https-plain": f"https://{hostile.netloc}"}
        if self_signed is not None:
            tls_server = stack.enter_context(HostileServer(tls=self_signed))
            urls["https"] = f"https://{tls_server.netloc}"
        cases = [c for c in CASES if c.scheme in urls]
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {
                c.name: pool.submit(run_case, c, urls, tmp_path_factory.mktemp(c.name))
                for c in cases
            }
            runs = {name: future.result() for name, future in futures.items()}
    print("\ncase                    stage s  run s  peak RSS MB  recorded reason")
    for run in runs.values():
        reason = run.feeds.get(run.url, (None, ""))[1] or ""
        print(
            f"{run.case.name:<22}{run.hostile_stage_seconds:>9.1f}{run.outcome.seconds:>7.1f}"
            f"{run.outcome.max_rss_mb:>13.0f}  {reason[:70]}"
        )
    yield runs
    assert hostile.hits["/secret.xml"] == 0


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_server_fails_alone_in_bounded_time_and_memory(
    case: Case, hostile_runs: dict[str, CaseRun]
) -> None:
    if case.name not in hostile_runs:
        pytest.skip("no openssl tool to make a certificate with")
    run = hostile_runs[case.name]
    baseline = hostile_runs["baseline"].outcome
    assert run.outcome.returncode == 0, run.outcome.stderr
    # The rest of the run goes on: the good outlet's stories all arrive.
    assert run.articles_ok == GOOD_STORIES + len(case.stored)
    good = next(status for url, status in run.feeds.items() if url.endswith("/good/feed.xml"))
    assert good == ("ok", None)
    assert run.hostile_stage_seconds < STAGE_SECONDS_BOUND
    assert run.outcome.seconds < RUN_SECONDS_BOUND
    assert run.outcome.max_rss_mb < baseline.max_rss_mb + RSS_HEADROOM_MB
    if not case.path:
        return
    if case.entries:
        mine = [(s, r or "", link) for feed, s, r, link in run.entries if feed == run.url]
        stored = [s for s, _, link in mine if link.endswith(case.stored)]
        failed = [(s, r) for s, r, link in mine if not link.endswith(case.stored)]
        assert stored == ["ok"] * len(case.stored)
        assert failed and all(s == "failed" and re.search(case.reason, r) for s, r in failed)
        return
    status, reason = run.feeds[run.url]
    if not case.reason:
        assert (status, reason) == ("ok", None)
        return
    assert status == "failed"
    assert re.search(case.reason, reason or ""), reason
    assert "\n" not in (reason or "")


class ToLoopback(httpx.AsyncBaseTransport):
    """Sends every request to the hostile server, whatever host its URL names.

    With a resolver that calls those hosts public, the fetcher treats them as the public web
    while every byte stays on loopback: the only way to test redirects into private space
    with allow_private_addresses off.
    """

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # The Host header was set from the original URL and goes along unchanged.
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.timeout(60)
def test_redirects_into_private_space_are_refused_and_the_run_goes_on(
    tmp_path: Path, hostile: HostileServer
) -> None:
    async def public_dns(host: str, port: int) -> list[str]:
        return {"news.example": ["93.184.216.34"], "internal.example": ["10.0.0.7"]}[host]

    hostile_paths = ["/to-loopback.xml", "/to-internal.xml", "/to-metadata.xml"]
    settings = Settings(
        data_dir=tmp_path / "data",
        feeds=tuple(f"http://news.example{p}" for p in ["/good/feed.xml", *hostile_paths]),
        politeness_delay=0,
        **FAST_MODELS,
    )
    assert not settings.allow_private_addresses
    fetcher = Fetcher(
        fetch_policy(settings), transport=ToLoopback(hostile.port), resolver=public_dns
    )
    with Store(settings.db_path) as store:
        store.acquire_writer()
        counts = Pipeline(settings, store, fetcher=fetcher).run().counts
        feeds = {f.url: f for f in store.feeds()}
    assert counts["feeds_ok"] == 1 and counts["articles_ok"] == GOOD_STORIES
    for path in hostile_paths:
        feed = feeds[f"http://news.example{path}"]
        assert feed.last_status == "failed"
        assert re.match(r"refusing http://\S+: \S+ is non-public ", feed.last_error or "")
    assert hostile.hits["/secret.xml"] == 0


# --- hostile content --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentRun:
    articles: dict[str, StoredArticle]  # by page name ("scripted", "giant", ...)
    entries: list[tuple[str, str, str | None, str | None]]  # (link, title, status, reason)
    outcome: Outcome


@pytest.fixture(scope="module")
def content_run(hostile: HostileServer, tmp_path_factory: pytest.TempPathFactory) -> ContentRun:
    """One `newsdesk run` over the hostile pages, so time and peak RSS are this run's own."""
    folder = tmp_path_factory.mktemp("content")
    data = folder / "data"
    # A cap above the 20 MB page, so the extractor (not the fetcher) has to cope with it.
    env = newsdesk_env(**DEMO, max_body_bytes=32_000_000, feeds=hostile.url("/content/feed.xml"))
    outcome = run_newsdesk(("--data-dir", str(data), "run"), env, folder)
    assert outcome.returncode == 0, outcome.stderr
    with Store(data / "newsdesk.db") as store:
        stored = store.articles(status=None)
        entries = store.db.execute("SELECT link, title, status, reason FROM entries").fetchall()
    by_name = {s.article.canonical_url.rsplit("/", 1)[1].removesuffix(".html"): s for s in stored}
    print(f"\nhostile content run: {outcome.seconds:.1f}s, peak RSS {outcome.max_rss_mb:.0f} MB")
    for link, _, status, reason in entries:
        print(f"  {link.rsplit('/', 1)[1]:<28}{status:<8}{(reason or '')[:80]}")
    return ContentRun(by_name, entries, outcome)


MARKUP = re.compile(r"<\s*/?\s*(script|iframe|style|svg|img|a|noscript)\b|\bon[a-z]+\s*=", re.I)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def assert_in_format(article: StoredArticle) -> None:
    title, body = article.article.title, article.article.body
    assert title == " ".join(title.split()) and title, repr(title)
    assert not CONTROL.search(title) and not CONTROL.search(body)
    assert "\r" not in body
    assert all(p == p.strip() and p for p in body.split("\n\n")), "empty or padded paragraph"


@pytest.mark.timeout(120)
def test_scripts_and_handlers_never_reach_stored_text(content_run: ContentRun) -> None:
    scripted = content_run.articles["scripted"]
    assert scripted.article.status is ItemStatus.OK
    for seed in (21, 22, 23):
        assert story_text(seed)[:60] in scripted.article.body
    for stored in content_run.articles.values():
        assert_in_format(stored)
        text = stored.article.title + "\n" + stored.article.body
        assert not [m for m in SCRIPT_MARKERS if m in text], stored.article.canonical_url
        assert not MARKUP.search(stored.article.body)
        assert "javascript:" not in text.lower()
    for _, title, _, _ in content_run.entries:
        assert not MARKUP.search(title), title


@pytest.mark.timeout(120)
def test_markup_in_page_titles_is_not_stored(content_run: ContentRun) -> None:
    title = content_run.articles["markup-title"].article.title
    assert not MARKUP.search(title), title


@pytest.mark.timeout(120)
def test_prompt_injection_is_kept_as_inert_plain_text(content_run: ContentRun) -> None:
    """Ingest stores what the page says, verbatim and unmarked; the writer must treat it as data."""
    injected = content_run.articles["injection"]
    assert injected.article.status is ItemStatus.OK
    assert injected.article.title == INJECTION_TITLE
    assert INJECTION in injected.article.body.split("\n\n")
    assert_in_format(injected)
    # The same page under a second URL whose feed title carried markup and the injection.
    (entry_title,) = [t for link, t, _, _ in content_run.entries if link.endswith("?v=2")]
    assert entry_title.startswith(INJECTION_TITLE) and not MARKUP.search(entry_title)


@pytest.mark.timeout(120)
def test_wrongly_declared_cp1252_page_is_decoded(content_run: ContentRun) -> None:
    assert CAFE in content_run.articles["cp1252-as-utf8"].article.body


@pytest.mark.timeout(120)
def test_wrongly_declared_cp1251_page_is_decoded(content_run: ContentRun) -> None:
    assert CYRILLIC in content_run.articles["cp1251-as-utf8"].article.body


@pytest.mark.timeout(120)
def test_japanese_page_is_stored(content_run: ContentRun) -> None:
    stored = content_run.articles.get("shift-jis-as-utf8")
    assert stored is not None and stored.article.status is ItemStatus.OK
    assert JAPANESE in stored.article.body


@pytest.mark.timeout(120)
def test_giant_page_is_extracted_in_bounded_time(content_run: ContentRun) -> None:
    giant = content_run.articles["giant"]
    assert giant.article.status is ItemStatus.OK
    assert story_text(71)[:60] in giant.article.body
    assert content_run.outcome.seconds < 60
    # The page is 20 MB; extraction works on at most 5 M characters of it (MAX_HTML_CHARS).
    # The bound is for the whole process, which also loads spaCy to verify what it writes
    # (measured 775 MB in a clean CI venv): a page-driven blow-up would be far above it.
    assert content_run.outcome.max_rss_mb < 1200


# --- bad configuration -----------------------------------------------------------------------

NOT_A_DB = b"this is not an SQLite database\n" * 10


@dataclass(frozen=True)
class BadConfig:
    name: str
    args: tuple[str, ...]  # after the program name; "DATA" is replaced by the data dir
    message: str  # the one error line must match this
    env: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (name, content) made in the working dir


_RUN = ("--data-dir", "DATA", "run")
_TOML = ("--config", "c.toml", *_RUN)
BAD_CONFIGS = [
    BadConfig("missing-config", ("--config", "nope.toml", *_RUN), "config file not found"),
    BadConfig("bad-toml", _TOML, "bad TOML in c.toml", files=(("c.toml", "a = ["),)),
    BadConfig(
        "unknown-key",
        _TOML,
        "fetch_timout: Extra inputs are not permitted",
        files=(("c.toml", "[newsdesk]\nfetch_timout = 3\n"),),
    ),
    BadConfig(
        "bad-value-in-toml",
        _TOML,
        "fetch_timeout: Input should be a valid number",
        files=(("c.toml", 'fetch_timeout = "soon"\n'),),
    ),
    BadConfig("unknown-env", _RUN, "unknown setting in environment: NEWSDESK_X", (("X", "1"),)),
    BadConfig("bad-env-value", _RUN, "retries: .* valid integer", (("RETRIES", "many"),)),
    BadConfig("negative-timeout", _RUN, "greater than 0", (("FETCH_TIMEOUT", "-1"),)),
    BadConfig("unknown-writer", _RUN, "writer: String should match", (("WRITER", "gpt9"),)),
    BadConfig("openai-writer-without-url", _RUN, "needs openai_base_url", (("WRITER", "openai"),)),
    BadConfig("missing-feeds-file", (*_RUN, "--feeds", "nope.opml"), "feed list not found"),
    BadConfig(
        "junk-feeds-file",
        (*_RUN, "--feeds", "f.opml"),
        "f.opml: not valid OPML",
        files=(("f.opml", "<<< nothing"),),
    ),
    BadConfig(
        "data-dir-is-a-file", ("--data-dir", "f", "run"), "cannot open store", files=(("f", "x"),)
    ),
    BadConfig(
        "data-dir-under-a-file",
        ("--data-dir", "f/data", "run"),
        "cannot open store",
        files=(("f", "x"),),
    ),
]
# Bugs these tests found get a strict xfail here until fixed (flips to XPASS, a failure).
KNOWN_BUGS: dict[str, pytest.MarkDecorator] = {}


def run_bad_config(bad: BadConfig, folder: Path) -> tuple[Outcome, list[str], list[str]]:
    """The outcome, and the working dir's listing before and after."""
    for name, content in bad.files:
        (folder / name).write_text(content, encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    env = newsdesk_env(**dict(bad.env))
    args = tuple(str(folder / "data") if a == "DATA" else a for a in bad.args)
    outcome = run_newsdesk(args, env, folder, timeout=60)
    return outcome, before, sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def bad_config_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Outcome, list[str], list[str]]]:
    """All cases at once: each is a process start and an early exit, nothing to wait for."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            c.name: pool.submit(run_bad_config, c, tmp_path_factory.mktemp(c.name))
            for c in BAD_CONFIGS
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "bad", [pytest.param(c, id=c.name, marks=KNOWN_BUGS.get(c.name, ())) for c in BAD_CONFIGS]
)
def test_bad_configuration_is_one_line_exit_2_and_writes_nothing(
    bad: BadConfig, bad_config_runs: dict[str, tuple[Outcome, list[str], list[str]]]
) -> None:
    outcome, before, after = bad_config_runs[bad.name]
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert outcome.returncode == 2, outcome.stderr
    assert len(lines) == 1 and lines[0].startswith("newsdesk: error: "), outcome.stderr
    assert re.search(bad.message, lines[0]), lines[0]
    assert after == before, "something was written"


@pytest.mark.timeout(120)
def test_unreachable_model_server_is_one_clear_error(tmp_path: Path, demo_opml: Path) -> None:
    settings = {**DEMO, "writer": "openai", "max_articles_per_feed": 3}
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    settings |= {"openai_base_url": "http://127.0.0.1:9/v1", "openai_model": "any"}
    data = tmp_path / "data"
    args = ("--data-dir", str(data), "run", "--feeds", str(demo_opml))
    outcome = run_newsdesk(args, newsdesk_env(**settings), tmp_path, timeout=120)
    assert outcome.returncode == 2, outcome.stderr
    assert len(outcome.error_lines) == 1 and "127.0.0.1:9" in outcome.error_lines[0]
    assert not data.exists()


class StatusHandler(BaseHTTPRequestHandler):
    """/<status>/v1/models answers <status>: a model server as reachable as a test needs."""

    def do_GET(self) -> None:
        self.send_response(int(self.path.split("/")[1]))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def model_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StatusHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("status", "key", "problem"),
    [
        (200, None, None),
        (404, None, None),  # servers without /models are still there
        (500, "k", None),  # so is one that fails: the writer's own retries cover that
        (401, None, r"/401/v1/ wants an API key \(openai_api_key\) \(HTTP 401\)"),
        (401, "k", r"/401/v1/ rejected the API key \(HTTP 401\)"),
        (403, "k", r"/403/v1/ rejected the API key \(HTTP 403\)"),
    ],
)
def test_model_server_probe_tells_a_missing_server_or_key_from_a_working_one(
    model_server: str, tmp_path: Path, status: int, key: str | None, problem: str | None
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        writer="openai",
        openai_base_url=f"{model_server}/{status}/v1",
        openai_model="m",
        openai_api_key=key,
    )
    if problem is None:
        check_model_server(settings)
        return
    with pytest.raises(ConfigError, match=problem):
        check_model_server(settings)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", ["compose", "verify"])
def test_unreachable_model_server_is_one_clear_error_for_compose_and_verify(
    tmp_path: Path, command: str
) -> None:
    """Not a silent extractive fallback (compose) or verdicts without the judge (verify)."""
    article = {"title": "Harbour vote", "outlet": "Gazette", "body": story_text(5)}
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"articles": [article], "text": story_text(5)}), "utf-8")
    server = {"openai_base_url": "http://127.0.0.1:9/v1", "openai_model": "any"}
    flags = {"compose": ("--writer", "openai"), "verify": ("--judge", "openai")}[command]
    outcome = run_newsdesk(
        (command, str(source), *flags), newsdesk_env(**server), tmp_path, timeout=120
    )
    assert outcome.returncode == 2, outcome.stderr
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("newsdesk: error: cannot reach model server http://127.0.0.1:9/v1/")
