"""Ingest step, one item at a time: poll one feed, fetch and extract one entry's article, and
group near-duplicate texts. The one-process run (`Pipeline`) and the worker tasks
(`pipeline/tasks.py`) call these same functions; each records its item's outcome in the store
and adds to `counts`, and none raises for a broken item (only `fail_fast` lets a bug through).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import datetime, time

from newsdesk.errors import (
    ExtractError,
    FeedError,
    FetchError,
    NewsdeskError,
    RobotsDisallowedError,
    StoreError,
)
from newsdesk.ingest.dedupe import DedupeItem, dedupe, signature
from newsdesk.ingest.extract import extract_article
from newsdesk.ingest.feeds import parse_feed
from newsdesk.ingest.fetch import Fetcher
from newsdesk.records import Article, ItemStatus, as_utc
from newsdesk.store import FeedRow, PendingEntry, Store
from newsdesk.urls import canonicalize_url


def best_time(page: datetime | None, feed: datetime | None) -> datetime | None:
    """The page's own date, unless it gave only a day the feed states to the minute."""
    if page is None:
        return as_utc(feed)
    feed = as_utc(feed)
    if feed and page.time() == time(0) and page.date() == feed.date():
        return feed
    return page


async def poll_feed(
    store: Store, fetcher: Fetcher, feed: FeedRow, counts: Counter[str], *, fail_fast: bool = False
) -> None:
    """Fetch one feed (conditionally) and store its new entries, or its failure."""
    try:
        result = await fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if result.not_modified:
            store.record_feed_not_modified(feed.url)
            counts["feeds_not_modified"] += 1
            return
        parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except (FetchError, FeedError) as exc:
        store.record_feed_failed(feed.url, str(exc))
        counts["feeds_failed"] += 1
        return
    except StoreError:
        raise  # the store, not the feed: the caller retries (a task) or stops (a run)
    except Exception as exc:
        if fail_fast:
            raise
        store.record_feed_failed(feed.url, f"internal error: {type(exc).__name__}: {exc}")
        counts["feeds_failed"] += 1
        return
    counts["entries_new"] += store.record_feed_ok(
        feed.url,
        title=parsed.title or None,
        site_url=parsed.link,
        etag=result.etag,
        last_modified=result.last_modified,
        entries=parsed.entries,
        problems=parsed.problems,
    )
    counts["feeds_ok"] += 1


async def ingest_entry(
    store: Store,
    fetcher: Fetcher,
    entry: PendingEntry,
    counts: Counter[str],
    *,
    min_body_words: int,
    fail_fast: bool = False,
) -> None:
    """Fetch and extract one entry's article and store it, or the entry's failure. An article
    already stored (by canonical URL) is never fetched or stored again."""
    status, reason, url = ItemStatus.FAILED, "", None
    try:
        if not entry.link:
            raise ExtractError("feed entry has no link")
        url = canonicalize_url(entry.link)
        if store.known_article_url(url):
            status, reason = ItemStatus.OK, ""
        else:
            article, raw = await fetch_article(fetcher, entry, url, min_body_words)
            minhash = signature(article.body) if article.status is ItemStatus.OK else None
            new = store.record_article(entry.id, article, raw, minhash)
            counts["articles_" + article.status.value] += int(new)
            return
    except RobotsDisallowedError as exc:
        status, reason = ItemStatus.SKIPPED, str(exc)
    except StoreError:
        raise  # see poll_feed
    except NewsdeskError as exc:
        reason = str(exc)
    except Exception as exc:
        if fail_fast:
            raise
        reason = f"internal error: {type(exc).__name__}: {exc}"
    counts["entries_" + status.value] += 1
    store.record_entry(entry.id, status, reason or None, url)


async def fetch_article(
    fetcher: Fetcher, entry: PendingEntry, url: str, min_body_words: int
) -> tuple[Article, bytes]:
    result = await fetcher.fetch(url, robots=True)
    # Extraction is CPU work; a thread keeps the other downloads moving meanwhile.
    extracted = await asyncio.to_thread(extract_article, result.body, result.final_url)
    article = Article(
        url=result.final_url,
        canonical_url=extracted.canonical_url,
        outlet=entry.outlet,
        title=extracted.title or entry.title,
        authors=extracted.authors,
        published=best_time(as_utc(extracted.published), entry.published),
        body=extracted.body,
        lang=extracted.lang,
    )
    return classify(article, extracted.paywalled, min_body_words), result.body


def classify(article: Article, paywalled: bool, min_body_words: int) -> Article:
    """Paywalls and stubs are kept with their reason but never published."""
    if paywalled:
        reason = "the page shows only a teaser"
    elif article.word_count < min_body_words:
        reason = f"stub page: only {article.word_count} words of body"
    else:
        return article
    return replace(article, status=ItemStatus.PAYWALL, reason=reason)


def dedupe_texts(store: Store, threshold: float) -> int:
    """Group the stored articles' near-duplicate texts; returns how many distinct texts."""
    stored = store.articles()
    items = [
        DedupeItem(s.article.canonical_url, s.article.content_hash, s.minhash, s.article.published)
        for s in stored
        if s.minhash is not None
    ]
    groups = dedupe(items, threshold)
    changed = {
        s.article.canonical_url: groups[s.article.canonical_url]
        for s in stored
        if s.article.canonical_url in groups and s.text_group != groups[s.article.canonical_url]
    }
    if changed:
        store.set_text_groups(changed)
    return len(set(groups.values()))
