"""Persistence. Only this package touches SQL; SQLite (a file, the default) or PostgreSQL."""

from newsdesk.store.backend import is_postgres, shown_location
from newsdesk.store.core import Store, open_store
from newsdesk.store.rows import FeedRow, PendingEntry, StoredArticle

__all__ = [
    "FeedRow",
    "PendingEntry",
    "Store",
    "StoredArticle",
    "is_postgres",
    "open_store",
    "shown_location",
]
