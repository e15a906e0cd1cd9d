"""The account of a story across outlets (writing/account.py): each count told once, as it
stands. Every text here is ours, set in an invented place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.records import Article
from newsdesk.writing.account import (
    Figure,
    Told,
    authorities,
    corrected_away,
    figures_in,
    one_place,
    outlook,
    overtaken_outlooks,
    revised_to,
    same_figure,
    settle,
    stale,
    tells_settled,
)
from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.factsheet import _LEANS_BACK, build_fact_sheet, introduced, pick_sources
from newsdesk.writing.house import write_story

T0 = datetime(2026, 3, 4, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At least 2,012 people were killed in the quake.", {("dead", 2012)}),
        (
            "The death toll in Velna has risen to 632, with 329 injured.",
            {("dead in Velna", 632), ("injured", 329)},
        ),
        (
            "The storm killed three people and wounded two more aboard a ferry.",
            {("dead", 3), ("injured", 2)},
        ),
        # the number closest to the verb is its count, not one further on
        (
            "It killed four civilians on a train carrying over 200 people.",
            {("dead", 4), ("aboard", 200)},
        ),
        ("Officials said 91 had died, bringing the total to 104.", {("dead", 91), ("dead", 104)}),
        (
            "About 3,000 are missing and 30,000 people homeless.",
            {("missing", 3000), ("displaced", 30000)},
        ),
        ("Divers have recovered 68 bodies from the lake.", {("bodies", 68)}),
        (
            "The plane had 72 people on board, including 10 foreigners.",
            {("aboard", 72), ("foreigners", 10)},
        ),
        ("Ostrov, a city of 125,000 people, lost power.", {("population", 125000)}),
        ("The epicentre was 35 kilometres northwest of Ostrov.", {("distance from Ostrov", 35)}),
        ("A magnitude 6.3 quake struck at dawn.", {("magnitude", 6.3)}),
        ("It measured 7 degrees on the Richter scale.", {("magnitude", 7)}),
        # a second place's count in the same clause
        (
            "Officials said 91 had died in Velna and 12 in Ostrov by noon.",
            {("dead in Velna", 91), ("dead in Ostrov", 12)},
        ),
        # an increment is no count so far; the total it brings is
        (
            "Divers recovered two more bodies, bringing the death toll to 71.",
            {("dead", 71)},
        ),
        ("Police have identified 22 bodies so far.", {("identified", 22)}),
        # fillers between the count and what it counts; people in hospital are not aboard
        (
            "So far, 30 people have been confirmed dead, with 40 people being treated in hospital.",
            {("dead", 30)},
        ),
        # a venue is where in the event's place it happened, not a place with its own count
        ("At least 153 people died in a crush in Velna Stadium in Ostrov.", {("dead", 153)}),
        # a place of two words is one place
        (
            "At least 394 died in Al-Velna and 271 in Ostrov.",
            {("dead in Al Velna", 394), ("dead in Ostrov", 271)},
        ),
        # "Thirty-four" is no four
        ("Thirty-four people died at the stadium, the police chief said.", set()),
        # a count corrected downwards is a count, whatever words lead to it
        (
            "The government revised the death toll in the three-train crash to 275 from 288.",
            {("dead", 275)},
        ),
        (
            "The agency put the death toll at 174, then lowered it to 125.",
            {("dead", 174), ("dead", 125)},
        ),
        # not counts: a year, a projection, a price, a bare number
        ("In 2019, the bridge was rebuilt for 40 million.", set()),
        ("The mayor said the toll could reach 20,000.", set()),
        ("Flights resumed at 14:00 from gate 12.", set()),
    ],
)
def test_figures_in(sentence: str, expected: set[tuple[str, float]]) -> None:
    assert {(f.kind, f.value) for f in figures_in(sentence)} == expected


def _told(outlet: str, hours: int | None, *figures: tuple[str, float]) -> Told:
    when = None if hours is None else T0 + timedelta(hours=hours)
    return Told(outlet, when, tuple(Figure(k, v) for k, v in figures))


def test_a_growing_count_settles_on_the_newest_articles_highest_value() -> None:
    told = [
        _told("Velna Daily", 0, ("dead", 12)),
        _told("Coast Radio", 9, ("dead", 30)),
        _told("Coast Radio", 9, ("dead", 31)),  # the same day's bulletin, its lead
        _told("Undated Weekly", None, ("dead", 400)),  # undated: never the newest
        _told("Velna Daily", 1, ("injured", 40)),
    ]
    assert settle(told) == {"dead": 31, "injured": 40}


def test_a_newer_death_toll_overtakes_an_older_count_of_bodies() -> None:
    told = [
        _told("Velna Daily", 0, ("bodies", 68)),
        _told("Coast Radio", 0, ("bodies", 63)),
        _told("Harbour Post", 48, ("dead", 71)),  # two days on: the toll stands for both
    ]
    settled = settle(told)
    assert settled == {"bodies": 71, "dead": 71}
    assert stale([Figure("bodies", 68)], settled)
    assert not stale([Figure("dead", 71)], settled)
    # bodies counted after the toll was given are the news themselves
    later = [_told("Velna Daily", 0, ("dead", 40)), _told("Coast Radio", 5, ("bodies", 38))]
    assert settle(later) == {"dead": 40, "bodies": 38}


def test_a_count_corrected_downwards_stands_against_the_older_count_told_later() -> None:
    later = T0 + timedelta(days=1)
    told = [
        _told("Velna Daily", 0, ("dead", 127)),
        _told("Coast Radio", 2, ("dead", 153)),
        Told(
            "Harbour Post",
            T0 + timedelta(hours=4),
            (Figure("dead", 174), Figure("dead", 125)),
            revised=frozenset({125.0}),
        ),  # "put at 174, then lowered to 125"
        _told("Weekly Wire", 24, ("dead", 174)),  # a day on, the count before the recount
    ]
    assert settle(told)["dead"] == 125
    # a later day's count above the correction that no correction undid: the toll rose again
    rising = [*told, Told("Velna Daily", later + timedelta(hours=1), (Figure("dead", 131),))]
    assert settle(rising)["dead"] == 131
    assert revised_to("The toll was revised down to 125 on Sunday.") == {125.0}
    assert revised_to("The death toll in Velna is 275 & not 288, the governor said.") == {275.0}
    assert revised_to("The toll rose to 125.") == frozenset()
    assert revised_to("Two more bodies were found, which brought the toll to 71.") == frozenset()
    assert corrected_away("The agency put the death toll at 174, then lowered it to 125.") == {
        174.0
    }


@pytest.mark.parametrize(
    ("sentence", "expects"),
    [
        ("The death toll is expected to rise as rescuers reach remote villages.", True),
        ("The figures are likely to rise higher, aid agencies warned.", True),
        ("Bodies were still trapped in the mangled coaches.", True),
        ("The numbers could climb further, the Red Crescent said.", True),
        # a figure of its own: the count is settled with the others, not here
        ("He said the toll of 31 was likely to rise.", False),
        # not a count
        ("Prices are expected to rise again in the autumn.", False),
        ("Rescuers were still digging through the ruins.", False),
    ],
)
def test_outlook(sentence: str, expects: bool) -> None:
    assert outlook(sentence) is expects


def test_an_outlook_is_overtaken_by_a_later_days_count() -> None:
    told = [
        _told("Velna Daily", 0),  # Saturday: "the toll is expected to rise"
        _told("Coast Radio", 2, ("dead", 288)),
        _told("Harbour Post", 26, ("dead", 275)),  # Sunday
        _told("Lake News", 27),  # Sunday: "bodies are still trapped"
    ]
    assert overtaken_outlooks(told, [True, False, False, True]) == [True, False, False, False]
    # on the day the count is given, an outlook still stands; so it does with no count at all
    assert overtaken_outlooks(told[:2], [True, False]) == [False, False]
    assert overtaken_outlooks([_told("Velna Daily", 0), _told("Lake News", 30)], [True, False]) == [
        False,
        False,
    ]
    # undated articles give no day to compare
    assert overtaken_outlooks([_told("Velna Daily", None), told[2]], [True, False]) == [
        False,
        False,
    ]


def test_the_fact_sheet_leaves_out_an_outlook_a_later_day_overtook() -> None:
    sources = [
        *_quake_story(),
        _article(
            "Lake News",
            30,
            "Velna valley counts its dead",
            "At least 40 people died in Tuesday's earthquake in the Velna valley, the civil "
            "protection office said on Wednesday. Teams from three countries joined the search "
            "in Ilsk. The governor declared three days of mourning.",
        ),
    ]
    sources[1] = _article(
        "Coast Radio",
        4,
        "Velna quake toll climbs",
        "The death toll from Tuesday's earthquake in the Velna valley is expected to rise, the "
        "regional civil protection office said. Rescuers were still digging through the ruins "
        "of two apartment blocks in the town of Ilsk. Power was cut to about 4,000 homes, the "
        "grid operator said.",
    )
    sheet = build_fact_sheet(sources, pick_sources(sources))
    assert not any("expected to rise" in f.text for f in sheet.facts)
    assert any("later day" in d and "Coast Radio" in d for d in sheet.dropped), sheet.dropped
    # without the later day's count it stands
    sheet = build_fact_sheet(sources[:3], pick_sources(sources[:3]))
    assert any("expected to rise" in f.text for f in sheet.facts)


def test_background_settles_nothing() -> None:
    told = [
        _told("Velna Daily", 0, ("dead", 12)),
        Told("Coast Radio", T0 + timedelta(hours=5), (Figure("dead", 8800),), background=True),
    ]
    assert settle(told) == {"dead": 12}


def test_other_counts_settle_on_what_most_outlets_give_and_only_across_outlets() -> None:
    told = [
        _told("Velna Daily", 0, ("magnitude", 6.3)),
        _told("Coast Radio", 2, ("magnitude", 6.3)),
        _told("Harbour Post", 3, ("magnitude", 6.2)),
        _told("Harbour Post", 3, ("aboard", 18)),  # one outlet's own figures stand
        _told("Harbour Post", 3, ("aboard", 155)),
    ]
    assert settle(told) == {"magnitude": 6.3}


def test_stale_and_settled() -> None:
    settled = {"dead": 15383.0, "injured": 30000.0}
    # "more than 15,000" is the settled toll told loosely; 12,391 alone is an older one
    assert not stale([Figure("dead", 15000)], settled)
    assert stale([Figure("dead", 12391)], settled)
    # a sentence that gives the old and the settled value reconciles them itself
    assert not stale([Figure("dead", 12391), Figure("dead", 15383)], settled)
    assert not stale([Figure("missing", 12)], settled)
    assert tells_settled([Figure("dead", 15383), Figure("injured", 9)], settled) == {"dead"}
    # two exact tolls 5% apart are two tolls: 288 is stale when 275 stands (a recount)
    assert stale([Figure("dead", 288)], {"dead": 275.0})
    assert not stale([Figure("dead", 2000)], {"dead": 2012.0})  # "about 2,000"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(15000, 15383, True), (2012, 2000, True), (288, 275, False), (150, 152, True),
     (151, 152, False), (6.8, 7, False), (3, 4, False), (11300, 11300, True)],
)  # fmt: skip
def test_same_figure(a: float, b: float, same: bool) -> None:
    assert same_figure(a, b) is same


def _article(outlet: str, hours: int, title: str, body: str) -> Article:
    slug = outlet.lower().replace(" ", "-")
    return Article(
        url=f"https://{slug}.example/quake",
        canonical_url=f"https://{slug}.example/quake",
        outlet=outlet,
        title=title,
        authors=(),
        published=T0 + timedelta(hours=hours),
        body=body,
        lang="en",
    )


def _quake_story() -> list[Article]:
    return [
        _article(
            "Velna Daily",
            0,
            "Quake strikes Velna valley",
            "A strong earthquake struck the Velna valley before dawn on Tuesday, killing at least "
            "12 people. Rescue teams from Ostrov reached the valley by mid-morning. The "
            "regional governor, Mara Jelen, asked residents to stay out of damaged buildings. "
            "Schools across the valley were closed for the week. The quake was felt as far "
            "away as the coast, where windows shook for several seconds.",
        ),
        _article(
            "Coast Radio",
            4,
            "Velna quake toll climbs",
            "The death toll from Tuesday's earthquake in the Velna valley has risen to 19, the "
            "regional civil protection office said. Rescuers were still digging through the "
            "ruins of two apartment blocks in the town of Ilsk. Power was cut to about 4,000 "
            "homes, the grid operator said. Field kitchens were set up in the main square of "
            "Ilsk for families who lost their homes.",
        ),
        _article(
            "Harbour Post",
            9,
            "Velna earthquake: 31 dead as search goes on",
            "At least 31 people were killed in the earthquake that struck the Velna valley on "
            "Tuesday, the civil protection office said in its evening update. Governor Mara "
            "Jelen said the search would go on through the night. Engineers began checking "
            "the Velna dam for cracks, but found none by the evening. Aid trucks from the "
            "capital arrived in Ilsk after the main road was cleared of rocks.",
        ),
    ]


def test_the_fact_sheet_tells_the_toll_once_as_it_stands() -> None:
    sources = _quake_story()
    sheet = build_fact_sheet(sources, pick_sources(sources))
    texts = [f.text for f in sheet.facts]
    tolls = [t for t in texts if figures_in(t)]
    assert len(tolls) == 1 and "31" in tolls[0], texts
    assert not any("12 people" in t or "risen to 19" in t for t in texts), texts
    assert sum("have updated" in d for d in sheet.dropped) == 2, sheet.dropped
    # the settled toll is the news as it stands: it leads
    assert sheet.facts[0].text.startswith("At least 31 people were killed")


def test_the_extractive_article_leads_with_the_settled_toll() -> None:
    draft = write_story(_quake_story(), None, now=T0 + timedelta(hours=10))
    body = "\n\n".join(draft.article.paragraphs)
    assert draft.article.paragraphs[0].startswith("At least 31 people were killed")
    assert "12 people" not in body and "risen to 19" not in body


def _fact(text: str, sentence: int) -> Fact:
    return Fact(text=text, source=SourceRef(0, sentence), outlet="Velna Daily", score=1.0)


def test_a_speaker_is_named_in_full_before_a_surname_alone() -> None:
    lead = [_fact("A strong earthquake struck the Velna valley on Tuesday.", 0)]
    bare = _fact('"Stay out of damaged buildings," Jelen said.', 1)
    other = _fact("Schools across the valley were closed for the week.", 2)
    full = _fact("Governor Mara Jelen asked residents to keep the roads clear.", 3)
    # the fact naming her in full moves up to just before the bare surname
    assert introduced(lead, [bare, other, full]) == [full, bare, other]
    # with nobody naming her, the sentence is left out
    assert introduced(lead, [bare, other]) == [other]
    # named in the lead, or in full in the sentence itself: nothing moves
    named = [_fact("Governor Mara Jelen toured Ilsk.", 0)]
    assert introduced(named, [bare, other]) == [bare, other]
    # a place is no speaker: "officials in the city of Ilsk said"
    place = _fact("Power was back by night, officials in the town of Ilsk said.", 4)
    assert introduced(lead, [place]) == [place]
    # two facts that each name the other's speaker in full: each moves up once, no more
    one = _fact('"We are ready," Ruiz said, standing beside Governor Mara Jelen.', 5)
    two = _fact('"So are we," Jelen said, beside the harbour master Ana Ruiz.', 6)
    assert introduced(lead, [one, two]) == []  # neither can come first


def test_someone_mentioned_by_surname_is_named_in_full_first() -> None:
    lead = [_fact("The central bank raised its rate to 4% on Wednesday.", 0)]
    bare = _fact("Markets focused on Ruiz's remarks about the months ahead.", 1)
    other = _fact("The vote on the committee was unanimous.", 2)
    full = _fact("Governor Ana Ruiz said more work lay ahead.", 3)
    # the fact naming her in full moves up to just before the bare mention
    assert introduced(lead, [bare, other, full]) == [full, bare, other]
    # with nobody naming her in full, a mention (not a speaker) stays where it was
    assert introduced(lead, [bare, other]) == [bare, other]


def test_settling_is_the_same_in_any_order_and_with_undated_articles() -> None:
    told = [
        _told("Velna Daily", None, ("magnitude", 6.2)),
        _told("Coast Radio", 2, ("magnitude", 6.3)),
        _told("Harbour Post", None, ("dead", 4)),
        _told("Ilsk Courier", None, ("dead", 5)),
    ]
    assert settle(told) == settle(told[::-1]) == {"magnitude": 6.3, "dead": 5}


def test_a_count_for_one_place_is_its_own_only_when_the_story_has_two() -> None:
    assert {(f.kind, f.value) for f in figures_in("In Ostrov alone, 40 people died.")} == {
        ("dead in Ostrov", 40)
    }
    two = [
        _told("Velna Daily", 1, ("dead in Ostrov", 40)),
        _told("Velna Daily", 1, ("dead in Ilsk", 12)),
        _told("Coast Radio", 5, ("dead", 60)),
        _told("Coast Radio", 5, ("dead in Ostrov", 46)),
    ]
    assert settle(one_place(two)) == {"dead": 60, "dead in Ostrov": 46, "dead in Ilsk": 12}
    one = [
        _told("Velna Daily", 1, ("dead in Ilsk", 12)),
        _told("Coast Radio", 5, ("dead", 19)),
    ]
    folded = one_place(one)
    assert [f.kind for t in folded for f in t.figures] == ["dead", "dead"]
    assert settle(folded) == {"dead": 19}


def test_an_attributed_figure_of_a_count_that_does_not_grow_may_stand_beside_another() -> None:
    settled = {"magnitude": 6.8, "dead": 31.0}
    assert stale([Figure("magnitude", 7.0)], settled)
    # "7, according to the national research centre": two sources, each with its own
    assert not stale([Figure("magnitude", 7.0)], settled, attributed=True)
    # an older toll stays stale, attributed or not
    assert stale([Figure("dead", 12.0)], settled, attributed=True)


def _train_story(second: str) -> list[Article]:
    """Three outlets give the train's 155 passengers; a fourth gives another count."""
    return [
        _article(
            "Velna Daily",
            1,
            "Drone hits train",
            "A drone struck a passenger train near Ilsk on Tuesday, killing five people. The "
            "train, running from Ostrov to Ilsk with 155 passengers, was hit near a bridge.",
        ),
        _article(
            "Coast Radio",
            2,
            "Train hit",
            "Five people died when a drone hit a train outside Ilsk. The train was carrying 155 "
            "passengers. Rescuers from Ostrov reached the carriages within the hour.",
        ),
        _article(
            "Lake News",
            3,
            "Train struck",
            "An attack on a train near Ilsk left five dead. There were 155 passengers on board. "
            "The line to Ostrov stayed closed overnight.",
        ),
        _article(
            "Harbour Post",
            4,
            "Train attack",
            f"Five passengers were killed by a drone strike on a train in Ilsk. {second} The "
            "governor called it an act of terror.",
        ),
    ]


