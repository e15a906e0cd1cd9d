"""Repair help: a text model rewrites a failed sentence from its evidence, or gives it up."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, Field

from newsdesk.models.text import Prompt, TextModel, complete_json

SYSTEM = """You repair one sentence of a news draft that its sources do not support. Rewrite \
it so that it says only what the EVIDENCE says: keep names, titles, numbers and quotes exactly \
as the evidence gives them, add nothing, write one plain sentence. If the evidence cannot \
support any version of it, answer with action "drop"."""


class Action(StrEnum):
    REWRITE = "rewrite"
    DROP = "drop"


class Rewrite(BaseModel):
    action: Action
    sentence: str = Field(default="", max_length=400)


def rewrite_sentence(
    model: TextModel, sentence: str, problems: Sequence[str], evidence: Sequence[str]
) -> str | None:
    """The model's rewrite of `sentence` from `evidence`, or None when it should be dropped."""
    if not evidence:
        return None  # nothing to rewrite from: asking the model would invite invention
    lines = ["EVIDENCE:", *(f"- {e}" for e in evidence), "", f"SENTENCE: {sentence}"]
    lines += ["PROBLEMS:", *(f"- {p}" for p in problems)]
    prompt = Prompt(SYSTEM, "\n".join(lines), max_tokens=120, temperature=0.0)
    reply = complete_json(model, prompt, Rewrite)
    text = " ".join(reply.sentence.split())
    return text if reply.action is Action.REWRITE and text else None
