"""Voices: a story retold with its facts intact, whatever the model does.

FakeModel plays a model that changes numbers, calls a sitting official "former", invents
quotations and proposes headings with facts of their own; the verifier (spaCy for real) must
leave none of it in the text. Coverage is measured on every demo story; the command line,
the pipeline's writing step (extractive writer) and the web show the result.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from typer.testing import CliRunner

from newsdesk.cli.main import app
from newsdesk.cli.restyle import read_input
from newsdesk.demo import load_world, story_articles
from newsdesk.demo.fixtures import fill_store
from newsdesk.formats.house import parse_house
from newsdesk.formats.voice import parse_voice
from newsdesk.models.fake import FakeModel
from newsdesk.models.ner import spacy_entities
from newsdesk.models.text import Prompt
from newsdesk.pipeline.voices import MIN_COVERAGE, CheckedRewrite, remembering, restyle_checked
from newsdesk.pipeline.writing import write_stories
from newsdesk.prompts.voices import load_voice, voice_names
from newsdesk.records import Article, ItemStatus
from newsdesk.store import Store
from newsdesk.verify import Verdict
from newsdesk.web import create_app, export_text
from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.restyle import missing_details
from newsdesk.writing.sections import plan_sections
from test_write import NOW

VOICES = ("casual", "explainer", "brief", "five-ws", "plain")
# spaCy tags each source once for the whole module (a text's entities do not change).
ANNOTATE = remembering(spacy_entities)
INVENTED_QUOTE = '"we will win this for sure"'


def checked(sources: list[Article], voice: str, model: FakeModel | None = None) -> CheckedRewrite:
    return restyle_checked(sources, voice, model, None, now=NOW, annotate=ANNOTATE)


def usable(story_id: str) -> list[Article]:
    return [a for a in story_articles(story_id) if a.status is ItemStatus.OK]


def _facts(prompt: Prompt) -> list[str]:
    block = re.search(r"<facts>\n(.*?)\n</facts>", prompt.user, re.DOTALL)
    return [line.removeprefix("- ") for line in block.group(1).splitlines()] if block else []


def misbehaving(prompt: Prompt, schema: type[BaseModel] | None) -> str:
    """Rewords by copying each fact, then breaks it: an official becomes "former", every
    third sentence gets a number changed, every third an invented quotation."""
    sentences = []
    for i, fact in enumerate(_facts(prompt)):
        bent = re.sub(
            r"\b((?:U\.S\. )?(?:President|Governor|Mayor|Minister))\b", r"former \1", fact
        )
        if i % 3 == 1:
            bent = re.sub(r"\d+", "97", bent, count=1)
        if i % 3 == 2:
            bent = bent.rstrip(".") + f", and he said {INVENTED_QUOTE}."
        sentences.append(bent)
    text = " ".join(sentences)
    if schema is None:
        return text
    if "title" in schema.model_fields:
        return json.dumps({"title": "Former Governor Keeps the Rate Steady at 97%"})
    return json.dumps({"heading": "Former Leaders Speak Out", "text": text})


def assert_clean(result: CheckedRewrite) -> None:
    text = result.rewrite.text
    assert "former" not in text.lower()
    assert "97" not in text and INVENTED_QUOTE not in text
    assert all(s.verdict is Verdict.SUPPORTED for s in result.verification.sentences)
    assert result.published, result.reasons


# -- a misbehaving model -----------------------------------------------------------------------


@pytest.mark.parametrize("voice", VOICES)
def test_broken_sentences_fall_back_and_the_rewrite_verifies(voice: str) -> None:
    result = checked(usable("rate-hold"), voice, FakeModel(misbehaving))
    assert_clean(result)
    assert result.coverage >= MIN_COVERAGE
    rewrite = result.rewrite
    assert parse_voice(rewrite.text) == rewrite.layout
    # Some of the model's sentences survive: the checks reject what is wrong, not everything.
    assert any(line.by_model for line in rewrite.lines)
    assert not rewrite.title_by_model and not any(s.heading_by_model for s in rewrite.sections)


SEED_STYLE = Article(
    url="https://wire.example/vatican",
    canonical_url="https://wire.example/vatican",
    outlet="Test Wire",
    title="Leaders meet in Vatican City",
    authors=(),
    published=NOW,
    body=(
        "U.S. President Donald Trump and Ukrainian President Volodymyr Zelenskyy met briefly "
        "in Vatican City on Saturday, trying to hammer out a ceasefire.\n\n"
        "North Korea sent between 10,000 and 12,000 troops to Russia last fall, according to "
        "U.S., South Korean and Ukrainian intelligence.\n\n"
        "South Korea's military said about 4,000 North Korean soldiers had been killed or "
        "wounded so far.\n\n"
        "Kim Jong Un and Russian President Vladimir Putin signed a defence pact last June.\n\n"
        "The talks in Vatican City lasted about fifteen minutes, officials said."
    ),
    lang="en",
)


def test_seed_001_flaw_former_president_is_caught() -> None:
    result = checked([SEED_STYLE], "casual", FakeModel(misbehaving))
    assert_clean(result)
    # "former" passes the rewording checks (one added word); the verifier is what catches it.
    assert any("'former U.S. President' for Donald Trump" in r for r in result.repairs)
    text = result.rewrite.text
    for fact in ("10,000 and 12,000 troops", "about 4,000", "last June"):
        assert fact in text
    assert result.coverage == 1.0


# -- coverage on the demo ----------------------------------------------------------------------


def _stories() -> list[tuple[str, str]]:
    """Every demo story (multi-outlet and single-source), each voice in turn."""
    return [(s.id, VOICES[i % len(VOICES)]) for i, s in enumerate(load_world().stories)]


@pytest.mark.parametrize(("story", "voice"), _stories())
def test_coverage_on_every_demo_story(story: str, voice: str) -> None:
    result = checked(usable(story), voice)
    assert result.coverage >= MIN_COVERAGE, result.reasons
    assert result.published, result.reasons
    assert result.unsupported == 0


def test_one_article_of_a_story_alone_as_the_seed_was_written() -> None:
    for article in usable("ferry-aground")[:2]:
        result = checked([article], "casual")
        assert result.coverage >= MIN_COVERAGE and result.published, result.reasons


def test_a_sentence_that_drops_a_detail_is_replaced_by_its_fact() -> None:
    def drops_a_number(prompt: Prompt, schema: type[BaseModel] | None) -> str:
        return " ".join(f.replace("about 1,300 people", "many people") for f in _facts(prompt))

    result = checked(usable("kellsby-library"), "brief", FakeModel(drops_a_number))
    assert "about 1,300 people" in result.rewrite.text
    assert any("leaves out 1300" in n for n in result.rewrite.notes), result.rewrite.notes
    assert result.coverage == 1.0


def test_five_ws_puts_each_fact_under_the_question_it_answers_best() -> None:
    texts = [
        "Lumora will build a battery factory in Dunmere, the company said on Wednesday.",
        "Production will start at 06:00 on 3 March 2027 in Dunmere.",  # a time beats a place
        "Mayor Piet Janssen said the town in Dunmere had waited for this.",  # a named speaker
        '"It is a great day," chief executive Amira Castell said on Wednesday.',
        "The plant was built on the site of the old steelworks in Dunmere.",
        "The plant matters because the steelworks closed in 2015.",  # a cause
        "The state is paying for a tenth of the project.",  # no cue: the catch-all, What
    ]
    facts = [
        Fact(t, SourceRef(0, i), "Test Wire", 3.0 - i * 0.1, position=min(1.0, 0.3 + i * 0.1))
        for i, t in enumerate(texts)
    ]
    facts[0] = Fact(texts[0], SourceRef(0, 0), "Test Wire", 5.0, position=0.0)
    placed = {
        p.heading: [f.text for f in p.facts] for p in plan_sections(load_voice("five-ws"), facts)
    }
    assert placed["What"] == [texts[0], texts[6]]
    assert placed["When"] == [texts[1]]
    assert placed["Who"] == [texts[2], texts[3]]
    assert placed["Where"] == [texts[4]]
    assert placed["Why"] == [texts[5]]


def test_missing_details_are_numbers_names_and_quotations() -> None:
    fact = 'Mayor Ingrid Solheim said "we did it" as 1,300 people came on Wednesday.'
    assert missing_details(fact, fact) == []
    shorter = "The mayor said it as people came on Wednesday."
    assert missing_details(shorter, fact) == [
        "1300",
        "Ingrid",
        "Solheim",
        "the quotation 'we did it'",
    ]
    # A hedge dropped claims a precision the source did not.
    hedged = "About 1,300 people came."
    assert missing_details("1,300 people came.", hedged) == ["About 1,300"]
    assert missing_details("Around 1,300 people came.", hedged) == []


# -- the command line --------------------------------------------------------------------------


def _write(tmp_path: Path, data: object, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _article_json(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": NOW.isoformat(),
        "body": article.body,
    }


def test_cli_restyles_one_article_as_text_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    path = _write(tmp_path, {"article": _article_json(SEED_STYLE)})
    base = ["restyle", str(path), "--writer", "extractive"]
    result = runner.invoke(app, [*base, "--voice", "casual"])
    assert result.exit_code == 0, result.output
    assert len(parse_voice(result.stdout.rstrip("\n")).sections) >= 3
    result = runner.invoke(app, [*base, "--voice", "brief", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["voice"] == "brief" and data["published"] and data["coverage"] == 1.0
    assert data["verification"]["unsupported"] == 0
    assert data["verification"]["sentences"][0]["citations"][0]["outlet"] == "Test Wire"


def test_cli_takes_an_article_without_a_date(tmp_path: Path) -> None:
    undated = {k: v for k, v in _article_json(SEED_STYLE).items() if k != "published"}
    for published in (None, ""):
        article = undated if published is None else {**undated, "published": published}
        for data in ({"article": article}, {"articles": [article]}):
            path = _write(tmp_path, data)
            (source,) = read_input(path)
            assert source.published is None and source.title == SEED_STYLE.title
            result = CliRunner().invoke(
                app, ["restyle", str(path), "--writer", "extractive", "--voice", "brief"]
            )
            assert result.exit_code == 0, result.output
            assert parse_voice(result.stdout.rstrip("\n")).sections


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{not json", [], "is not JSON"),
        ({"article": {"title": "T", "outlet": "O"}}, [], "article.body"),
        ({"article": {}, "articles": []}, [], "is not"),
        ({"articles": []}, [], "is not"),
        (
            {"articles": [{**_article_json(SEED_STYLE), "published": "not a date"}]},
            [],
            f"""articles.0.published (article 1, "{SEED_STYLE.title}"): not a date""",
        ),
        ({"article": _article_json(SEED_STYLE)}, ["--voice", "pirate"], "unknown voice"),
        ({"article": _article_json(SEED_STYLE)}, ["--format", "pdf"], "unknown format"),
        ({"article": _article_json(SEED_STYLE)}, ["--story", "x"], "either PATH.json or"),
    ],
)
def test_cli_input_errors_are_one_line_and_exit_2(
    tmp_path: Path, content: object, args: list[str], message: str
) -> None:
    path = _write(tmp_path, content)
    result = CliRunner().invoke(app, ["restyle", str(path), "--writer", "extractive", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsdesk: error:")


# -- the pipeline's writing step, the store, the web -------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled with the demo world, then two stories written again by the pipeline's
    writing step with the extractive writer and two voices."""
    db = tmp_path_factory.mktemp("voices") / "newsdesk.db"
    with Store(db) as store:
        fill_store(store)
        articles = {a.article.canonical_url: a.article for a in store.articles()}
        stories = {s.id: s for s in store.stories()}
        todo = [
            (stories[i], [articles[u] for u in stories[i].article_urls if u in articles])
            for i in ("lumora-factory", "kellsby-library")
        ]
        counts = write_stories(store, todo, None, None, voices=("explainer", "brief"))
    assert counts["stories_published"] == 2
    return db


