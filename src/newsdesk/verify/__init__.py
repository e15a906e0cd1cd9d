"""Verification: is every sentence of a draft supported by the sources it cites?

`verifier` splits the draft, cites each sentence and runs the exact `checks`; `judge` asks a
model where the checks cannot decide; `repair` rewrites or drops what failed."""

from newsdesk.models.embedding import SupportsEmbed
from newsdesk.verify.checks.documents import SourceDoc
from newsdesk.verify.checks.problems import Problem, Verdict
from newsdesk.verify.repair import Change, Repair, repair
from newsdesk.verify.verifier import SentenceCheck, SourceRef, Verification, hold_reasons, verify

__all__ = [
    "Change",
    "Problem",
    "Repair",
    "SentenceCheck",
    "SourceDoc",
    "SourceRef",
    "SupportsEmbed",
    "Verdict",
    "Verification",
    "hold_reasons",
    "repair",
    "verify",
]
