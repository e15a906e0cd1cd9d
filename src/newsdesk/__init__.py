"""newsdesk: an automated news desk that writes one grounded article per story."""

from newsdesk.errors import NewsdeskError
from newsdesk.records import Article, Entry, Extracted, FeedSource, FetchResult, ParsedFeed

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Entry",
    "Extracted",
    "FeedSource",
    "FetchResult",
    "NewsdeskError",
    "ParsedFeed",
    "__version__",
]
