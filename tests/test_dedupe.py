from datetime import UTC, datetime

from newsdesk.ingest.dedupe import DedupeItem, dedupe, shingles, signature
from newsdesk.records import content_hash

WIRE = (
    "Harbour officials in Port Almer said on Tuesday that the new ferry terminal will open "
    "in June after two years of delays, with capacity for 4,000 passengers a day. The "
    "council voted 9 to 2 to approve the final payment to the builders, and the mayor said "
    "the opening ceremony would be held on the first Saturday of the month. "
)


def item(key: str, text: str, day: int) -> DedupeItem:
    return DedupeItem(key, content_hash(text), signature(text), datetime(2026, 3, day, tzinfo=UTC))


def test_syndicated_copies_form_one_group_keyed_by_earliest() -> None:
    items = [
        item("https://b.example/wire", WIRE + "Reporting by the wire service.", 3),
        item("https://a.example/wire", WIRE, 2),
        item("https://c.example/wire", WIRE.upper(), 4),  # exact after normalisation
        item("https://d.example/own", "A completely different report on a football final.", 2),
    ]
    groups = dedupe(items, threshold=0.7)
    assert groups["https://a.example/wire"] == "https://a.example/wire"
    assert groups["https://b.example/wire"] == "https://a.example/wire"
    assert groups["https://c.example/wire"] == "https://a.example/wire"
    assert groups["https://d.example/own"] == "https://d.example/own"


def test_groups_do_not_depend_on_arrival_order() -> None:
    items = [item(f"https://{c}.example/x", WIRE + c, 2 + i) for i, c in enumerate("abcde")]
    assert dedupe(items, 0.7) == dedupe(list(reversed(items)), 0.7)


def test_independent_reports_of_one_event_stay_apart() -> None:
    other = (
        "The ferry terminal in Port Almer will finally open in June, the harbour board "
        "confirmed, ending a delay of two years. Councillors backed the last payment by nine "
        "votes to two; the mayor plans a ceremony early in the month for 4,000 daily riders."
    )
    groups = dedupe(
        [item("https://a.example/1", WIRE, 2), item("https://b.example/2", other, 2)], 0.7
    )
    assert groups["https://b.example/2"] == "https://b.example/2"


def test_shingles_of_short_and_empty_text() -> None:
    assert shingles("") == set()
    assert shingles("two words") == {"two words"}
    assert len(shingles("one two three four five six")) == 2
