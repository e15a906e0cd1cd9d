"""The grammar guard on model rewordings: each broken pattern our benchmarks saw, on
sentences written for the test, and correct rewordings it must let through."""

import pytest

from newsdesk.writing.drafts import Fact, SourceRef
from newsdesk.writing.grammar import grammar_problem
from newsdesk.writing.rewording import align_reply
from newsdesk.writing.rules import SourceWords

FACT_CAFE = (
    "At the bakery on Quay Street, news of the new ferry was met on Monday with quiet relief."
)
FACT_MILL = "The closure of the paper mill cost 800 jobs."
FACT_FIRM = "A Tarnby software company has promised 300 jobs in Elmsford."


@pytest.mark.parametrize(
    ("sentence", "fact", "problem"),
    [
        (
            "News of the new ferry was met quietly relief on Monday at the bakery.",
            FACT_CAFE,
            "ungrammatical: 'quietly relief'",
        ),
        ("Closure of the paper mill costs 800 jobs.", FACT_MILL, "present: 'costs'"),
        ("A Tarnby software company promises 300 jobs in Elmsford.", FACT_FIRM, "'promises'"),
        (
            "Tarnby software company has promised 300 jobs in Elmsford.",
            FACT_FIRM,
            "drops the article",
        ),
    ],
)
def test_broken_rewordings_are_named(sentence: str, fact: str, problem: str) -> None:
    found = grammar_problem(sentence, fact)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    ("sentence", "fact"),
    [
        ("News of the new ferry was met with quiet relief at the bakery on Monday.", FACT_CAFE),
        ("The paper mill's closure cost 800 jobs.", FACT_MILL),
        ("The closure of the paper mill resulted in the loss of 800 jobs.", FACT_MILL),
        ("Elmsford will get 300 jobs from a Tarnby software company, it has promised.", FACT_FIRM),
        ("Tarnby's Lumen Software has promised 300 jobs in Elmsford.", FACT_FIRM),  # a name
        (FACT_MILL, FACT_MILL),
        # The fact's own tense and patterns are not the rewording's fault.
        (
            "The mayor says the mill costs the town dearly.",
            "The mayor says the mill costs the town dearly.",
        ),
        (
            "The newly built school only opened on Monday.",
            "The newly built school opened on Monday.",
        ),
    ],
)
def test_correct_rewordings_pass(sentence: str, fact: str) -> None:
    assert grammar_problem(sentence, fact) is None


def test_align_uses_the_fact_where_the_rewording_is_broken() -> None:
    facts = [Fact(FACT_MILL, SourceRef(0, 0), "Test Wire", 1.0)]
    evidence = SourceWords.of([FACT_MILL])
    lines, notes = align_reply("Closure of the paper mill costs 800 jobs.", facts, evidence)
    assert [(line.text, line.by_model) for line in lines] == [(FACT_MILL, False)]
    assert "tells a past event in the present" in notes[0]
