"""A fact as a reporter's notes (writing/claims.py): what the model writes from, so that it
builds its own sentence rather than keep the source's. Every text here is ours."""

from __future__ import annotations

import pytest

from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.writing.claims import note_debris, notes
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


# A blind reader found these in published articles (eval/events/reads/2026-12-06-own-words-gated):
# the model kept its notes' semicolons and attribution brackets.
@pytest.mark.parametrize(
    ("fact", "sentence", "problem"),
    [
        (
            "Dunmore, who had never won a final until this season, went ahead early.",
            "Dunmore; who had never won a final until this season, went ahead early.",
            "keeps the notes' semicolons",
        ),
        (
            "The harbour master further said that 40 boats had been moved to Kalvik.",
            "(Harbour master) The harbour master further said that 40 boats had been moved.",
            "keeps the notes' brackets: (Harbour master)",
        ),
        (
            "Of the dead, 40 were fishermen, officials in Port Avalen said on Tuesday.",
            "Of the dead, 40 were fishermen (officials in Port Avalen said on Tuesday).",
            "keeps the notes' brackets: (officials in Port Avalen said on Tuesday)",
        ),
    ],
)
def test_the_notes_marks_are_turned_down(fact: str, sentence: str, problem: str) -> None:
    assert note_debris(sentence, fact) == problem
    # and the whole reply falls back to the fact's own sentence, with the reason
    line = Fact(fact, SourceRef(0, 0), "Herald", 1.0)
    (kept,), found = align_reply(sentence, [line], SourceWords.of([fact]))
    assert kept.text == fact and not kept.by_model and problem in found[0]


@pytest.mark.parametrize(
    ("fact", "sentence"),
    [
        # the fact's own semicolon, its own bracket, a quotation's semicolon
        ("Rain fell; the river rose.", "The river rose; rain fell."),
        (
            "The Indian Space Research Organisation (ISRO) said the lander was safe.",
            "The lander was safe, the Indian Space Research Organisation (ISRO) said.",
        ),
        ('"We waited; nobody came," Ana Ruiz said.', 'Ana Ruiz said: "We waited; nobody came."'),
    ],
)
def test_the_facts_own_marks_stay(fact: str, sentence: str) -> None:
    assert note_debris(sentence, fact) is None
