"""Page furniture never reaches the account of a story (writing/furniture.py), and the
category and title of an international desk (writing/titles.py). Every text here is ours."""

from __future__ import annotations

import pytest

from newsdesk.models.tagger import pos_tags
from newsdesk.text import split_sentences
from newsdesk.writing.furniture import (
    furniture,
    paragraph_reason,
    pasted_headline,
    sentence_reason,
    strip_lead,
)
from newsdesk.writing.titles import (
    _compressed,
    _ends,
    _title_options,
    choose_category,
    event_label,
    extractive_title,
    names_the_event,
    title_problem,
)


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        # a photo caption with its credit, and a credit line alone
        ("Rescuers dig through the ruins of a school in Velna. Photo: ANA RUIZ/AFP.", "caption"),
        ("Volunteers hand out water in the square - Getty", "caption"),
        ("The harbour master is shown speaking at a briefing in Ostrov.", "caption"),
        # a crosshead or heading, with no sentence end or in capitals
        ("What happened in Velna?", None),
        ("Rescue efforts and casualties", "label"),
        ("WHY THE BRIDGE FAILED: THE ENGINEERS' VIEW", "heading"),
        # time stamps, bylines and credits, calls to action, notices
        ("Published Mar 3, 2026 10:15AM ET", "notice"),
        ("(Reporting by Ana Ruiz; Editing by Tom Lee)", "notice"),
        ("Read more on velnadaily.example", "notice"),
        ("Leave a Reply", "notice"),
        ("(This is a breaking news story. It will be updated.)", "notice"),
        ("Related: How the port grew in ten years", "notice"),
        ("Live Updates", "notice"),
        # a teaser standfirst pointing at what follows
        ("Crowds in Velna cheered the launch all night. Here's what they said!", "notice"),
        # ordinary reporting stays
        ("The bridge over the Velna river collapsed on Monday, officials said.", None),
        ('"We heard a crack, then nothing," said Ana Ruiz, who lives nearby.', None),
    ],
)
def test_paragraph_furniture(paragraph: str, kind: str | None) -> None:
    reason = paragraph_reason(paragraph)
    if kind is None:
        assert reason is None
    else:
        assert reason is not None and (kind in reason or kind in {"label", "heading"})


def test_outlet_voice_and_glued_captions_are_furniture_sentences() -> None:
    body = (
        "Ostrov, March 3: The Velna bridge collapsed on Monday. The claim could not be "
        "independently verified.\n\n"
        "A spokesperson for the port did not immediately respond to a request for comment. "
        "Divers searched the river on Tuesday.(AFP) Two people are missing.\n\n"
        "The rescuers are pictured near the river.\n\n"
        "Ana Ruiz/Getty Images\n\n"
        "At the time of writing, the river was still rising."
    )
    sentences = split_sentences(body)
    found = furniture(body)
    kept = [s for i, s in enumerate(sentences) if i not in found]
    # The splitter keeps "Tuesday.(AFP) Two people are missing." as one sentence: it goes.
    assert kept == ["Ostrov, March 3: The Velna bridge collapsed on Monday."]
    assert strip_lead(kept[0]) == "The Velna bridge collapsed on Monday."


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Velna — The bridge collapsed on Monday.", "The bridge collapsed on Monday."),
        ("New Ostrov: Rescuers worked through the night.", "Rescuers worked through the night."),
        ("(Reuters) - A regulator closed the bank.", "A regulator closed the bank."),
        ("OSTROV, March 3 (Valley Wire) - The port reopened.", "The port reopened."),
        # a headline's kicker, a name with a number in it
        ("Velna-2: The probe landed on Monday.", "The probe landed on Monday."),
        # not datelines: a speaker, a sentence with a dash in it
        ("President Ana Ruiz: We will rebuild.", "President Ana Ruiz: We will rebuild."),
        ("The bridge — built in 1961 — collapsed.", "The bridge — built in 1961 — collapsed."),
    ],
)
def test_leading_datelines_are_cut(sentence: str, expected: str) -> None:
    assert strip_lead(sentence) == expected


def test_a_disaster_abroad_is_world_news_and_a_central_bank_is_business() -> None:
    quake = [
        "A powerful earthquake struck western Nepal, killing at least 120 people.",
        "Rescuers searched the rubble for survivors as the death toll rose.",
    ]
    assert choose_category(quake) == "World"
    # At home it is not foreign news.
    assert choose_category(quake, home="Nepal") != "World"
    bank = [
        "The central bank of Kenya raised its interest rate by half a point to curb inflation.",
        "Economists had expected the bank to hold rates; shares fell on the news.",
    ]
    assert choose_category(bank) == "Business"


