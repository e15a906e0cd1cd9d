"""Stories: online, incremental clustering of articles about one event.

Each article is one vector: its sentence embedding and a hashed TF-IDF vector of its headline
and lead side by side, so a dot product is `w * cos(embedding) + (1 - w) * cos(words)`. Dense
embeddings alone miss what names an event (who, which company, which film); words alone miss
paraphrases. On the dev corpus the mix beats either by a wide margin.

In time order, an article joins the open story with the best score, else it founds a story:

    score = (mean similarity to the story's members + entity_weight * shared entities)
            * exp(-hours since the story's last article / time_scale)

The mean is weighted towards recent members (an exponential decay with the same time scale),
so a story can drift as an event develops. A story with no article for `quiet_days` is closed:
a later article on the same actors founds a new story that `follows` it (a thread). The link
can be shown by the new story's founder or, if the founder could not (no actors named), by a
later member, provided the new story as a whole is as close to the earlier one.

Online assignment is greedy, so a consolidation pass follows: stories whose link passes
`merge_threshold` are merged, best pair first; a story whose two halves have drifted apart is
split. A link is scored as a join is, story against story:

    link = (average-link similarity + entity_weight * shared entities) * exp(-gap / time_scale)

with the average link the mean member-to-member similarity (members weighted as in the sums),
shared entities the share of the less-named story's entities that the other names too, and the
gap the time between the two stories' spans. Its word half comes from each article's exact
TF-IDF terms, not from the hashed buckets: a merge of small stories rests on one or two
article pairs, and bucket collisions alone move one pair's word similarity by up to 0.2 on dev,
enough to merge two unrelated same-day pieces. Joins, candidate search, threads and splits keep
the hashed vectors, where a higher threshold or many members absorb the noise.

Candidates come from a HNSW index over member vectors (hnswlib: measured faster than usearch
and faiss at equal recall here), so the cost grows about n log n. Story ids are a hash of the
founding article's key, and a merge keeps the id of the older story, so ids are stable across
runs. `ClusterState` holds everything needed to go on next run and serialises to bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import hnswlib
import numpy as np
from numpy.typing import NDArray

from newsdesk.errors import NewsdeskError
from newsdesk.records import Story, as_utc
from newsdesk.text import STOPWORDS

F32 = NDArray[np.float32]
_HOUR = 3600.0
_DAY = 24 * _HOUR
_WORD = re.compile(r"[^\W_]+")


class ClusterError(NewsdeskError):
    """Clustering was given inconsistent input (e.g. vectors of another dimension)."""


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """One article as clustering sees it."""

    key: str  # natural key: canonical URL (or a corpus id)
    title: str
    lead: str  # first paragraph(s); may be empty
    published: datetime | None
    outlet: str
    embedding: F32  # L2-normalised, from an Embedder over title + lead
    entities: frozenset[str] = frozenset()
    # Dedupe's text group (key of the group's first article): syndicated copies join the
    # first copy's story and add their outlet, but count as one text.
    text_group: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Knobs of the clustering; the defaults are the ones measured in bench/cluster.py."""

    embedding_weight: float = 0.5  # share of the dense embedding in the article vector
    lexical_dim: int = 256  # hashed TF-IDF buckets
    join_threshold: float = 0.3
    merge_threshold: float = 0.15
    split_threshold: float = 0.05  # halves less alike than this are two stories
    split_min_size: int = 8
    entity_weight: float = 0.05  # per share of entities in common, in joins and merges
    repeat_outlet_weight: float = 1.0  # weight of another piece from an outlet already in
    time_scale_hours: float = 24.0  # one news day
    quiet_days: float = 3.0
    thread_threshold: float = 0.2
    thread_min_gap_hours: float = 12.0
    thread_window_days: float = 90.0  # "troops back in February", "thanks in April"
    neighbours: int = 16
    batch_size: int = 256
    consolidate_every: int = 20_000
    ann_threshold: int = 2_000  # below this many vectors, exact search is cheaper
    threads: int = 2

    @property
    def time_scale(self) -> float:
        return self.time_scale_hours * _HOUR


@dataclass(frozen=True, slots=True)
class ClusterResult:
    assignments: dict[str, str]  # item key -> story id, for the items of this call
    merged: dict[str, str]  # story id merged away -> surviving story id
    touched: frozenset[str]  # ids of stories that gained, lost or changed members


def story_id(founder_key: str) -> str:
    """Stable story id: a hash of the founding article's key."""
    return "s" + hashlib.sha256(founder_key.encode("utf-8")).hexdigest()[:15]


def _timestamp(value: datetime | None) -> float | None:
    return None if value is None else as_utc(value).timestamp()


# -- words --------------------------------------------------------------------------------------


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def _bucket(word: str, dim: int) -> tuple[int, float, int]:
    """A word's bucket and sign in the hashed vector, and its 64-bit hash (its exact id)."""
    # blake2b, not hash(): Python salts str hashes per process, and vectors are persisted.
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    return value % dim, 1.0 if value >> 63 else -1.0, value


