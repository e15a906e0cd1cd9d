"""Verification: each check on small hand-written examples, the seed errors, judge, repair.

Every source snippet here is written for the test. spaCy's small English model runs for real
(loaded once per process); no text model is loaded (the judge is a FakeModel).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from newsdesk.models.embedding import FakeEmbedder, MiniLMEmbedder
from newsdesk.models.fake import FakeModel
from newsdesk.models.ner import Entity, spacy_entities
from newsdesk.models.text import Prompt
from newsdesk.verify import SourceDoc, Verdict, Verification, hold_reasons, repair, verify
from newsdesk.verify.checks.evidence import consistent_labels
from newsdesk.verify.checks.normal import content_stems
from newsdesk.verify.checks.numbers import figures

EVAL = Path(__file__).resolve().parents[1] / "eval" / "truth"


def sources(*bodies: str) -> list[SourceDoc]:
    return [
        SourceDoc("", "Test Wire", f"https://example.org/{i}", None, b)
        for i, b in enumerate(bodies)
    ]


def check(text: str, *bodies: str) -> Verification:
    return verify(sources(*bodies), text, judge=None)


def only(verification: Verification) -> tuple[Verdict, list[str]]:
    [sentence] = verification.sentences
    return sentence.verdict, [str(p) for p in sentence.problems]


def checks_fired(verification: Verification) -> set[str]:
    return {p.check for s in verification.sentences for p in s.problems}


# -- number normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10,000 people", {(10000.0, "")}),
        ("10 000 people", {(10000.0, "")}),
        ("ten thousand people", {(10000.0, "")}),
        ("10k people", {(10000.0, "")}),
        ("10 thousand people", {(10000.0, "")}),
        ("a dozen helicopters", {(12.0, "")}),
        ("twenty-five soldiers", {(25.0, "")}),
        ("one hundred and twenty metres", {(120.0, "")}),
        ("two decades", {(20.0, "")}),
        ("£3.2m", {(3_200_000.0, "£")}),
        ("3.2 million pounds", {(3_200_000.0, "£")}),
        ("$4.5bn", {(4_500_000_000.0, "$")}),
        ("50 million euros", {(50_000_000.0, "€")}),
        ("38.4%", {(38.4, "%")}),
        ("38.4 percent", {(38.4, "%")}),
        ("45 per cent", {(45.0, "%")}),
        ("between 10,000 and 12,000 troops", {(10000.0, ""), (12000.0, "")}),
        ("built in 1962", {(1962.0, "")}),
        ("a 120m bridge", {(120.0, "")}),  # metres, not millions: no currency
        ("the 14th-century crown", {(14.0, "")}),
        ("one of the workers", set()),  # "one" as a pronoun is not a figure
        ("F-16 jets at the G7 after COVID-19", set()),  # codes, not quantities
        ("up 0.25 percentage points", {(0.25, "percentage points")}),
        ("up two percentage points", {(2.0, "percentage points")}),
        ("two-thirds of the members", {(2 / 3, "")}),
        ("a quarter of the budget", {(0.25, "")}),
        ("cut by half a point", {(0.5, "")}),
        ("one in four adults", {(0.25, "")}),
        ("nine out of 10 readers", {(0.9, "")}),
        ("three and a half hours", {(3.5, "")}),
        ("half a million visitors", {(500_000.0, "")}),
        ("a third term in the second half of the year", set()),  # ordinals, not fractions
        ("data for the over-80s and the under-18s", {(80.0, ""), (18.0, "")}),  # age groups
    ],
)
def test_number_normalisation(text: str, expected: set[tuple[float, str]]) -> None:
    assert {(q.value, q.unit) for q in figures(text).quantities} == expected


def test_every_reading_of_a_figure_is_compared() -> None:
    [million] = figures("1.6m tickets").quantities
    assert {value for value, _ in million.readings} == {1.6, 1_600_000.0}  # metres or millions
    [share] = figures("a fifth of the staff").quantities
    assert (20.0, "%") in share.readings
    [rounded] = figures("two-thirds of the staff").quantities
    assert (67, "%") in rounded.readings


def test_dates_compare_in_any_order() -> None:
    assert figures("on March 3, 2025").dates == figures("on 3 March").dates == {(3, 3)}
    assert figures("2025-03-03").dates == {(3, 3)}
    assert figures("on Tuesday in May 2024").temporal == {"tuesday", "may"}


# -- numbers -----------------------------------------------------------------------------------

FLOOD = (
    "More than ten thousand people were evacuated from the Ardel valley on Sunday, the ministry "
    "said. The army sent 600 soldiers and 12 helicopters. Repairs will cost £3.2 million."
)


def test_numbers_in_other_forms_are_supported() -> None:
    text = "More than 10,000 people were evacuated on Sunday. The army sent a dozen helicopters."
    result = check(text, FLOOD)
    assert [s.verdict for s in result.sentences] == [Verdict.SUPPORTED, Verdict.SUPPORTED]
    assert only(check("Repairs will cost £3.2m.", FLOOD))[0] is Verdict.SUPPORTED


def test_changed_number_is_contradicted() -> None:
    verdict, problems = only(check("The army sent 800 soldiers and 12 helicopters.", FLOOD))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["numbers: 800 is not in the sources"]


def test_changed_weekday_and_written_number_are_flagged() -> None:
    verdict, problems = only(check("The army sent twelve helicopters on Monday.", FLOOD))
    assert verdict is not Verdict.SUPPORTED
    assert "numbers: Monday is not in the sources" in problems
    assert only(check("The army sent nine helicopters.", FLOOD))[0] is not Verdict.SUPPORTED


TICKETS = (
    "The festival sold 1.6 million tickets this summer. Ticket prices rose by 0.5 percentage "
    "points more than inflation. Organisers said 20% of visitors came from abroad and that "
    "67% of them had been before. The stage tower is 42 metres tall."
)


def test_a_bare_m_suffix_reads_as_millions_or_metres() -> None:
    assert only(check("The festival sold 1.6m tickets this summer.", TICKETS)) == (
        Verdict.SUPPORTED,
        [],
    )
    assert only(check("The stage tower is 42m tall.", TICKETS))[0] is Verdict.SUPPORTED
    assert only(check("The festival sold 1.8m tickets this summer.", TICKETS))[0] is not (
        Verdict.SUPPORTED
    )


def test_percent_is_not_percentage_points() -> None:
    assert only(check("Ticket prices rose by 0.5% more than inflation.", TICKETS))[0] is not (
        Verdict.SUPPORTED
    )
    text = "Ticket prices rose by half a percentage point more than inflation."
    assert only(check(text, TICKETS)) == (Verdict.SUPPORTED, [])


def test_fractions_are_figures() -> None:
    supported = [
        "Ticket prices rose by half a point more than inflation.",
        "Organisers said one in five visitors came from abroad.",
        "Organisers said a fifth of visitors came from abroad.",
        "Organisers said two-thirds of visitors from abroad had been before.",
    ]
    for text in supported:
        assert only(check(text, TICKETS)) == (Verdict.SUPPORTED, []), text
    verdict, problems = only(
        check("Organisers said a quarter of visitors came from abroad.", TICKETS)
    )
    assert verdict is Verdict.CONTRADICTED  # 25% against the source's 20%
    assert problems == ["numbers: a quarter is not in the sources"]
    # The "three" of "three-quarters" is not read as a figure of its own.
    verdict, problems = only(check("Ticket prices rose by three-quarters of a point.", TICKETS))
    assert problems == ["numbers: three-quarters is not in the sources"]


def test_hedged_number_may_round() -> None:
    assert only(check("About 610 soldiers were sent.", FLOOD))[0] is Verdict.SUPPORTED
    assert only(check("Exactly 610 soldiers were sent.", FLOOD))[0] is not Verdict.SUPPORTED


# -- names -------------------------------------------------------------------------------------

MAYOR = (
    "Harwick's mayor, Elena Varga, said the council would publish the report. "
    "Varga said the bridge had been inspected by Caldwell & Finch in February."
)


def test_a_surname_the_tagger_missed_still_names_the_speaker() -> None:
    body = (
        "Manager Colin Hart was dismissed on Sunday. Chairman Gregory Lane thanked him.\n\n"
        '"I wish the players nothing but the best," Hart told reporters.'
    )
    text = "“I wish the players nothing but the best,” Hart told reporters."
    assert only(check(text, body)) == (Verdict.SUPPORTED, [])
    moved = "“I wish the players nothing but the best,” Lane told reporters."
    assert only(check(moved, body))[0] is Verdict.CONTRADICTED


def test_surname_possessive_and_case_match_the_full_name() -> None:
    text = "Varga's council will publish the report, the mayor of HARWICK said."
    assert "names" not in checks_fired(check(text, MAYOR))


def test_a_surname_tagged_as_a_place_is_still_the_person() -> None:
    def annotate(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        # The small model's mistake, made every time: the surname alone tagged as a place.
        return [
            tuple(replace(e, label="GPE") if e.text == "Brevin" else e for e in ents)
            for ents in spacy_entities(texts)
        ]

    body = (
        "Ona Brevin, a former health minister, was charged on Monday. Brevin, 58, denies the "
        "charges."
    )
    text = "Brevin, the health minister, denies the charges."
    result = verify(sources(body), text, judge=None, annotate=annotate)
    assert [str(p) for p in result.sentences[0].problems] == [
        "titles: 'health minister' for Brevin; the sources say 'former health minister'"
    ]
    texts = ["Ona Brevin spoke.", "Brevin's army crossed the border."]
    found = [(Entity("Ona Brevin", "PERSON", 0, 10),), (Entity("Brevin", "GPE", 0, 6),)]
    # A surname the text treats as a country stays a place.
    assert consistent_labels(texts, found)[1][0].label == "GPE"


def test_invented_person_is_flagged_and_a_namesake_contradicts() -> None:
    verdict, problems = only(
        check("Mayor Peter Varga said the council would publish the report.", MAYOR)
    )
    assert verdict is Verdict.CONTRADICTED
    assert any(p.startswith("names: Peter Varga") for p in problems)
    result = check("Councillor Rajesh Nair said the council would publish the report.", MAYOR)
    assert "names" in checks_fired(result)


# -- quotes ------------------------------------------------------------------------------------

STRIKE = (
    '"Our members cannot feed their families on promises," said union leader Carla Mendes. '
    '"We will stay out until management makes a serious offer."\n\n'
    'Dunmore spokeswoman Sofia Ribeiro said the offer was "fair and responsible".'
)


def test_quote_verbatim_in_any_quote_style() -> None:
    text = "“Our members cannot feed their families on promises,” union leader Carla Mendes said."
    assert only(check(text, STRIKE)) == (Verdict.SUPPORTED, [])


def test_quote_with_ellipsis_joins_pieces_of_one_source() -> None:
    text = (
        "Mendes said: “Our members cannot feed their families … until management makes a "
        "serious offer.”"
    )
    # The two pieces are verbatim; the second sentence of the source quote is attributed to
    # Mendes through the paragraph, so the speaker matches as well.
    assert "quotes" not in checks_fired(check(text, STRIKE))


def test_altered_quote_is_contradicted_and_invented_quote_unsupported() -> None:
    altered = "“Our members cannot feed their children on promises,” Mendes said."
    verdict, problems = only(check(altered, STRIKE))
    assert verdict is Verdict.CONTRADICTED
    assert problems[0].startswith("quotes: “Our members cannot feed their children")
    invented = "Mendes said the union was “ready to talk at any moment”."
    verdict, problems = only(check(invented, STRIKE))
    assert verdict is Verdict.UNSUPPORTED
    assert "quotes: “ready to talk at any moment” is not in any source" in problems


def test_quote_given_to_the_wrong_speaker_is_contradicted() -> None:
    text = "Sofia Ribeiro said: “We will stay out until management makes a serious offer.”"
    verdict, problems = only(check(text, STRIKE))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["quotes: quote attributed to Sofia Ribeiro; the sources quote Carla Mendes"]


def test_multi_sentence_quote_is_checked_in_every_sentence() -> None:
    text = (
        "“Our members cannot feed their families on promises. We will never go back,” Mendes said."
    )
    result = check(text, STRIKE)
    assert len(result.sentences) == 2  # the splitter cuts inside the quote
    assert result.sentences[0].verdict is Verdict.SUPPORTED
    problems = [str(p) for p in result.sentences[1].problems]
    assert "quotes: “We will never go back” is not in any source" in problems


RULING = (
    "The developer Ravi Sorell had sued the city over the harbour contract. In its ruling on "
    'Friday, the tribunal said the deal was "void from the first day". Presiding judge Amara '
    "Quist read the decision aloud."
)


def test_a_quote_the_sources_give_to_an_institution_has_no_wrong_speaker() -> None:
    # The quote's own sentence says who speaks ("the tribunal said"), so neither Sorell (named
    # in the source sentence before) nor Quist (in the draft's) is taken for its speaker.
    text = (
        "Presiding judge Amara Quist read the decision aloud. The tribunal found the harbour "
        "deal was “void from the first day”."
    )
    assert [s.verdict for s in check(text, RULING).sentences] == [Verdict.SUPPORTED] * 2
    assert "quotes" not in checks_fired(check("The deal was “void from the first day”.", RULING))


CALLED = 'Mayor Ida Brandt called Per Olsen "a reckless gambler with public money".'


def test_the_speaker_is_who_speaks_not_the_nearest_name() -> None:
    right = "Brandt called Olsen “a reckless gambler with public money”."
    assert only(check(right, CALLED)) == (Verdict.SUPPORTED, [])
    wrong = "Per Olsen called Ida Brandt “a reckless gambler with public money”."
    verdict, problems = only(check(wrong, CALLED))
    assert verdict is Verdict.CONTRADICTED
    assert problems[0].endswith("the sources quote Ida Brandt")


STOLEN = (
    "Detective Rosa Fennick said the thieves knew exactly what they wanted.\n\n"
    "Nadia Kessler, an art-loss researcher at the Ardent Foundation, said works this well "
    "known were almost impossible to sell. “They will be hidden, not sold,” she said."
)


def test_he_or_she_said_is_the_person_described_just_before() -> None:
    # The small tagger calls "Nadia Kessler" an organisation; her job says she is a person.
    wrong = "“They will be hidden, not sold,” Fennick said."
    verdict, problems = only(check(wrong, STOLEN))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["quotes: quote attributed to Fennick; the sources quote Nadia Kessler"]
    right = "“They will be hidden, not sold,” Kessler said."
    assert only(check(right, STOLEN)) == (Verdict.SUPPORTED, [])


# -- places (seed 000: "Kursk, Ukraine") -------------------------------------------------------

LIRIN = (
    "Ostmark soldiers are fighting in the Lirin region of Karsovia, where Veltravan troops "
    "crossed the border last August. Veltrava's military said its units held two villages."
)


def test_place_in_the_wrong_country_is_contradicted() -> None:
    verdict, problems = only(check("Ostmark soldiers are fighting in Lirin, Veltrava.", LIRIN))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["places: 'Lirin, Veltrava': the sources place it in Karsovia"]
    assert only(check("Ostmark soldiers are fighting in Karsovia's Lirin region.", LIRIN)) == (
        Verdict.SUPPORTED,
        [],
    )


HUB = (
    "Most cancellations were at Korvel International Airport, the airline's hub outside the "
    "Ostrenian capital, Brannock. Flights to neighbouring Calvadia were also cut."
)


def test_a_demonym_with_words_before_the_region_word_places_the_town() -> None:
    body = (
        "Morvaine has offered to sell water through an existing pipeline at the Tavrenian "
        "border town of Brenzy."
    )
    right = "Morvaine will pipe water to the Tavrenian border town of Brenzy."
    assert only(check(right, body)) == (Verdict.SUPPORTED, [])
    verdict, problems = only(check(right.replace("Tavrenian", "Morvainian"), body))
    assert verdict is Verdict.CONTRADICTED
    assert "places: 'Morvainian border town of Brenzy': the sources place it in Tavrenian" in (
        problems
    )


def test_a_capital_named_by_its_demonym_is_in_that_country() -> None:
    text = (
        "Most of the cancellations were at Korvel International Airport outside Brannock, Calvadia."
    )
    verdict, problems = only(check(text, HUB))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["places: 'Brannock, Calvadia': the sources place it in Ostrenian"]


def test_two_names_run_together_by_the_tagger_are_two_known_names() -> None:
    body = (
        "Trade minister Elin Dobrev said Dunhaven would overtake Port Ranna as the biggest port "
        "in Lorvania."
    )
    text = "Dobrev said the terminal would make Dunhaven Lorvania's biggest port."
    assert "names" not in checks_fired(check(text, body))
    assert "names" in checks_fired(check("Dobrev said Elin Ranna would run the port.", body))


SEED_000 = (
    "In a shocking turn of events, North Korean troops have been redeployed to the frontline in "
    "Kursk, Ukraine, reigniting tensions in the region."
)
KURSK_FACTS = (
    "North Korean troops have been redeployed to the front line in Russia's Kursk region, "
    "Ukraine's president said on Friday. The troops had been withdrawn from the Kursk region "
    "after heavy losses, reigniting tensions in the region."
)


def test_seed_000_kursk_in_ukraine_is_contradicted() -> None:
    verdict, problems = only(check(SEED_000, KURSK_FACTS))
    assert verdict is Verdict.CONTRADICTED
    assert "places: 'Kursk, Ukraine': the sources place it in Russia" in problems


def test_a_list_of_countries_is_not_a_place_in_a_country() -> None:
    body = "Ministers from Russia, Ukraine and Belarus met in Minsk on Friday."
    assert only(check("Ministers from Russia, Ukraine and Belarus met on Friday.", body)) == (
        Verdict.SUPPORTED,
        [],
    )


SEED_000_FILLER = (
    "As tensions continue to rise in Kursk, the international community is closely monitoring "
    "the situation and calling for a peaceful resolution to prevent further escalation of "
    "violence."
)


def test_seed_000_filler_is_unsupported() -> None:
    verdict, problems = only(check(SEED_000_FILLER, KURSK_FACTS))
    assert verdict is Verdict.UNSUPPORTED
    assert problems[0].startswith("support: only")


# -- titles (seed 001: "former U.S. President Donald Trump") -----------------------------------

SUMMIT = (
    "Calderon's President Mara Ellison met Prime Minister Jonas Vale in Port Alder on Saturday. "
    "Calderon's former president Tomas Greer criticised the talks. Jonas Vale, Marovia's "
    "foreign minister until 2021, said little."
)


def test_sitting_president_called_former_is_contradicted() -> None:
    verdict, problems = only(check("Former President Mara Ellison met Vale on Saturday.", SUMMIT))
    assert verdict is Verdict.CONTRADICTED
    assert problems == ["titles: 'Former President' for Mara Ellison; the sources say 'President'"]


def test_former_president_called_president_is_contradicted() -> None:
    verdict, _ = only(check("President Tomas Greer criticised the talks.", SUMMIT))
    assert verdict is Verdict.CONTRADICTED
    assert only(check("Former president Tomas Greer criticised the talks.", SUMMIT))[0] is (
        Verdict.SUPPORTED
    )


def test_dropped_former_is_flagged_like_an_added_one() -> None:
    body = "Oren Blake, 61, a former health minister, opened the clinic in Tarrow on Monday."
    verdict, problems = only(check("Health minister Oren Blake opened the clinic in Tarrow.", body))
    assert verdict is Verdict.CONTRADICTED
    assert problems == [
        "titles: 'Health minister' for Oren Blake; the sources say 'former health minister'"
    ]
    former = "Former health minister Oren Blake opened the clinic in Tarrow."
    assert only(check(former, body)) == (Verdict.SUPPORTED, [])
    # No title the patterns read ("Blake is a former ..."): the words of the sentences naming
    # him decide, and "former" counts whether the draft adds it or drops it.
    loose = "Oren Blake opened the clinic in Tarrow on Monday. Blake is a former health minister."
    verdict, problems = only(check("Health minister Oren Blake opened the clinic.", loose))
    assert verdict is Verdict.UNSUPPORTED
    assert problems == ["titles: 'Health minister' for Oren Blake; the sources say former"]
    assert only(check(former, loose)) == (Verdict.SUPPORTED, [])


FEDERATION = (
    "Anders Kvale, head of the Iskerian Fishermen's Federation, said his members would lose "
    "about 30 million euros a year. Peter Mravec, a former economy minister, negotiated the aid."
)


def test_former_added_to_a_person_the_tagger_missed_is_caught() -> None:
    # The small tagger finds no person in "Anders Kvale, head of ..."; the job says he is one.
    text = "Anders Kvale, a former head of the Iskerian Fishermen's Federation, spoke to reporters."
    verdict, problems = only(check(text, FEDERATION))
    assert verdict is Verdict.CONTRADICTED
    assert problems[0].startswith("titles: 'former head' for Anders Kvale")


def test_a_job_in_a_relative_clause_is_what_someone_was_not_a_title() -> None:
    text = "Peter Mravec, who negotiated the aid as economy minister, spoke to reporters."
    assert "titles" not in checks_fired(check(text, FEDERATION))


def test_wrong_ministry_is_contradicted() -> None:
    body = "Portugal's Labour Minister, Rui Tavares, urged both sides to return to the table."
    verdict, problems = only(check("Economy Minister Rui Tavares urged both sides to talk.", body))
    assert verdict is Verdict.CONTRADICTED
    assert problems[0].startswith("titles: 'Economy Minister' for Rui Tavares")
    appositive = "Rui Tavares, Portugal's labour minister, urged both sides to return to the table."
    assert only(check(appositive, body)) == (Verdict.SUPPORTED, [])


SEED_001 = (
    "And get this, former U.S. President Donald Trump and Ukraine’s President Volodymyr "
    "Zelenskyy were chatting up a storm in Vatican City, trying to hammer out a ceasefire."
)
VATICAN_FACTS = (
    "U.S. President Donald Trump and Ukrainian President Volodymyr Zelenskyy met briefly in "
    "Vatican City on Saturday, trying to hammer out a ceasefire."
)


def test_seed_001_sitting_president_called_former_is_contradicted() -> None:
    verdict, problems = only(check(SEED_001, VATICAN_FACTS))
    assert verdict is Verdict.CONTRADICTED
    assert "titles: 'former U.S. President' for Donald Trump; the sources say 'U.S. President'" in (
        problems
    )


# -- filler, layout, citations -----------------------------------------------------------------


def test_hedges_attribution_and_number_words_are_not_unsupported_words() -> None:
    body = (
        "The roof of the quarry tunnel fell in at about 4am during a shift change, said the "
        "operator, Delm Quarrying."
    )
    text = (
        "The quarry tunnel roof fell in at around four in the morning during a shift change, "
        "according to operator Delm Quarrying."
    )
    assert only(check(text, body)) == (Verdict.SUPPORTED, [])
    assert content_stems("at around four in the morning, according to them") == set()
    assert content_stems("on Tuesday morning") == {"tuesda", "morn"}


def test_filler_is_unsupported_and_cites_nothing() -> None:
    result = check("The brazen theft has sent shockwaves through the art world.", MAYOR)
    assert result.sentences[0].verdict is Verdict.UNSUPPORTED
    assert result.sentences[0].citations == ()


def test_citations_point_at_article_and_sentence() -> None:
    result = check("The army sent 600 soldiers and 12 helicopters.", MAYOR, FLOOD)
    best = result.sentences[0].citations[0]
    assert (best.article, best.sentence) == (1, 1)


def test_embedding_similarity_joins_lexical_overlap_in_citations() -> None:
    draft = "Troops went to the valley."
    # Lexically the first sentence wins; the embedder says the second is the same claim.
    bodies = ("Troops went home.", "Soldiers were deployed to the Ardel valley.")
    vectors = {draft: [1.0, 0.0], bodies[0]: [0.0, 1.0], bodies[1]: [1.0, 0.0]}
    embedder = FakeEmbedder(vectors, dim=2)
    plain = check(draft, *bodies).sentences[0].citations
    mixed = verify(sources(*bodies), draft, judge=None, embedder=embedder).sentences[0].citations
    assert plain[0].article == 0 and mixed[0].article == 1
    assert embedder.calls[0][0] == draft


def test_house_layout_lines_are_not_checked() -> None:
    text = (
        "Flood evacuation\n\nThe army sent 600 soldiers and 12 helicopters.\n\nCategory: World\n\n"
        "Published on: 2025-10-19 14:10:00\n\n\nRelated articles:\nFloods, Test Wire\n\n\n"
        "Tags: floods army valley"
    )
    result = check(text, FLOOD)
    assert [s.text for s in result.sentences] == [
        "Flood evacuation",
        "The army sent 600 soldiers and 12 helicopters.",
    ]


# -- the model judge ---------------------------------------------------------------------------


def rating(value: str) -> str:
    return json.dumps({"rating": value})


def test_judge_rates_only_what_the_checks_left_open() -> None:
    judge = FakeModel()
    judge.enqueue(rating("NOT_IN_SOURCES"))
    text = (
        "The army sent 600 soldiers and 12 helicopters. The army sent 800 soldiers. "
        "The army quickly sent soldiers to help."
    )
    result = verify(sources(FLOOD), text, judge=judge)
    assert [s.verdict for s in result.sentences] == [
        Verdict.SUPPORTED,  # every word in the evidence: settled without the judge
        Verdict.CONTRADICTED,  # settled by the numbers check
        Verdict.UNSUPPORTED,  # the judge
    ]
    [prompt] = judge.prompts
    # The cited sentence comes with the one before it, for what "it" or "the figure" means.
    assert prompt.user.startswith(
        "EVIDENCE:\nE1. More than ten thousand people were evacuated from the Ardel valley on "
        "Sunday, the ministry said. The army sent 600 soldiers and 12 helicopters.\n"
    )
    assert prompt.user.endswith("CLAIM: The army quickly sent soldiers to help.")
    assert [str(p) for p in result.sentences[2].problems] == [
        "judge: the model judge finds it not in sources"
    ]


def test_judge_supported_and_contradicted() -> None:
    judge = FakeModel()
    # CONTRADICTED needs a second prompt to agree.
    judge.enqueue(rating("SUPPORTED"), rating("CONTRADICTED"), rating("CONTRADICTED"))
    text = "The army quickly sent soldiers to help. The army quickly sent soldiers home."
    result = verify(sources(FLOOD), text, judge=judge)
    assert [s.verdict for s in result.sentences] == [Verdict.SUPPORTED, Verdict.CONTRADICTED]


@pytest.mark.parametrize("second", ["SUPPORTED", "NOT_IN_SOURCES"])
def test_a_contradiction_the_second_prompt_does_not_confirm_is_not_one(second: str) -> None:
    judge = FakeModel()
    judge.enqueue(rating("CONTRADICTED"), rating(second))
    result = verify(sources(FLOOD), "The army quickly sent soldiers to help.", judge=judge)
    assert result.sentences[0].verdict is Verdict.SUPPORTED
    first, again = judge.prompts
    assert again.system != first.system
    assert again.user.startswith("CLAIM: The army quickly sent soldiers to help.\n\nEVIDENCE:")


def test_judge_evidence_covers_the_facts_a_sentence_combines() -> None:
    bodies = (
        "The ferry Aldra left Port Mell at 6am with 212 passengers.\n\nThe Aldra, carrying "
        "cars, has sailed from Port Mell since 1998.",
        "Harbour master Ines Kolar said the crossing took four hours.",
    )
    judge = FakeModel()
    judge.enqueue(rating("SUPPORTED"))
    text = "The Aldra's crossing from Port Mell, carrying 212 passengers, lasted four hours."
    verify(sources(*bodies), text, judge=judge)
    [prompt] = judge.prompts
    assert "212 passengers" in prompt.user and "took four hours" in prompt.user
    assert prompt.user.count("The ferry Aldra left Port Mell") == 1


def test_a_reported_action_no_source_states_goes_to_the_judge() -> None:
    body = "Mayor Dana Holt said the council would review the night bus routes in March."
    text = "Mayor Dana Holt said the council would scrap the night bus routes in March."
    # Every other word is in the evidence: the checks alone cannot tell "scrap" from "review".
    assert only(check(text, body)) == (Verdict.SUPPORTED, [])
    judge = FakeModel()
    judge.enqueue(rating("NOT_IN_SOURCES"))
    result = verify(sources(body), text, judge=judge)
    assert result.sentences[0].verdict is Verdict.UNSUPPORTED
    assert len(judge.prompts) == 1  # flagged already: the action is not asked about
    same = verify(sources(body), body, judge=FakeModel())  # no reply queued: no call
    assert same.sentences[0].verdict is Verdict.SUPPORTED


def test_the_judge_is_asked_about_a_reported_action_on_its_own() -> None:
    body = "Mayor Dana Holt said the council would review the night bus routes in March."
    text = "Mayor Dana Holt said the council would scrap the night bus routes in March."
    judge = FakeModel()
    judge.enqueue(rating("SUPPORTED"), json.dumps({"answer": "NOT_STATED"}))
    verdict, problems = only(verify(sources(body), text, judge=judge))
    assert verdict is Verdict.UNSUPPORTED
    assert problems == [
        "judge: the model judge finds “would scrap the night bus routes in March” not in the "
        "sources"
    ]
    assert judge.prompts[1].user.endswith(
        f"SENTENCE: {text}\nACTION: would scrap the night bus routes in March"
    )
    judge = FakeModel()
    judge.enqueue(rating("SUPPORTED"), json.dumps({"answer": "STATED"}))
    assert only(verify(sources(body), text, judge=judge)) == (Verdict.SUPPORTED, [])


def test_an_attempt_is_a_reported_action() -> None:
    body = "Curator Lena Osei said the alarm had been upgraded two years ago."
    text = "Curator Lena Osei said the alarm, upgraded two years ago, had failed to go off."
    judge = FakeModel()
    judge.enqueue(rating("SUPPORTED"), json.dumps({"answer": "NOT_STATED"}))
    verdict, problems = only(verify(sources(body), text, judge=judge))
    assert verdict is Verdict.UNSUPPORTED
    assert problems == ["judge: the model judge finds “failed to go off” not in the sources"]


SEALS = (
    "The Tarrow port authority said the new quay would open in May.\n\n"
    "Environmental group Coastwatch said the building work would disturb the grey seals "
    "on the nearby Tarrow Sands."
)


def test_reported_speech_given_to_another_named_party_is_flagged_without_the_judge() -> None:
    text = "Coastwatch said the new quay would open in May."
    judge = FakeModel()  # no reply queued: the checks settle it, a call would fail
    verdict, problems = only(verify(sources(SEALS), text, judge=judge))
    assert verdict is Verdict.UNSUPPORTED
    assert problems == ["attribution: the cited sentences do not give these words to Coastwatch"]
    right = "Coastwatch said the building work would disturb the grey seals."
    assert only(verify(sources(SEALS), right, judge=judge)) == (Verdict.SUPPORTED, [])


def test_reported_speech_given_to_a_described_party_is_asked_about() -> None:
    """ "The port authority" may be how a draft names an agency a source calls otherwise: not
    a veto of the checks, a question for the judge."""
    text = "The port authority said the building work would disturb the grey seals."
    judge = FakeModel()
    stated, not_stated = json.dumps({"answer": "STATED"}), json.dumps({"answer": "NOT_STATED"})
    judge.enqueue(rating("SUPPORTED"), stated, not_stated)  # rating, action, speaker
    verdict, problems = only(verify(sources(SEALS), text, judge=judge))
    assert verdict is Verdict.UNSUPPORTED
    assert problems == ["judge: the model judge finds no source saying The port authority said it"]
    asked = judge.prompts[-1].user
    assert asked.endswith("SPEAKER: The port authority")
    assert "Coastwatch said the building work" in asked
    assert "The Tarrow port authority said the new quay" in asked  # who the speaker is


def test_a_paraphrase_combining_sources_goes_to_the_judge_not_straight_to_filler() -> None:
    bodies = (
        "Police said the museum expects to reopen on Friday at the earliest.",
        "Around 120,000 people come to the museum each year.",
    )
    text = (
        "The museum, which draws some 120,000 visitors annually, will remain shut until Friday "
        "at the earliest."
    )
    verdict, problems = only(check(text, *bodies))  # without a judge: 38%, below 50%
    assert verdict is Verdict.UNSUPPORTED and problems[0].startswith("support: only 38%")
    judge = FakeModel()
    judge.enqueue(rating("SUPPORTED"), json.dumps({"answer": "STATED"}))
    assert only(verify(sources(*bodies), text, judge=judge)) == (Verdict.SUPPORTED, [])
    # Clear filler is still settled without the judge (no reply queued: no call).
    filler = "The closure has sent shockwaves through the art world."
    judged = verify(sources(*bodies), filler, judge=FakeModel())
    assert [str(p) for p in judged.sentences[0].problems] == [
        "support: only 0% of its words are in the closest source sentences"
    ]


def test_judge_that_fails_leaves_the_sentence_unsupported() -> None:
    judge = FakeModel()
    judge.enqueue('{"rating": "PROBABLY"}')
    result = verify(sources(FLOOD), "The army quickly sent soldiers to help.", judge=judge)
    assert result.sentences[0].verdict is Verdict.UNSUPPORTED
    assert str(result.sentences[0].problems[0]).startswith("judge: the model judge failed")


def test_judge_schema_is_constrained_to_the_enum() -> None:
    seen: list[type[BaseModel] | None] = []

    def responder(prompt: Prompt, schema: type[BaseModel] | None) -> str:
        seen.append(schema)
        return rating("SUPPORTED")

    verify(sources(FLOOD), "The army quickly sent soldiers to help.", judge=FakeModel(responder))
    assert seen[0] is not None
    properties = seen[0].model_json_schema()
    assert json.dumps(properties).count('"SUPPORTED", "CONTRADICTED", "NOT_IN_SOURCES"') == 1


# -- repair and hold ---------------------------------------------------------------------------

DRAFT = (
    "The army sent 600 soldiers and 12 helicopters. The army sent 800 soldiers.\n\n"
    "Climate experts warn that such storms are becoming more frequent."
)


def test_repair_without_a_model_drops_failed_sentences() -> None:
    result = repair(sources(FLOOD), check(DRAFT, FLOOD), model=None)
    assert result.text == "The army sent 600 soldiers and 12 helicopters."
    assert [c.replacement for c in result.changes] == [None, None]
    assert result.changes[0].reason == "numbers: 800 is not in the sources"


def test_repair_keeps_a_rewrite_only_if_it_passes_the_checks() -> None:
    model = FakeModel()
    model.enqueue(
        json.dumps({"action": "rewrite", "sentence": "The army sent 600 soldiers."}),
        json.dumps({"action": "rewrite", "sentence": "The army sent 40 helicopters."}),
    )
    draft = "The army sent 800 soldiers. The army sent 12 helicopters on Monday."
    result = repair(sources(FLOOD), check(draft, FLOOD), model=model)
    assert result.text == "The army sent 600 soldiers."
    assert [c.replacement for c in result.changes] == ["The army sent 600 soldiers.", None]
    assert result.changes[1].reason.endswith("the rewrite failed the checks too")
    assert "EVIDENCE:\n- The army sent 600 soldiers and 12 helicopters." in model.prompts[0].user


def test_repair_does_not_ask_the_model_without_evidence() -> None:
    model = FakeModel()  # no reply queued: a call would raise
    result = repair(sources(FLOOD), check(DRAFT, FLOOD), model=model)
    assert result.changes[-1].replacement is None and not model.prompts[1:]


def test_hold_reasons() -> None:
    assert hold_reasons(check("The army sent 600 soldiers and 12 helicopters.", FLOOD)) == []
    reasons = hold_reasons(check(DRAFT, FLOOD), min_supported_ratio=0.8)
    assert reasons[0].startswith("contradicted by the sources: 'The army sent 800 soldiers.'")
    assert reasons[-1] == "only 33% of sentences are supported (minimum 80%)"
    assert hold_reasons(check("", FLOOD)) == ["no sentences to publish"]


# -- the evaluation set: pinned floors ---------------------------------------------------------


def _load_eval_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_truth_run", EVAL / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@cache
def _minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder(threads=1)


@pytest.mark.parametrize(
    ("part", "min_recall", "max_false_alarms"),
    # Measured with --judge none and the MiniLM embedder, as `newsdesk verify` runs (recall /
    # false alarms): dev 1.000 / 0.000 (44 errors, 36 correct), heldout 1.000 / 0.000 (20,
    # 16), heldout2 0.938 / 0.000 (16, 12), heldout3 0.931 / 0.043 (29, 23), heldout4 0.917 /
    # 0.095 (24, 21), heldout5 0.871 / 0.074 (31, 27), heldout6 0.871 / 0.036 (31, 28), and
    # on real reporting real_dev 0.784 / 0.062 (51, 65). Each floor lets one more miss or
    # false alarm through at most; raise them when the checks improve. real_blind is never
    # run here: it is held out.
    [
        ("dev", 0.97, 0.03),
        ("heldout", 0.95, 0.07),
        ("heldout2", 0.93, 0.09),
        ("heldout3", 0.89, 0.09),
        ("heldout4", 0.87, 0.15),
        ("heldout5", 0.83, 0.12),
        ("heldout6", 0.83, 0.08),
        ("real_dev", 0.76, 0.08),
    ],
)
def test_eval_truth_floor_without_judge(
    part: str, min_recall: float, max_false_alarms: float
) -> None:
    runner = _load_eval_runner()
    report = runner.evaluate(runner.load_cases(part), None, _minilm())
    assert report.recall >= min_recall
    assert report.false_alarms <= max_false_alarms
