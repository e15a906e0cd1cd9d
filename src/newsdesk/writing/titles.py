"""Part of the writing stage: titles, categories and tags built by our own code.

Used by the extractive writer, and whenever the model's title or category fails a check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.models.tagger import Token, pos_tags
from newsdesk.text import STOPWORDS, stem, words
from newsdesk.writing.account import SPELLINGS, corrected_away, figures_in
from newsdesk.writing.drafts import Fact
from newsdesk.writing.rules import (
    CATEGORIES,
    DEFAULT_CATEGORY,
    SourceWords,
    event_words,
    is_clickbait,
    near_identical,
    stem_set,
    tag_words,
    title_case,
)

MIN_TITLE_WORDS = 5
MAX_TITLE_WORDS = 14
MIN_TITLE_SUPPORT = 0.6

_CLAUSE_END = re.compile(r",\s|;\s|:\s|\s[-–—]\s")
_ATTRIBUTION = re.compile(
    r",?\s+(?:the\s+[\w\s'-]{1,40}?\s+)?(?:said|says|announced|reported|confirmed)\b.*$",
    re.IGNORECASE,
)
_WHEN = (
    r"(?:\d{1,2}:\d{2}|\d{2}\.\d{2}(?!\s*%)|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|morning|evening|night|overnight|week|weekend|today|yesterday)"
)
_TRAILING_TIME = re.compile(
    rf"\s+(?:early\s+|late\s+)?(?:on|at|by|from|this|last)\s+(?:about\s+)?{_WHEN}\b.*$",
    re.IGNORECASE,
)
# A long clause is cut before one of these, so the title ends on a whole phrase.
_CUT_TEXT = "in on at for with after to from by while when as and but which who where that"
_CUT_BEFORE = frozenset(_CUT_TEXT.split())
# Words too general to tag a story with.
_GENERIC_TEXT = """people million billion percent cent company government officials including
    according time times number part area local state national news report reports people's town
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december morning evening night"""
_GENERIC = frozenset(_GENERIC_TEXT.split())

# Keywords per category for the extractive writer (the model chooses with a schema instead).
_CATEGORY_WORDS: dict[str, str] = {
    "World": "war troops foreign embassy treaty border sanctions refugees united nations",
    "National": "ferry police court accident coast guard rescue investigation grounding",
    "Local": "village neighbourhood councillors street",
    "Politics": "parliament minister vote election party bill law government opposition "
    "referendum coalition mps lawmakers legal challenge",
    "Business": "bank rate rates inflation shares investors revenue profit market economy "
    "prices mortgage mortgages growth interest lenders economist",
    "Technology": "technology software app digital battery batteries computer internet data "
    "cyber startup start-up chip cells factory outage",
    "Science": "scientists researchers study fossil species museum satellite space launch "
    "rocket research discovery whale orbit spacecraft lunar moon astronauts",
    "Health": "health hospital measles vaccine vaccination patients doctors disease virus "
    "outbreak cases clinic",
    "Climate": "climate storm flood flooding rain rainfall weather emissions drought heatwave "
    "wind gust warming",
    "Sports": "cup final match goal goals team players coach season league championship "
    "victory club fans parade",
    "Entertainment": "film films festival music actor actress award premiere concert director "
    "cinema jury",
    "Culture": "library art books theatre exhibition literature heritage",
    "Lifestyle": "bakery food restaurant recipe fashion bread cafe",
}


# An international desk files disasters, conflicts and foreign affairs abroad under World.
_ABROAD_TEXT = """earthquake earthquakes quake tsunami aftershocks flood floods flooding landslide
    cyclone hurricane typhoon eruption crash crashed derailed derailment collision killed dead
    death toll casualties rubble survivors rescuers war troops missile missiles drone drones
    shelling mutiny mercenary mercenaries military invasion airstrike airstrikes ceasefire
    coup sanctions embassy refugees militants insurgents"""
_ABROAD = frozenset(_ABROAD_TEXT.split())
# Countries by their names in English news (the desk's own is set by `home`): a story that
# names one is abroad.
_COUNTRY_TEXT = """afghanistan albania algeria angola argentina armenia australia austria
    azerbaijan bahrain bangladesh belarus belgium bolivia bosnia botswana brazil bulgaria
    burkina cambodia cameroon canada chad chile china colombia congo croatia cuba cyprus czech
    denmark ecuador egypt eritrea estonia ethiopia finland france gabon georgia germany ghana
    greece guatemala guinea haiti honduras hungary iceland india indonesia iran iraq ireland
    israel italy jamaica japan jordan kazakhstan kenya kosovo kuwait kyrgyzstan laos latvia
    lebanon liberia libya lithuania madagascar malawi malaysia mali mexico moldova mongolia
    montenegro morocco mozambique myanmar namibia nepal netherlands nicaragua niger nigeria
    norway oman pakistan palestine panama paraguay peru philippines poland portugal qatar
    romania russia rwanda senegal serbia singapore slovakia slovenia somalia spain sudan
    sweden switzerland syria taiwan tajikistan tanzania thailand tunisia turkey turkiye
    turkmenistan uganda ukraine uruguay uzbekistan venezuela vietnam yemen zambia zimbabwe
    gaza"""
COUNTRIES = frozenset(_COUNTRY_TEXT.split())
# Regions that name their country when the articles do not: Indian outlets write "a train
# crash in Odisha's Balasore" and never "India" (eval/events dev, Odisha).
_REGION_TEXT = {
    "india": """andhra arunachal assam bihar chhattisgarh goa gujarat haryana himachal jharkhand
        karnataka kerala maharashtra manipur meghalaya mizoram nagaland odisha orissa punjab
        rajasthan sikkim telangana tripura uttarakhand kashmir ladakh""",
    "china": """anhui fujian gansu guangdong guangxi guizhou hainan hebei heilongjiang henan hubei
        hunan jiangsu jiangxi jilin liaoning qinghai shaanxi shandong shanxi sichuan xinjiang
        yunnan zhejiang tibet""",
    "pakistan": "sindh balochistan khyber pakhtunkhwa",
    "australia": "queensland tasmania",
    "canada": "ontario quebec alberta manitoba saskatchewan",
}
REGIONS = {w: country for country, text in _REGION_TEXT.items() for w in text.split()}
# Categories whose subject wins over "abroad": a central bank abroad is Business news.
_OWN_SUBJECT = ("Business", "Sports", "Science")


def choose_category(texts: Sequence[str], *, home: str = "", context: Sequence[str] = ()) -> str:
    """The event's subject as a category, the same with or without a model: World for
    disasters, conflicts and foreign affairs in a country other than `home` (an
    international desk has none), unless central banks and markets, sport or science are what
    the texts are about; otherwise the category whose keywords the texts use most (the
    default when none match). `context` (the sources' bodies) is read for the country only:
    a train crash in Odisha is abroad because the articles say India, even when the
    headlines and the chosen sentences do not."""
    counts = Counter(w.lower() for text in texts for w in words(text))
    scores = {
        name: sum(counts[w] for w in _CATEGORY_WORDS.get(name, "").split()) for name in CATEGORIES
    }
    abroad = sum(counts[w] for w in _ABROAD)
    places = counts + Counter(w.lower() for text in context for w in words(text))
    named = {c for c in COUNTRIES if places[c]} | {REGIONS[r] for r in REGIONS if places[r]}
    foreign = any(c != home.lower() for c in named)
    if foreign and abroad >= 2 and all(scores[n] < abroad for n in _OWN_SUBJECT):
        return "World"
    best = max(CATEGORIES, key=lambda name: scores[name])
    if scores[best] == 0 and abroad >= 2:
        return "National"  # a disaster at home
    return best if scores[best] > 0 else DEFAULT_CATEGORY


def choose_tags(headlines: Sequence[str], texts: Sequence[str]) -> tuple[str, ...]:
    """Three lowercase words the headlines share (most shared first, then in headline order),
    topped up with the words the facts use most."""
    distinct = list(dict.fromkeys(h.strip() for h in headlines if h.strip()))
    shared = Counter(w for h in distinct for w in set(tag_words(h)))
    order = list(dict.fromkeys(w for h in distinct for w in tag_words(h)))
    ranked = sorted((w for w in order if shared[w] >= 2), key=lambda w: -shared[w])
    body_words = [w for text in texts for w in tag_words(text)]
    used = Counter(body_words)
    # Counter keeps first-seen order, so ties go to the word the facts use first.
    salient = sorted(used, key=lambda w: -(used[w] + 2 * shared[w]))
    tags: list[str] = []
    for word in [*ranked, *salient]:
        if word not in _GENERIC and all(stem(word) != stem(t) for t in tags):
            tags.append(word)
        if len(tags) == 3:
            break
    return tuple(tags)


def in_headline_case(title: str) -> bool:
    """Most longer words capitalised: "Lumora Plans Battery Factory in Dunmere"."""
    longer = [w for w in words(title) if len(w) > 3]
    return bool(longer) and sum(w[0].isupper() for w in longer) >= 0.8 * len(longer)


def title_problem(title: str, headlines: Sequence[str], evidence: SourceWords) -> str | None:
    """Why a title cannot be used, or None: it must be new, plain and what sources say."""
    n = len(title.split())
    if not MIN_TITLE_WORDS - 1 <= n <= MAX_TITLE_WORDS + 2:
        return f"a title of {n} words"
    for headline in headlines:
        if near_identical(title, headline):
            return f"copies the headline {headline!r}"
    if is_clickbait(title):
        return "reads like clickbait"
    if _unclosed_quote(title):
        return "a quotation mark is left open"
    if tainted := evidence.tainted_words(title):
        return f"repeats an instruction planted in a source: {', '.join(tainted)}"
    if numbers := evidence.unknown_numbers(title):
        return f"numbers no source has: {', '.join(sorted(numbers))}"
    if names := evidence.unknown_names(title, capitalised=not in_headline_case(title)):
        return f"names no source has: {', '.join(names)}"
    if evidence.support(title) < MIN_TITLE_SUPPORT:
        return "wording mostly not from the sources"
    if side := _unsupported_side(title, evidence):
        return f"no source calls {side}"
    return _clumsy(title)


_LIST_COMMA = re.compile(r",(?!\d{3}\b)")  # not the comma inside 11,300


def _clumsy(title: str) -> str | None:
    """A title an editor would send back: a list of fragments ("11,300 Dead, 10,000 Missing,
    Derna City in Danger"), or one word told twice in two forms ("India Lands First
    Soft-Landing")."""
    if len(_LIST_COMMA.findall(title)) >= 2:
        return "a list, not a headline"
    forms: dict[str, str] = {}
    for word in re.findall(r"[A-Za-z]+(?:['’][a-z]+)?", title.replace("-", " ")):
        form = word.casefold().removesuffix("'s").removesuffix("’s")
        if form in STOPWORDS or len(form) < 4:
            continue
        root = stem(form)
        if root in forms and forms[root] != form:
            return f"says {forms[root]!r} and {form!r}"
        forms.setdefault(root, form)
    return None


# "Ukrainian Drone Strike Hits Civilian Train" where every source says a Russian one: who
# acted, by the adjective of a people before the event's noun.
_PEOPLE = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|an|i)$")


def _unsupported_side(title: str, evidence: SourceWords) -> str | None:
    """'the strike Ukrainian' when no source ties that people to that kind of event (as
    "Ukrainian ... strike", "Ukraine's ... strike" or "strike by Ukraine"); None otherwise."""
    tokens = re.findall(r"[\w'’-]+", title)
    for i, side in enumerate(tokens):
        if not _PEOPLE.match(side):
            continue
        event = next((t.lower() for t in tokens[i + 1 : i + 4] if t.lower() in _EVENT_FAMILY), None)
        if event is None:
            continue
        family = "|".join(w for w, f in _EVENT_FAMILY.items() if f == _EVENT_FAMILY[event])
        root = re.escape(stem(side)[:5])
        said = re.search(
            rf"\b{root}\w*(?:'s)?\s+(?:[\w-]+\s+){{0,2}}?(?:{family})\b"
            rf"|\b(?:{family})\s+(?:[\w-]+\s+){{0,3}}?by\s+{root}\w*",
            evidence.text,
        )
        if said is None:
            return f"the {event} {side}"
    return None


def _unclosed_quote(title: str) -> bool:
    """An odd number of straight double quotes, or curly ones that do not pair up: a cut-off
    quotation ('Nadia Kessler's "The Glass Orchard', seen in the demo)."""
    return title.count('"') % 2 == 1 or title.count("\u201c") != title.count("\u201d")


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_JOINTS = frozenset({"and", "but", "while", "which", "who", "as", "after", "when"})
_CONTINUES = frozenset({"and", "but", "or", "while", "which", "who", "whose", "where", "as"})


# A statement opens with its subject: a noun, a name, a number, a determiner or an adjective.
_SUBJECT_START = frozenset({"DT", "NN", "NNS", "NNP", "NNPS", "CD", "JJ", "JJS", "PRP$", "PDT"})


def _statements(clauses: Sequence[str]) -> list[bool]:
    """Does each clause say something happened ("Silicon Valley Bank was closed"), or is it a
    fragment ("In the largest U.S. bank failure since 2008", "Head of the Wagner Group",
    "took off from a launchpad": no subject)? Tagged in one batch."""
    return [_is_statement(tokens) for tokens in pos_tags(clauses)]


# "At least 2,012 people ...", "More than 200 passengers ...": a count's hedge before it.
_HEDGES = frozenset({"at least", "more than", "less than", "fewer than", "up to"})
_HEDGE_WORDS = frozenset({"about", "nearly", "almost", "around", "some", "over", "roughly"})


def _is_statement(tokens: Sequence[Token]) -> bool:
    if len(tokens) > 2 and f"{tokens[0].text} {tokens[1].text}".lower() in _HEDGES:
        tokens = tokens[2:]
    elif len(tokens) > 1 and tokens[0].text.lower() in _HEDGE_WORDS and tokens[1].tag == "CD":
        tokens = tokens[1:]
    if not tokens or tokens[0].tag not in _SUBJECT_START:
        return False
    # The main verb, not one of a relative clause ("The toll from a quake that struck Turkey").
    verb = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.tag in _FINITE and not (i > 0 and tokens[i - 1].tag in ("WDT", "WP"))
        ),
        None,
    )
    # The subject has a noun: not "22 are being handed over" (22 of what?).
    return verb is not None and any(t.tag.startswith("NN") for t in tokens[:verb])