def test_a_region_names_its_country_and_the_bodies_are_read_for_it() -> None:
    crash = [
        "Two trains collided near Bahanaga station in Odisha, killing at least 40 people.",
        "Rescuers worked through the night to pull survivors from the wreckage.",
    ]
    assert choose_category(crash) == "World"
    assert choose_category(crash, home="India") != "World"
    # the headlines and chosen sentences name no country; one source's body does
    floods = [
        "Floods swept through the valley overnight, killing at least 40 people.",
        "Rescuers searched for survivors as the death toll rose.",
    ]
    assert choose_category(floods) != "World"
    body = "The floods hit the north of Kenya after a week of rain."
    assert choose_category(floods, context=[body]) == "World"


def test_an_extractive_title_is_a_statement_not_a_fragment() -> None:
    from newsdesk.writing.drafts import Fact, SourceRef
    from newsdesk.writing.rules import SourceWords

    text = (
        "In the largest bank failure in Ostrov since 2008, Velna Savings Bank was closed by "
        "regulators on Friday and its deposits were moved to the state insurer."
    )
    fact = Fact(text=text, source=SourceRef(0, 0), outlet="Velna Daily", score=1.0, position=0.0)
    evidence = SourceWords.of([text])
    title = extractive_title([fact], ["Velna Savings Bank fails"], evidence)
    assert title.startswith("Velna Savings Bank Was Closed by Regulators")
    assert not title.lower().startswith("in the largest")


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # the clause goes on with the phrase that says what happened, past the inserts
        (
            "At least 31 people were killed and 40 were hurt, including four children, in the "
            "earthquake that struck the Velna valley on Tuesday.",
            "At Least 31 People Were Killed in the Earthquake That Struck the Velna Valley",
        ),
        # a leading attribution is not the news
        (
            "Officials said 19 people had died in Ilsk and 12 in Ostrov after the storm.",
            "19 People Had Died in Ilsk and 12 in Ostrov After the Storm",
        ),
        # a list is not cut into one ("citizens, five" is no pair of adjectives)
        (
            "The passengers included 53 Velnan citizens, five Ostrovans, four Danes.",
            "The Passengers Included 53 Velnan Citizens",
        ),
        # a short name in commas between the subject and its verb goes
        (
            "Estmark's first weather satellite, Fyr-2, reached orbit on Tuesday after a launch.",
            "Estmark's First Weather Satellite Reached Orbit",
        ),
        # the main verb, not the relative clause's; a whole clause of 15 words stays whole
        (
            "The death toll from a massive quake that struck Velna and Ostrov climbed above "
            "1,500 on Wednesday, as rescuers dug through the night.",
            "The Death Toll from a Massive Quake That Struck Velna and Ostrov Climbed Above 1,500",
        ),
        # "About 320 people" is a subject with its count's hedge
        (
            "About 320 people were evacuated from their homes in Marrowgate overnight.",
            "About 320 People Were Evacuated from Their Homes in Marrowgate Overnight",
        ),
    ],
)
def test_title_options(sentence: str, title: str) -> None:
    assert title in _title_options(sentence)


def test_a_title_never_ends_waiting_for_its_object() -> None:
    options = _title_options(
        "A drone attack on a passenger train near Ilsk in the far north of Estmark has left "
        "at least five people dead."
    )
    assert not any(o.endswith(("Has Left", "Near", "In", "Of")) for o in options), options


def test_a_title_never_ends_on_what_was_recorded_or_reported() -> None:
    sentence = (
        "The Velna Relief Agency (VRA) recorded on Tuesday afternoon that 268 people had died in "
        "the quake, but it has identified only 122 of them."
    )
    assert not any(o.endswith(("Recorded", "Reported")) for o in _title_options(sentence))
    cut, whole, closed = pos_tags(
        [
            "Estmark Earthquake: The Velna Relief Agency (VRA) Recorded",
            "The Velna Relief Agency Recorded 268 Deaths",
            "Harbour Bank Was Closed Friday",
        ]
    )
    assert not _ends(cut)
    assert _ends(whole) and _ends(closed)


@pytest.mark.parametrize(
    ("sentence", "pasted"),
    [
        # the headline pasted as the first line of the body, a sign changed
        ("Death toll in Velna bridge collapse is 27 & not 31, says governor.", True),
        # a lead that retells the headline with more in it stays
        (
            "The death toll in the Velna bridge collapse is 27, not 31 as first reported, the "
            "governor said on Tuesday evening after a recount.",
            False,
        ),
        ("The governor said the bridge would be rebuilt.", False),
    ],
)
def test_the_headline_pasted_into_the_body_is_furniture(sentence: str, pasted: bool) -> None:
    headline = "Death toll in Velna bridge collapse is 27, not 31, says governor"
    assert pasted_headline(sentence, headline) is pasted
    body = f"{sentence} Divers searched the river on Tuesday."
    assert (0 in furniture(body, headline)) is pasted
    assert furniture(body) == {}