def test_a_persons_other_count_does_not_stand_beside_the_count_most_outlets_give() -> None:
    said = "President Arno Vell said the train was carrying more than 200 passengers."
    sheet = build_fact_sheet(_train_story(said), pick_sources(_train_story(said)))
    texts = [f.text for f in sheet.facts]
    assert not any("200" in t for t in texts), texts
    assert any("155" in t for t in texts), texts
    assert any(d.startswith("Harbour Post, sentence 1: a figure") for d in sheet.dropped)
    # credited to an authority of its own, it stands: two sources, each with its own
    office = "The State Rail Agency said the train was carrying more than 200 passengers."
    sheet = build_fact_sheet(_train_story(office), pick_sources(_train_story(office)))
    assert any("200" in f.text for f in sheet.facts), [f.text for f in sheet.facts]


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("Writing on Telegram, he said the rescue would go on all night.", True),
        ("No new deaths were reported in Ilsk, the same source added.", True),
        ("In this, more than 50 homes are expected to be lost.", True),
        ("The organisation, meanwhile, sent two field hospitals.", True),
        ("Also, the governor asked residents to stay indoors.", True),
        ("In the 71st, his cross from the right found the captain.", True),
        ("In the 71st minute, Velna's captain scored from a corner.", False),
        ("Governor Mara Jelen said the search would go on all night.", False),
        ("The civil protection office said 31 people had died.", False),
    ],
)
def test_sentences_that_lean_on_one_we_may_not_use(sentence: str, leans: bool) -> None:
    assert bool(_LEANS_BACK.search(sentence)) is leans