def _first_statement(sentence: str) -> str | None:
    """The sentence's first clause that is a statement, not a fragment before it."""
    plain = sentence.replace("\u201c", "").replace("\u201d", "")
    # "the rugged, unexplored south pole": a comma between adjectives ends no clause.
    plain = re.sub(r"\b(\w+), (?=(?:un)?\w+ed\b|\w{3,}(?:al|ous|ic|ive|ful)\b)", r"\1 ", plain)
    # "and four crew ... crashed": the subject is in the clause before.
    clauses = [
        c
        for c in _CLAUSE_END.split(plain)[:3]
        if len(c.split()) >= MIN_TITLE_WORDS - 1 and c.split()[0].lower() not in _CONTINUES
    ]
    return next((c for c, ok in zip(clauses, _statements(clauses), strict=True) if ok), None)


def _title_options(sentence: str, *, compress: bool = False) -> list[str]:
    """Headlines from the first clause of a sentence that says something happened, without
    attribution or time: the whole clause when it is short, else each cut that ends a phrase
    and keeps the verb (where a clause ends first: "Silicon Valley Bank was closed Friday",
    not "... Friday and its approximately $175 billion"). The clause may also go on with a
    later phrase of the sentence that says where or in what ("At least 2,012 people were
    killed [and 2,059 wounded, including ...,] in the powerful earthquake ..."); a short name
    in commas after the subject goes ("The satellite[, Fyr-1,] reached orbit")."""
    if sentence.lstrip().startswith(('"', "“", "'", "‘")):
        return []  # a quotation is not a neutral title
    found = _options_of(sentence, compress)
    if not found and (bare := _APPOSITIVE.sub(" ", sentence, count=1)) != sentence:
        found = _options_of(bare, compress)
    return found


