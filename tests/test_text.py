from newsdesk.text import content_words, split_sentences


def test_sentences_respect_abbreviations_quotes_and_paragraphs() -> None:
    text = (
        'Mr. Smith went to Washington. He said "no." Then U.S. officials left at 5 p.m. on '
        "Monday. The end!\n\nNew para. J. Doe agreed."
    )
    assert split_sentences(text) == [
        "Mr. Smith went to Washington.",
        'He said "no."',
        "Then U.S. officials left at 5 p.m. on Monday.",
        "The end!",
        "New para.",
        "J. Doe agreed.",
    ]


def test_numbers_and_lowercase_starts_do_not_split() -> None:
    assert split_sentences("It rose 3.5 per cent. it fell later") == [
        "It rose 3.5 per cent. it fell later"
    ]
    assert split_sentences("   \n\n  ") == []


def test_content_words_drop_stopwords_and_keep_numbers() -> None:
    assert content_words("The mayor said 40 teachers will start in June.") == [
        "mayor",
        "40",
        "teachers",
        "start",
        "june",
    ]