def _probe_story() -> list[Article]:
    """Three outlets on a probe's landing; one opens with the launch weeks before, a sentence
    rich in names and numbers that the headlines do not name."""
    return [
        _article(
            "Velna Daily",
            0,
            "Velnan probe lands near the moon's north pole",
            "Velna's Strela-2 probe, named after a river in Ostrov province, lifted off from "
            "the Kasko launch site on 14 June with 1,200 kilograms of fuel. The probe landed "
            "near the moon's north pole on Thursday, the space agency said. Engineers in "
            "Ostrov cheered as the first pictures came in.",
        ),
        _article(
            "Coast Radio",
            2,
            "Strela-2 probe lands near lunar north pole",
            "Strela-2 left the Kasko launch site on 14 June. A Velnan probe has landed near "
            "the north pole of the moon, a first for the country's space programme. The "
            "agency said the lander would work for 14 days.",
        ),
        _article(
            "Harbour Post",
            3,
            "Velna's probe lands on the moon",
            "The prime minister watched from the agency's control room in Ostrov with 300 "
            "guests. Velna's Strela-2 probe touched down near the moon's north pole on "
            "Thursday evening. The landing makes Velna the fifth country to reach the moon.",
        ),
    ]


def test_the_lead_is_the_event_the_headlines_name_not_its_background() -> None:
    sources = _probe_story()
    sheet = build_fact_sheet(sources, pick_sources(sources))
    assert "landed" in sheet.facts[0].text or "touched down" in sheet.facts[0].text, [
        f.text for f in sheet.facts
    ]
    assert not sheet.facts[0].text.startswith("Velna's Strela-2 probe, named after")


