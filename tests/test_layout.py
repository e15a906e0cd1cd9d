from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.formats.house import LayoutError, parse_house_file, render_house, render_house_file
from newsdesk.records import HouseArticle, RelatedArticle

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_000 = SEEDS / "000_d10898a278a58171.txt"


@pytest.mark.skipif(not SEED_000.exists(), reason="../shared/seeds not present")
def test_seed_000_round_trips_byte_for_byte() -> None:
    text = SEED_000.read_text(encoding="utf-8")
    stories = parse_house_file(text)
    assert [s.title for s in stories] == [
        "North Korean Troops Fighting for Russia in Ukraine, Putin Thanks Them for Heroism",
        "North Korean Troops Reignited Kursk Conflict, Says President Zelenskyy",
    ]
    first = stories[0]
    assert len(first.paragraphs) == 4
    assert first.category == "World"
    assert first.published == datetime(2025, 4, 28, 10, 6, 22, tzinfo=UTC)
    assert first.related[0] == RelatedArticle(
        "Putin thanks North Korea for sending troops to fight Ukraine: "
        "'Will never forget the heroism'",
        "Fox News",
    )
    assert stories[1].related[0].headline.endswith("in Kursk, says Zelenskyy")
    assert first.tags == ("troops", "fight", "ukraine")
    assert render_house_file(stories) == text


GOLDEN = """Harbour Ferry Terminal in Port Almer to Open in June

The harbour board said the terminal will open in June.

Councillors approved the last payment by 9 votes to 2.

Category: Business

Published on: 2026-03-04 08:15:00


Related articles:
Ferry terminal finally gets a date, Harbour Herald
Port Almer council pays builders, Coastline Daily


Tags: ferry terminal port"""


def test_render_matches_golden_layout() -> None:
    article = HouseArticle(
        title="Harbour Ferry Terminal in Port Almer to Open in June",
        paragraphs=(
            "The harbour board said the terminal will open in June.",
            "Councillors approved the last payment by 9 votes to 2.",
        ),
        category="Business",
        published=datetime(2026, 3, 4, 8, 15, tzinfo=UTC),
        related=(
            RelatedArticle("Ferry terminal finally gets a date", "Harbour Herald"),
            RelatedArticle("Port Almer council pays builders", "Coastline Daily"),
        ),
        tags=("ferry", "terminal", "port"),
    )
    assert render_house(article) == GOLDEN
    assert parse_house_file(GOLDEN) == [article]


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "Just a title",
        GOLDEN.replace("Category: ", "Kind: "),
        GOLDEN + "\n\ntrailing words",
        GOLDEN.replace("2026-03-04 08:15:00", "yesterday"),
    ],
)
def test_broken_layouts_are_rejected(broken: str) -> None:
    with pytest.raises(LayoutError):
        parse_house_file(broken)


line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).map(lambda s: " ".join(s.split()) or "x")


@given(
    title=line,
    paragraphs=st.lists(line, min_size=1, max_size=5),
    related=st.lists(st.tuples(line, line.filter(lambda s: ", " not in s)), min_size=1, max_size=4),
)
def test_render_then_parse_is_identity(
    title: str, paragraphs: list[str], related: list[tuple[str, str]]
) -> None:
    if any(x.startswith("Tags: ") for x in [title, *paragraphs, *(h for h, _ in related)]):
        return  # a line starting "Tags: " ends a story by definition
    article = HouseArticle(
        title=title,
        paragraphs=tuple(paragraphs),
        category="World",
        published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        related=tuple(RelatedArticle(h, o) for h, o in related),
        tags=("a", "b", "c"),
    )
    assert parse_house_file(render_house(article)) == [article]