def _options_of(sentence: str, compress: bool = False) -> list[str]:
    statement = _first_statement(sentence)
    if statement is None:
        return []
    clauses = _clauses(sentence, statement)
    found = _whole_statements([cut for clause in clauses for cut in _cuts(clause.split())])
    if found or not compress:
        return found
    # Too long to cut into a statement: said shorter, as a headline would.
    shorter = [short for clause in clauses if (short := _compressed(clause))]
    return _whole_statements([cut for short in shorter for cut in _cuts(short.split())])


_TOLD_BY = re.compile(
    r"^[\w'’,. -]{0,60}?\b(?:said|says|say|announced|reported|confirmed)\s+(?:that\s+)?"
    r"(?=(?:the|a|an|[A-Z0-9])\b|[A-Z0-9])",
    re.IGNORECASE,
)
# What frames a statement and says nothing of its own: "It was found that", "He added that",
# "It comes as", "All together", "In a much-anticipated move,"
_FRAMING = re.compile(
    r"^(?:It\s+(?:was|has\s+been|is|had\s+been)\s+(?:found|reported|learned|learnt|understood"
    r"|confirmed|announced)\s+that|It\s+comes\s+as"
    r"|(?:He|She|They)\s+(?:also\s+)?(?:added|noted|said|stressed|explained|told\s+\w+)\s+that"
    r"|(?:All\s+together|Altogether|Meanwhile|However|In\s+addition|Moreover|Separately),?"
    r"|In\s+(?:a|an|its|his|her|their)\s+[^,]{1,40},)\s+(?=[A-Za-z0-9])"
)
_BE = frozenset({"was", "were", "is", "are", "been", "being", "be"})
_AUXILIARY = _BE | {"has", "have", "had"}
_SUBORDINATE = frozenset({"while", "as", "when", "which", "who", "after", "before", "because"})


