"""Part of the writing stage: pick sources, build a fact sheet, plan the paragraphs.

All deterministic and fast (no model): the model later only rewords what this module chose,
so what the article says, and in which paragraph, is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from newsdesk.models.embedding import SupportsEmbed
from newsdesk.records import Article, ItemStatus, as_utc
from newsdesk.text import split_sentences, words
from newsdesk.writing.account import (
    Figure,
    Told,
    about_another_time,
    authorities,
    base_kind,
    figures_in,
    one_place,
    outlook,
    overtaken_outlooks,
    revised_to,
    settle,
    stale,
    tells_settled,
)
from newsdesk.writing.drafts import Fact, SourceRef, fact_runs
from newsdesk.writing.furniture import furniture, openings, strip_lead
from newsdesk.writing.references import people_named
from newsdesk.writing.rules import (
    SourceWords,
    dice,
    event_words,
    looks_like_instruction,
    numbers_in,
    outside_quotes,
    stem_set,
)

MAX_SOURCES = 6
FACT_SHEET_WORDS = 380  # the extractive body is the fact sheet: keep it inside 250-450 words
MAX_QUOTES = 3
SYNDICATION_CONTAINMENT = 0.8  # share of the shorter body's shingles found in the longer one
MIN_FACT_WORDS = 280  # below this the body would be under 250 words after rewording
MIN_NOVELTY = 0.35  # a fact must add this share of words the sheet does not have yet
REDUNDANT = 0.5  # Dice overlap of content stems above which two sentences say the same
# Cosine of MiniLM embeddings above which two sentences tell the same claim, compared whole
# and clause by clause ("Spain beat England 1-0 to win the World Cup" again inside "Spain are
# the champions, having beaten England ..."). Paraphrases of one claim measured 0.72-0.9 (the
# bench's "told twice" reads 0.8). On eval/events dev (extractive), published sentence pairs
# sharing a clause at 0.72 or more: 20 with clauses compared at 0.8, 10 at 0.75, 2 at 0.72;
# and the room freed let two more major facts in (34 -> 36 of 58, by bench/account.py).
SAME_CLAIM = 0.72
HEADLINED = 1.5  # weight in a sentence's score of its share of the headlines' event words
_CLAUSE_SPLIT = re.compile(r",\s|;\s|:\s|\s[-–—]\s|\s(?:as|while|after|and|but|which|who)\s")
_SAYS = re.compile(r"\b(?:said|says|told|according|reported|added)\b", re.IGNORECASE)

_QUOTE = re.compile(r"[\"“”]")
_PRONOUN_START = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|we|i)\b", re.IGNORECASE
)
# Openings and phrases that lean on the sentence before ("The other two", "Without it").
# Measured on the blind read of eval/events dev: "Writing on Telegram, he said", "the same
# source added", "In this, more than 50 ...", "the sources said", "The organization,
# meanwhile" hung on sentences the article did not have.
_LEANS_BACK = re.compile(
    r"^(?:but|and|however|also|meanwhile|instead|still|the\s+other|without\s+it|in\s+this)\b"
    r"|\b(?:of\s+those|of\s+them|the\s+other\s+(?:two|three|one))\b"
    r"|(?:^|,\s*)(?:he|she|they)\s+(?:said|says|added|told|noted|wrote|stated)\b"
    r"|\bthe\s+(?:same\s+source|sources|organi[sz]ation|agency|official)\s+(?:said|says|added"
    r"|stated|told|,\s*meanwhile)\b|^the\s+organi[sz]ation\b"
    # an opening phrase, then a pronoun: "In the 71st, his cross from the right ..." (the
    # demo's cup final, where the sentence before was about another player)
    r"|^(?:in|on|at|after|by|with|minutes?\s+later)\b[^,]{0,30},\s+(?:he|she|they|his|her|their)\b",
    re.IGNORECASE,
)
_OUTLET_VOICE = re.compile(r"\b(?:our|we|us)\b", re.IGNORECASE)
# Calls to action and page furniture that extraction sometimes leaves in a body.
_BOILERPLATE = re.compile(
    r"""(?ix)
    \b(?:read\s+more|sign\s+up|subscribe|newsletter|click\s+here|follow\s+us|contact\s+us
    |donations?\s+can|all\s+rights\s+reserved|copyright|this\s+article\s+(?:was|first)
    |originally\s+published|additional\s+reporting\s+by)\b
    """
)
_ATTRIBUTED = re.compile(
    r"\b(?:said|says|according\s+to|told|reported|announced|confirmed|estimated|put\s+the)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(r"said|says|told|added|according|asked|stated|wrote", re.IGNORECASE)
INSTRUCTION = "reads like an instruction to an AI"


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """Articles with near-identical bodies (syndicated copies): the earliest one is read for
    content, every member is listed under Related articles."""

    lead: int  # index into the sources given to the writer
    members: tuple[int, ...]  # all of them, the lead included, by publication


@dataclass(frozen=True, slots=True)
class SourcePick:
    groups: tuple[SourceGroup, ...]  # read for content, most useful first
    related: tuple[int, ...]  # listed under Related articles, by publication


@dataclass(frozen=True, slots=True)
class FactSheet:
    facts: tuple[Fact, ...]  # best first
    evidence: SourceWords  # every usable sentence of the picked sources, for output checks
    dropped: tuple[str, ...]  # why sentences were kept out (instructions to an AI ...)

    @property
    def word_count(self) -> int:
        return sum(f.word_count for f in self.facts)


# -- picking sources --------------------------------------------------------------------------


def _published_key(article: Article) -> tuple[int, datetime]:
    """Undated articles sort last; naive times are taken as UTC."""
    if article.published is None:
        return (1, datetime.max.replace(tzinfo=UTC))
    return (0, as_utc(article.published))


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = [w.lower() for w in words(text)]
    return {tuple(tokens[i : i + 3]) for i in range(max(0, len(tokens) - 2))}


def _syndication_groups(sources: Sequence[Article], usable: list[int]) -> list[list[int]]:
    """Union of articles whose bodies mostly contain each other (copies add a line or two)."""
    shingles = {i: _shingles(sources[i].body) for i in usable}
    parent = {i: i for i in usable}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for n, a in enumerate(usable):
        for b in usable[n + 1 :]:
            small = min(len(shingles[a]), len(shingles[b]))
            shared = len(shingles[a] & shingles[b])
            if small and shared / small >= SYNDICATION_CONTAINMENT:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in usable:
        groups.setdefault(root(i), []).append(i)
    return [sorted(g, key=lambda i: _published_key(sources[i])) for g in groups.values()]


def _usable(sources: Sequence[Article]) -> list[int]:
    """Articles with text to read: paywall teasers and failures only when nothing else has."""
    good = {ItemStatus.OK, ItemStatus.DUPLICATE}
    usable = [i for i, a in enumerate(sources) if a.status in good and a.body.strip()]
    return usable or [i for i, a in enumerate(sources) if a.body.strip()]


def _rank_groups(sources: Sequence[Article], groups: list[list[int]]) -> list[list[int]]:
    """Most detailed and earliest first: body length counts double the order of publication."""
    if len(groups) < 2:
        return groups
    by_time = sorted(range(len(groups)), key=lambda g: _published_key(sources[groups[g][0]]))
    earliness = {g: 1 - rank / (len(groups) - 1) for rank, g in enumerate(by_time)}
    longest = max(sources[g[0]].word_count for g in groups) or 1

    def score(g: int) -> float:
        return sources[groups[g][0]].word_count / longest + 0.5 * earliness[g]

    return [groups[g] for g in sorted(range(len(groups)), key=score, reverse=True)]


def pick_sources(sources: Sequence[Article], *, limit: int = MAX_SOURCES) -> SourcePick:
    """One article per outlet (distinct outlets first), earliest and most detailed, at most
    `limit`; a syndicated copy is read once but every outlet carrying it is listed."""
    ranked = _rank_groups(sources, _syndication_groups(sources, _usable(sources)))
    chosen: list[list[int]] = []
    outlets: set[str] = set()
    for group in ranked:
        outlet = sources[group[0]].outlet.casefold()
        if outlet not in outlets and len(chosen) < limit:
            chosen.append(group)
            outlets.update(sources[i].outlet.casefold() for i in group)
    # A thin story may take a second article from an outlet rather than stay thin.
    for group in ranked:
        if len(chosen) >= min(3, limit):
            break
        if group not in chosen:
            chosen.append(group)
    related = sorted({i for g in chosen for i in g}, key=lambda i: _published_key(sources[i]))
    return SourcePick(
        groups=tuple(SourceGroup(lead=g[0], members=tuple(g)) for g in chosen),
        related=tuple(_distinct_lines(sources, related)),
    )


def _distinct_lines(sources: Sequence[Article], indices: list[int]) -> list[int]:
    """The same headline from the same outlet is listed once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for i in indices:
        key = (sources[i].title.casefold(), sources[i].outlet.casefold())
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