def test_a_relative_clause_is_no_statement_of_its_own() -> None:
    options = _title_options(
        "The death toll from a massive quake that struck Velna and Ostrov climbed above 1,500 "
        "on Wednesday night after rescuers in both countries pulled more bodies from the ruins."
    )
    assert not any(o.startswith("The Death Toll") and "Climbed" not in o for o in options)


def test_a_title_leaves_out_a_cut_accusation_and_an_also() -> None:
    options = _title_options(
        "President Ana Ruiz on Saturday accused the militia's chief Piet Marn, whom she did "
        "not name, of treason and warned of punishment."
    )
    assert "President Ana Ruiz on Saturday Accused the Militia's Chief Piet Marn" not in options
    assert not _title_options("Militia fighters had also taken control of the airport at Ilsk.")


@pytest.mark.parametrize(
    ("headlines", "label"),
    [
        (
            [
                "Velnan drone strike on passenger train in Ostrov region kills three",
                "Ostrov train hit: death toll rises",
                "Velnan drone strike on train kills five in Ostrov",
                "Leaders condemn the drone strike on a train",
            ],
            "Ostrov Drone Strike",
        ),
        (
            [
                "Estmark earthquake death toll rises to 632",
                "800 killed as a quake strikes in Estmark",
                "Estmark earthquake: toll passes 1,000",
            ],
            "Estmark Earthquake",
        ),
        # two countries most headlines name, in the order they give them
        (
            [
                "Quake toll passes 4,000 in Turkey and Syria",
                "Turkey, Syria earthquake kills 9,000",
                "Earthquake in Turkey and Syria: toll climbs",
            ],
            "Turkey and Syria Earthquake",
        ),
        # no event noun two headlines share: a rate decision, a final
        (["Central bank lifts rates to 4%", "Bank of Estmark raises rates again"], None),
        (["Velna beat Ostrov to win the cup", "Velna win the Coastal Cup final"], None),
    ],
)
def test_event_label(headlines: list[str], label: str | None) -> None:
    found = event_label(headlines)
    assert (str(found) if found else None) == label


def test_a_title_that_names_neither_the_event_nor_its_place_is_led_by_them() -> None:
    headlines = [
        "Estmark earthquake death toll rises to 632",
        "800 killed as a quake strikes in Estmark",
        "Estmark earthquake: toll passes 1,000",
    ]
    assert (
        names_the_event("Rescuers Reached Three Villages Cut off by Landslides", headlines)
        == "Estmark Earthquake: Rescuers Reached Three Villages Cut off by Landslides"
    )
    # the event named, not the place: the place alone
    assert (
        names_the_event("At Least 1,012 People Were Killed in the Powerful Quake", headlines)
        == "Estmark: At Least 1,012 People Were Killed in the Powerful Quake"
    )
    named = "Estmark Earthquake Toll Rises to 1,012 as Rescuers Dig"
    assert names_the_event(named, headlines) == named
    # too long with the label: as it was
    long = "Rescuers " + " ".join(["and volunteers"] * 6) + " Reached Three Villages"
    assert names_the_event(long, headlines) == long
    # a label of its own: no second one before it ("Odisha: Coromandel Express Accident: ...")
    labelled = "Valley Landslides: Rescuers Reached Three Villages"
    assert names_the_event(labelled, headlines) == labelled


def test_a_title_may_not_turn_the_sides_around() -> None:
    from newsdesk.writing.rules import SourceWords

    evidence = SourceWords.of(
        [
            "A Velnan drone strike hit a passenger train in the Ostrov region, killing five.",
            "Velna's attack on the train was condemned abroad.",
        ]
    )
    headlines = ["Drone strike on train kills five"]
    problem = title_problem("Ostrovan Drone Strike Hits Passenger Train", headlines, evidence)
    assert problem == "no source calls the strike Ostrovan"
    for title in (
        "Velnan Drone Strike Hits Passenger Train in Ostrov",
        "Velnan Attack on Passenger Train Condemned Abroad",
    ):
        assert title_problem(title, headlines, evidence) is None


def test_a_title_is_not_a_list_nor_a_word_told_twice() -> None:
    from newsdesk.writing.rules import SourceWords

    evidence = SourceWords.of(
        [
            "The floods in Velna killed 11,300 people in Ostrov and 10,000 are missing.",
            "Ostrov city is in danger, officials said, as the waters rose.",
            "Velna landed its first probe on the moon, the first soft landing there.",
        ]
    )
    headlines = ["Velna floods kill thousands", "Velna probe lands on the moon"]
    listed = "Velna Floods: 11,300 Dead, 10,000 Missing, Ostrov City in Danger"
    assert title_problem(listed, headlines, evidence) == "a list, not a headline"
    twice = "Velna Lands First Soft-Landing on the Moon"
    assert title_problem(twice, headlines, evidence) == "says 'lands' and 'landing'"
    for fine in (
        "Velna Floods Killed 11,300 People in Ostrov",  # the comma in 11,300 is no list
        "Velna Floods: 10,000 Missing in Velna's Ostrov",  # a name twice is a name
        "Velna Landed Its First Probe on the Moon",
    ):
        assert title_problem(fine, headlines, evidence) is None, fine