def short_headline(sentence: str, max_words: int) -> str | None:
    """The sentence's first statement said as a short headline, `max_words` at most: without
    who said it, articles, or the auxiliaries of a passive ("Regional prosecutors say the
    train was struck near a village while ..." -> "Train Struck Near Village"), cut before a
    subordinate clause and where a phrase ends; None when no cut says something."""
    if sentence.lstrip().startswith(('"', "“", "'", "‘")):
        return None
    told = _TOLD_BY.sub("", _FRAMING.sub("", sentence, count=1), count=1)
    told = re.sub(r"\s+also\s+", " ", told, count=1)  # "Locals also posted": alone, it is news
    statement = _first_statement(told)
    if statement is None:
        return None
    for clause in _clauses(told, statement):
        tagged = [(w, t) for w, t in _word_tags(clause) if w.lower() not in ("a", "an", "the")]
        kept: list[tuple[str, str]] = []
        participle = len(tagged)  # where a participle stands for its dropped auxiliaries
        i = 0
        while i < len(tagged):
            j = i
            while j < len(tagged) and tagged[j][0].lower() in _AUXILIARY:
                j += 1
            run = {w.lower() for w, _ in tagged[i:j]}
            infinitive = bool(kept) and kept[-1][0].lower() == "to"  # "to be rising" stays
            passive = j > i and j < len(tagged) and tagged[j][1] in ("VBN", "VBG") and run & _BE
            if passive and not infinitive:
                i = j  # "was struck", "has been killed", "are rising": the participle says it
                participle = min(participle, len(kept))
                continue
            if kept and tagged[i][0].lower() in _SUBORDINATE:
                break
            kept.append(tagged[i])
            i += 1
        kept, participle = _without_subject_phrase(kept, participle)
        sizes = range(min(len(kept), max_words), 2, -1)
        cuts = [" ".join(w for w, _ in kept[:n]).rstrip(",;:") for n in sizes]
        for n, cut, tags in zip(sizes, cuts, pos_tags(cuts), strict=True):
            if any(q in cut for q in '"“”'):
                continue  # a quotation cut is no heading
            # cut only where a phrase ends: before a preposition, a joining word or a comma,
            # not inside "... Aboard Passenger [Train]" or "... Suffered [Damage]"
            following = kept[n] if n < len(kept) else ("", "")
            ends_phrase = (n == len(kept) or kept[n - 1][0][-1] in ",;:") or (
                following[1] in _BOUNDARY and following[0].lower() not in _COMPLEMENT
            )
            says = _is_statement(tags) or n > participle
            if ends_phrase and says and _ends(tags):
                return title_case(cut)
    return None