# -- the fact sheet ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    group: int  # position in SourcePick.groups
    ref: SourceRef
    position: float
    stems: frozenset[str]
    numbers: frozenset[str]
    figures: tuple[Figure, ...] = ()
    settled: frozenset[str] = frozenset()  # kinds of count whose settled value it gives
    row: int = -1  # its embedding in _Reading.vectors, -1 without an embedder


def has_named_speaker(sentence: str) -> bool:
    """A quote attributed in the same sentence to someone named ("Mayor Piet Janssen said",
    "the mayor said"), not to a bare pronoun ("she said") that needs the sentence before."""
    tokens = words(outside_quotes(sentence))
    if any(w[0].isupper() for w in tokens[1:]):
        return True
    speech = any(_SPEECH.fullmatch(w) for w in tokens)
    return speech and bool(tokens) and not _PRONOUN_START.match(tokens[0])


def _reject_reason(sentence: str) -> str | None:
    """Why a source sentence cannot be a fact, or None when it can."""
    if looks_like_instruction(sentence):
        return INSTRUCTION
    if not 5 <= len(sentence.split()) <= 70:
        return "too short or too long"
    if _BOILERPLATE.search(sentence):
        return "page furniture"
    if _OUTLET_VOICE.search(outside_quotes(sentence)):
        return "written in the outlet's own voice"
    marks = len(_QUOTE.findall(sentence))
    if marks % 2:
        return "a quote cut in two by sentence splitting"
    if marks and not has_named_speaker(sentence):
        return "a quote without a named speaker"
    return None


