"""What a check reports: a verdict for one sentence and a short reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    SUPPORTED = "supported"
    UNSUPPORTED = "unsupported"  # the sources do not say it
    CONTRADICTED = "contradicted"  # the sources say something else


@dataclass(frozen=True, slots=True)
class Problem:
    check: str  # numbers | names | quotes | places | titles | support | judge
    verdict: Verdict
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


def worst(problems: list[Problem] | tuple[Problem, ...]) -> Verdict:
    """The sentence verdict: contradicted beats unsupported beats supported."""
    verdicts = {p.verdict for p in problems}
    for verdict in (Verdict.CONTRADICTED, Verdict.UNSUPPORTED):
        if verdict in verdicts:
            return verdict
    return Verdict.SUPPORTED