# what a phrase of the subject is made of: "in (a) powerful earthquake around Marrakesh"
_PHRASE = frozenset({"IN", "DT", "JJ", "JJS", "JJR", "NN", "NNS", "NNP", "NNPS", "CD", "POS"})


def _without_subject_phrase(
    kept: list[tuple[str, str]], participle: int
) -> tuple[list[tuple[str, str]], int]:
    """Without the phrase between a subject and its verb when the verb would not fit a short
    headline otherwise: "Death toll [in powerful earthquake around Marrakesh] has risen to
    820" -> "Death toll has risen to 820"."""
    verb = next(
        (i for i, (_, tag) in enumerate(kept) if tag in _FINITE or i == participle), len(kept)
    )
    start = next((i for i, (word, tag) in enumerate(kept[:verb]) if tag == "IN" and i > 0), None)
    if start is None or verb < 5 or not any(tag in _NOUNS for _, tag in kept[:start]):
        return kept, participle
    if any(word[-1] in ",;:" or tag not in _PHRASE for word, tag in kept[start:verb]):
        return kept, participle  # an aside in commas, or a clause ("to them but this"), stays
    dropped = verb - start
    return kept[:start] + kept[verb:], participle - dropped if participle >= verb else participle


# a participle opens a phrase of its own: "Locals Posted Videos [showing damage ...]"
_BOUNDARY = frozenset({"IN", "CC", "TO", "WDT", "WP", "WRB", "VBG", ",", ":", "."})
# words that go on with what the verb or noun before them wants ("asked judges to ...",
# "the railway promised to ...", "a fifth of ..."): a cut before them leaves it wanting
_COMPLEMENT = frozenset({"to", "of", "that", "for", "than", "with"})


def _whole_statements(options: list[list[str]]) -> list[str]:
    """The cuts that end on a whole phrase and say something, in headline case."""
    options = [list(t) for t in dict.fromkeys(tuple(t) for t in options)]
    texts = [" ".join(t).rstrip(",;:") for t in options]
    tagged = pos_tags(texts)
    return [
        title_case(t)
        for t, tags in zip(texts, tagged, strict=True)
        if _ends(tags) and _is_statement(tags)  # the verb may go with a cut or an insert
    ]


# A short name in commas between a subject and its verb: ", Fyr-1, "
_APPOSITIVE = re.compile(r",\s+(?:[A-Z][\w.-]*\s*){1,4},\s+(?=[a-z])")
_LEADING_ATTRIBUTION = re.compile(
    r"^[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,6}?\s+(?:said|says|announced|reported)\s+(?:that\s+)?"
    r"(?=[A-Z0-9a-z])"
)
_LATER_PHRASE = re.compile(r"^(?:in|at|on|near|off|after)\s+(?:the\s+|a\s+)?\w", re.IGNORECASE)


