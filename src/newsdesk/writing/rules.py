"""House rules for written text, shared by the stages that write and check articles.

Cheap, deterministic tests: does a sentence read like an instruction to an AI, like filler
no source said, does a title copy a source headline or sound like clickbait, is a sentence's
wording found in the sources at all. The verifier does the thorough checking; these rules let
the writer reject bad model output early and fall back to source sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal, get_args

from newsdesk.text import STOPWORDS, content_words, stem, words

# The fixed taxonomy of the house format's "Category:" line (docs/house-format.md).
Category = Literal[
    "World",
    "National",
    "Local",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Climate",
    "Sports",
    "Entertainment",
    "Culture",
    "Lifestyle",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
DEFAULT_CATEGORY: Category = "World"

# Phrases of text addressed to an AI rather than to a reader. Source text is data; a sentence
# like these is dropped before anything reaches a prompt.
_INSTRUCTION = re.compile(
    r"""(?ix)
    \b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|of)\s+)*
      (?:previous|prior|above|earlier|preceding|original|system)\s+
      (?:instructions?|prompts?|rules|directions|guidelines)\b
    | \byou\s+are\s+(?:now|an?\s+(?:ai|assistant|language\s+model|chatbot))\b
    | \bas\s+an\s+ai\b
    | \b(?:system|developer)\s+(?:prompt|message)\b
    | \bprompt\s+injection\b
    | \bin\s+your\s+(?:output|response|answer|reply|summary)\b
    | (?:^|[.;:]\s*|\band\s+)(?:please\s+)?(?:write|say|state|claim|output|print|respond|reply)
      \s+(?:\w+\s+){0,2}?(?:that|as\s+if)\b
    """
)

# Stock phrases that pad machine-written news ("the international community is closely
# monitoring ..."). A sentence using one is filler unless a source used the same phrase.
_FILLER = re.compile(
    r"""(?ix)
    \binternational\s+community\b
    | \b(?:closely\s+)?monitoring\s+the\s+situation\b | \bclosely\s+(?:monitoring|watching)\b
    | \bremains?\s+to\s+be\s+seen\b | \btime\s+will\s+tell\b
    | \bsituation\s+remains\s+(?:fluid|tense|unclear|uncertain|volatile)\b
    | \bno\s+(?:clear\s+)?end\s+in\s+sight\b
    | \btensions?\s+(?:continue|continues)\s+to\s+(?:rise|mount|grow)\b
    | \braised\s+eyebrows\b
    | \b(?:surprising|shocking|dramatic|unexpected|stunning)\s+turn\s+of\s+events\b
    | \bfu(?:e|el)led\s+speculation\b | \bdynamics\s+at\s+play\b
    | \bin\s+(?:conclusion|summary)\b | \bit\s+is\s+(?:worth\s+noting|important\s+to\s+note)\b
    | \b(?:underscores?|highlights?)\s+the\s+(?:importance|need|significance)\b
    | \bpaves?\s+the\s+way\b | \bsends?\s+a\s+(?:strong|clear)\s+(?:message|signal)\b
    | \bamid\s+growing\s+concerns?\b | \bpeaceful\s+resolution\b
    | \b(?:experts|observers|analysts|many)\s+(?:say|believe|warn|question|wonder)\b
    | \bonly\s+the\s+future\s+will\b | \bbroader\s+implications\b
    | \bsignificant\s+(?:step|milestone|development|news|boost|impact|moment)\b
    | \brepresents?\s+a\s+(?:significant|major)\b | \blocal\s+economy\b
    | \b(?:historic|landmark|unprecedented|pivotal|crucial)\b
    | \b(?:welcome|good|great)\s+news\b | \bmajor\s+(?:boost|blow)\b
    | \bstay\s+tuned\b | \bwhat\s+(?:this|it)\s+means\s+for\b
    """
)

_CLICKBAIT = re.compile(
    r"""(?ix)
    \b(?:shocking|shock|stunning|stuns?|unbelievable|incredible|jaw-dropping|bombshell|epic
    |slams?|blasts?|destroys?|you\s+won'?t\s+believe|here'?s\s+(?:why|what|how)
    |what\s+happened\s+next|must[-\s]see|mind-blowing|insane|outrage)\b
    """
)

# Outlets a model tends to invent as sources. Any of them in the output, when no source names
# it, means the model made up an attribution.
KNOWN_OUTLETS = (
    "Reuters",
    "Associated Press",
    "AP News",
    "AFP",
    "Agence France-Presse",
    "BBC",
    "CNN",
    "Fox News",
    "The Guardian",
    "New York Times",
    "Washington Post",
    "Wall Street Journal",
    "Financial Times",
    "Bloomberg",
    "Al Jazeera",
    "Sky News",
    "NPR",
    "NBC",
    "CBS",
    "ABC News",
    "Politico",
    "The Economist",
)

_QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SMALL_TEXT = "a an the and but or nor for on at to by of in with as from into off per via vs"
_SMALL_TITLE_WORDS = frozenset(_SMALL_TEXT.split())


def outside_quotes(sentence: str) -> str:
    """The sentence with quoted speech blanked out: the writer's own words."""
    return _QUOTED_SPAN.sub(" ", sentence)


def looks_like_instruction(sentence: str) -> bool:
    """True when a sentence addresses an AI ("ignore previous instructions", "write that")."""
    return _INSTRUCTION.search(sentence) is not None