def test_a_title_never_gives_the_count_its_sentence_corrects() -> None:
    from newsdesk.writing.drafts import Fact, SourceRef
    from newsdesk.writing.rules import SourceWords

    lead = (
        "The Velna relief agency put the death toll at 174 on Sunday afternoon, but later "
        "lowered it to 125 after some victims were counted twice."
    )
    other = "Fans stormed the pitch at Velna Stadium after the home side lost 3-2."
    facts = [
        Fact(lead, SourceRef(0, 0), "Velna Daily", 1.0),
        Fact(other, SourceRef(1, 0), "Ostrov Post", 0.5),
    ]
    headlines = ["Velna stadium crush: toll revised", "Velna crush toll lowered"]
    title = extractive_title(facts, headlines, SourceWords.of([lead, other]))
    assert "174" not in title and title != "Untitled Story", title


def test_a_lead_too_long_to_cut_is_said_shorter_as_a_headline() -> None:
    lead = (
        "A Velnan drone attack on a crowded passenger train in north-eastern Ostrov has left "
        "at least five people dead, prosecutors in the region said on Tuesday."
    )
    assert not _title_options(lead)  # no cut of it is a whole statement
    assert _title_options(lead, compress=True) == [
        "Velnan Drone Attack on Passenger Train in Ostrov Has Left at Least Five People Dead"
    ]
    # adjectives that change what is true stay: "former", "acting"
    assert _compressed("The former president met the acting governor in a small village") == (
        "former president met acting governor in village"
    )


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The toll will be updated around 2pm: Kestria Chief Secy Ana Ruiz.", "live blog"),
        (
            "Anyone who wants news of a passenger can call the helpline number 033-2638221 at "
            "Ostrov station.",
            "helpline",
        ),
        ("The railway opened helplines for relatives on Saturday.", None),
        ("Officials said one thing was clear: Ostrov.", None),
        ('Ruiz put it plainly: "We Will Rebuild Every Bridge."', None),
    ],
)
def test_live_blog_lines_and_helpline_notices_are_furniture(
    sentence: str, kind: str | None
) -> None:
    reason = sentence_reason(sentence)
    assert (reason is None) == (kind is None), reason
    assert kind is None or kind in str(reason)


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        (
            "Regional prosecutors say the train was struck near a village while operating "
            "from Ilsk to the coast.",
            "Train Struck Near Village",
        ),
        (
            "At least 2,012 people were killed in the quake.",
            "At Least 2,012 People Killed in Quake",
        ),
        # the phrase between subject and verb goes when the verb would not fit otherwise
        (
            "The death toll in a powerful earthquake around Velna has risen to 820 people, "
            "officials said.",
            "Death Toll Has Risen to 820 People",
        ),
        # not a clause between them: "Congrats [to them but this] is hard part of football"
        ("Congrats to them but this is the hard part of football.", None),
        (
            "Many of the victims were trampled or choked to death.",
            "Many of Victims Trampled",  # not "... or Choked" wanting "to death"
        ),
        # the object cut off or a verb with nothing after it: no headline
        (
            "The 12th-century Velna Mosque, one of the city's most famed landmarks, suffered "
            "damage, but the extent was not clear.",
            None,
        ),
        ('"We will rebuild," the mayor said.', None),
        # framing that says nothing of its own goes first
        (
            "It was found that some bodies in Ilsk were counted twice.",
            "Some Bodies in Ilsk Counted Twice",
        ),
        (
            "All together 1,175 injured people were taken to hospitals, he said.",
            "1,175 Injured People Taken to Hospitals",
        ),
        (
            "It comes as inflation in Velna has slowed sharply.",
            "Inflation in Velna Has Slowed Sharply",
        ),
        (
            "In a much-awaited move, the council approved the new bus depot.",
            "Council Approved New Bus Depot",
        ),
        # "also" needs the sentence before it; a participle opens a phrase a cut may leave out
        (
            "Local people also posted videos showing damage to the old red walls of Ilsk.",
            "Local People Posted Videos",
        ),
    ],
)
def test_a_short_headline_of_a_sentence(sentence: str, headline: str | None) -> None:
    from newsdesk.writing.titles import short_headline

    assert short_headline(sentence, 7) == headline
