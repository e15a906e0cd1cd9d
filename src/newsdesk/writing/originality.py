"""How much of a sentence is another outlet's copy: the longest run of its words that one
source has in the same order, quotations aside (a quotation is meant to be word for word).

Stored with every published sentence (`copied_words` of the payload, shown by `newsdesk show
--format json`) and summed up by bench/originality.py: a sentence whose words outside quotes
are mostly one copied run is the source's sentence, not the desk's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)?")


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes folded), what copying is counted in."""
    return _WORD.findall(text.replace("’", "'").lower())


def longest_run(sentence: Sequence[str], source: Sequence[str]) -> int:
    """Longest run of consecutive words of `sentence` found, in order, in `source`."""
    best = 0
    previous = [0] * (len(source) + 1)
    for word in sentence:
        current = [0] * (len(source) + 1)
        for j, theirs in enumerate(source, start=1):
            if word == theirs:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


@dataclass(frozen=True, slots=True)
class Copying:
    words: int  # the sentence's words outside quotation marks
    copied: int  # the longest run of them one source has in the same order

    @property
    def share(self) -> float:
        return self.copied / self.words if self.words else 0.0


def copying(sentence: str, sources: Sequence[Sequence[str]]) -> Copying:
    """The sentence's copying against sources given as word lists (`words(body)`)."""
    own = words(_QUOTED.sub(" ", sentence))
    return Copying(len(own), max((longest_run(own, s) for s in sources), default=0))