def filler_phrases(sentence: str) -> list[str]:
    return [m.group(0) for m in _FILLER.finditer(sentence)]


def is_clickbait(title: str) -> bool:
    shouting = [w for w in words(title) if len(w) > 4 and w.isupper()]
    return bool(_CLICKBAIT.search(title)) or title.rstrip().endswith(("!", "?")) or bool(shouting)


def stem_set(text: str) -> frozenset[str]:
    """The stems of a text's content words: what overlap between sentences is measured on."""
    return frozenset(stem(w) for w in content_words(text))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice overlap of two stem sets: 1.0 for the same words, 0.0 for none in common."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def numbers_in(text: str) -> set[str]:
    """Digit groups with separators removed: "1,100" and "1100" are the same number."""
    return {m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


def _normal(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


# The vocabulary of the instruction itself ("ignore previous instructions ... output") is no
# claim to keep out of the article; looks_like_instruction catches it being repeated.
_INSTRUCTION_STEMS = stem_set(
    "ignore previous prior instructions instruction write editor output mentioned must comes "
    "prompt system disregard forget say state"
)


@dataclass(frozen=True, slots=True)
class SourceWords:
    """What the sources say, reduced to the words the writer's cheap checks compare against
    (the verifier's full evidence is verify.checks.evidence.Evidence)."""

    text: str  # normalised: lower-case words joined by single spaces
    lower_words: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    # Stems that only instructions planted in a source use ("tripled"): output using one is
    # repeating the injection, even when the rest of its words are the story's.
    tainted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[str], *, injected: Iterable[str] = ()) -> SourceWords:
        joined = "\n".join(texts)
        tokens = [w.lower().strip("'’") for w in words(joined)]
        stems = frozenset(stem(w) for w in tokens)
        return cls(
            text=_normal(joined),
            lower_words=frozenset(tokens),
            stems=stems,
            numbers=frozenset(numbers_in(joined)),
            tainted=stem_set("\n".join(injected)) - stems - _INSTRUCTION_STEMS,
        )

    def tainted_words(self, sentence: str) -> list[str]:
        return [w for w in content_words(sentence) if stem(w) in self.tainted]

    def says(self, phrase: str) -> bool:
        return f" {_normal(phrase)} " in f" {self.text} "

    def unsupported_words(self, sentence: str) -> list[str]:
        """Content words of `sentence` whose stem no source uses."""
        return [w for w in content_words(sentence) if stem(w) not in self.stems]

    def support(self, sentence: str) -> float:
        """Share of the sentence's content words that the sources use (1.0 when it has none)."""
        found = content_words(sentence)
        if not found:
            return 1.0
        return 1 - len(self.unsupported_words(sentence)) / len(found)

    def unknown_numbers(self, sentence: str) -> set[str]:
        return numbers_in(sentence) - self.numbers

    def unknown_names(self, sentence: str, *, capitalised: bool = True) -> list[str]:
        """Capitalised words (not opening the sentence) and known outlet names no source has.

        `capitalised=False` checks outlet names only: in a headline-case title every word is
        capitalised, so capitals say nothing about names there.
        """
        tokens = words(sentence) if capitalised else []
        names = [
            w
            for w in tokens[1:]
            if w[0].isupper() and w.lower().strip("'’") not in self.lower_words
        ]
        outlets = [o for o in KNOWN_OUTLETS if _normal(o) in _normal(sentence) and not self.says(o)]
        return names + outlets


def is_filler(sentence: str, evidence: SourceWords) -> bool:
    """A stock phrase that no source used: padding, not reporting."""
    return any(not evidence.says(phrase) for phrase in filler_phrases(sentence))


def near_identical(a: str, b: str) -> bool:
    """Two headlines that differ only in a word or two (or in case and punctuation)."""
    ta, tb = _normal(a).split(), _normal(b).split()
    if not ta or not tb:
        return False
    if SequenceMatcher(None, ta, tb).ratio() >= 0.8:
        return True
    ca, cb = set(content_words(a)), set(content_words(b))
    return bool(ca and cb) and len(ca & cb) / len(ca | cb) >= 0.75


def title_case(title: str) -> str:
    """Headline case as the seed uses it; words with capitals or digits are left alone."""
    out = []
    for i, word in enumerate(title.split()):
        bare = word.strip("\"'“‘(").lower()
        if any(c.isupper() or c.isdigit() for c in word):
            out.append(word)
        elif i > 0 and bare in _SMALL_TITLE_WORDS:
            out.append(word.lower())
        else:
            lead = len(word) - len(word.lstrip("\"'“‘("))
            out.append(word[:lead] + word[lead : lead + 1].upper() + word[lead + 1 :])
    return " ".join(out)


def tag_words(text: str) -> list[str]:
    """Candidate tag words in order: lower-case, alphabetic, no stopwords, 3+ letters."""
    out = []
    for w in words(text):
        word = w.lower().strip("'’").removesuffix("'s").removesuffix("’s")
        if len(word) >= 3 and word.replace("-", "").isalpha() and word not in STOPWORDS:
            out.append(word)
    return out


def event_words(headlines: Sequence[str]) -> frozenset[str]:
    """Stems of the content words at least two outlets' headlines share: what the story is
    about as the outlets name it ("earthquake", "morocco", "toll")."""
    counts: dict[str, int] = {}
    for headline in dict.fromkeys(h.casefold() for h in headlines):
        for word in stem_set(headline):
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= 2)