# Adjectives a headline keeps: they change what is true of the noun ("former president").
_KEEP_TEXT = """former late acting deputy alleged suspected first last only new old interim
    senior junior chief main top worst deadliest biggest largest"""
_KEEP_ADJECTIVES = frozenset(_KEEP_TEXT.split())
_NOUNS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_COMPASS = re.compile(r"^(?:north|south)?-?(?:east|west)?(?:ern)$|^(?:north|south)ern$")


def _word_tags(clause: str) -> list[tuple[str, str]]:
    """Each whitespace word of the clause with the tag of its last part ("north-eastern":
    JJ), from one tagging of the whole clause."""
    words_ = clause.split()
    tokens = list(pos_tags([clause])[0])
    out = []
    for word in words_:
        built, tag = "", ""
        while tokens and len(built) < len(word):
            token = tokens.pop(0)
            built, tag = built + token.text, token.tag
        out.append((word, tag))
    return out


def _compressed(clause: str) -> str | None:
    """A long clause as a headline says it: without its articles before a common word and
    the describing adjectives before a noun ("A Russian drone attack on a civilian passenger
    train in north-eastern Ukraine has left ..." -> "Russian drone attack on passenger train
    in Ukraine has left ..."); None when nothing goes."""
    tagged = _word_tags(clause)
    tags = [tag for _, tag in tagged] + ["", ""]
    kept = []
    for i, (word, tag) in enumerate(tagged):
        after_word = tagged[i + 1][0] if i + 1 < len(tagged) else ""
        article = word.lower() in ("a", "an", "the") and (i == 0 or after_word[:1].islower())
        describing = (tag == "JJ" or _COMPASS.match(word)) and word.islower()
        describing = describing and word not in _KEEP_ADJECTIVES
        # before its noun, or before another adjective of the same noun: not "five people dead"
        noun_follows = tags[i + 1] in _NOUNS or (tags[i + 1] == "JJ" and tags[i + 2] in _NOUNS)
        if article or (describing and noun_follows):
            continue
        kept.append(word)
    return " ".join(kept) if len(kept) < len(tagged) else None


def _clauses(sentence: str, statement: str) -> list[str]:
    """The statement, and the statement without its " and ..." tail joined to each later
    phrase of the sentence that opens with in, at, on, near, off or after."""

    def clean(text: str) -> str:
        text = _LEADING_ATTRIBUTION.sub("", text)  # "Officials said 12,391 had died ..."
        return _TRAILING_TIME.sub("", _ATTRIBUTION.sub("", text)).strip(" .;:\"'")

    found = [clean(statement)]
    parts = _CLAUSE_END.split(sentence.replace("\u201c", "").replace("\u201d", ""))
    head = re.split(r"\s+and\s+", clean(statement), maxsplit=1)[0]
    later = [p for p in parts[1:] if _LATER_PHRASE.match(p) and statement not in p]
    found.extend(f"{head} {clean(p)}" for p in later[:2])
    return found


def _cuts(tokens: list[str]) -> list[list[str]]:
    """The clause itself when short enough, else each cut that keeps it a statement."""
    if len(tokens) <= MAX_TITLE_WORDS + 1:  # a whole clause of 15 words beats a cut one
        return [tokens] if len(tokens) >= MIN_TITLE_WORDS else []
    cuts = [i for i in range(MIN_TITLE_WORDS, MAX_TITLE_WORDS + 1) if tokens[i] in _CUT_BEFORE]
    kept = _statements([" ".join(tokens[:i]) for i in cuts])
    whole = [i for i, ok in zip(cuts, kept, strict=True) if ok]
    joints = [i for i in whole if tokens[i] in _JOINTS]
    return [tokens[:i] for i in dict.fromkeys([*joints, *reversed(whole)])]


_OPEN_END = frozenset({"VB", "VBP", "VBZ", "IN", "DT", "TO", "CC", "PRP$", "POS", "WDT"})
# Verbs whose object wants more after it: "accused X" of what, "urged X" to do what.
_WANTS_MORE = frozenset({"accuse", "blame", "urge", "ask", "tell", "charge", "warn", "call"})
_MORE = frozenset({"of", "to", "for", "that", "as", "over", "after"})
# Verbs of telling and counting say nothing without what was told or counted: a title ending
# on one is a cut sentence ("The National Disaster Mitigation Agency (BNPB) Recorded").
_TELLS = frozenset(
    {"record", "report", "say", "announce", "confirm", "reveal", "show", "state", "estimate"}
    | {"note", "tell", "add", "put", "give", "find", "count", "register", "list", "cite"}
)


