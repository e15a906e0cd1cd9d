"""A fact as a reporter's notes (writing/claims.py): what the model writes from, so that it
builds its own sentence rather than keep the source's. Every text here is ours."""

from __future__ import annotations

import pytest

from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.writing.claims import notes
from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.house import _similarity
from newsdesk.writing.rewording import align_reply
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
