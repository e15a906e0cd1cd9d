"""Ingest: find feeds, fetch politely, read feeds, extract articles, remove duplicates.

discover -> fetch -> feeds (parse) -> extract (with outlet specs) -> dedupe; no part here
touches the store or a model."""

from newsdesk.ingest.dates import parse_date
from newsdesk.ingest.decoding import decode
from newsdesk.ingest.dedupe import DedupeItem, dedupe, signature
from newsdesk.ingest.discover import find_feed_links, load_feed_list
from newsdesk.ingest.extract import extract_article
from newsdesk.ingest.feeds import parse_feed
from newsdesk.ingest.fetch import Fetcher, FetchPolicy

__all__ = [
    "DedupeItem",
    "FetchPolicy",
    "Fetcher",
    "decode",
    "dedupe",
    "extract_article",
    "find_feed_links",
    "load_feed_list",
    "parse_date",
    "parse_feed",
    "signature",
]
