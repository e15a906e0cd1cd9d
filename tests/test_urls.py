"""URL canonicalisation: examples for each rule, then properties over generated URLs."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsdesk.urls import TRACKING_PARAMS, TRACKING_PREFIXES, canonicalize_url, is_http_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&utm_medium=y", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=1&gclid=2&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/%7Euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
        ("https://example.com/a b/é", "https://example.com/a%20b/%C3%A9"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_canonical_examples(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


def test_relative_url_is_resolved_against_base() -> None:
    base = "https://news.example.com/world/story.html?utm_campaign=rss"
    assert (
        canonicalize_url("../politics/x.html", base) == "https://news.example.com/politics/x.html"
    )
    assert canonicalize_url("//cdn.example.com/a", base) == "https://cdn.example.com/a"


@pytest.mark.parametrize(
    "raw", ["ftp://example.com/a", "mailto:a@example.com", "javascript:alert(1)", "/relative", ""]
)
def test_non_http_urls_raise_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        canonicalize_url(raw)


def test_is_http_url() -> None:
    assert is_http_url("https://example.com/a")
    assert is_http_url("HTTP://example.com")
    assert not is_http_url("ftp://example.com")
    assert not is_http_url("https://")
    assert not is_http_url("http://[::1")  # broken IPv6 literal: False, not an exception


# --- properties -----------------------------------------------------------------------

_TRACKING_KEYS = sorted(TRACKING_PARAMS) + [p + "x" for p in TRACKING_PREFIXES] + ["UTM_Source"]
_url_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]) | st.sampled_from("%/?#&=.:@[]+"),
    max_size=40,
)
_hosts = st.from_regex(r"[A-Za-z0-9-]{1,12}(\.[A-Za-z]{2,6}){1,2}", fullmatch=True)
_params = st.lists(
    st.tuples(
        st.sampled_from(_TRACKING_KEYS) | st.from_regex(r"[a-z]{1,6}", fullmatch=True),
        st.text(max_size=8),
    ),
    max_size=6,
)


@st.composite
def http_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTps"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    query = "&".join(f"{k}={v}" for k, v in draw(_params))
    path = draw(_url_text)
    fragment = draw(st.sampled_from(["", "#top", "#a?b=c"]))
    return f"{scheme}://{draw(_hosts)}{port}/{path}?{query}{fragment}"


@given(http_urls())
@example("http://example.com/%2e%2E/a?b=%zz&a=%7e")
@example("http://example.com/a/%2E%2E")
def test_canonicalisation_is_idempotent(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


@given(http_urls())
def test_tracking_params_never_survive(url: str) -> None:
    query = urlsplit(canonicalize_url(url)).query
    for pair in filter(None, query.split("&")):
        key = unquote_plus(pair.partition("=")[0]).strip().lower()
        assert key not in TRACKING_PARAMS
        assert not key.startswith(TRACKING_PREFIXES)


@given(http_urls())
def test_result_is_absolute_http_without_fragment(url: str) -> None:
    result = canonicalize_url(url)
    assert is_http_url(result)
    assert "#" not in result
    assert result == result.strip()


_prefixes = st.sampled_from(["", "http://", "https://", "HTTPS://Ex.com", "http://[", "//"])


@given(_prefixes, st.text(max_size=80), st.none() | st.text(max_size=40))
def test_arbitrary_text_never_crashes(prefix: str, text: str, base: str | None) -> None:
    try:
        result = canonicalize_url(prefix + text, base)
    except ValueError:
        return
    assert canonicalize_url(result) == result


@given(st.text(max_size=80))
def test_is_http_url_never_raises(text: str) -> None:
    assert isinstance(is_http_url(text), bool)
