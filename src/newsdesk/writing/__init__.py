"""Writing: the account of a story (fact sheet), the house article and the voices.

factsheet -> house (paragraphs, titles, rewording) and restyle (sections); `rules` and
`grammar` are the cheap house rules the writers apply before the verifier sees a sentence."""
