"""Persistence. Only this package touches SQL."""

from newsdesk.store.sqlite import FeedRow, PendingEntry, Store, StoredArticle

__all__ = ["FeedRow", "PendingEntry", "Store", "StoredArticle"]