@dataclass
class _Reading:
    """What reading the picked articles found."""

    candidates: list[_Candidate]
    clean: list[str]  # every sentence that is not an instruction to an AI
    injected: list[str]  # those that are
    dropped: list[str]  # why, for the notes
    vectors: np.ndarray | None = None  # unit-length embeddings of the candidates, by row
    # unit-length embeddings of each candidate's clauses, by row (its whole sentence first)
    clauses: dict[int, np.ndarray] = field(default_factory=dict)


def _candidates(sources: Sequence[Article], pick: SourcePick) -> _Reading:
    """Usable sentences of every group's lead article, the clean text, and what was dropped."""
    reading = _Reading([], [], [], [])
    for g, group in enumerate(pick.groups):
        article = sources[group.lead]
        sentences = split_sentences(article.body)
        extra = furniture(article.body, article.title)
        opening = openings(article.body)
        for j, sentence in enumerate(sentences):
            if j in opening:
                sentence = strip_lead(sentence)
            reason = extra.get(j) or _reject_reason(sentence)
            if reason == INSTRUCTION:
                reading.injected.append(sentence)
                reading.dropped.append(f"{article.outlet}, sentence {j}: {reason}")
                continue
            reading.clean.append(sentence)
            if reason is None:
                position = j / max(1, len(sentences) - 1)
                ref = SourceRef(group.lead, j)
                numbers = frozenset(numbers_in(sentence))
                reading.candidates.append(
                    _Candidate(
                        sentence,
                        g,
                        ref,
                        position,
                        stem_set(sentence),
                        numbers,
                        figures_in(sentence),
                    )
                )
    return reading


