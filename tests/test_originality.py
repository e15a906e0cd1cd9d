"""How much of a sentence is another outlet's copy (writing/originality.py), and that every
published sentence carries it in the payload. Every text here is ours."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.demo.world import story_articles
from newsdesk.formats.payload import StoryPayload
from newsdesk.pipeline.writing import draft_version
from newsdesk.writing.originality import copying, longest_run, words

SOURCE = words(
    "The Orvel council voted on Tuesday to close the old library on Mill Street, and "
    'the mayor said "we had no other choice" after a year of cuts.'
)


def test_the_longest_run_is_counted_in_order() -> None:
    assert longest_run(words("voted on Tuesday to close"), SOURCE) == 5
    assert longest_run(words("close to Tuesday on voted"), SOURCE) == 1
    assert longest_run(words("nothing here matches"), SOURCE) == 0


def test_a_copied_sentence_and_a_sentence_in_our_own_words() -> None:
    copied = copying("The Orvel council voted on Tuesday to close the old library.", [SOURCE])
    assert (copied.words, copied.copied) == (11, 11) and copied.share == 1.0
    own = copying(
        "Orvel's library on Mill Street will shut after councillors decided so.", [SOURCE]
    )
    assert own.copied == 4 and own.share < 0.4  # "library on Mill Street"


def test_quotations_do_not_count_as_copying() -> None:
    quoted = copying('The mayor said "we had no other choice" after the cuts.', [SOURCE])
    assert quoted.words == 6  # the mayor said after the cuts
    assert quoted.copied == 3  # "the mayor said"


def test_every_published_sentence_carries_its_copying() -> None:
    sources = story_articles("rate-hold")
    version = draft_version("s1", sources, None, None, now=datetime(2026, 12, 6, tzinfo=UTC))
    sentences = StoryPayload.from_json(version.payload).sentences
    assert sentences
    for sentence in sentences:
        assert sentence.words is not None and sentence.copied_words is not None
        assert 0 <= sentence.copied_words <= sentence.words
    # The extractive writer publishes source sentences: most are one long copied run.
    long = [s for s in sentences if s.words and s.copied_words == s.words]
    assert len(long) >= len(sentences) // 2
