"""A fact as notes: what the model writes from, instead of the source's sentence.

Given a source sentence to "reword", a small model keeps its wording: the desk's articles were
mostly other outlets' sentences (issue: in the desk's own words). Given the same fact as a
reporter's notes - its clauses apart, the attribution set off at the end - the model has to
build its own sentence. Measured on a real event (eval/events dev, Morocco, Qwen2.5-Coder-1.5B):
asked to reword the source sentence it returned it word for word (47 of 47 words one copied
run); from notes it wrote "On Friday evening, a powerful earthquake struck the central
province of Al Haouz in Morocco, resulting in at least 2,012 deaths ..." (6 of 32).

Quotations stay whole: they are the one thing the article repeats word for word, with their
speaker.
"""

from __future__ import annotations

import re

from newsdesk.writing.rules import outside_quotes

# "..., the ministry said." / "..., according to the Red Crescent." at the end of a sentence
_ATTRIBUTION_END = re.compile(
    r",\s*(?:(?P<according>according\s+to\s+[^,;]{3,80})"
    r"|(?P<said>[^,;]{3,80}?\s+(?:said|says|told\s+[^,;]{1,40}|added|reported|announced)"
    r"(?:\s+(?:on\s+\w+|today|yesterday|on\s+\w+\s+\w+))?))\s*[.!]?$",
    re.IGNORECASE,
)
# "According to the Red Crescent, ..." at the start
_ATTRIBUTION_START = re.compile(r"^according\s+to\s+(?P<who>[^,;]{3,80}),\s*", re.IGNORECASE)
# Clause joints a note is cut at: relative and subordinate clauses, participles, semicolons,
# dashes.
_JOINT = re.compile(
    r",\s+(?=(?:which|who|where|while|as|after|before|including|with|but|bringing|killing"
    r"|leaving|following|making|causing|prompting|although|though|amid)\b)|;\s+|\s+[-–—]\s+"
    r"|(?<!\bsuch)(?<!\bmany)(?<!\bmuch)(?<!\bsoon)\s+(?=(?:as|following|amid|while)\s)",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”]")


def notes(sentence: str) -> str:
    """`sentence` as notes: its clauses apart ("a; b; c"), who said it at the end
    ("(according to the ministry)"). A sentence with a quotation is left as it is."""
    text = " ".join(sentence.split()).strip()
    if not text or _QUOTE.search(text):
        return text
    body = text.rstrip(".!")
    source = None
    if m := _ATTRIBUTION_START.match(body):
        source, body = f"according to {m.group('who')}", body[m.end() :]
    elif m := _ATTRIBUTION_END.search(body):
        source, body = m.group("according") or m.group("said"), body[: m.start()]
    parts = [p.strip(" ,") for p in _JOINT.split(body) if p.strip(" ,")]
    note = "; ".join(parts) or body
    note = note[:1].upper() + note[1:]
    if source:
        note += f" ({source.strip()})"
    return note + "."


_BRACKETED = re.compile(r"\([^()]*\)")


def note_debris(sentence: str, fact: str) -> str | None:
    """The notes' own marks left in a sentence written from them: a semicolon where the
    notes cut the fact's clauses apart ("Spain; who had never won ...") or a bracket the
    fact does not have (the attribution the notes set off, "(Chief Secretary) The Chief
    Secretary said ..."). Quotations aside: they are the speaker's punctuation."""
    bare = outside_quotes(sentence)
    if ";" in bare and ";" not in outside_quotes(fact):
        return "keeps the notes' semicolons"
    for group in _BRACKETED.findall(bare):
        if group not in fact:
            return f"keeps the notes' brackets: {group}"
    return None
