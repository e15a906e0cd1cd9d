"""Ingest: find feeds, fetch politely, read feeds, extract articles, remove duplicates.

discover -> fetch -> feeds (parse) -> extract (with outlet specs) -> dedupe; no part here
touches the store or a model."""