class _Grow:
    """A float32 matrix that grows by doubling, so appending rows is amortised O(1)."""

    def __init__(self, dim: int, rows: F32 | None = None) -> None:
        start = rows if rows is not None else np.zeros((0, dim), dtype=np.float32)
        self.data = np.zeros((max(64, 2 * len(start)), dim), dtype=np.float32)
        self.data[: len(start)] = start
        self.size = len(start)

    def reserve(self, rows: int) -> None:
        """Make room for `rows` rows in all, once, when the caller knows how many come."""
        if rows > len(self.data):
            bigger = np.zeros((rows, self.data.shape[1]), dtype=np.float32)
            bigger[: self.size] = self.data[: self.size]
            self.data = bigger

    def append(self, row: F32) -> int:
        if self.size == len(self.data):
            self.reserve(2 * len(self.data))
        self.data[self.size] = row
        self.size += 1
        return self.size - 1

    @property
    def view(self) -> F32:
        return self.data[: self.size]


class _Terms:
    """Each article's exact TF-IDF terms (64-bit word hash, weight), in flat growable arrays.

    The hashed half of the article vectors is what joins and candidate search use; the terms
    let consolidation compare words without bucket collisions (see `_links`).
    """

    def __init__(
        self,
        bounds: NDArray[np.int64] | None = None,
        ids: NDArray[np.uint64] | None = None,
        weights: F32 | None = None,
    ) -> None:
        # Article i's terms are ids[bounds[i]:bounds[i + 1]], with their weights.
        self.bounds = np.zeros(1024, dtype=np.int64)
        self.ids = np.zeros(4096, dtype=np.uint64)
        self.weights = np.zeros(4096, dtype=np.float32)
        self.articles = self.size = 0
        if bounds is not None and ids is not None and weights is not None:
            self._reserve(len(bounds), len(ids))
            self.bounds[: len(bounds)] = bounds
            self.ids[: len(ids)], self.weights[: len(ids)] = ids, weights
            self.articles, self.size = len(bounds) - 1, len(ids)

    def _reserve(self, bounds: int, terms: int) -> None:
        if bounds > len(self.bounds):
            self.bounds = np.resize(self.bounds, max(bounds, 2 * len(self.bounds)))
        if terms > len(self.ids):
            room = max(terms, 2 * len(self.ids))
            self.ids, self.weights = np.resize(self.ids, room), np.resize(self.weights, room)

    def append(self, ids: NDArray[np.uint64], weights: F32) -> None:
        stop = self.size + len(ids)
        self._reserve(self.articles + 2, stop)
        self.ids[self.size : stop], self.weights[self.size : stop] = ids, weights
        self.articles += 1
        self.size = self.bounds[self.articles] = stop

    def arrays(self) -> tuple[NDArray[np.int64], NDArray[np.uint64], F32]:
        return (
            self.bounds[: self.articles + 1],
            self.ids[: self.size],
            self.weights[: self.size],
        )

    def of(self, article: int) -> tuple[NDArray[np.uint64], F32]:
        """One article's terms: (ids, weights)."""
        lo, hi = int(self.bounds[article]), int(self.bounds[article + 1])
        return self.ids[lo:hi], self.weights[lo:hi]

    def gather(
        self, articles: Sequence[int], scale: NDArray[np.float64]
    ) -> tuple[NDArray[np.uint64], NDArray[np.float64]]:
        """Sum of the articles' term vectors, each times its scale: (sorted ids, sums)."""
        rows = np.asarray(articles, dtype=np.int64)
        starts, stops = self.bounds[rows], self.bounds[rows + 1]
        lengths = stops - starts
        offsets = np.cumsum(lengths) - lengths
        where = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        ids, inverse = np.unique(self.ids[where], return_inverse=True)
        scaled = self.weights[where] * np.repeat(scale, lengths)
        return ids, np.bincount(inverse, weights=scaled).astype(np.float64, copy=False)


