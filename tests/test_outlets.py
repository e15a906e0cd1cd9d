"""Outlet specs: the loader, and one golden test per spec (raw corpus HTML in, corpus JSON out)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newsdesk.errors import ConfigError
from newsdesk.ingest.extract import extract_article
from newsdesk.ingest.outlets import load_specs, parse_spec, spec_for_host

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "extraction"
META = ("title", "authors", "published")

# corpus page -> (spec it exercises, fields that must equal the corpus JSON, body F1 floor).
# Expectations are the corpus' own JSON, read at test time; no article text lives here.
GOLDEN: dict[str, tuple[str, tuple[str, ...], float]] = {
    "businessinsider_2024-02-14": ("Business Insider", META, 0.99),
    "businessinsider_2025-04-01": ("Business Insider", META, 0.99),
    "dailymail_2024-04-27": ("Daily Mail", META, 0.94),
    "eveningstandard_2024-05-02": ("Evening Standard", META, 0.97),
    "eveningstandard_2024-10-24": ("Evening Standard", META, 0.97),
    "express_2024-07-18": ("Daily Express", META, 0.975),
    "lesothotimes_2025-05-23": ("Lesotho Times", META, 0.99),
    "lesothotimes_2025-11-24": ("Lesotho Times", META, 0.99),
    "metro_2024-07-17": ("Metro", (*META, "body"), 1.0),
    "metro_2024-11-29": ("Metro", (*META, "body"), 1.0),
    "nature_2025-11-04": ("Nature", META, 0.965),
    "nature_2026-02-07": ("Nature", META, 0.95),
    "taipeitimes_2024-10-15": ("Taipei Times", ("title", "published", "body"), 1.0),
    "thenation_2023-05-15": ("The Nation", META, 0.99),
    "thenation_2024-01-11": ("The Nation", (*META, "body"), 1.0),
    "thetelegraph_2023-08-30": ("The Telegraph", META, 0.94),
    "thetelegraph_2024-09-17": ("The Telegraph", (*META, "body"), 1.0),
}


def test_packaged_specs_load_and_are_unique() -> None:
    specs = load_specs()
    assert specs, "no outlet specs packaged"
    names = [s.name for s in specs]
    assert len(names) == len(set(names))
    hosts = [h for s in specs for h in s.hosts]
    assert len(hosts) == len(set(hosts))


def test_every_spec_has_a_golden_page() -> None:
    assert {name for name, _, _ in GOLDEN.values()} == {s.name for s in load_specs()}


def test_hosts_match_subdomains_only() -> None:
    assert spec_for_host("metro.co.uk") is not None
    metro = spec_for_host("www.metro.co.uk")
    assert metro is not None and metro.name == "Metro"
    assert spec_for_host("notmetro.co.uk") is None
    assert spec_for_host(None) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "X", "hosts": ["x.example"], "colour": "red"}, "unknown keys"),
        ({"name": "X", "hosts": []}, "hosts"),
        ({"hosts": ["x.example"]}, "name"),
        ({"name": "X", "hosts": ["x.example"], "body": {"paragraphs": "//p["}}, "bad XPath"),
        ({"name": "X", "hosts": ["x.example"], "body": {"drop_text": ["(unclosed"]}}, "bad regex"),
        ({"name": "X", "hosts": ["x.example"], "meta": {"byline": "//b"}}, "unknown keys"),
    ],
)
def test_bad_specs_are_rejected(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_spec(data, "bad.toml")


def test_spec_selectors_drive_extraction() -> None:
    spec = parse_spec(
        {
            "name": "Herald",
            "hosts": ["herald.example"],
            "body": {
                "paragraphs": "//div[@class='story']/p",
                "drop": ["//div[@class='story']/div[@class='promo']"],
                "drop_text": ["^Advertisement feature"],
            },
            "meta": {
                "title": "//h1[@class='headline']",
                "authors": "//span[@class='byline']",
                "published": "//span[@class='stamp']/@data-iso",
            },
        }
    )
    story = "".join(
        f"<p>Paragraph {n} of the story about the harbour ferry terminal opening.</p>"
        for n in range(1, 4)
    )
    html = (
        "<html><head><meta property='og:title' content='Other title'></head><body>"
        "<h1 class='headline'>Ferry terminal opens</h1><span class='byline'>By Ana Lima</span>"
        "<span class='stamp' data-iso='2026-03-04T08:15:00+00:00'>4 March</span>"
        f"<div class='story'>{story}<p>Advertisement feature: buy a boat</p>"
        "<div class='promo'><p>Promoted text</p></div></div></body></html>"
    )
    record = extract_article(html, "https://www.herald.example/a", specs=[spec])
    assert record.title == "Ferry terminal opens"
    assert record.authors == ("Ana Lima",)
    assert record.published is not None and record.published.isoformat().startswith("2026-03-04")
    assert record.body.split("\n\n") == [
        f"Paragraph {n} of the story about the harbour ferry terminal opening." for n in (1, 2, 3)
    ]


def _f1(gold: str, predicted: str) -> float:
    g = Counter(re.findall(r"\w+", gold.lower()))
    p = Counter(re.findall(r"\w+", predicted.lower()))
    overlap = sum((g & p).values())
    return 0.0 if not overlap else 2 * overlap / (sum(g.values()) + sum(p.values()))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"extraction corpus not present at {CORPUS}")
@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_golden_outlet_page(stem: str) -> None:
    spec_name, exact, body_floor = GOLDEN[stem]
    expected = json.loads((CORPUS / f"{stem}.json").read_text(encoding="utf-8"))
    record = extract_article((CORPUS / f"{stem}.html").read_bytes(), expected["url"])
    spec = spec_for_host(re.sub(r"^https?://([^/]+).*$", r"\1", expected["url"]))
    assert spec is not None and spec.name == spec_name
    got = {
        "title": record.title,
        "authors": list(record.authors),
        "published": record.published.isoformat() if record.published else None,
        "body": record.body,
    }
    assert {f: got[f] for f in exact} == {f: expected[f] for f in exact}
    assert _f1(expected["body"], record.body) >= body_floor
