"""Run `verify` on every case of eval/truth and report recall and false alarms.

    .venv/bin/python eval/truth/run.py --judge none            # dev cases, checks only
    .venv/bin/python eval/truth/run.py --judge embedded        # + Qwen2.5-Coder-1.5B judge
    .venv/bin/python eval/truth/run.py --part heldout --judge none

Recall: planted errors whose sentence is not "supported". False alarms: correct sentences that
are flagged. Both overall and per error type; `fired` shows which checks flagged what.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from newsdesk.cli.verify import JudgeKind, make_judge
from newsdesk.models.registry import story_models
from newsdesk.models.text import Completion, Prompt, TextModel
from newsdesk.settings import load_settings
from newsdesk.verify import SourceDoc, SupportsEmbed, Verdict, Verification, verify

HERE = Path(__file__).resolve().parent
OK = "ok"
# dev: the checks were built looking at it. heldout: run once the checks were done.
# heldout2: written after fixes prompted by the first heldout run, and run once after them.
# heldout3: written blind to the checks on 2026-11-26 and run once.
# heldout4: written blind to the checks and to the heldout3 fixes on 2026-11-27 and run once.
# real_dev: real reporting (../shared/corpora/extraction pages and multi-outlet coverage of
# events of 2023 or earlier, or 2026), drafts written blind to the checks on 2026-12-05; issue
# 16's work was developed looking at it. real_blind: the same, written blind and run once (its
# misses were read after that run). real_blind2: written blind on 2026-12-06, run once.
# real_blind3: written blind later on 2026-12-06, after that session's changes to the checks.
INVENTED = ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
REAL = ("real_dev", "real_blind", "real_blind2", "real_blind3", "real_model")
PARTS = (*INVENTED, *REAL)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    sources: tuple[SourceDoc, ...]
    sentences: tuple[str, ...]
    labels: tuple[str, ...]
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)


def load_case(path: Path) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = tuple(
        SourceDoc(
            a["title"],
            a["outlet"],
            a["url"],
            datetime.fromisoformat(a["published"]) if a.get("published") else None,
            a["body"],
        )
        for a in data["articles"]
    )
    draft = data["draft"]
    return Case(
        path.stem,
        sources,
        tuple(s["text"] for p in draft for s in p),
        tuple(s["label"] for p in draft for s in p),
        tuple(tuple(s["text"] for s in p) for p in draft),
    )


def load_cases(part: str) -> list[Case]:
    groups = {"all": PARTS, "invented": INVENTED, "real": REAL}
    parts = list(groups.get(part, (part,)))
    return [load_case(p) for name in parts for p in sorted((HERE / name).glob("*.json"))]


class CountingModel:
    """Wraps the judge to count its calls and tokens: a time estimate that does not depend on
    what else the machine is running."""

    def __init__(self, model: TextModel) -> None:
        self.model = model
        self.name = model.name
        self.calls = self.prompt_tokens = self.completion_tokens = 0
        self.seconds = 0.0

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion:
        completion = self.model.complete(prompt, schema=schema)
        self.calls += 1
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.seconds += completion.seconds
        return completion

    def take(self) -> str:
        line = (
            f"{self.calls} judge calls, {self.prompt_tokens} prompt + "
            f"{self.completion_tokens} output tokens, {self.seconds:.1f} s in the model"
        )
        self.calls = self.prompt_tokens = self.completion_tokens = 0
        self.seconds = 0.0
        return line


@dataclass(slots=True)
class Report:
    flagged: Counter[str] = field(default_factory=Counter)  # label -> flagged sentences
    total: Counter[str] = field(default_factory=Counter)  # label -> sentences
    fired: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    judge_use: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(n for label, n in self.total.items() if label != OK)

    @property
    def recall(self) -> float:
        caught = sum(n for label, n in self.flagged.items() if label != OK)
        return caught / self.errors if self.errors else 1.0

    @property
    def false_alarms(self) -> float:
        return self.flagged[OK] / self.total[OK] if self.total[OK] else 0.0

    def add(self, case: Case, verification: Verification) -> None:
        texts = tuple(s.text for s in verification.sentences)
        if texts != case.sentences:
            raise SystemExit(f"{case.name}: sentence split differs from the labels: {texts}")
        for label, result in zip(case.labels, verification.sentences, strict=True):
            self.total[label] += 1
            flagged = result.verdict is not Verdict.SUPPORTED
            self.flagged[label] += flagged
            for check in sorted({p.check for p in result.problems}):
                self.fired[label][check] += 1
            if flagged != (label != OK):
                problems = "; ".join(str(p) for p in result.problems) or "-"
                self.misses.append(f"[{case.name}] {label}: {result.text}\n      -> {problems}")


def evaluate(
    cases: Sequence[Case], judge: TextModel | None, embedder: SupportsEmbed | None = None
) -> Report:
    report = Report()
    counting = CountingModel(judge) if judge is not None else None
    for case in cases:
        started = time.perf_counter()
        verification = verify(case.sources, case.text, judge=counting, embedder=embedder)
        report.seconds[case.name] = time.perf_counter() - started
        if counting is not None:
            report.judge_use[case.name] = counting.take()
        report.add(case, verification)
    return report


def print_report(report: Report, title: str) -> None:
    print(f"\n== {title}")
    for name, seconds in report.seconds.items():
        print(f"  {name:<28} {seconds:6.2f} s   {report.judge_use.get(name, '')}")
    total = sum(report.seconds.values())
    print(f"  {'mean per story':<28} {total / max(len(report.seconds), 1):6.2f} s")
    print(f"\n  {'label':<18}{'flagged':>9}{'rate':>7}   checks that fired")
    for label in sorted(report.total, key=lambda x: (x == OK, x)):
        n, k = report.total[label], report.flagged[label]
        fired = ", ".join(f"{c} {m}" for c, m in report.fired[label].most_common())
        print(f"  {label:<18}{k:>4}/{n:<4}{k / n:>7.2f}   {fired}")
    print(f"\n  recall on planted errors: {report.recall:.3f} ({report.errors} errors)")
    print(f"  false alarms on correct sentences: {report.false_alarms:.3f} ({report.total[OK]})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=[*PARTS, "all", "invented", "real"], default="dev")
    parser.add_argument("--judge", choices=[k.value for k in JudgeKind], default="none")
    parser.add_argument("--base-url", help="for --judge openai")
    parser.add_argument("--model", help="for --judge openai")
    parser.add_argument("--api-key", help="for --judge openai")
    parser.add_argument(
        "--embedder",
        choices=["minilm", "none"],
        default="minilm",
        help="sentence and word similarity for citations and synonyms (as `newsdesk verify`)",
    )
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    overrides = {"openai_base_url": args.base_url, "openai_model": args.model}
    settings = load_settings(cli_overrides={**overrides, "openai_api_key": args.api_key})
    judge = make_judge(JudgeKind(args.judge), settings)
    embedder = story_models(settings)[0] if args.embedder == "minilm" else None
    report = evaluate(load_cases(args.part), judge, embedder)
    print_report(report, f"eval/truth {args.part}, judge {args.judge}")
    if args.show_misses:
        print("\n  misses:")
        for miss in report.misses:
            print(f"    {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