def _final_story() -> list[Article]:
    return [
        _article(
            "Velna Daily",
            0,
            "Velna win the Coastal Cup",
            "Captain Ilse Marn scored the only goal as Velna beat holders Ostrov 1-0 to win the "
            "Coastal Cup in Ilsk on Sunday. Marn struck in the 29th minute from a corner. "
            "About 40,000 fans watched in the rain.",
        ),
        _article(
            "Coast Radio",
            1,
            "Velna beat Ostrov to take the Coastal Cup",
            "Velna are the Coastal Cup champions, having beaten Ostrov by a goal to nil in the "
            "final in Ilsk, and so avenged last year's defeat. Ostrov's keeper saved a penalty "
            "in the second half. The trophy was handed over by the league's president.",
        ),
    ]


def test_a_claim_a_sentence_repeats_in_one_of_its_clauses_is_told_once() -> None:
    """Two outlets' openings tell the win in other words, one in a clause before the news
    it adds: with an embedder, the second is a repeat (SAME_CLAIM, clause by clause)."""
    from newsdesk.models.embedding import MiniLMEmbedder
    from newsdesk.writing.factsheet import claim_clauses

    # cut at commas and joining words; who said it is no claim
    assert claim_clauses(
        "Velna are the champions, having beaten Ostrov 2-1 on Sunday, the coach said."
    ) == [
        "Velna are the champions",
        "having beaten Ostrov 2-1 on Sunday",
    ]
    sources = _final_story()
    texts = [f.text for f in build_fact_sheet(sources, pick_sources(sources)).facts]
    assert any(t.startswith("Velna are the Coastal Cup champions") for t in texts), texts
    embedded = build_fact_sheet(sources, pick_sources(sources), embedder=MiniLMEmbedder())
    texts = [f.text for f in embedded.facts]
    assert any(t.startswith("Captain Ilse Marn scored") for t in texts), texts
    assert not any(t.startswith("Velna are the Coastal Cup champions") for t in texts), texts