def _ends(tokens: Sequence[Token]) -> bool:
    """A headline ends on a whole phrase: not on a preposition or article, nor on a verb that
    wants its object ("A drone attack has left", but "The bank was closed" is whole), and
    stands alone (no "also")."""
    if not tokens or tokens[-1].tag in _OPEN_END:
        return False
    if tokens[-1].tag in {"VBD", "VBN"} and tokens[-1].lemma in _TELLS:
        return False  # "... (BNPB) Recorded" (recorded what?)
    verb = next((i for i, t in enumerate(tokens) if t.tag in _FINITE), None)
    if (
        verb is not None
        and tokens[verb].lemma in _WANTS_MORE
        and not any(t.text.lower() in _MORE for t in tokens[verb + 1 :])
    ):
        return False  # "Putin accused the Wagner chief Yevgeny Prigozhin" (of what?)
    if any(t.text.lower() == "also" for t in tokens):
        return False  # "... Had Also Taken Control": a title that leans on another fact
    perfect = len(tokens) > 1 and tokens[-2].text.lower() in {"has", "have", "had"}
    return not (perfect and tokens[-1].tag == "VBN")


# What happened, for an event the outlets' headlines name by a noun: "Morocco earthquake",
# "Russian drone strike", "Nepal plane crash". One family a line: its forms are one event.
_EVENT_FAMILIES = [
    "earthquake earthquakes quake quakes tremor tremors",
    "flood floods flooding",
    "crash crashes derailment collision accident",
    "strike strikes attack attacks airstrike bombing shelling",
    "explosion explosions blast blasts",
    "fire fires wildfire wildfires blaze",
    "storm cyclone hurricane typhoon",
    "landslide landslides avalanche mudslide",
    "stampede crush",
    "shooting shootings",
    "eruption tsunami",
    "mutiny uprising rebellion coup insurrection",
    "riot riots",
    "shipwreck sinking",
]
_EVENT_FAMILY = {w: i for i, line in enumerate(_EVENT_FAMILIES) for w in line.split()}
_PLACE_AFTER_IN = re.compile(r"\b(?:in|near|off)\s+(?:the\s+)?([A-Z][\w-]+)")
_SPELLINGS = {k.casefold(): v for k, v in SPELLINGS.items()}


def _place_of(headlines: Sequence[str]) -> str | None:
    """The place most headlines name (two at least): a country or region by name, or a
    capitalised word some headline has after "in"; the more specific one on a tie ("Cianjur"
    over "Indonesia"); two countries each named by most headlines are told together, in the
    order the headlines give them ("Turkey and Syria")."""
    spelled: list[list[str]] = [
        [_SPELLINGS.get(w.casefold(), w) for w in re.findall(r"[A-Za-zÀ-ÿ]+", h)] for h in headlines
    ]
    places: dict[str, str] = {}  # casefolded -> as first written
    for ws, headline in zip(spelled, headlines, strict=True):
        for w in ws:
            if w.casefold() in COUNTRIES or w.casefold() in REGIONS:
                places.setdefault(w.casefold(), w)
        for match in _PLACE_AFTER_IN.finditer(headline):
            if match.group(1).casefold() not in _EVENT_FAMILY:
                places.setdefault(match.group(1).casefold(), match.group(1))
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for ws in spelled:
        keys = [w.casefold() for w in ws]
        for i, key in enumerate(keys):
            if key in places:
                first[key] = min(first.get(key, i), i)
        counts.update({k for k in keys if k in places})
    if not counts or max(counts.values()) < 2:
        return None
    top = max(counts.values())
    best = sorted((k for k, n in counts.items() if n == top), key=lambda k: (k in COUNTRIES, k))[0]
    countries = [k for k, n in counts.items() if k in COUNTRIES and n * 2 > len(headlines)]
    if len(countries) == 2 and best in countries:
        return " and ".join(places[k] for k in sorted(countries, key=lambda k: first[k]))
    return places[best]


@dataclass(frozen=True, slots=True)
class EventLabel:
    """What a story is, as its headlines name it: "Kharkiv" "drone" "strike"."""

    place: str
    modifier: str
    noun: str

    def __str__(self) -> str:
        return title_case(" ".join(p for p in (self.place, self.modifier, self.noun) if p))


