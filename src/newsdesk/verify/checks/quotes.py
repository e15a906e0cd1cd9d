"""Quotes: every quoted span is verbatim in a source and attributed to the same speaker.

"Verbatim" compares word tokens, so quote style, punctuation, case and whitespace may differ
but no word may; an ellipsis ("...") may join two pieces of one source quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsdesk.verify.checks.documents import Document, Passage, Quote
from newsdesk.verify.checks.evidence import Evidence
from newsdesk.verify.checks.normal import plain, tokens
from newsdesk.verify.checks.problems import Problem, Verdict

# A quote this long that shares a run of words with a source is a changed quote, not a new one.
_ALTERED_RUN = 4


def _pieces(text: str) -> list[str]:
    """The parts of a quote between ellipses, as space-padded token strings."""
    parts = re.split(r"\.\.\.|…", plain(text))
    return [f" {' '.join(tokens(p))} " for p in parts if tokens(p)]


def _verbatim(text: str, evidence: Evidence) -> bool:
    pieces = _pieces(text)
    return any(all(piece in words for piece in pieces) for words in evidence.words)


def _longest_shared_run(text: str, evidence: Evidence) -> int:
    """Longest run of the quote's words found verbatim in one source (for the message)."""
    words = tokens(text)
    best = 0
    for start in range(len(words)):
        for end in range(len(words), start + best, -1):
            piece = f" {' '.join(words[start:end])} "
            if any(piece in source for source in evidence.words):
                best = end - start
                break
    return best


def _source_quotes(evidence: Evidence) -> Iterator[Quote]:
    for article in evidence.articles:
        for document in article.documents:
            yield from document.quotes


def _same_speaker(a: str, b: str) -> bool:
    """'paulo freitas' ~ 'freitas': any shared name word (titles are not part of names)."""
    return bool(set(a.split()) & set(b.split()))


def _speaker_problem(quote: Quote, evidence: Evidence) -> Problem | None:
    """Who the sources quote with these words, when the draft names another person.

    Only person against person: a quote the sources give to an institution ("the court
    found"), or to nobody they name, may be put in its spokesperson's mouth or left
    unattributed, and a draft speaker that cannot be read is no claim at all.
    """
    if quote.speaker is None or quote.speaker_label != "PERSON":
        return None
    mine = quote.words
    sources = [q for q in _source_quotes(evidence) if mine in q.words or q.words in mine]
    if not sources or any(q.speaker is None or q.speaker_label != "PERSON" for q in sources):
        return None  # the sources do not name a person who said it: nothing to contradict
    speakers = [q.speaker for q in sources if q.speaker]
    mine_all = quote.candidates or (quote.speaker,)
    if any(_same_speaker(m, s) for m in mine_all for s in speakers):
        return None
    message = (
        f"quote attributed to {quote.speaker.title()}; the sources quote {speakers[0].title()}"
    )
    return Problem("quotes", Verdict.CONTRADICTED, message)


def _quote_problem(piece: str, evidence: Evidence) -> Problem | None:
    if _verbatim(piece, evidence):
        return None
    piece = piece.strip(" ,.;:!?")
    short = piece if len(piece) <= 60 else piece[:57] + "..."
    if _longest_shared_run(piece, evidence) >= min(_ALTERED_RUN, len(tokens(piece))):
        return Problem("quotes", Verdict.CONTRADICTED, f"“{short}” differs from the source quote")
    return Problem("quotes", Verdict.UNSUPPORTED, f"“{short}” is not in any source")


def check_quotes(draft: Document, sentence: Passage, evidence: Evidence) -> list[Problem]:
    """Quotes overlapping this sentence: verbatim in a source, by the same speaker."""
    problems = []
    for quote in draft.quotes:
        if not (quote.start < sentence.end and sentence.start < quote.end):
            continue
        piece = draft.text[max(quote.start, sentence.start) : min(quote.end, sentence.end)]
        if not tokens(piece):
            continue
        problem = _quote_problem(piece, evidence)
        if problem is None and _verbatim(quote.text, evidence):
            problem = _speaker_problem(quote, evidence)
        if problem is not None:
            problems.append(problem)
    return problems