def _reconcile(sources: Sequence[Article], reading: _Reading) -> None:
    """Settle each kind of count across outlets (account.settle) and leave out the sentences
    that give only another value of it: an older toll, a lesser-told magnitude."""
    articles = [sources[c.ref.article] for c in reading.candidates]
    told = [
        Told(
            a.outlet,
            as_utc(a.published) if a.published else None,
            c.figures,
            about_another_time(c.text),
            revised_to(c.text),
        )
        for a, c in zip(articles, reading.candidates, strict=True)
    ]
    told = one_place(told)
    settled = settle(told)
    # Who gives each settled value: a second value credited to the same authority is a
    # lesser-told figure of that authority ("the USGS reported a magnitude 6.2" where five
    # outlets give the USGS's 6.3), not a second source's figure to be kept beside it.
    named = [authorities(c.text) for c in reading.candidates]
    backers: dict[str, set[str]] = {}
    for names, t in zip(named, told, strict=True):
        for kind in tells_settled(t.figures, settled):
            backers.setdefault(kind, set()).update(names)
    overtaken = overtaken_outlooks(told, [outlook(c.text) for c in reading.candidates])
    kept = []
    for c, t, names, old in zip(reading.candidates, told, named, overtaken, strict=True):
        # credited to an authority of its own: a person's word ("Zelenskyy said more than
        # 200") beside the count most outlets give reads as a contradiction, not two sources
        attributed = (
            bool(names)
            and bool(_ATTRIBUTED.search(outside_quotes(c.text)))
            and not any(names & backers.get(f.kind, set()) for f in t.figures)
        )
        if old or stale(t.figures, settled, attributed=attributed):
            why = (
                "expects a count a later day's articles give"
                if old
                else "a figure other outlets have updated or do not give"
            )
            reading.dropped.append(
                f"{sources[c.ref.article].outlet}, sentence {c.ref.sentence}: {why}"
            )
            continue
        kept.append(replace(c, figures=t.figures, settled=tells_settled(t.figures, settled)))
    reading.candidates = kept


def claim_clauses(sentence: str) -> list[str]:
    """The parts of a sentence that may each tell a claim: cut at commas, dashes and joining
    words, four words or more, leaving out who said it ("the Red Crescent said today")."""
    parts = _CLAUSE_SPLIT.split(outside_quotes(sentence))
    return [p for p in parts if len(p.split()) >= 4 and not _SAYS.search(p)]


def _embed(reading: _Reading, embedder: SupportsEmbed | None) -> None:
    if embedder is None or not reading.candidates:
        return
    groups = [
        [c.text, *(p for p in claim_clauses(c.text) if p.strip() != c.text.strip())]
        for c in reading.candidates
    ]
    raw = np.asarray(embedder.embed([t for g in groups for t in g]), dtype=np.float32)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    rows = raw / np.where(norms == 0, 1, norms)
    starts = np.cumsum([0, *(len(g) for g in groups[:-1])])
    reading.vectors = rows[starts]
    reading.candidates = [replace(c, row=i) for i, c in enumerate(reading.candidates)]
    reading.clauses = {
        i: rows[start : start + len(g)]
        for i, (start, g) in enumerate(zip(starts, groups, strict=True))
    }


def _headlined(candidates: list[_Candidate], headlines: Sequence[str]) -> list[float]:
    """How much of the event as the outlets' headlines name it each sentence tells: its share
    of the words two headlines or more share ("india", "land", "moon", "south", "pole"). The
    landing, not the launch three weeks before; the crash, not the passengers' nationalities.
    (MiniLM's cosine with the headlines told these apart less well on eval/events dev.)"""
    named = event_words(headlines)
    return [len(c.stems & named) / len(named) if named else 0.0 for c in candidates]


def _subject(candidates: list[_Candidate]) -> str | None:
    """The name most outlets use (a capitalised word inside sentences): who the story is about."""
    outlets_using: dict[str, set[int]] = {}
    for c in candidates:
        for w in words(c.text)[1:]:
            if w[0].isupper():
                outlets_using.setdefault(w, set()).add(c.group)
    return max(outlets_using, key=lambda w: len(outlets_using[w]), default=None)