def _magnitude_story(lone: str) -> list[Article]:
    told = [
        ("Velna Daily", "The quake had a magnitude of 6.3, the Velna Geological Survey said."),
        ("Coast Radio", "The Velna Geological Survey put the magnitude of the tremor at 6.3."),
        (
            "Harbour Post",
            "A magnitude 6.3 quake shook the valley, the Velna Geological Survey said.",
        ),
    ]
    extra = "Rescue teams from Ostrov reached the valley by mid-morning on Tuesday."
    return [
        _article(outlet, hours, "Quake strikes Velna valley", f"{text} {extra if hours else ''}")
        for hours, (outlet, text) in enumerate(told)
    ] + [_article("Ostrov Wire", 5, "Velna quake", f"{lone} Power was cut to 4,000 homes.")]


def test_a_lone_value_from_the_same_authority_is_left_out() -> None:
    """Blind read 7: "the USGS reported a magnitude 6.2" stood beside the 6.3 that five
    outlets credit to the USGS. The same authority under another name ("VGS") gives no
    second source's figure; another authority does (the key of the Morocco event: both)."""
    assert authorities("The VGS reported a magnitude 6.2 quake.") == {"vgs"}
    assert authorities("the Velna Geological Survey said") == {"vgs"}
    same = _magnitude_story("The VGS reported a magnitude 6.2 quake in the valley on Tuesday.")
    sheet = build_fact_sheet(same, pick_sources(same))
    assert not any("6.2" in f.text for f in sheet.facts), [f.text for f in sheet.facts]
    other = _magnitude_story(
        "The quake measured 6.5, according to the Ostrov Seismic Institute on Tuesday."
    )
    sheet = build_fact_sheet(other, pick_sources(other))
    assert any("6.5" in f.text for f in sheet.facts), [f.text for f in sheet.facts]
