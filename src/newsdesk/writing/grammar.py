"""Damage a small model does to a sentence it rewords, read from part-of-speech tags.

The checks in `newsdesk.verify.checks` hold facts (names, numbers, quotations, titles, places); they
do not read grammar. Qwen2.5-Coder-1.5B, asked to reword a fact, sometimes returns the fact's
own words slightly broken, and each breakage below was seen in our benchmarks:

- an adverb where the fact had "with" and an adjective: "was greeted cautiously hope";
- a past event told in the present, headline style: "The closure ... costs 2,400 jobs" for
  "cost", "A ... company promises 1,100 jobs" for "has promised";
- a headline's missing article: "Port Avalen battery company promises ..." for "A Port
  Avalen battery company ...".

Only what the rewording introduced counts: a pattern the fact itself has is left alone. A
sentence with a problem is replaced by its fact, as any other failed rewording is.
"""

from __future__ import annotations

from itertools import pairwise

from newsdesk.models.tagger import Token, pos_tags

_PAST = frozenset({"VBD", "VBN"})
_PRESENT = frozenset({"VBZ", "VBP"})
# Attribution in the present ("says") is house style as much as the past; auxiliaries carry
# tense for the verb after them.
_TENSE_FREE = frozenset({"say", "be", "have", "do", "will", "would", "can", "could"})
_NOUNS = frozenset({"NN", "NNS"})
_OPENERS = frozenset({"DT", "PRP$", "PRP", "CD", "WP", "WDT", "EX", "IN", "RB", "``", '"'})


def _adverb_before_noun(tokens: tuple[Token, ...]) -> str | None:
    for token, following in pairwise(tokens):
        word = token.text.lower()
        if token.tag == "RB" and word.endswith("ly") and word != "only" and following.tag in _NOUNS:
            return f"{token.text} {following.text}"
    return None


def _tense_shift(tokens: tuple[Token, ...], fact: tuple[Token, ...]) -> str | None:
    past = {t.lemma for t in fact if t.tag in _PAST} - _TENSE_FREE
    present = {t.lemma for t in fact if t.tag in _PRESENT}
    for token in tokens:
        if token.tag in _PRESENT and token.lemma in past - present:
            return token.text
    return None


def _dropped_article(tokens: tuple[Token, ...], fact: tuple[Token, ...]) -> bool:
    """The fact opens with a determiner and the sentence with a bare name-and-noun phrase
    ("Port Avalen battery company promises")."""
    if not fact or fact[0].tag != "DT" or not tokens or tokens[0].tag in _OPENERS:
        return False
    phrase = []
    for token in tokens:
        if token.tag not in {"NNP", "NNPS", "NN", "NNS", "JJ", "HYPH"}:
            break
        phrase.append(token)
    return len(phrase) >= 2 and phrase[-1].tag == "NN"


def grammar_problem(sentence: str, fact: str) -> str | None:
    """Why a model's rewording of `fact` reads broken, or None."""
    if sentence.strip() == fact.strip():
        return None
    tokens, fact_tokens = pos_tags([sentence, fact])
    fact_text = " ".join(t.text.lower() for t in fact_tokens)
    if (pair := _adverb_before_noun(tokens)) and pair.lower() not in fact_text:
        return f"ungrammatical: '{pair}'"
    if verb := _tense_shift(tokens, fact_tokens):
        return f"tells a past event in the present: '{verb}'"
    if _dropped_article(tokens, fact_tokens):
        return "drops the article a sentence needs, as a headline does"
    return None
