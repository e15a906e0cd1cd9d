"""Writing: the account of a story (fact sheet), the house article and the voices.

factsheet -> house (paragraphs, titles, rewording) and restyle (sections); `rules` and
`grammar` are the cheap house rules the writers apply before the verifier sees a sentence."""

from newsdesk.writing.drafts import Draft, Fact
from newsdesk.writing.factsheet import build_fact_sheet, pick_sources
from newsdesk.writing.house import write_story
from newsdesk.writing.restyle import Rewrite, restyle

__all__ = [
    "Draft",
    "Fact",
    "Rewrite",
    "build_fact_sheet",
    "pick_sources",
    "restyle",
    "write_story",
]