def _centrality(candidates: list[_Candidate], vectors: np.ndarray | None) -> list[float]:
    """How much of each sentence the other outlets also tell: the mean, over the other
    outlets, of the closest of their sentences (embedding cosine, or stem overlap without an
    embedder)."""
    groups = sorted({c.group for c in candidates})
    if len(groups) < 2:
        return [0.0] * len(candidates)
    if vectors is not None:
        sims = vectors @ vectors.T
        members = {g: np.array([c.row for c in candidates if c.group == g]) for g in groups}
        return [
            sum(float(sims[c.row, members[g]].max()) for g in groups if g != c.group)
            / (len(groups) - 1)
            for c in candidates
        ]
    stems: dict[int, list[frozenset[str]]] = {}
    for c in candidates:
        stems.setdefault(c.group, []).append(c.stems)
    return [
        sum(
            max((dice(c.stems, s) for s in group), default=0.0)
            for g, group in stems.items()
            if g != c.group
        )
        / (len(groups) - 1)
        for c in candidates
    ]


def _score(c: _Candidate, centrality: float, subject: str | None, headlined: float) -> float:
    """Centrality across outlets first; then the share of the headlines' event words (the
    event itself, not its background), lead position, numbers, quotes and names; a sentence giving
    the settled toll (the dead, as it stands) is the news as it stands, and a settled count is
    best told with who gives it."""
    lead = 1 / (1 + c.ref.sentence)
    numbers = min(len(c.numbers), 3) / 3
    quote = 1.0 if _QUOTE.search(c.text) else 0.0
    tokens = words(c.text)
    names = min(sum(1 for w in tokens[1:] if w[0].isupper()), 4) / 4
    about = 0.3 if subject in tokens else 0.0
    current = 0.5 if any(base_kind(k) == "dead" for k in c.settled) else 0.0
    # A disputed or changing figure is told with who gives it ("..., the ministry said").
    attributed = 0.4 if c.settled and _ATTRIBUTED.search(outside_quotes(c.text)) else 0.0
    score = 2.0 * centrality + lead + 0.5 * numbers + 0.4 * quote + 0.5 * names + about
    score += HEADLINED * headlined
    score += current + attributed
    # A sentence opening with "He" or "This", or told by "the same source", leans on one we may
    # not use: on eval/events dev, x0.5 still let 9 of 175 in, x0.2 none, at no cost in facts.
    leans_back = _PRONOUN_START.match(c.text) or _LEANS_BACK.search(c.text)
    return score * (0.2 if leans_back else 1.0)


def _also_in(
    c: _Candidate, candidates: list[_Candidate], sources: Sequence[Article], pick: SourcePick
) -> tuple[SourceRef, ...]:
    """Where else the fact appears: the same sentence in syndicated copies, close paraphrases
    in other outlets."""
    refs: list[SourceRef] = []
    for member in pick.groups[c.group].members:
        if member != c.ref.article:
            sentences = split_sentences(sources[member].body)
            refs.extend(
                SourceRef(member, j)
                for j, s in enumerate(sentences)
                if s == c.text or strip_lead(s) == c.text  # the copy keeps its dateline
            )
    refs.extend(
        other.ref
        for other in candidates
        if other.group != c.group and dice(c.stems, other.stems) >= 0.6
    )
    return tuple(refs)


def build_fact_sheet(
    sources: Sequence[Article],
    pick: SourcePick,
    *,
    max_words: int = FACT_SHEET_WORDS,
    embedder: SupportsEmbed | None = None,
) -> FactSheet:
    """The best distinct source sentences, at most `max_words` in all, best first; each
    count told once, as it stands (account.py). `embedder` lets outlets' paraphrases of one
    claim count as one (centrality and repeats by meaning, not only by shared words)."""
    reading = _candidates(sources, pick)
    _reconcile(sources, reading)
    headlines = [
        sources[i].title for g in pick.groups for i in g.members if sources[i].title.strip()
    ]
    clean_headlines = [h for h in headlines if not looks_like_instruction(h)]
    _embed(reading, embedder)
    candidates = reading.candidates
    subject = _subject(candidates)
    centrality = _centrality(candidates, reading.vectors)
    headlined = _headlined(candidates, clean_headlines)
    scored = [
        (_score(c, central, subject, named), c)
        for c, central, named in zip(candidates, centrality, headlined, strict=True)
    ]
    chosen = _select(scored, max_words, reading.clauses)
    outlets = [sources[i].outlet for g in pick.groups for i in g.members]
    evidence_texts = reading.clean + outlets
    evidence_texts += clean_headlines
    injected = reading.injected + [h for h in headlines if looks_like_instruction(h)]
    facts = tuple(
        Fact(
            text=c.text,
            source=c.ref,
            outlet=sources[c.ref.article].outlet,
            score=round(score, 4),
            position=round(c.position, 4),
            also_in=_also_in(c, candidates, sources, pick),
        )
        for score, c in chosen
    )
    evidence = SourceWords.of(evidence_texts, injected=injected)
    return FactSheet(facts, evidence, tuple(reading.dropped))


