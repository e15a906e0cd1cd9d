"""The voice text layout (seed 001), the voice files, section plans and heading checks.

No model, no spaCy: everything here is our own deterministic code.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.demo import story_articles
from newsdesk.errors import ConfigError
from newsdesk.formats.house import LayoutError
from newsdesk.formats.voice import Section, VoiceText, parse_voice, render_voice
from newsdesk.prompts.voices import FixedSection, load_voice, voice_names
from newsdesk.settings import Settings, load_settings
from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.restyle import restyle
from newsdesk.writing.rules import SourceWords
from newsdesk.writing.sections import (
    clean_heading,
    cue_strength,
    fallback_heading,
    heading_problem,
    plan_sections,
)

SEED_001 = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_f255e5f3d29ac5a7.txt"
NOW = datetime(2026, 3, 5, 12, 30, tzinfo=UTC)

GOLDEN = VoiceText(
    "Harbour Ferry Runs Aground off Port Avalen",
    (
        Section("What Happened", ("The ferry ran aground at 06:10.", "Nobody was hurt.")),
        Section("What's Next", ("An inquiry opens on Monday.",)),
    ),
)
GOLDEN_TEXT = (
    "Harbour Ferry Runs Aground off Port Avalen\n\nWhat Happened\n\n"
    "The ferry ran aground at 06:10.\n\nNobody was hurt.\n\nWhat's Next\n\n"
    "An inquiry opens on Monday."
)
BRIEF = VoiceText("Ferry Aground", (Section("", ("One fact.", "Two facts.")),), bullets=True)


# -- layout ------------------------------------------------------------------------------------


def test_golden_layout_written_and_read_back_exactly() -> None:
    assert render_voice(GOLDEN) == GOLDEN_TEXT
    assert parse_voice(GOLDEN_TEXT) == GOLDEN
    assert render_voice(BRIEF) == "Ferry Aground\n\n- One fact.\n- Two facts."
    assert parse_voice(render_voice(BRIEF)) == BRIEF


@pytest.mark.skipif(not SEED_001.exists(), reason="../shared/seeds not present")
def test_seed_001_reads_as_title_and_sections_and_round_trips() -> None:
    text = SEED_001.read_text(encoding="utf-8")
    seed = parse_voice(text)
    assert seed.title.startswith("Putin Praises North Korean Troops in Kursk")
    # Counted in the file: 8 headings, each over one paragraph.
    assert [s.heading for s in seed.sections][:2] == [
        "Global News Drama Unfolds",
        "Putin's Praise from the Kremlin",
    ]
    assert len(seed.sections) == 8
    assert all(len(s.paragraphs) == 1 for s in seed.sections)
    assert render_voice(seed) == text


@pytest.mark.parametrize(
    "bad",
    [
        VoiceText("Title", (Section("A heading.", ("Text.",)),)),  # ends like a sentence
        VoiceText("Title", (Section("Heading", ("Reads like a heading",)),)),
        VoiceText("Title", (Section("Heading", ()),)),
        VoiceText("Two\nlines", (Section("Heading", ("Text.",)),)),
        VoiceText("Title", ()),
        VoiceText("Title", (Section("Heading", ("A.",)),), bullets=True),
    ],
)
def test_text_that_would_not_read_back_is_refused(bad: VoiceText) -> None:
    with pytest.raises(LayoutError):
        render_voice(bad)


@pytest.mark.parametrize(
    "text", ["Title only", "Title\n\nA paragraph before any heading.", "T\n\nHeading\n\nH2"]
)
def test_parse_says_what_does_not_fit(text: str) -> None:
    with pytest.raises(LayoutError):
        parse_voice(text)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOU'", min_size=1, max_size=9)
_HEADING = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=30).map(lambda w: " ".join(w) + ".")


@given(
    title=_HEADING,
    sections=st.lists(
        st.tuples(_HEADING, st.lists(_PARAGRAPH, min_size=1, max_size=2)), min_size=1, max_size=8
    ),
)
def test_any_sectioned_text_round_trips(title: str, sections: list[tuple[str, list[str]]]) -> None:
    text = VoiceText(title, tuple(Section(h, tuple(p)) for h, p in sections))
    assert parse_voice(render_voice(text)) == text


# -- voices as data ----------------------------------------------------------------------------


def test_every_voice_file_loads() -> None:
    assert {"casual", "explainer", "brief", "five-ws", "plain"} <= set(voice_names())
    for key in voice_names():
        voice = load_voice(key)
        assert voice.key == key and voice.name and voice.prompt_instructions
    assert load_voice("brief").layout == "bullets" and load_voice("brief").facts == 5
    assert [s.heading for s in load_voice("five-ws").sections] == [
        "Who",
        "What",
        "When",
        "Where",
        "Why",
    ]
    assert (load_voice("casual").min_sections, load_voice("casual").max_sections) == (5, 8)
    with pytest.raises(ConfigError, match="choose one of"):
        load_voice("pirate")


def test_voices_setting_is_checked_against_the_files() -> None:
    assert Settings().voices == ("brief",)
    env = {"NEWSDESK_VOICES": "casual,brief,casual"}
    assert load_settings(environ=env).voices == ("casual", "brief")
    assert load_settings(environ={"NEWSDESK_VOICES": ""}).voices == ()
    with pytest.raises(ConfigError, match="unknown voice 'pirate'"):
        load_settings(environ={"NEWSDESK_VOICES": "pirate"})


# -- the layout of every voice, without a model ------------------------------------------------


@pytest.mark.parametrize("voice", ["casual", "explainer", "brief", "five-ws", "plain"])
@pytest.mark.parametrize("story", ["rate-hold", "kellsby-library"])
def test_every_voice_lays_out_every_fact_once_without_a_model(voice: str, story: str) -> None:
    rewrite = restyle(story_articles(story), voice, None, now=NOW)
    spec = rewrite.voice
    layout = parse_voice(rewrite.text)
    assert layout == rewrite.layout
    told = [line.fact for line in rewrite.lines]
    assert told == [line.fact for line in rewrite.lines if not line.by_model]
    assert sorted(map(id, told)) == sorted(map(id, rewrite.carried))  # each carried fact once
    if spec.layout == "bullets":
        assert layout.bullets and len(layout.sections[0].paragraphs) == 5
        return
    assert all(1 <= len(s.paragraphs) <= 2 for s in layout.sections)
    most = min(spec.max_sections, len(rewrite.carried))
    if spec.sections:  # fixed headings, in the voice's order, empty ones left out
        order = [s.heading for s in spec.sections if s.heading]
        shown = [s.heading for s in layout.sections]
        fixed = [h for h in shown if h in order]
        assert fixed == [h for h in order if h in fixed] and len(shown) >= spec.min_sections
        # the details are headed by what they say, each heading its own
        assert len({h.casefold() for h in shown}) == len(shown)
    else:
        least = min(spec.min_sections, math.ceil(len(rewrite.carried) / 2))
        assert least <= len(layout.sections) <= most
        assert len({s.heading.casefold() for s in layout.sections}) == len(layout.sections)


def test_only_the_rest_may_go_without_a_fixed_heading() -> None:
    assert FixedSection(heading="", takes="rest").heading == ""
    with pytest.raises(ValueError, match="needs a heading"):
        FixedSection(heading="", takes="quotes")
    with pytest.raises(ValueError):
        FixedSection(heading="Why? Because", takes="why")


def _details_story() -> list[Fact]:
    texts = [
        "A drone struck a passenger train near Ilsk on Tuesday, killing five people.",
        "Rescuers from Ostrov reached the burning carriages within the hour.",
        '"This was an act of terror," Governor Mara Jelen said on Tuesday.',
        "The line between Ostrov and Ilsk stayed closed overnight.",
        "Engineers found the bridge near Ilsk undamaged by the evening.",
        "Railway staff could not reach two stations cut off by the fire.",  # "could": no why
        "The railway will run buses between the two towns from Wednesday.",
    ]
    facts = [
        Fact(t, SourceRef(0, i), "Test Wire", 3.0 - i * 0.1, position=min(1.0, 0.3 + i * 0.1))
        for i, t in enumerate(texts)
    ]
    facts[0] = Fact(texts[0], SourceRef(0, 0), "Test Wire", 5.0, position=0.0)
    return facts


def test_the_explainers_details_are_headed_by_what_they_say() -> None:
    facts = _details_story()
    plans = plan_sections(load_voice("explainer"), facts)
    headings = [p.heading for p in plans]
    assert headings[0] == "What happened" and headings[-2:] == ["Who said what", "What's next"]
    details = [p for p in plans if not p.heading]
    assert len(details) == 2  # four facts of detail: two sections, not one "The details"
    assert [f.text for p in details for f in p.facts] == [
        f.text for f in facts[1:6] if f is not facts[2]
    ]
    # no "Why it matters" over a fact whose only cue was "could"
    rewrite = restyle(story_articles("rate-hold"), "explainer", None, now=NOW)
    shown = [s.heading for s in rewrite.sections]
    assert "The details" not in shown and "Why it matters" not in shown
    assert len(set(shown)) == len(shown)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("The plant matters because the steelworks closed in 2015.", True),
        ("The fire was caused by a short circuit, investigators said.", True),
        ("The ferry stopped to avoid the storm.", True),
        ("England could not find an equaliser.", False),
        ("It was the first time in 15 months the bank paused.", False),
        ("It will take time to learn what this means.", False),
    ],
)
def test_why_takes_a_cause_said_as_one(text: str, why: bool) -> None:
    assert (cue_strength("why", text) > 0) is why


# -- headings ----------------------------------------------------------------------------------


def _fact(text: str) -> Fact:
    return Fact(text, SourceRef(0, 0), "Test Wire", 1.0)


FACTS = [
    _fact("U.S. President Donald Trump met Volodymyr Zelenskyy in Vatican City on Saturday."),
    _fact("About 4,000 troops were killed or wounded, South Korea said."),
]
EVIDENCE = SourceWords.of([f.text for f in FACTS])


@pytest.mark.parametrize(
    ("heading", "problem"),
    [
        ("Former President Trump in Vatican City", "words not in this section: former"),
        ("5,000 Troops Lost", "numbers not in this section: 5000"),
        ("A Heading That Goes On and On for Far Too Many Words", "a heading of 12 words"),
        ("Trump Visits Zelenskyy", "words not in this section: visits"),
        ("President Trump", "repeats an earlier heading"),
    ],
)
def test_heading_claims_nothing_the_section_does_not_tell(heading: str, problem: str) -> None:
    assert heading_problem(heading, FACTS, ["President Trump"], EVIDENCE) == problem


def test_good_headings_pass_and_fallbacks_come_from_the_facts() -> None:
    for heading in ("Trump and Zelenskyy in Vatican City", "What's Next for the Troops"):
        assert heading_problem(heading, FACTS, [], EVIDENCE) is None
    assert clean_heading('## **"Troops Killed or Wounded."**') == "Troops Killed or Wounded"
    # what a fact says, as a short headline, before any name or phrase
    assert fallback_heading(FACTS, []) == "U.S. President Donald Trump Met Volodymyr Zelenskyy"
    said = ["U.S. President Donald Trump Met Volodymyr Zelenskyy", "About 4,000 Troops Killed"]
    assert fallback_heading(FACTS, said[:1]) == "About 4,000 Troops Killed or Wounded"
    # facts with no statement short enough: a full name, then a phrase
    long = [
        _fact(
            "Rasmus Keel, who chairs the harbour board that met for six hours on Tuesday "
            "evening, took the main interest rate question to a vote."
        )
    ]
    assert fallback_heading(long, []) == "Rasmus Keel"
    assert fallback_heading(long, ["Rasmus Keel"]) == "Interest Rate Question"


def test_a_verb_in_another_form_is_the_sections_own() -> None:
    # "met" over "meets", "has risen" under "Rises": the lemma is the same
    assert heading_problem("Trump Meets Zelenskyy", FACTS, [], EVIDENCE) is None
    risen = [_fact("The toll in Velna has risen to 820, officials said.")]
    assert heading_problem("Velna Toll Rises", risen, [], SourceWords.of([risen[0].text])) is None


def test_a_person_alone_is_no_heading_over_what_they_said() -> None:
    quoted = [
        _fact(
            "Piet Marn, head of the Ostrov council, said roads to the mountain villages were "
            "being cleared for ambulances."
        )
    ]
    said = "Roads to Mountain Villages Cleared for Ambulances"
    assert fallback_heading(quoted, []) == said  # what was said, first
    assert fallback_heading(quoted, [said]) == "According to Piet Marn"


def test_a_phrase_heading_is_a_topic_not_a_cut_clause() -> None:
    struck = [
        _fact("a drone strike killed three people aboard a passenger train near Ilsk."),
        _fact("The train was struck near the village, prosecutors said."),
    ]
    said = ["Drone Strike Killed Three People", "Train Struck Near Village"]
    assert fallback_heading(struck, ["Ilsk"]) == said[0]  # not "... Aboard Passenger"
    assert fallback_heading(struck, ["Ilsk", said[0]]) == said[1]  # not "... While Operating"
    assert fallback_heading(struck, ["Ilsk", *said]) == "Passenger Train"  # "drone strike" was said


def test_a_short_story_gets_sections_of_two_facts_not_one() -> None:
    facts = [
        Fact(
            f"Fact number {n} about the Velna ferry.",
            SourceRef(0, n),
            "Test Wire",
            1.0 - n / 10,
            n / 5,
        )
        for n in range(5)
    ]
    sections = plan_sections(load_voice("casual"), facts)
    assert len(sections) == 3  # the casual voice's five sections would be one fact apiece
    assert sorted(f.text for s in sections for f in s.facts) == sorted(f.text for f in facts)
