"""URL canonicalisation: one spelling per article, so the store can key on it.

`canonicalize_url` is deliberately forgiving: feeds and pages hand us every kind of malformed
URL, and a best-effort canonical form is more useful than an exception. The one thing it
refuses is a URL that is not http(s) with a host, because nothing downstream can fetch that.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import unquote_plus, urljoin, urlsplit

from newsdesk.errors import InvalidURLError

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize_url", "is_http_url"]

# Parameters that only say how a reader arrived, never which document they asked for.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "s_kwcid",
        "sc_cid",
        "srsltid",
        "cmpid",
        "ocid",
        "ncid",
        "at_medium",
        "at_campaign",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_custom")

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters that may stay literal in a path or query; everything else is percent-encoded.
# '%' is handled separately so that escapes are normalised, never double-encoded.
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; never raises."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:
        return False


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical spelling of `url` (resolved against `base` when given).

    Lower-cased scheme and host, default port dropped, fragment dropped, tracking parameters
    removed, remaining query parameters sorted, percent-encoding normalised (unreserved
    characters decoded, other escapes upper-cased, unsafe characters encoded), dot segments
    resolved, empty path made '/'. Raises InvalidURLError when the result is not an http(s) URL
    with a host (InvalidURLError, a ValueError); any other oddity is repaired as well as possible.
    """
    raw = url.strip()
    if base:
        raw = urljoin(base.strip(), raw)
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURLError(f"not an http(s) URL: {url!r}")
    netloc = _canonical_netloc(parts.netloc, scheme)
    if not netloc:
        raise InvalidURLError(f"URL has no host: {url!r}")
    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _canonical_query(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _canonical_netloc(netloc: str, scheme: str) -> str:
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = _split_port(hostport)
    host = _canonical_host(host)
    if not host:
        return ""
    if port.isdigit():
        port = str(int(port))
    if port == _DEFAULT_PORTS[scheme] or not port:
        port = ""
    result = host + (f":{port}" if port else "")
    return f"{userinfo}@{result}" if userinfo else result


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):  # IPv6 literal: the port, if any, follows the bracket
        end = hostport.find("]")
        if end != -1:
            rest = hostport[end + 1 :]
            return hostport[: end + 1], rest[1:] if rest.startswith(":") else ""
        return hostport, ""
    # First colon, not last: a host never contains one, so 'a:b:c' is host 'a', port 'b:c'.
    host, _, port = hostport.partition(":")
    return host, port


def _canonical_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host and not host.isascii():
        # IDNA turns 'bücher.de' into 'xn--bcher-kva.de', the form every resolver uses.
        with contextlib.suppress(UnicodeError):  # not IDNA-encodable: keep it as written
            host = host.encode("idna").decode("ascii")
    return host


def _canonical_query(query: str) -> str:
    kept: list[str] = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = unquote_plus(pair.partition("=")[0]).strip().lower()
        if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
            continue
        kept.append(_normalize_escapes(pair, _QUERY_SAFE))
    # Sorting makes ?a=1&b=2 and ?b=2&a=1 the same key; stable sort keeps repeated keys'
    # relative order only among identical pairs, which is all that matters for identity.
    return "&".join(sorted(kept))


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, encode unsafe chars."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        match = _ESCAPE.match(text, i) if char == "%" else None
        if match:
            decoded = chr(int(match.group(1), 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + match.group(1).upper())
            i += 3
            continue
        out.append(char if char in safe else _percent_encode(char))
        i += 1
    return "".join(out)


def _percent_encode(char: str) -> str:
    # surrogatepass: arbitrary text may hold lone surrogates; encode them rather than crash.
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, so /a/./b/../c and /a/c are one URL."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")  # '/a/b/..' names the directory '/a/', keep the trailing slash
    return "/".join(out)