@dataclass(frozen=True, slots=True)
class _Pass:
    """How picky one round of selection is."""

    floor: float  # share of the best score a sentence needs
    novelty: float  # share of its words the sheet must not have yet
    strict: bool  # also treat "same numbers in other words" as a repeat
    quotes: int  # quotations allowed on the sheet


# Picky first; thin stories (two short sources) relax until the sheet can fill 250 words.
_PASSES = (
    _Pass(floor=0.25, novelty=MIN_NOVELTY, strict=True, quotes=MAX_QUOTES),
    _Pass(floor=0.0, novelty=MIN_NOVELTY, strict=True, quotes=MAX_QUOTES),
    _Pass(floor=0.0, novelty=0.15, strict=False, quotes=MAX_QUOTES + 1),
)


def _select(
    scored: list[tuple[float, _Candidate]],
    max_words: int,
    clauses: dict[int, np.ndarray] | None = None,
) -> list[tuple[float, _Candidate]]:
    """Greedy pick by score times novelty (the share of a sentence's words not yet covered),
    so five outlets' versions of the same opening line do not crowd out the rest."""
    top = max((score for score, _ in scored), default=0.0)
    chosen: list[tuple[float, _Candidate]] = []
    for rules in _PASSES:
        while (best := _next_best(scored, chosen, max_words, rules, top, clauses)) is not None:
            chosen.append(best)
        if sum(len(c.text.split()) for _, c in chosen) >= MIN_FACT_WORDS:
            break
    return chosen


def _next_best(
    scored: list[tuple[float, _Candidate]],
    chosen: list[tuple[float, _Candidate]],
    max_words: int,
    rules: _Pass,
    top: float,
    clauses: dict[int, np.ndarray] | None = None,
) -> tuple[float, _Candidate] | None:
    room = max_words - sum(len(c.text.split()) for _, c in chosen)
    quotes = sum(1 for _, c in chosen if _QUOTE.search(c.text))
    covered = set().union(*(c.stems for _, c in chosen))
    best: tuple[float, _Candidate] | None = None
    best_value = 0.0
    for score, c in scored:
        if score < rules.floor * top or len(c.text.split()) > room or not c.stems:
            continue
        if any(c is k for _, k in chosen) or (_QUOTE.search(c.text) and quotes >= rules.quotes):
            continue
        if any(_redundant(c, k, strict=rules.strict, clauses=clauses) for _, k in chosen):
            continue
        novelty = len(c.stems - covered) / len(c.stems)
        if novelty >= rules.novelty and score * novelty > best_value:
            best, best_value = (score, c), score * novelty
    return best


def _redundant(
    a: _Candidate,
    b: _Candidate,
    *,
    strict: bool,
    clauses: dict[int, np.ndarray] | None = None,
) -> bool:
    """Same fact: the same settled count, the same claim in other words (embeddings of the
    sentences or of a clause of each), high overlap, one sentence mostly inside the other,
    or (strict) the same numbers told again in other words."""
    if not a.stems or not b.stems:
        return False
    if a.settled & b.settled:
        return True
    if (
        clauses
        and a.row in clauses
        and b.row in clauses
        and float((clauses[a.row] @ clauses[b.row].T).max()) >= SAME_CLAIM
    ):
        return True
    overlap = dice(a.stems, b.stems)
    contained = len(a.stems & b.stems) / min(len(a.stems), len(b.stems))
    if not strict:
        return overlap >= 0.7 or contained >= 0.9
    same_numbers = bool(a.numbers) and a.numbers <= b.numbers and overlap >= 0.3
    return overlap >= REDUNDANT or contained >= 0.7 or same_numbers


