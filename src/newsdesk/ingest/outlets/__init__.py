"""Outlet specs: per-publisher extraction hints kept as data (one TOML file per outlet).

A spec only exists where the generic extractor measurably gets an outlet wrong. Schema (every
key but `name` and `hosts` is optional; selectors are XPath 1.0, since lxml ships no CSS
engine without the extra cssselect package):

    name = "Metro"
    hosts = ["metro.co.uk"]            # matches the host and any subdomain of it

    [body]
    paragraphs = "//article/div[@class='article-body']/p"  # each match is one paragraph
    drop = ["//aside", "//div[@class='related']"]          # removed before any extraction
    drop_text = ["^Got a story", "^MORE :"]                 # paragraphs matching are dropped

    [meta]
    title = "//meta[@property='og:title']/@content"
    authors = "//span[@class='byline']"
    published = "//time[@itemprop='datePublished']/@datetime"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeGuard

from lxml import etree  # type: ignore[import-untyped]

from newsdesk.errors import ConfigError

__all__ = ["OutletSpec", "load_specs", "parse_spec", "spec_for_host"]

_TOP_KEYS = frozenset({"name", "hosts", "body", "meta"})
_BODY_KEYS = frozenset({"paragraphs", "drop", "drop_text"})
_META_KEYS = frozenset({"title", "authors", "published"})


@dataclass(frozen=True, slots=True)
class OutletSpec:
    """Extraction hints for one outlet; empty fields mean 'use the generic path'."""

    name: str
    hosts: tuple[str, ...]
    paragraphs: str | None = None
    drop: tuple[str, ...] = ()
    drop_text: tuple[re.Pattern[str], ...] = ()
    title: str | None = None
    authors: str | None = None
    published: str | None = None

    def matches(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)


def parse_spec(data: Mapping[str, Any], source: str = "<spec>") -> OutletSpec:
    """Validate one decoded TOML document; raises ConfigError naming `source` on any problem."""
    _check_keys(data, _TOP_KEYS, source)
    body = _table(data, "body", _BODY_KEYS, source)
    meta = _table(data, "meta", _META_KEYS, source)
    name = data.get("name")
    hosts = data.get("hosts")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{source}: 'name' must be a non-empty string")
    if not _is_str_list(hosts) or not hosts:
        raise ConfigError(f"{source}: 'hosts' must be a non-empty list of strings")
    return OutletSpec(
        name=name,
        hosts=tuple(h.lower() for h in hosts),
        paragraphs=_xpath(body.get("paragraphs"), source),
        drop=tuple(_xpath_list(body.get("drop", []), source)),
        drop_text=tuple(_regex(p, source) for p in _str_list(body.get("drop_text", []), source)),
        title=_xpath(meta.get("title"), source),
        authors=_xpath(meta.get("authors"), source),
        published=_xpath(meta.get("published"), source),
    )


@cache
def load_specs() -> tuple[OutletSpec, ...]:
    """All specs packaged in newsdesk/ingest/outlets/*.toml, sorted by file name."""
    folder = resources.files(__name__)
    specs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{entry.name}: {exc}") from exc
            specs.append(parse_spec(data, entry.name))
    return tuple(specs)


def spec_for_host(host: str | None, specs: Iterable[OutletSpec] | None = None) -> OutletSpec | None:
    """The first spec whose hosts cover `host`, or None."""
    if not host:
        return None
    for spec in load_specs() if specs is None else specs:
        if spec.matches(host):
            return spec
    return None


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")


def _table(
    data: Mapping[str, Any], key: str, allowed: frozenset[str], source: str
) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [{key}] must be a table")
    _check_keys(table, allowed, f"{source} [{key}]")
    return table


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _str_list(value: object, source: str) -> list[str]:
    if not _is_str_list(value):
        raise ConfigError(f"{source}: expected a list of strings, got {value!r}")
    return value


def _xpath(value: object, source: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{source}: selector must be a string, got {value!r}")
    try:
        etree.XPath(value)  # compile once here so a typo fails at load time, not per page
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{source}: bad XPath {value!r}: {exc}") from exc
    return value


def _xpath_list(value: object, source: str) -> list[str]:
    return [x for x in (_xpath(v, source) for v in _str_list(value, source)) if x]


def _regex(pattern: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{source}: bad regex {pattern!r}: {exc}") from exc
