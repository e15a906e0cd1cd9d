"""Page furniture and outlet voice: what a source body carries that is not reporting.

Extraction keeps a page's prose, and with it, on real pages, the pieces around the story:
photo captions and credits ("... in Hatay - AFP", "Photo: FRANCK FIFE/AFP."), headings and
crossheads ("SILVER LINING OF HIGHER INTEREST RATES", "Attack Details and Casualties"), time
stamps ("Published Mar 10, 2023 11:57AM ET"), bylines and credits ("(Reporting by ...; Editing
by ...)", "TIL Desk/National/Kathmandu/"), calls to action ("Leave a Reply", "Read more on
..."), notices ("(This is a breaking news story ...)", "Live Updates", "Details later"), and an
outlet's own voice ("could not be independently verified", "did not immediately respond to
Insider's request for comment", "At the time of writing"). None of it may reach the account
of a story: each source paragraph and sentence is read here first (writing/factsheet.py).

A dateline at the head of a paragraph ("Rabat — ", "New Delhi: ", "Shillong, October 8: ",
"KYIV, Jan 27 (Reuters) - ", "(Reuters) -") is cut off the sentence it opens; the sentence stays.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from newsdesk.text import split_sentences, strip_dateline

# A paragraph of prose ends as a sentence does; a caption, heading or label does not.
_PROSE_END = re.compile(r"""[.!?…]["'”’»)\]]*$|[.!?]\s*\((?:AP|AFP|Reuters|[A-Z]{2,6})\)$""")
_CAPTION_CREDIT = re.compile(
    r"(?:\bPhoto(?:graph)?:|\bPhoto\s+by\b|\bImage(?:\s+Source)?\s*:|\bCredit:|Getty\s+Images"
    r"|\bAP\s+Photo\b|\(AP\s+PHOTO\)|\bREUTERS/|/AFP\b|\bCamera\s+Icon|\s[-–—]\s(?:AFP|Getty"
    r"|Reuters|AP|EPA)\.?$|\(Photo\b|\bFile\s+photo\b|\b(?:is|are)\s+(?:shown|pictured)\b)",
    re.IGNORECASE,
)
_NOTICE = re.compile(
    r"""(?ix)
    ^\(?(?:reporting\s+by|writing\s+by|editing\s+by|additional\s+reporting)\b
    | ^(?:published|updated|last\s+updated|posted)\s*:?\s+(?:on\s+)?[a-z]{3,9}\.?\s+\d
    | ^(?:related|read\s+more|see\s+also|also\s+read|watch|listen)\s*:
    | ^(?:read\s+more|leave\s+a\s+reply|advertisement|live\s+updates?|details\s+later
      |story\s+continues|sponsored|source\s*:)
    | ^\((?:this\s+is\s+a\s+(?:breaking|developing)|story\s+contains|this\s+story\s+has\s+been)
    | \b(?:is\s+an?\s+[\w\s]{0,40}correspondent\s+for|follow\s+(?:her|him|them|us)\s+on)\b
    | ^(?:get\s+in\s+front\s+of|journalism\s+for\s+the\s+curious|here'?s\s+(?:a\s+look|what))
    | ^\#\w+
    | \bhere['’]?s\s+(?:what|how|why|who)\s+(?:\w+\s+){0,3}\w+\s*[!.:]?$
    """
)
# Sentences in the outlet's own voice about its own reporting.
_OUTLET_VOICE = re.compile(
    r"""(?ix)
    \bcould\s+not\s+(?:be\s+)?(?:immediately\s+|independently\s+)*(?:verif|confirm)\w*
    | \bwas\s+not\s+(?:immediately\s+|independently\s+)*(?:verified|confirmed)\s+by\b
    | \bdid\s+not\s+(?:immediately\s+)?(?:respond|reply)\s+to\s+(?:\S+\s+){0,4}requests?\b
    | \b(?:no\s+immediate\s+response|declined\s+to\s+comment\s+to\s+\S+)\b
    | \bcontributed\s+(?:reporting|to\s+this\s+report)\b
    | \bat\s+the\s+time\s+of\s+(?:writing|publication)\b
    | \b(?:an?\s+)?(?:AFP|AP|Reuters|CNN|BBC)\s+(?:journalist|correspondent|reporter|photographer)
      \s+(?:saw|source\s+reported|reported|witnessed|at\s+the\s+scene)\b
    | \bper\s+the\s+(?:AP|AFP|Reuters)\b
    | \(RELATED:
    """
)
# Datelines other than the wire forms text.strip_dateline knows: a place (and a day) before a
# dash or a colon at the head of a paragraph, or a bare wire credit.
_LEAD_DATELINE = re.compile(
    r"""^(?:
        \((?:AP|AFP|Reuters|dpa|IANS|PTI|ANI)\)\s*[-–—]{1,2}\s*
      | [A-Z][A-Za-z'’.]+(?:-\d+)?(?:[ -][A-Z][A-Za-z'’.]+){0,2}
        (?:\s*\([^()\n]{1,30}\))*
        (?:,\s+[A-Z][a-z]{2,9}\.?\s+\d{1,2})?
        \s*(?:[-–—]{1,2}|:)\s+
    )(?=[A-Z0-9"“‘'])""",
    re.VERBOSE,
)


