"""Second references (writing/references.py): a person named in full once is called by
surname after that. Every text here is ours."""

from __future__ import annotations

from newsdesk.writing.references import second_references


def test_a_person_named_in_full_is_called_by_surname_after() -> None:
    texts = [
        "Central Bank Governor Ana Ruiz said rates would stay at 3.25%.",
        "Central Bank Governor Ana Ruiz told reporters the vote was close.",
        "Mira Kovac, the head of the Red Cross mission in Velna, said 300 were missing.",
        "Mira Kovac, the leader of the Red Cross in Velna, said the toll would rise.",
        "Ana Ruiz's deputy did not speak.",
    ]
    assert second_references(texts) == [
        "Central Bank Governor Ana Ruiz said rates would stay at 3.25%.",
        "Ruiz told reporters the vote was close.",
        "Mira Kovac, the head of the Red Cross mission in Velna, said 300 were missing.",
        "Kovac said the toll would rise.",
        "Ruiz's deputy did not speak.",
    ]


def test_quotes_shared_surnames_places_and_uncued_names_stay() -> None:
    texts = [
        "President Ana Ruiz said the port would reopen.",
        '"Ana Ruiz will not resign," her office said of President Ana Ruiz on Friday.',
        "Coach Piet Marn said the team was tired.",
        "Lena Marn, his daughter, scored twice.",
        "Coach Piet Marn said nothing more.",
        "Rescuers reached the Al Velna region, and the Al Velna region was cut off.",
    ]
    out = second_references(texts)
    assert out[1] == '"Ana Ruiz will not resign," her office said of Ruiz on Friday.'
    # two people called Marn: both stay in full
    assert out[4] == "Coach Piet Marn said nothing more."
    assert out[5] == texts[5]