# -- the paragraph plan -----------------------------------------------------------------------


def plan_paragraphs(facts: Sequence[Fact]) -> tuple[tuple[Fact, ...], ...]:
    """4 or 5 paragraphs: the lead (the best fact, plus the runner-up when it is near the top
    of its article), then the rest in the order the sources tell them, in balanced chunks;
    every speaker named in full before a sentence calls them by surname (`introduced`)."""
    if not facts:
        return ()
    total_words = sum(f.word_count for f in facts)
    wanted = 5 if total_words >= 320 and len(facts) >= 6 else 4
    lead = [facts[0]]
    # The runner-up joins the lead when it also opened its article (a second angle on the news).
    if len(facts) > wanted and facts[1].position < 0.3 and _fits_lead(lead, facts[1]):
        lead.append(facts[1])
    rest = introduced(lead, sorted(facts[len(lead) :], key=lambda f: (f.position, -f.score)))
    return (tuple(lead), *fact_runs(rest, wanted - 1))


# A speaker's last word: "Jena said", "said Jena." (bare unless the text names them in full)
_BARE_SPEAKER = re.compile(
    r"(?<!\bof\s)(?<!\bin\s)(?<!\bat\s)\b(?P<a>[A-Z][a-z]+)"
    r"\s+(?:said|says|told|added|noted|wrote|stated|insisted)\b"
    r"|\b(?:said|says|told|added|noted|wrote)\s+(?P<b>[A-Z][a-z]+)\s*[.,]"
)
_NOT_NAMES = frozenset(
    {"He", "She", "It", "They", "We", "I", "This", "That", "These", "Those", "The", "A", "An"}
    | {"Officials", "Police", "Authorities"}
)


def _bare_speakers(text: str) -> set[str]:
    found = {m.group("a") or m.group("b") for m in _BARE_SPEAKER.finditer(outside_quotes(text))}
    return {name for name in found if name not in _NOT_NAMES}


def _names_in_full(text: str, surname: str) -> bool:
    """The text calls `surname` by a longer name ("Pradeep Jena", "Secretary Jena")."""
    return re.search(rf"\b[A-Z][\w.-]*\s+{re.escape(surname)}\b", text) is not None


def _bare_mentions(text: str, surnames: set[str]) -> set[str]:
    """The surnames of people named in full somewhere that this text uses alone ("Powell's
    comments", "after Lukashenko held talks")."""
    bare = outside_quotes(text)
    return {
        s
        for s in surnames
        if re.search(rf"\b{re.escape(s)}\b", bare) and not _names_in_full(text, s)
    }


def introduced(before: Sequence[Fact], facts: list[Fact]) -> list[Fact]:
    """`facts` in order, but a fact that calls someone by surname alone comes after a fact
    naming them in full: that fact moves up to just before it. A speaker ("Jena said") with
    no fact naming them in full is left out with their fact (a reader would not know who
    "Jena" is); a bare mention of someone else stays where it is."""
    surnames = {name.split()[-1] for name in people_named([f.text for f in [*before, *facts]])}
    out: list[Fact] = []
    todo = list(facts)
    moved: set[int] = set()  # each fact moves up once at most: two facts may name each other
    while todo:
        fact = todo.pop(0)
        told = [*before, *out]
        speakers = _bare_speakers(fact.text)
        missing = [
            name
            for name in speakers | _bare_mentions(fact.text, surnames)
            if not _names_in_full(fact.text, name)
            and not any(_names_in_full(f.text, name) for f in told)
        ]
        if not missing:
            out.append(fact)
            continue
        # A fact naming them all in full, else one naming the speakers (who must be known).
        wanted = [missing, [n for n in missing if n in speakers]]
        later = [
            f
            for names in wanted
            if names
            for f in todo
            if id(f) not in moved and all(_names_in_full(f.text, name) for name in names)
        ]
        if later:
            moved.add(id(later[0]))
            todo.remove(later[0])
            todo[:0] = [later[0], fact]
        elif not speakers & set(missing):
            out.append(fact)  # a bare mention, not a speaker: better told than left out
    return out


def _fits_lead(lead: list[Fact], fact: Fact) -> bool:
    return sum(f.word_count for f in lead) + fact.word_count <= 75
