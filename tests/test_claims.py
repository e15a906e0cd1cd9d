"""A fact as a reporter's notes (writing/claims.py): what the model writes from, so that it
builds its own sentence rather than keep the source's. Every text here is ours."""

from __future__ import annotations

import pytest

from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.writing.claims import notes
from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.house import _similarity
from newsdesk.writing.rewording import align_reply, details, fact_problem, foreign_names
from newsdesk.writing.rules import SourceWords


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the attribution set off at the end, the clauses apart
        (
            "At least 31 people were killed, including four children, in the quake that hit "
            "the Velna valley, the civil protection office said on Tuesday.",
            "At least 31 people were killed; including four children, in the quake that hit "
            "the Velna valley (the civil protection office said on Tuesday).",
        ),
        (
            "According to the port authority, the ferry ran aground off Gull Point, after which "
            "it listed for an hour.",
            "The ferry ran aground off Gull Point; after which it listed for an hour "
            "(according to the port authority).",
        ),
        (
            "The toll in Ilsk has risen to 19 as rescuers dig through the ruins.",
            "The toll in Ilsk has risen to 19; as rescuers dig through the ruins.",
        ),
        # "as many as" is a count, not a joint
        ("As many as 516 people are still missing.", "As many as 516 people are still missing."),
        # a quotation stays whole, with its speaker
        (
            '"We heard a crack, then nothing," said Ana Ruiz, who lives nearby.',
            '"We heard a crack, then nothing," said Ana Ruiz, who lives nearby.',
        ),
    ],
)
def test_notes(sentence: str, expected: str) -> None:
    assert notes(sentence) == expected


def test_a_faithful_paraphrase_stands_when_meaning_is_read() -> None:
    """The word-level support test gives way to meaning (MiniLM cosine >= SAME_MEANING):
    the sentence is the model's, not the source's; the verifier still checks it."""
    text = (
        "The Corran Star ferry ran aground off Gull Point on Tuesday morning with 212 "
        "passengers on board, the coastguard said."
    )
    fact = Fact(text, SourceRef(0, 0), "Harbour Herald", 1.0)
    reply = (
        "The coastguard reported that the Corran Star ferry, with 212 travellers, became "
        "stuck in shallow water near Gull Point early on Tuesday."
    )
    evidence = SourceWords.of([text])
    by_words, notes_words = align_reply(reply, [fact], evidence)
    assert by_words[0].text == text and "mostly not from the sources" in notes_words[0]
    by_meaning, notes_meaning = align_reply(reply, [fact], evidence, _similarity(MiniLMEmbedder()))
    assert by_meaning[0].text == reply and by_meaning[0].by_model and notes_meaning == []


_SOURCES = [
    "The Moroccan army sent rescue teams to Amizmiz. Morocco declared three days of mourning.",
    "The Fed raised rates. The Federal Reserve's chair, Jerome Powell, spoke on Wednesday.",
    "According to the ministry, most prosecutors agreed. Much like other quakes, the toll rose.",
    "Dana Whitlock said the vote was close. Mark Whitlow said nothing much.",
]


@pytest.mark.parametrize(
    ("sentence", "fact", "strangers"),
    [
        # a country for its people's adjective, and the other way round
        ("Morocco's army sent teams to Amizmiz.", "The Moroccan army sent teams to Amizmiz.", []),
        # a short form written out, as the sources write it
        (
            "The Federal Reserve's chair spoke on Wednesday.",
            "The Fed's chair spoke on Wednesday.",
            [],
        ),
        # a word the sources write in lower case, opening a sentence
        ("Prosecutors agreed, the ministry said.", "Most prosecutors agreed.", []),
        # another person's name: the quote moved to another speaker
        (
            "Mark Whitlow said the vote was close.",
            "Dana Whitlock said the vote was close.",
            ["Mark", "Whitlow"],
        ),
        # a place the fact does not give
        ("The army sent teams to Amizmiz.", "The Moroccan army sent teams.", ["Amizmiz"]),
        # "Reserve" alone is no form of "Fed"
        ("The Reserve raised rates.", "The Fed raised rates.", ["Reserve"]),
    ],
)
def test_foreign_names(sentence: str, fact: str, strangers: list[str]) -> None:
    assert foreign_names(sentence, fact, SourceWords.of(_SOURCES)) == strangers


def test_a_word_opening_the_fact_is_no_detail_to_keep() -> None:
    """ "Prosecutors" and "Much" open the fact; dropping them loses no name. The sources
    write "prosecutors" in lower case; "much" opens sentences without naming anything."""
    evidence = SourceWords.of(_SOURCES)
    fact = Fact("Prosecutors said the toll rose.", SourceRef(0, 0), "Herald", 1.0)
    assert details(fact.text, evidence.common) == set()
    assert details(fact.text) == {"prosecutors"}
    assert fact_problem("The toll rose, officials said.", fact, evidence=evidence) is None
    much = Fact("Much like other quakes, the toll rose.", SourceRef(0, 0), "Herald", 1.0)
    assert details(much.text) == set()
    named = Fact("Dana Whitlock said the vote was close.", SourceRef(0, 0), "Herald", 1.0)
    assert fact_problem("The vote was close, she said.", named, evidence=evidence) == (
        "leaves out names or numbers of this fact: Dana, Whitlock"
    )


def test_a_sentence_that_tells_a_neighbouring_fact_too_is_turned_down() -> None:
    """Written one fact at a time, a sentence that brings in the paragraph's next fact
    would tell that fact twice once it is written too."""
    fact = Fact("The ferry ran aground off Gull Point.", SourceRef(0, 0), "Herald", 1.0)
    other = Fact("Tugs pulled the vessel free at high tide.", SourceRef(0, 1), "Herald", 0.9)
    evidence = SourceWords.of([fact.text, other.text])
    reply = "The ferry ran aground off Gull Point, and tugs pulled it free at high tide."
    alone, _ = align_reply(reply, [fact], evidence)
    assert alone[0].by_model
    (line,), notes = align_reply(reply, [fact], evidence, neighbours=[other])
    assert not line.by_model and line.text == fact.text
    assert "tells another fact of this paragraph too" in notes[0]
