"""One exception tree. Foreign exceptions are caught at the boundary and re-raised as ours."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """Bad settings, missing files, unknown keys."""


class StoreError(NewsdeskError):
    """The store could not be opened, migrated or written."""


class RunLockedError(StoreError):
    """Another run holds the writer lock."""


class InvalidInputError(NewsdeskError, ValueError):
    """A value given to a part is not usable: a URL that is not http(s) with a host, an empty
    list of sources. Also a ValueError, as the standard library would raise."""


class InvalidURLError(InvalidInputError):
    """Not an http(s) URL with a host."""


class FetchError(NewsdeskError):
    """A URL could not be fetched."""


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback or link-local address (SSRF guard)."""


class BodyTooLargeError(FetchError):
    """The response body is larger than the configured maximum."""


class HTTPStatusError(FetchError):
    """The server answered with an error status after all retries."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RobotsDisallowedError(FetchError):
    """robots.txt forbids fetching this URL."""


class FeedError(NewsdeskError):
    """A document is not a usable feed."""


class ExtractError(NewsdeskError):
    """No article could be extracted from a page."""


class WritingError(NewsdeskError):
    """The sources give nothing to write from (no usable sentence in any of them)."""


class ModelError(NewsdeskError):
    """A model could not be loaded or did not answer."""


class ModelBackendError(ModelError):
    """The model's native backend cannot run on this machine (e.g. llama.cpp dies by SIGILL).

    A setup problem, not a passing failure: the command exits 2 with the fix."""