def event_label(headlines: Sequence[str]) -> EventLabel | None:
    """What the story is, as two headlines or more name it: the place and the event noun,
    with the noun before it when two headlines have that noun ("Kharkiv Drone Strike",
    "Nepal Plane Crash", "Morocco Earthquake"); None for a story no such noun names (a rate
    decision, a landing, a final)."""
    unique = list(dict.fromkeys(" ".join(h.split()) for h in headlines if h.strip()))
    tagged = pos_tags(unique)
    families: Counter[int] = Counter()
    surfaces: dict[int, Counter[str]] = {}
    before: dict[int, Counter[str]] = {}
    nouns: Counter[str] = Counter()  # common nouns written in lower case somewhere
    for tokens in tagged:
        seen: set[int] = set()
        nouns.update({t.text for t in tokens if t.tag in ("NN", "NNS") and t.text.islower()})
        for i, t in enumerate(tokens):
            family = _EVENT_FAMILY.get(t.text.casefold())
            if family is None or t.tag not in ("NN", "NNS", "NNP", "NNPS", "VBZ", "VBD", "VBN"):
                continue
            seen.add(family)
            if t.tag.startswith("NN"):
                surfaces.setdefault(family, Counter())[t.text.casefold()] += 1
                if i > 0 and tokens[i - 1].tag in ("NN", "NNS"):
                    before.setdefault(family, Counter())[tokens[i - 1].text.casefold()] += 1
        families.update(seen)
    if not families:
        return None
    family, count = families.most_common(1)[0]
    if count < 2 or family not in surfaces:
        return None
    forms = surfaces[family]
    noun = min(forms, key=lambda f: (-forms[f], len(f)))  # the commonest, the shorter on a tie
    modifiers = [m for m, _ in before.get(family, Counter()).most_common() if nouns[m] >= 2]
    return EventLabel(_place_of(unique) or "", modifiers[0] if modifiers else "", noun)


def names_the_event(title: str, headlines: Sequence[str]) -> str:
    """The title, led by what the story is ("Nepal Plane Crash: ...") when it does not name
    the event's noun, or by the place alone when it names the event but not where ("Morocco:
    ..."); as it is when it names both, when no label with a place fits, or when it has a
    label of its own ("Coromandel Express Accident: Death Toll Revised to 275": a second one
    before it reads as a list of labels)."""
    if ":" in title:
        return title
    label = event_label(headlines)
    if label is None or not label.place:  # "Floods: ..." would say less than the title
        return title
    have = {stem(w) for w in words(title)}
    has_event = _EVENT_FAMILY[label.noun] in {_EVENT_FAMILY.get(w.casefold()) for w in words(title)}
    places = [stem(w) for w in words(label.place) if w.casefold() != "and"]
    has_place = not places or any(p in have for p in places)
    if has_event and has_place:
        return title
    # The event named but not where: the place alone ("Morocco: ... in the earthquake").
    kicked = f"{label.place if has_event else label}: {title}"
    return kicked if len(kicked.split()) <= MAX_TITLE_WORDS + 2 else title


def extractive_title(facts: Sequence[Fact], headlines: Sequence[str], evidence: SourceWords) -> str:
    """A title from a clause of the best facts that is not a source's headline: the one that
    names most of what the outlets' headlines name (the event, the place), the better fact
    first on a tie."""
    named = event_words(headlines)
    best: tuple[float, str] | None = None
    for rank, fact in enumerate(facts[:12]):
        # The lead, too long to cut, may be said shorter; another fact is not worth it.
        away = corrected_away(fact.text)
        for title in _title_options(fact.text, compress=rank == 0):
            if title_problem(title, headlines, evidence) is not None or _gives(title, away):
                continue
            value = len(stem_set(title) & named) - 2 * rank
            if best is None or value > best[0]:
                best = (value, title)
    if best is not None:
        return best[1]
    # Last resort: a fact's opening words, cut where a phrase ends if one does, to a length
    # no headline of it has.
    for fact in facts:
        away = corrected_away(fact.text)
        for size in (MAX_TITLE_WORDS, MAX_TITLE_WORDS - 3):
            title = title_case(" ".join(fact.text.split()[:size]).rstrip(",;:."))
            if _gives(title, away):
                break
            if not any(near_identical(title, h) for h in headlines):
                return _whole_phrase(title)
    return "Untitled Story"


def _gives(title: str, corrected: frozenset[float]) -> bool:
    """The title gives a count its sentence corrects ("... Initially Put Death Toll at 174"
    cut from "... then lowered it to 125")."""
    return bool(corrected) and any(f.value in corrected for f in figures_in(title))


def _whole_phrase(title: str) -> str:
    """The longest cut of `title` (five words at least) that ends on a whole phrase and still
    says something; the title itself when none does."""
    tokens = title.split()
    cuts = [" ".join(tokens[:n]).rstrip(",;:") for n in range(len(tokens), MIN_TITLE_WORDS - 1, -1)]
    for cut, tags in zip(cuts, pos_tags(cuts), strict=True):
        if _ends(tags) and _is_statement(tags) and tags[-1].tag not in ("VBD", "WP", ","):
            return cut
    return title