def paragraph_reason(paragraph: str) -> str | None:
    """Why a whole source paragraph is not reporting (None: it may be)."""
    text = " ".join(paragraph.split())
    if not text:
        return None
    if _NOTICE.search(text):
        return "a notice, credit or call to action"
    if _CAPTION_CREDIT.search(text):
        return "a photo caption or credit"
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        return "a heading in capitals"
    if not _PROSE_END.search(text):
        return "a caption, heading or label (no sentence ends it)"
    return None


# A caption glued to the next paragraph: "... near Balasore, on Saturday.(AFP)".
# The splitter keeps it with the next sentence ("...Saturday.(AFP) In this, ..."): both go.
_GLUED_CREDIT = re.compile(r"\.\((?:AFP|AP|Reuters|Getty|PTI|EPA|ANI)\)(?=\s|$)")
# A credit alone: "AFP", "Drew Angerer/Getty Images", "Reuters".
_CREDIT_ONLY = re.compile(
    r"^(?:AFP|AP|Reuters|PTI|EPA|ANI|Getty|[A-Z][\w. ]{1,40}/(?:[\w. ]+/)*(?:Getty\s+Images|AFP"
    r"|Reuters|AP|Bloomberg|EPA)(?:\s+via\s+Getty\s+Images)?)\.?$"
)


# A live blog's line: a statement, a colon and who said it, with no verb ("The figure will be
# updated around 2pm: Odisha Chief Secy Pradeep Jena.").
_LIVE_BLOG_LINE = re.compile(r"\w\s*:\s+(?:[A-Z][\w.’'-]*\s+){1,6}[A-Z][\w’'-]*\.?$")
# A helpline notice: a helpline and its telephone number ("... contact the helpline number
# 033-26382217 at Howrah station").
_HELPLINE = re.compile(r"(?i)\bhelp\s?lines?\b.*\d[\d\s-]{5,}\d|\d[\d\s-]{5,}\d.*\bhelp\s?lines?\b")


def sentence_reason(sentence: str) -> str | None:
    """Why one source sentence is the outlet speaking of its own reporting (None: it is not)."""
    if _OUTLET_VOICE.search(sentence) or _NOTICE.search(sentence):
        return "the outlet's own voice or a notice"
    if _HELPLINE.search(sentence):
        return "a helpline notice"
    if _LIVE_BLOG_LINE.search(sentence) and not re.search(r'["“”]', sentence):
        return "a live blog's line (a statement, then who said it)"
    if _GLUED_CREDIT.search(sentence):
        return "a photo caption or credit"
    return None


def pasted_headline(sentence: str, headline: str) -> bool:
    """The article's own headline pasted into its body ("Death toll in Balasore train accident
    is 275 & not 288, clarifies Odisha Chief Secretary."): the same words in the same order,
    give or take two. A lead that retells its headline with more in it is not one."""
    a = re.findall(r"\w+", sentence.casefold())
    b = re.findall(r"\w+", headline.casefold())
    if len(b) < 5 or abs(len(a) - len(b)) > 2:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def furniture(body: str, headline: str = "") -> dict[int, str]:
    """Sentence index (as `split_sentences(body)` counts) -> why it is furniture. With the
    article's `headline`, a sentence that only repeats it is furniture too."""
    found: dict[int, str] = {}
    index = 0
    paragraphs = re.split(r"\n\s*\n", body)
    for number, paragraph in enumerate(paragraphs):
        sentences = split_sentences(paragraph)
        whole = paragraph_reason(paragraph)
        # A one-sentence paragraph before a credit line is that photo's caption.
        following = " ".join(paragraphs[number + 1].split()) if number + 1 < len(paragraphs) else ""
        if whole is None and len(sentences) == 1 and _CREDIT_ONLY.match(following):
            whole = "a photo caption (a credit line follows)"
        for sentence in sentences:
            reason = whole or sentence_reason(sentence)
            if reason is None and headline and pasted_headline(sentence, headline):
                reason = "the headline pasted into the body"
            if reason:
                found[index] = reason
            index += 1
    return found


def strip_lead(text: str) -> str:
    """The sentence without a dateline at its head: the wire forms, then the others."""
    stripped = strip_dateline(text)
    if stripped != text:
        return stripped
    match = _LEAD_DATELINE.match(text)
    if match is None:
        return text
    head = text[: match.end()]
    # "President Putin: ..." or "Analysts said: ..." are no datelines: a dateline's words are
    # a place (and a day), with no verb and no more than three capitalised words.
    if re.search(r"\b(?:said|says|told|president|minister)\b", head, re.IGNORECASE):
        return text
    return text[match.end() :]


def openings(body: str) -> set[int]:
    """Indices of the sentences that open a paragraph (where datelines stand)."""
    found: set[int] = set()
    index = 0
    for paragraph in re.split(r"\n\s*\n", body):
        count = len(split_sentences(paragraph))
        if count:
            found.add(index)
        index += count
    return found