def test_published_versions_carry_their_checked_voices(written: Path) -> None:
    with Store(written) as store:
        latest = store.latest_versions()["lumora-factory"]
    payload = json.loads(latest.payload)
    assert set(payload["voices"]) == {"explainer", "brief"}
    explainer = payload["voices"]["explainer"]
    assert explainer["sections"][0]["heading"] == "What happened"
    assert explainer["coverage"] >= MIN_COVERAGE and explainer["unsupported"] == 0
    assert parse_voice(explainer["text"]).title == explainer["title"]
    assert len(payload["voices"]["brief"]["sections"][0]["paragraphs"]) == 5


def test_restyle_story_from_the_store(written: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(written.parent), "restyle", "--writer", "extractive"]
    result = runner.invoke(app, [*base, "--story", "lumora-factory", "--voice", "five-ws"])
    assert result.exit_code == 0, result.output
    assert parse_voice(result.stdout.rstrip("\n")).sections[0].heading == "Who"
    unknown = runner.invoke(app, [*base, "--story", "lumora-factroy", "--voice", "casual"])
    assert unknown.exit_code == 2 and "did you mean lumora-factory" in unknown.stderr


def test_web_api_and_export_show_the_voices(written: Path, tmp_path: Path) -> None:
    with TestClient(create_app(written)) as client:
        page = client.get("/story/lumora-factory.html").text
        detail = client.get("/api/v1/stories/lumora-factory").json()
    assert "<summary>Explainer</summary>" in page and "<h3>What happened</h3>" in page
    assert "<summary>In brief</summary>" in page and page.count("<li>") >= 5
    voices = {v["key"]: v for v in detail["voices"]}
    assert voices["brief"]["layout"] == "bullets" and voices["brief"]["coverage"] >= 0.9
    assert parse_voice(voices["explainer"]["text"]).sections[0].heading == "What happened"
    with Store(written) as store:
        export_text(store, tmp_path)
    text = (tmp_path / "lumora-factory.txt").read_text(encoding="utf-8")
    house, _, rest = text.partition("\n\n\n=== Voice: Explainer ===\n\n")
    assert parse_house(house).category and rest
    assert "\n\n\n=== Voice: In brief ===\n\n" in rest


def test_voice_names_are_what_the_setting_accepts() -> None:
    assert set(VOICES) <= set(voice_names())


def test_a_model_heading_that_names_the_voice_is_not_used() -> None:
    def voice_heading(prompt: Prompt, schema: type[BaseModel] | None) -> str:
        text = " ".join(_facts(prompt))
        if schema is None:
            return text
        if "title" in schema.model_fields:
            return json.dumps({"title": "Leaders Meet in Vatican City"})
        # every word is the section's own or framing, but "casual" is the voice talking
        return json.dumps({"heading": "Casual Vatican City News", "text": text})

    # "casualty" shares its first six letters with "casual": the word check lets it through
    body = SEED_STYLE.body.replace(
        "The talks in Vatican City", "Casualty figures rose, and the talks in Vatican City"
    )
    source = replace(SEED_STYLE, body=body)
    result = checked([source], "casual", FakeModel(voice_heading))
    assert all("Casual" not in s.heading for s in result.rewrite.sections)
    assert any("names the voice" in note for note in result.rewrite.notes)