class _Index:
    """Nearest member vectors: exact while small, hnswlib HNSW beyond `ann_threshold`."""

    def __init__(self, dim: int, config: ClusterConfig) -> None:
        self.dim = dim
        self.config = config
        self.hnsw: Any = None
        self.count = 0
        self.expected = 0  # how many vectors the current run will add in all

    def add(self, vectors: F32, first_label: int, all_vectors: F32) -> None:
        self.count += len(vectors)
        if self.hnsw is None and self.count >= self.config.ann_threshold:
            self._start_hnsw(all_vectors[: self.count])
        elif self.hnsw is not None:
            self._reserve(self.count)
            labels = np.arange(first_label, first_label + len(vectors))
            # One thread: parallel inserts build a different graph each run, and the same
            # input must give the same stories (the store compares runs).
            self.hnsw.add_items(vectors, labels, num_threads=1)

    def _start_hnsw(self, vectors: F32) -> None:
        self.hnsw = hnswlib.Index(space="ip", dim=self.dim)
        # M=8, ef 32: the candidates only need to reach the right story, not every neighbour;
        # on dev the scores equal exact search, at half the cost of M=16, ef 64.
        room = max(1024, self.expected, len(vectors))
        self.hnsw.init_index(max_elements=room, ef_construction=32, M=8)
        self.hnsw.set_ef(32)
        self.hnsw.add_items(vectors, np.arange(len(vectors)), num_threads=1)

    def _reserve(self, needed: int) -> None:
        if needed > self.hnsw.get_max_elements():
            self.hnsw.resize_index(max(self.expected, needed * 3 // 2))

    def search(self, queries: F32, all_vectors: F32, k: int) -> NDArray[np.int64]:
        """Labels of the k nearest indexed vectors per query; -1 pads missing ones."""
        k = min(k, self.count)
        if k == 0:
            return np.full((len(queries), 0), -1, dtype=np.int64)
        if self.hnsw is None:
            sims = queries @ all_vectors[: self.count].T
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            return top.astype(np.int64)
        labels, _ = self.hnsw.knn_query(queries, k=k, num_threads=self.config.threads)
        return np.asarray(labels, dtype=np.int64)


@dataclass(slots=True)
class _Story:
    """A story slot. `total` and `weight` are time-decayed sums as of `ref` (seconds)."""

    id: str
    members: list[int]
    weight: float
    ref: float
    first: float
    last: float
    outlets: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    follows: str | None = None
    checked_size: int = 0
    alive: bool = True
    version: int = 0


class ClusterState:
    """Everything clustering needs to continue next run: vectors, stories, word counts."""

    def __init__(self, embedding_dim: int, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self.embedding_dim = embedding_dim
        self.dim = embedding_dim + self.config.lexical_dim
        # articles (primaries: one per text)
        self.vectors = _Grow(self.dim)
        self.keys: list[str] = []
        self.titles: list[str] = []
        self.times: list[float] = []
        self.outlet_of: list[str] = []
        self.entities_of: list[frozenset[str]] = []
        self.story_of: list[int] = []
        self.index_of: dict[str, int] = {}
        self.terms = _Terms()  # exact words, for consolidation
        self.base_weight: list[float] = []  # weight in its story's sum before time decay
        # syndicated copies: key -> (primary article, outlet)
        self.copies: dict[str, tuple[int, str]] = {}
        self.copies_of: dict[int, list[str]] = {}
        self.group_primary: dict[str, int] = {}
        # stories
        self.totals = _Grow(self.dim)
        self.stories: list[_Story] = []
        self.slot_of: dict[str, int] = {}
        self.aliases: dict[str, str] = {}  # merged-away id -> id it went into
        # words
        self.doc_freq: Counter[str] = Counter()
        self.doc_count = 0
        self.index = _Index(self.dim, self.config)
        self.latest = 0.0
        self._buckets: dict[str, tuple[int, float, int]] = {}

    # -- article vectors --------------------------------------------------------------------
    def count_words(self, items: Iterable[ClusterItem]) -> list[set[str]]:
        """Add the items' words to the document frequencies first, so IDF sees the batch."""
        words = [content_words(f"{item.title} {item.lead}") for item in items]
        for bag in words:
            self.doc_freq.update(bag)
        self.doc_count += len(words)
        return words

    def lexical_vector(self, words: set[str]) -> tuple[F32, NDArray[np.uint64], F32]:
        """The words' TF-IDF vector hashed into `lexical_dim` buckets (L2-normalised), and
        exactly: (word hashes, weights), also L2-normalised."""
        vec = np.zeros(self.config.lexical_dim, dtype=np.float32)
        ids: list[int] = []
        idfs: list[float] = []
        for word in words:
            if word not in self._buckets:
                self._buckets[word] = _bucket(word, self.config.lexical_dim)
            index, sign, word_id = self._buckets[word]
            idf = math.log((self.doc_count + 1) / (self.doc_freq[word] + 1)) + 1.0
            vec[index] += sign * idf
            ids.append(word_id)
            idfs.append(idf)
        norm, exact = float(np.linalg.norm(vec)), math.sqrt(sum(w * w for w in idfs))
        weights = np.asarray(idfs, dtype=np.float32) / (exact or 1.0)
        return (vec / norm if norm else vec), np.asarray(ids, dtype=np.uint64), weights

    def article_vector(
        self, embedding: F32, words: set[str]
    ) -> tuple[F32, NDArray[np.uint64], F32]:
        """The article's vector, and the exact form of its word half: (word hashes, weights)
        such that the weights' dot products are what the hashed half's would be without
        collisions."""
        if embedding.shape != (self.embedding_dim,):
            raise ClusterError(
                f"embedding has shape {embedding.shape}, the state expects ({self.embedding_dim},)"
            )
        share = self.config.embedding_weight
        lexical, ids, weights = self.lexical_vector(words)
        words_half = math.sqrt(1 - share) * lexical
        vec = np.concatenate([math.sqrt(share) * embedding, words_half]).astype(np.float32)
        norm = float(np.linalg.norm(vec))
        weights *= math.sqrt(1 - share) / norm if norm else 0.0
        return (vec / norm if norm else vec), ids, weights

    # -- story bookkeeping ------------------------------------------------------------------
    def _decay(self, seconds: float) -> float:
        return math.exp(-max(seconds, 0.0) / self.config.time_scale)

    def add_member(self, slot: int, article: int) -> None:
        """Add an article's vector to a story's decayed sum (weights relative to `ref`)."""
        story = self.stories[slot]
        t = self.times[article]
        outlet = self.outlet_of[article]
        weight = self.config.repeat_outlet_weight if story.outlets[outlet] else 1.0
        self.base_weight[article] = weight  # its weight is this times decay(ref - t) from now on
        if t >= story.ref:
            shift = self._decay(t - story.ref)
            self.totals.data[slot] *= shift
            story.weight *= shift
            story.ref = t
        else:  # an older article arriving late
            weight *= self._decay(story.ref - t)
        self.totals.data[slot] += weight * self.vectors.data[article]
        story.weight += weight
        story.members.append(article)
        story.first, story.last = min(story.first, t), max(story.last, t)
        story.outlets[outlet] += 1
        story.entities.update(self.entities_of[article])
        for copy in self.copies_of.get(article, ()):
            story.outlets[self.copies[copy][1]] += 1
        story.version += 1
        self.story_of[article] = slot

    def new_story(self, founder: int, follows: str | None = None) -> int:
        t = self.times[founder]
        sid = story_id(self.keys[founder])
        self.aliases.pop(sid, None)  # a split can bring an old id back
        slot = self.totals.append(np.zeros(self.dim, dtype=np.float32))
        self.stories.append(_Story(sid, [], 0.0, t, t, t, follows=follows))
        self.slot_of[sid] = slot
        self.add_member(slot, founder)
        return slot

    def resolve(self, sid: str) -> str:
        """The id a story goes by now (after merges)."""
        seen = set()
        while sid in self.aliases and sid not in seen:
            seen.add(sid)
            sid = self.aliases[sid]
        return sid

    def knows(self, key: str) -> bool:
        return key in self.index_of or key in self.copies

    def open_slots(self, now: float) -> list[int]:
        horizon = now - self.config.quiet_days * _DAY
        return [i for i, s in enumerate(self.stories) if s.alive and s.last >= horizon]

    # -- public views -----------------------------------------------------------------------
    def assignments(self) -> dict[str, str]:
        """Every known article key (copies included) -> its story id."""
        out = {key: self.stories[self.story_of[i]].id for i, key in enumerate(self.keys)}
        for key, (primary, _) in self.copies.items():
            out[key] = self.stories[self.story_of[primary]].id
        return out

    def story_records(self, now: datetime | None = None) -> list[Story]:
        """The live stories as records, oldest first."""
        latest = _timestamp(now) or self.latest
        quiet_after = self.config.quiet_days * _DAY
        out = [
            self._record(slot, latest - s.last > quiet_after)
            for slot, s in enumerate(self.stories)
            if s.alive
        ]
        return sorted(out, key=lambda s: s.first_published or datetime.min.replace(tzinfo=UTC))

    def _record(self, slot: int, quiet: bool) -> Story:
        story = self.stories[slot]
        members = sorted(story.members, key=lambda i: (self.times[i], self.keys[i]))
        centroid = self.totals.data[slot]
        central = max(members, key=lambda i: float(self.vectors.data[i] @ centroid))
        urls: list[str] = []
        outlets: list[str] = []
        for i in members:
            for key, outlet in [(self.keys[i], self.outlet_of[i]), *self._copies(i)]:
                urls.append(key)
                if outlet not in outlets:
                    outlets.append(outlet)
        follows = self.resolve(story.follows) if story.follows else None
        return Story(
            id=story.id,
            label=self.titles[central],
            article_urls=tuple(urls),
            outlets=tuple(outlets),
            first_published=datetime.fromtimestamp(story.first, UTC),
            last_published=datetime.fromtimestamp(story.last, UTC),
            follows=follows if follows != story.id else None,
            quiet=quiet,
        )

    def _copies(self, article: int) -> list[tuple[str, str]]:
        return [(key, self.copies[key][1]) for key in self.copies_of.get(article, ())]


# -- online assignment ----------------------------------------------------------------------------


def cluster(items: Sequence[ClusterItem], state: ClusterState) -> ClusterResult:
    """Add `items` to the stories in `state` (mutated in place) and consolidate.

    Idempotent: items whose key the state already knows are not added again.
    """
    ordered = _in_time_order(items, state.latest)
    fresh = [(it, t) for it, t in ordered if not state.knows(it.key)]
    primaries, copies = _split_copies(fresh, state)
    touched: set[int] = set()  # since the last consolidation
    changed: set[int] = set()  # in this call
    merged: dict[str, str] = {}
    words = state.count_words(it for it, _ in primaries)
    first = len(state.keys)
    state.vectors.reserve(first + len(primaries))
    state.index.expected = first + len(primaries)
    for (item, t), bag in zip(primaries, words, strict=True):
        _register(state, item, t, *state.article_vector(item.embedding, bag))
    step = state.config.batch_size
    for start in range(first, len(state.keys), step):
        _assign_chunk(state, start, min(start + step, len(state.keys)), touched)
        if (start - first + step) % state.config.consolidate_every < step:
            merged.update(consolidate(state, touched))
            changed |= touched
            touched = set()
    for item, _ in copies:
        _attach_copy(state, item, touched)
    merged.update(consolidate(state, touched))
    return _result(state, items, merged, changed | touched)


def _in_time_order(items: Sequence[ClusterItem], latest: float) -> list[tuple[ClusterItem, float]]:
    """(item, seconds) oldest first; an undated item gets the newest time known."""
    known = [t for it in items if (t := _timestamp(it.published)) is not None]
    fallback = max([latest, *known]) if known or latest else 0.0
    timed = [(it, _timestamp(it.published)) for it in items]
    filled = [(it, fallback if t is None else t) for it, t in timed]
    return sorted(filled, key=lambda pair: (pair[1], pair[0].key))


def _split_copies(
    fresh: Sequence[tuple[ClusterItem, float]], state: ClusterState
) -> tuple[list[tuple[ClusterItem, float]], list[tuple[ClusterItem, float]]]:
    """The first article of a text group is clustered; later copies just follow it."""
    seen = set(state.group_primary)
    primaries, copies = [], []
    for item, t in fresh:
        group = item.text_group
        if group and group in seen:
            copies.append((item, t))
            continue
        if group:
            seen.add(group)
        primaries.append((item, t))
    return primaries, copies


def _register(
    state: ClusterState,
    item: ClusterItem,
    t: float,
    vector: F32,
    term_ids: NDArray[np.uint64],
    term_weights: F32,
) -> None:
    index = state.vectors.append(vector)
    state.terms.append(term_ids, term_weights)
    state.base_weight.append(1.0)
    state.keys.append(item.key)
    state.titles.append(item.title)
    state.times.append(t)
    state.outlet_of.append(item.outlet)
    state.entities_of.append(item.entities)
    state.story_of.append(-1)
    state.index_of[item.key] = index
    if item.text_group:
        state.group_primary[item.text_group] = index
    state.latest = max(state.latest, t)


def _attach_copy(state: ClusterState, item: ClusterItem, touched: set[int]) -> None:
    assert item.text_group is not None  # only grouped items are copies
    primary = state.group_primary[item.text_group]
    state.copies[item.key] = (primary, item.outlet)
    state.copies_of.setdefault(primary, []).append(item.key)
    slot = state.story_of[primary]
    state.stories[slot].outlets[item.outlet] += 1
    touched.add(slot)


def _assign_chunk(state: ClusterState, start: int, stop: int, touched: set[int]) -> None:
    """Assign articles [start, stop) in order: neighbours from the index and the chunk."""
    config = state.config
    chunk = state.vectors.data[start:stop]
    known = state.index.search(chunk, state.vectors.data, config.neighbours)
    earlier = _earlier_neighbours(chunk, config.neighbours)
    for j in range(stop - start):
        article = start + j
        neighbours = [int(n) for n in known[j] if n >= 0]
        neighbours += [start + int(n) for n in earlier[j] if n < j]
        candidates = sorted({state.story_of[n] for n in neighbours})
        sims = _content_similarity(state, article, candidates)
        slot = _best_story(state, article, candidates, sims)
        if slot is None:
            follows = _thread(state, article, candidates, sims, state.times[article])
            slot = state.new_story(article, follows=follows)
        else:
            state.add_member(slot, article)
            story = state.stories[slot]
            if story.follows is None:  # any member may show what the story continues
                story.follows = _thread(state, article, candidates, sims, story.first, slot)
        touched.add(slot)
    state.index.add(chunk, start, state.vectors.data)


def _earlier_neighbours(chunk: F32, k: int) -> NDArray[np.intp]:
    """Per row, the k most similar earlier rows of the chunk (later ones get index >= row)."""
    sims = chunk @ chunk.T
    sims[np.triu(np.ones(sims.shape, dtype=np.bool_))] = -np.inf  # not assigned yet
    if len(chunk) <= k:
        return np.tile(np.arange(len(chunk)), (len(chunk), 1))
    near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    # Rows with fewer than k earlier articles picked some later ones: mark them as such.
    later = np.take_along_axis(sims, near, axis=1) == -np.inf
    return np.where(later, len(chunk), near)


def _content_similarity(state: ClusterState, article: int, slots: Sequence[int]) -> F32:
    """Time-weighted mean similarity of the article to each story's members."""
    rows = state.totals.data[list(slots)]
    weights = np.asarray([state.stories[s].weight for s in slots], dtype=np.float32)
    sims: F32 = (rows @ state.vectors.data[article]) / weights
    return sims


def _shared_entities(entities: frozenset[str], story: _Story) -> float:
    if not entities:
        return 0.0
    return sum(1 for e in entities if story.entities[e]) / len(entities)


def _best_story(state: ClusterState, article: int, slots: Sequence[int], sims: F32) -> int | None:
    if not slots:
        return None
    config = state.config
    gaps = state.times[article] - np.asarray([state.stories[s].last for s in slots])
    decay = np.exp(-np.maximum(gaps, 0.0) / config.time_scale)
    scores = sims * decay
    # A story gone quiet takes no more articles: a new one starts (maybe as a thread).
    scores[gaps > config.quiet_days * _DAY] = -np.inf
    # Only stories that could pass with full entity agreement are worth the entity count.
    hopeful = np.flatnonzero(scores + config.entity_weight * decay >= config.join_threshold)
    entities = state.entities_of[article]
    best, best_score = None, config.join_threshold
    for i in hopeful.tolist():
        shared = _shared_entities(entities, state.stories[slots[i]])
        score = float(scores[i] + config.entity_weight * shared * decay[i])
        if score >= best_score:
            best, best_score = slots[i], score
    return best


def _thread(
    state: ClusterState,
    article: int,
    slots: Sequence[int],
    sims: F32,
    since: float,
    own: int | None = None,
) -> str | None:
    """The latest earlier story on the same actors that the article's story continues, if any.

    `since` is when the article's story began: the earlier story must have gone quiet at least
    `thread_min_gap_hours` before it. Any member can show the link, not just the founder: a
    founder whose lead names nobody (a one-line standfirst, a missed entity) would otherwise
    leave its story unthreaded for good. The latest, not the most similar: a thread is a
    timeline, each story linking the one just before it.
    """
    config = state.config
    entities = state.entities_of[article]
    if not slots or not entities:
        return None
    # Plain floats: a join checks a dozen candidates, where numpy's per-call cost dominates.
    nearest, farthest = (
        since - config.thread_min_gap_hours * _HOUR,
        since - config.thread_window_days * _DAY,
    )
    best: tuple[float, float] | None = None
    found = None
    for slot, sim in zip(slots, sims.tolist(), strict=True):
        story = state.stories[slot]
        if sim < config.thread_threshold or slot == own or not farthest <= story.last <= nearest:
            continue
        if not _shared_entities(entities, story):
            continue
        # A later member speaks for its story only if the story as a whole is that close too.
        if own is not None:
            sim = _story_link(state, own, slot)
        if sim >= config.thread_threshold and (best is None or (story.last, sim) > best):
            best, found = (story.last, sim), story.id
    return found


def _story_link(state: ClusterState, a: int, b: int) -> float:
    """Mean member-to-member similarity of two stories, each weighted as in its sum."""
    totals, stories = state.totals.data, state.stories
    return float(totals[a] @ totals[b]) / (stories[a].weight * stories[b].weight)


# -- consolidation: merge converged stories, split drifted ones ---------------------------------


def consolidate(state: ClusterState, touched: set[int]) -> dict[str, str]:
    """Merge stories that converged and split ones that drifted; returns merged-away ids."""
    merged = _merge_pass(state, touched)
    _split_pass(state, touched)
    return merged


class _WordSums:
    """Per story of one merge pass, the decayed sum of its members' exact word terms, as
    `scale * words` so that a merge folds the smaller sum into the larger one in place."""

    def __init__(self, state: ClusterState) -> None:
        self.state = state
        self.sums: dict[int, tuple[int, float, dict[int, float]]] = {}  # slot -> version, sum

    def __call__(self, slot: int) -> tuple[float, dict[int, float]]:
        cached = self.sums.get(slot)
        if cached is not None and cached[0] == self.state.stories[slot].version:
            return cached[1], cached[2]
        return 1.0, self._build(slot)

    def _build(self, slot: int) -> dict[int, float]:
        state, story = self.state, self.state.stories[slot]
        members = story.members
        scales = [state.base_weight[m] * state._decay(story.ref - state.times[m]) for m in members]
        found: dict[int, float] = {}
        if len(members) <= 8:  # most stories: plain Python beats numpy's per-call cost
            for m, scale in zip(members, scales, strict=True):
                ids, weights = state.terms.of(m)
                for word, weight in zip(ids.tolist(), weights.tolist(), strict=True):
                    found[word] = found.get(word, 0.0) + weight * scale
        else:
            ids, sums = state.terms.gather(members, np.asarray(scales))
            found = dict(zip(ids.tolist(), sums.tolist(), strict=True))
        self.sums[slot] = (story.version, 1.0, found)
        return found

    def merge(self, a: int, b: int) -> tuple[int, int]:
        """`_merge` stories a and b, folding the fewer words into the other story's sum in
        place: the cost of a merge grows with the smaller story only."""
        state = self.state
        before = [(self(s), state.stories[s].ref) for s in (a, b)]
        keep, gone = _merge(state, a, b)
        ref = state.stories[keep].ref
        (scale, words), (other_scale, other) = (
            (s * state._decay(ref - old_ref), w) for (s, w), old_ref in before
        )
        if len(words) < len(other):
            (scale, words), (other_scale, other) = (other_scale, other), (scale, words)
        ratio = other_scale / scale
        for word, weight in other.items():
            words[word] = words.get(word, 0.0) + weight * ratio
        self.sums.pop(gone, None)
        self.sums[keep] = (state.stories[keep].version, scale, words)
        return keep, gone


def _links(
    state: ClusterState, a: Sequence[int], b: Sequence[int], words: _WordSums
) -> NDArray[np.float64]:
    """Average-link similarity of story pairs (a[i], b[i]) plus shared entities, discounted by
    the time between, as a join scores an article against a story; -inf for pairs that
    cannot reach `merge_threshold` whatever their words.

    With decayed sums, (total_a . total_b) / (weight_a * weight_b) is the weighted mean of
    member-to-member similarities, whatever time the two sums were last brought to. The word
    half comes from the exact terms, not the hashed sums: a pair of small stories is one or
    two member pairs, and with 256 buckets collisions move one pair's word similarity by up
    to about 0.2 (measured on dev). Exact words cost a sparse dot product per pair, so pairs
    are first bounded with the words at their most alike (similarity 1).
    """
    config, stories, cut = state.config, state.stories, state.embedding_dim
    totals = state.totals.data
    meaning = np.einsum("ij,ij->i", totals[list(a), :cut], totals[list(b), :cut])
    weights = np.asarray([stories[i].weight * stories[j].weight for i, j in zip(a, b, strict=True)])
    first_a, last_a = (np.asarray([getattr(stories[i], f) for i in a]) for f in ("first", "last"))
    first_b, last_b = (np.asarray([getattr(stories[j], f) for j in b]) for f in ("first", "last"))
    gaps = np.maximum(np.maximum(first_b - last_a, first_a - last_b), 0.0)
    discount = np.exp(-gaps / config.time_scale)
    meaning = meaning.astype(np.float64) / weights
    best = 1 - config.embedding_weight + config.entity_weight  # all words and entities shared
    hopeful = np.flatnonzero((meaning + best) * discount >= config.merge_threshold)
    scores = [0.0] * len(hopeful)
    for n, (k, weight) in enumerate(zip(hopeful.tolist(), weights[hopeful].tolist(), strict=True)):
        sa, sb = stories[a[k]], stories[b[k]]
        (scale_a, few), (scale_b, many) = words(a[k]), words(b[k])
        if len(few) > len(many):
            few, many = many, few
        wording = scale_a * scale_b * sum([few[w] * many[w] for w in few.keys() & many.keys()])
        names = _shared_names(sa.entities, sb.entities)
        scores[n] = wording / weight + config.entity_weight * names
    links = np.full(len(a), -np.inf)
    links[hopeful] = (np.asarray(scores) + meaning[hopeful]) * discount[hopeful]
    return links


def _shared_names(a: Counter[str], b: Counter[str]) -> float:
    """Share of the less-named story's entities that the other story names too."""
    few = min(len(a), len(b))
    return len(a.keys() & b.keys()) / few if few else 0.0


def _story_neighbours(
    state: ClusterState, queries: list[int], base: list[int]
) -> dict[int, set[int]]:
    """Symmetric candidate pairs: each query story's nearest stories by centroid."""
    centroids = state.totals.data[base]
    centroids = centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    position = {slot: i for i, slot in enumerate(base)}
    index = _Index(state.dim, state.config)
    index.add(centroids, 0, centroids)
    found = index.search(centroids[[position[q] for q in queries]], centroids, 16)
    pairs: dict[int, set[int]] = {slot: set() for slot in base}
    for query, row in zip(queries, found, strict=True):
        for n in row:
            other = base[int(n)]
            if n >= 0 and other != query:
                pairs[query].add(other)
                pairs[other].add(query)
    return pairs


def _merge_pass(state: ClusterState, touched: set[int]) -> dict[str, str]:
    """Greedy average-link agglomeration over candidate pairs, best pair first."""
    queries = sorted(s for s in touched if state.stories[s].alive)
    base = sorted(set(state.open_slots(state.latest)) | set(queries))
    if len(base) < 2 or not queries:
        return {}
    pairs = _story_neighbours(state, queries, base)
    heap: list[tuple[float, int, int, int, int]] = []
    words = _WordSums(state)
    first = [(a, b) for a, others in pairs.items() for b in others if a < b]
    _push_links(state, heap, first, words)
    merged: dict[str, str] = {}
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        sa, sb = state.stories[a], state.stories[b]
        if not (sa.alive and sb.alive) or (sa.version, sb.version) != (va, vb):
            continue  # stale: the merge that changed a or b pushed fresh pairs
        keep, gone = words.merge(a, b)
        merged[state.stories[gone].id] = state.stories[keep].id
        touched.add(keep)
        around = (pairs.pop(a, set()) | pairs.pop(b, set())) - {a, b}
        pairs[keep] = around
        for other in around:
            pairs.setdefault(other, set()).discard(gone)
            pairs[other].add(keep)
        alive = [(keep, o) for o in sorted(around) if state.stories[o].alive]
        _push_links(state, heap, alive, words)
    return merged


def _push_links(
    state: ClusterState,
    heap: list[tuple[float, int, int, int, int]],
    pairs: list[tuple[int, int]],
    words: _WordSums,
) -> None:
    if not pairs:
        return
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    links = _links(state, a, b, words)
    for i in np.flatnonzero(links >= state.config.merge_threshold).tolist():
        va, vb = state.stories[a[i]].version, state.stories[b[i]].version
        heapq.heappush(heap, (-float(links[i]), a[i], b[i], va, vb))


def _merge(state: ClusterState, a: int, b: int) -> tuple[int, int]:
    """Fold the younger story into the older one, whose id survives. Returns (kept, gone)."""
    sa, sb = state.stories[a], state.stories[b]
    keep, gone = (a, b) if (sa.first, sa.id) <= (sb.first, sb.id) else (b, a)
    k, g = state.stories[keep], state.stories[gone]
    ref = max(k.ref, g.ref)
    fk, fg = state._decay(ref - k.ref), state._decay(ref - g.ref)
    state.totals.data[keep] = state.totals.data[keep] * fk + state.totals.data[gone] * fg
    k.weight, k.ref = k.weight * fk + g.weight * fg, ref
    k.first, k.last = min(k.first, g.first), max(k.last, g.last)
    for article in g.members:
        state.story_of[article] = keep
    k.members.extend(g.members)
    k.outlets.update(g.outlets)
    k.entities.update(g.entities)
    k.follows = k.follows or g.follows
    k.version += 1
    g.alive, g.members = False, []
    g.version += 1
    state.aliases[g.id] = k.id
    state.slot_of.pop(g.id, None)
    state.totals.data[gone] = 0.0
    return keep, gone


def _split_pass(state: ClusterState, touched: set[int]) -> None:
    config = state.config
    for slot in sorted(touched):
        story = state.stories[slot]
        size = len(story.members)
        if not story.alive or size < config.split_min_size or size < 1.5 * story.checked_size:
            continue
        story.checked_size = size
        halves = _two_means(state.vectors.data[story.members])
        if halves is None:
            continue
        left = [m for m, side in zip(story.members, halves, strict=True) if not side]
        right = [m for m, side in zip(story.members, halves, strict=True) if side]
        if _mean_link(state, left, right) < config.split_threshold:
            touched.add(_split(state, slot, left, right))


def _two_means(vectors: F32, rounds: int = 6) -> NDArray[np.bool_] | None:
    """Two groups by spherical k-means, seeded with the two most distant members."""
    far = int(np.argmin(vectors @ vectors.mean(axis=0)))
    other = int(np.argmin(vectors @ vectors[far]))
    centres = vectors[[far, other]]
    side = np.zeros(len(vectors), dtype=np.bool_)
    for _ in range(rounds):
        side = (vectors @ centres[1]) > (vectors @ centres[0])
        if side.all() or not side.any():
            return None
        centres = np.stack([vectors[~side].mean(axis=0), vectors[side].mean(axis=0)])
    return side


def _mean_link(state: ClusterState, left: list[int], right: list[int]) -> float:
    """Mean similarity between members of two groups (content only, no time)."""
    vectors = state.vectors.data
    return float(vectors[left].mean(axis=0) @ vectors[right].mean(axis=0))


def _split(state: ClusterState, slot: int, left: list[int], right: list[int]) -> int:
    """The half with the founder keeps the id; the other founds a story. Returns its slot."""
    story = state.stories[slot]
    founder_left = any(story_id(state.keys[m]) == story.id for m in left)
    stay, leave = (left, right) if founder_left else (right, left)
    leave = sorted(leave, key=lambda m: (state.times[m], state.keys[m]))
    _refill(state, slot, sorted(stay, key=lambda m: (state.times[m], state.keys[m])))
    new = state.new_story(leave[0], follows=None)
    for member in leave[1:]:
        state.add_member(new, member)
    state.stories[new].checked_size = len(leave)
    return new


def _refill(state: ClusterState, slot: int, members: list[int]) -> None:
    """Recompute a story's sums from scratch over `members` (oldest first)."""
    story = state.stories[slot]
    t0 = state.times[members[0]]
    state.totals.data[slot] = 0.0
    story.members, story.weight, story.ref, story.first, story.last = [], 0.0, t0, t0, t0
    story.outlets, story.entities = Counter(), Counter()
    for member in members:
        state.add_member(slot, member)
    story.checked_size = len(members)


def _result(
    state: ClusterState,
    items: Sequence[ClusterItem],
    merged: dict[str, str],
    touched: set[int],
) -> ClusterResult:
    assignments = state.assignments()
    return ClusterResult(
        assignments={it.key: assignments[it.key] for it in items},
        merged={old: state.resolve(new) for old, new in merged.items()},
        touched=frozenset(state.stories[s].id for s in touched if state.stories[s].alive),
    )
