"""Does the embedded LLM's first-token probability rank sentences by "supported by its sources"?

    # choose the prompt variant on real_dev (ROC AUC)
    .venv/bin/python bench/judge_logits.py --parts real_dev --variants plain,fewshot
    # then run the chosen one on the real parts, thresholds fixed on real_dev
    .venv/bin/python bench/judge_logits.py --variants plain --tune-on real_dev \\
        --parts real_dev,real_blind,real_blind2,real_blind3,real_model
    .venv/bin/python bench/judge_logits.py ... --limit 60      # subsample each part (seeded)

What it measures. For every labelled sentence of the eval/truth parts named, the evidence the
model judge would read (newsdesk.verify.judge.judge_evidence: the best-cited source sentence
with the one before it, then up to two more that add the claim's words and figures) goes into a
chat prompt for Qwen2.5-Coder-1.5B-Instruct Q4_K_M (the packaged "embedded" model, loaded from
the registry's path with llama-cpp-python, 2 threads), which ends by asking "Is every fact in
the claim stated in the evidence? Answer Yes or No.". Nothing is generated: the script reads
the logits of the first answer token and scores

    score = log P(Yes-like first token) - log P(No-like first token)

(each side the log-sum-exp over "Yes", " Yes", "yes", ...; the full vocabulary is normalised).
A low score means "not supported": planted errors are the positives. Per part it prints the
ROC AUC, recall and false-alarm rate at thresholds chosen on the tuning part (false alarms
<= 0.07 there, and the one maximising recall - false alarms), per error kind how many are
flagged, and seconds per sentence with the load average. It also records which sentences the
deterministic checks already flag and which ones the verifier would send to its judge (a
recording stand-in judge that always answers "supported"), to show what the score would add
as a judge behind the checks.

Caches in /tmp/judgelogit/ (override with --cache-dir): the evidence per part
(evidence-<part>.json; delete it to rebuild after src/ changes) and prompt -> first-token log
probabilities (scores.json), so reruns cost no model time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "eval" / "truth"
OK = "ok"
YES = ("Yes", " Yes", "yes", " yes", "YES", " YES")
NO = ("No", " No", "no", " no", "NO", " NO")
TARGET_FALSE_ALARMS = 0.07
EVIDENCE_VERSION = 2  # bump when Item changes: the evidence caches are rebuilt
TOP = 5  # top tokens kept in the cache, to see what else the model wanted to say

SYSTEM = (
    "You are a fact checker for a news desk. You compare one claim from a draft article "
    "with evidence sentences taken from news sources, using only the evidence and never your "
    "own knowledge. A paraphrase of the evidence counts as stated; a fact, cause, detail or "
    "attribution the evidence does not give does not."
)
QUESTION = "Is every fact in the claim stated in the evidence? Answer Yes or No."

# Written for this bench (invented places and people), not taken from eval/truth.
FEW_SHOT: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        (
            "The council voted 7-2 on Tuesday to close the Marsh Lane library at the end of March.",
            "Councillor Ada Brenn said the building needed repairs costing £1.2m.",
        ),
        "Councillors decided by seven votes to two to shut the library in March.",
        "Yes",
    ),
    (
        (
            "Police said two men had been arrested after the fire at a warehouse in Delby.",
            "The cause of the fire is not yet known, a fire service spokesperson said.",
        ),
        "Police arrested two men for starting the warehouse fire in Delby.",
        "No",
    ),
    (
        ("Harlow Foods reported a profit of $340m for the quarter, up 12% on a year earlier.",),
        "Harlow Foods' quarterly profit rose 12% to $340m, its best result in a decade.",
        "No",
    ),
    (
        (
            '"We will not reopen the mine," the energy minister, Lena Varr, told reporters on '
            "Friday.",
        ),
        "Energy minister Lena Varr said the mine would stay closed.",
        "Yes",
    ),
)

VARIANTS = ("plain", "fewshot", "claimfirst")


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled draft sentence with the evidence the judge would read."""

    part: str
    case: str
    index: int
    label: str
    text: str
    evidence: tuple[str, ...]
    checks_flagged: bool  # a deterministic check already flags it (verify with a judge)
    judged: bool  # the verifier would send it to its model judge
    flagged_without_judge: bool  # flagged by `verify(..., judge=None)` (other thresholds)

    @property
    def error(self) -> bool:
        return self.label != OK


# ----------------------------------------------------------------------------- evidence


def _case_files(part: str) -> list[Path]:
    files = sorted((TRUTH / part).glob("*.json"))
    if not files:
        raise SystemExit(f"no cases in {TRUTH / part}")
    return files


def _digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_evidence(part: str) -> list[Item]:
    """Evidence per sentence, as the judge would get it, plus what the checks do."""
    # Imported here: the scoring and reporting work from the cache without newsdesk's models.
    from pydantic import BaseModel

    from newsdesk.models.fake import FakeModel
    from newsdesk.models.ner import spacy_entities
    from newsdesk.models.registry import story_models
    from newsdesk.models.text import Prompt
    from newsdesk.settings import load_settings
    from newsdesk.verify import Verdict, verify
    from newsdesk.verify.checks.evidence import prepare
    from newsdesk.verify.checks.support import EmbeddedWords, align_sentence, similarity_matrix
    from newsdesk.verify.judge import judge_evidence

    sys.path.insert(0, str(TRUTH))
    from run import load_case

    def supported(prompt: Prompt, schema: type[BaseModel] | None) -> str:
        fields = schema.model_json_schema().get("properties", {}) if schema else {}
        return json.dumps({"answer": "STATED"} if "answer" in fields else {"rating": "SUPPORTED"})

    embedder = story_models(load_settings())[0]
    items: list[Item] = []
    for path in _case_files(part):
        case = load_case(path)  # eval/truth/run.py's reading of a case
        sources, sentences, labels, text = case.sources, case.sentences, case.labels, case.text
        evidence, draft = prepare(sources, text, spacy_entities)
        if [s.text for s in draft.sentences] != list(sentences):
            raise SystemExit(f"{path.stem}: sentence split differs from the labels")
        similarity = similarity_matrix(sentences, evidence, embedder)
        words = EmbeddedWords(embedder)
        recorder = FakeModel(supported)
        checked = verify(sources, text, judge=recorder, embedder=embedder)
        alone = verify(sources, text, judge=None, embedder=embedder)
        asked = {
            line.split(": ", 1)[1]
            for prompt in recorder.prompts
            for line in prompt.user.splitlines()
            if line.startswith(("CLAIM: ", "SENTENCE: "))
        }
        for i, (sentence, label) in enumerate(zip(sentences, labels, strict=True)):
            alignment = align_sentence(
                sentence, evidence, None if similarity is None else similarity[i], words
            )
            items.append(
                Item(
                    part,
                    path.stem,
                    i,
                    label,
                    sentence,
                    tuple(judge_evidence(sentence, alignment, evidence)),
                    checked.sentences[i].verdict is not Verdict.SUPPORTED,
                    sentence in asked,
                    alone.sentences[i].verdict is not Verdict.SUPPORTED,
                )
            )
    return items


def load_items(part: str, cache_dir: Path) -> list[Item]:
    path = cache_dir / f"evidence-{part}.json"
    key = f"{EVIDENCE_VERSION}-{_digest(_case_files(part))}"
    if path.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached["cases"] == key:
            return [Item(**{**row, "evidence": tuple(row["evidence"])}) for row in cached["items"]]
    items = build_evidence(part)
    payload = {
        "cases": key,
        "built": datetime.now().isoformat(),
        "items": [asdict(x) for x in items],
    }
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return items


# ----------------------------------------------------------------------------- prompts


def _evidence_block(evidence: Sequence[str]) -> str:
    if not evidence:
        return "Evidence:\n(no source sentence matches the claim)"
    return "Evidence:\n" + "\n".join(f"{i + 1}. {e}" for i, e in enumerate(evidence))


def _user(evidence: Sequence[str], claim: str, *, claim_first: bool = False) -> str:
    if claim_first:
        return f"Claim: {claim}\n\n{_evidence_block(evidence)}\n\n{QUESTION}"
    return f"{_evidence_block(evidence)}\n\nClaim: {claim}\n\n{QUESTION}"


def messages(variant: str, item: Item) -> list[tuple[str, str]]:
    """The chat as (role, content) pairs, up to the user's question about `item`."""
    chat = [("system", SYSTEM)]
    if variant == "fewshot":
        for evidence, claim, answer in FEW_SHOT:
            chat += [("user", _user(evidence, claim)), ("assistant", answer)]
    chat.append(("user", _user(item.evidence, item.text, claim_first=variant == "claimfirst")))
    return chat


def chatml(chat: Sequence[tuple[str, str]]) -> str:
    """Qwen2.5's chat template (ChatML), ending where the assistant's answer starts."""
    turns = "".join(f"<|im_start|>{role}\n{content}<|im_end|>\n" for role, content in chat)
    return turns + "<|im_start|>assistant\n"


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class FirstToken:
    yes: float  # log P, log-sum-exp over the Yes spellings
    no: float
    top: tuple[tuple[str, float], ...]
    prompt_tokens: int
    evaluated: int  # tokens decoded for this prompt (the rest came from the prefix cache)
    seconds: float

    @property
    def score(self) -> float:
        return self.yes - self.no


class FirstTokenScorer:
    """Qwen through llama-cpp-python; reads the first answer token's distribution.

    Decodes only the part of the prompt that differs from the previous one (the system prompt
    and few-shot turns are shared), as Llama.generate does.
    """

    def __init__(self, threads: int = 2, context: int = 4096) -> None:
        from llama_cpp import Llama

        from newsdesk.models.probe import probe_backend
        from newsdesk.models.registry import embedded_model_path

        path = embedded_model_path()  # assembled from the packages; never downloads
        probe_backend(path, threads=threads)
        self.llm = Llama(
            model_path=str(path),
            n_ctx=context,
            n_threads=threads,
            n_threads_batch=threads,
            seed=7,
            verbose=False,
        )
        self.yes_ids = self._single_tokens(YES)
        self.no_ids = self._single_tokens(NO)

    def _single_tokens(self, spellings: Sequence[str]) -> list[int]:
        ids = []
        for text in spellings:
            tokens = self.llm.tokenize(text.encode(), add_bos=False, special=False)
            if len(tokens) == 1:
                ids.append(tokens[0])
        return sorted(set(ids))

    def first_token(self, prompt: str) -> FirstToken:
        import llama_cpp

        tokens = self.llm.tokenize(prompt.encode(), add_bos=False, special=True)
        cached = self.llm.input_ids[: self.llm.n_tokens].tolist()
        keep = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            keep += 1
        keep = min(keep, len(tokens) - 1)  # always decode the last token for fresh logits
        started = time.perf_counter()
        self.llm.n_tokens = keep
        self.llm.eval(tokens[keep:])
        seconds = time.perf_counter() - started
        pointer = llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(self.llm.n_vocab(),)).astype(np.float64)
        logprobs = logits - _logsumexp(logits)
        top = np.argsort(logprobs)[::-1][:TOP]
        return FirstToken(
            yes=_logsumexp(logprobs[self.yes_ids]),
            no=_logsumexp(logprobs[self.no_ids]),
            top=tuple(
                (
                    self.llm.detokenize([int(t)]).decode(errors="replace"),
                    round(float(logprobs[t]), 3),
                )
                for t in top
            ),
            prompt_tokens=len(tokens),
            evaluated=len(tokens) - keep,
            seconds=seconds,
        )

    def close(self) -> None:
        self.llm.close()


def _logsumexp(values: NDArray[np.float64]) -> float:
    peak = float(np.max(values))
    return peak + math.log(float(np.sum(np.exp(values - peak))))


class ScoreCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[str, dict[str, Any]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )

    @staticmethod
    def key(prompt: str) -> str:
        return hashlib.sha256(prompt.encode()).hexdigest()

    def get(self, prompt: str) -> FirstToken | None:
        row = self.rows.get(self.key(prompt))
        if row is None:
            return None
        return FirstToken(**{**row, "top": tuple(tuple(t) for t in row["top"])})

    def put(self, prompt: str, result: FirstToken) -> None:
        self.rows[self.key(prompt)] = asdict(result)

    def save(self) -> None:
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self.rows), encoding="utf-8")
        tmp.replace(self.path)


@dataclass(frozen=True, slots=True)
class Scored:
    item: Item
    result: FirstToken
    fresh: bool  # computed in this run (not from the cache)


def score_items(
    items: Sequence[Item], variant: str, cache: ScoreCache, scorer: FirstTokenScorer | None
) -> tuple[list[Scored], list[float]]:
    """Scores for `items`; the load average (1 min) sampled every ten fresh sentences."""
    out: list[Scored] = []
    loads: list[float] = []
    for n, item in enumerate(items):
        prompt = chatml(messages(variant, item))
        result = cache.get(prompt)
        fresh = result is None
        if result is None:
            if scorer is None:
                raise SystemExit("model needed but --cached-only given")
            result = scorer.first_token(prompt)
            cache.put(prompt, result)
            if n % 10 == 0:
                loads.append(os.getloadavg()[0])
                cache.save()
                print(
                    f"  {variant} {item.part} {n + 1}/{len(items)} "
                    f"{result.seconds:.1f}s load {loads[-1]:.2f}",
                    file=sys.stderr,
                )
        out.append(Scored(item, result, fresh))
    cache.save()
    return out, loads


# ----------------------------------------------------------------------------- metrics


def auc(scored: Sequence[Scored]) -> float:
    """ROC AUC with errors as positives and a LOW score as the alarm (ties count half)."""
    errors = [s.result.score for s in scored if s.item.error]
    correct = [s.result.score for s in scored if not s.item.error]
    if not errors or not correct:
        return float("nan")
    wins = sum((e < c) + 0.5 * (e == c) for e in errors for c in correct)
    return wins / (len(errors) * len(correct))


def auc_interval(scored: Sequence[Scored], rounds: int = 2000) -> tuple[float, float]:
    """95% bootstrap interval of the AUC, resampling errors and correct sentences apart."""
    errors = np.array([s.result.score for s in scored if s.item.error])
    correct = np.array([s.result.score for s in scored if not s.item.error])
    if not len(errors) or not len(correct):
        return float("nan"), float("nan")
    rng = np.random.default_rng(16)
    values = []
    for _ in range(rounds):
        e = rng.choice(errors, len(errors))[:, None]
        c = rng.choice(correct, len(correct))[None, :]
        values.append(float(np.mean((e < c) + 0.5 * (e == c))))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def rates(scored: Sequence[Scored], threshold: float) -> tuple[float, float]:
    """Recall on errors and false alarms on correct sentences, flagging score < threshold."""
    errors = [s for s in scored if s.item.error]
    correct = [s for s in scored if not s.item.error]
    recall = sum(s.result.score < threshold for s in errors) / max(len(errors), 1)
    false_alarms = sum(s.result.score < threshold for s in correct) / max(len(correct), 1)
    return recall, false_alarms


def overlap_auc(scored: Sequence[Scored]) -> float:
    """Baseline without the LLM: the share of the claim's content stems found in its evidence
    (newsdesk's content_stems), ranked the same way (low share = alarm)."""
    from newsdesk.verify.checks.normal import content_stems

    def share(item: Item) -> float:
        claim = content_stems(item.text)
        shown = content_stems(" ".join(item.evidence))
        return len(claim & shown) / len(claim) if claim else 1.0

    errors = [share(s.item) for s in scored if s.item.error]
    correct = [share(s.item) for s in scored if not s.item.error]
    if not errors or not correct:
        return float("nan")
    wins = sum((e < c) + 0.5 * (e == c) for e in errors for c in correct)
    return wins / (len(errors) * len(correct))


def candidate_thresholds(scored: Sequence[Scored]) -> list[float]:
    values = sorted({s.result.score for s in scored})
    middles = [(a + b) / 2 for a, b in pairwise(values)]
    return [values[0] - 1.0, *middles, values[-1] + 1.0]


def threshold_at_false_alarms(scored: Sequence[Scored], limit: float) -> float:
    """The highest-recall threshold whose false alarms stay <= limit."""
    best = candidate_thresholds(scored)[0]
    for t in candidate_thresholds(scored):
        recall, fa = rates(scored, t)
        if fa <= limit and recall >= rates(scored, best)[0]:
            best = t
    return best


def threshold_youden(scored: Sequence[Scored]) -> float:
    return max(
        candidate_thresholds(scored), key=lambda t: rates(scored, t)[0] - rates(scored, t)[1]
    )


def per_kind(scored: Sequence[Scored], threshold: float) -> dict[str, tuple[int, int]]:
    total: Counter[str] = Counter(s.item.label for s in scored)
    flagged: Counter[str] = Counter(s.item.label for s in scored if s.result.score < threshold)
    return {
        label: (flagged[label], total[label]) for label in sorted(total, key=lambda x: (x == OK, x))
    }


def with_checks(
    scored: Sequence[Scored], threshold: float, *, all_passed: bool
) -> tuple[float, float]:
    """Recall / false alarms of the checks plus the score as judge: a sentence is flagged when
    a check flags it or the score is below the threshold on a sentence the verifier sends to
    its judge (all_passed: on every sentence the checks pass)."""

    def flagged(s: Scored) -> bool:
        asked = not s.item.checks_flagged if all_passed else s.item.judged
        return s.item.checks_flagged or (asked and s.result.score < threshold)

    errors = [s for s in scored if s.item.error]
    correct = [s for s in scored if not s.item.error]
    return (
        sum(map(flagged, errors)) / max(len(errors), 1),
        sum(map(flagged, correct)) / max(len(correct), 1),
    )


def checks_only(scored: Sequence[Scored], *, judge_present: bool) -> tuple[float, float]:
    """Recall / false alarms of the checks alone: as they run beside a judge (which then
    rates nothing wrong), or as `verify(..., judge=None)` runs them."""

    def flagged(s: Scored) -> bool:
        return s.item.checks_flagged if judge_present else s.item.flagged_without_judge

    errors = [s for s in scored if s.item.error]
    correct = [s for s in scored if not s.item.error]
    return (
        sum(map(flagged, errors)) / max(len(errors), 1),
        sum(map(flagged, correct)) / max(len(correct), 1),
    )


# ----------------------------------------------------------------------------- report


def _fmt(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.3f} / {pair[1]:.3f}"


def report(
    results: dict[tuple[str, str], list[Scored]],
    loads: dict[tuple[str, str], list[float]],
    tune_on: str,
) -> str:
    lines: list[str] = []
    variants = sorted({v for _, v in results}, key=VARIANTS.index)
    parts = list(dict.fromkeys(p for p, _ in results))
    lines += ["## ROC AUC (errors positive, low score = alarm; 95% bootstrap interval)", ""]
    lines += [
        "| part | sentences (errors / ok) | "
        + " | ".join(variants)
        + " | word-overlap baseline (no LLM) |"
    ]
    lines += ["|---|---|" + "---|" * (len(variants) + 1)]
    for part in parts:
        some = next(results[(part, v)] for v in variants if (part, v) in results)
        n_err = sum(s.item.error for s in some)
        cells = [
            "{:.3f} [{:.2f}-{:.2f}]".format(
                auc(results[(part, v)]), *auc_interval(results[(part, v)])
            )
            if (part, v) in results
            else ""
            for v in variants
        ]
        cells.append(f"{overlap_auc(some):.3f}")
        lines.append(
            f"| {part} | {len(some)} ({n_err} / {len(some) - n_err}) | " + " | ".join(cells) + " |"
        )
    for variant in variants:
        if (tune_on, variant) not in results:
            continue
        tuned = results[(tune_on, variant)]
        t_fa = threshold_at_false_alarms(tuned, TARGET_FALSE_ALARMS)
        t_j = threshold_youden(tuned)
        lines += ["", f"## Variant `{variant}`: thresholds fixed on {tune_on}", ""]
        lines += [
            f"- T1 = {t_fa:.3f} (false alarms <= {TARGET_FALSE_ALARMS} on {tune_on}); "
            f"T2 = {t_j:.3f} (max recall - false alarms on {tune_on}). Flag: score < T.",
            "",
            "| part | AUC | recall / FA at T1 | recall / FA at T2 | answers Yes (argmax) | "
            "P(Yes)+P(No) median | s/sentence (fresh) | load avg 1 min |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for part in parts:
            if (part, variant) not in results:
                continue
            rows = results[(part, variant)]
            fresh = [s.result.seconds for s in rows if s.fresh]
            all_secs = [s.result.seconds for s in rows]
            secs = (
                f"{np.mean(fresh):.2f} ({len(fresh)})"
                if fresh
                else f"{np.mean(all_secs):.2f} (cached)"
            )
            load = loads.get((part, variant), [])
            load_txt = f"{min(load):.2f}-{max(load):.2f}" if load else "-"
            says_yes = sum(s.result.yes > s.result.no for s in rows)
            mass = float(np.median([math.exp(s.result.yes) + math.exp(s.result.no) for s in rows]))
            lines.append(
                f"| {part} | {auc(rows):.3f} | {_fmt(rates(rows, t_fa))} | "
                f"{_fmt(rates(rows, t_j))} | {says_yes}/{len(rows)} | {mass:.3f} | "
                f"{secs} | {load_txt} |"
            )
        lines += ["", "Per label, flagged at T1 (T2):", ""]
        kinds = sorted(
            {s.item.label for p in parts if (p, variant) in results for s in results[(p, variant)]},
            key=lambda x: (x == OK, x),
        )
        lines += ["| label | " + " | ".join(p for p in parts if (p, variant) in results) + " |"]
        lines += ["|---|" + "---|" * sum((p, variant) in results for p in parts)]
        for kind in kinds:
            cells = []
            for part in parts:
                if (part, variant) not in results:
                    continue
                a = per_kind(results[(part, variant)], t_fa).get(kind)
                b = per_kind(results[(part, variant)], t_j).get(kind)
                cells.append(f"{a[0]}/{a[1]} ({b[0]})" if a and b else "")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Behind the checks (recall / FA): the checks without a judge (`judge=None`); the "
            "checks as they run beside a judge (a lower coverage bar: low-coverage sentences are "
            "left to the judge), with a judge that passes everything; those checks + score < T1 "
            "on the sentences the verifier sends to its judge; + score < T1 on every sentence "
            "the checks pass.",
            "",
            "| part | checks, no judge | checks beside a judge | + score on judged (n judged) "
            "| + score on all passed |",
            "|---|---|---|---|---|",
        ]
        for part in parts:
            if (part, variant) not in results:
                continue
            rows = results[(part, variant)]
            n_judged = sum(s.item.judged for s in rows)
            lines.append(
                f"| {part} | {_fmt(checks_only(rows, judge_present=False))} | "
                f"{_fmt(checks_only(rows, judge_present=True))} | "
                f"{_fmt(with_checks(rows, t_fa, all_passed=False))} ({n_judged}) | "
                f"{_fmt(with_checks(rows, t_fa, all_passed=True))} |"
            )
        blind = [
            s for p in parts if p.startswith("real_blind") for s in results.get((p, variant), [])
        ]
        if blind:
            lines += [
                "",
                f"real_blind + real_blind2 + real_blind3 pooled ({len(blind)} sentences): AUC "
                "{:.3f} [{:.2f}-{:.2f}]".format(auc(blind), *auc_interval(blind))
                + f", recall / FA at T1 {_fmt(rates(blind, t_fa))}, "
                f"at T2 {_fmt(rates(blind, t_j))}.",
            ]
        passed = [s for s in tuned if not s.item.checks_flagged]
        lines += [
            "",
            "AUC on the sentences the checks pass: "
            + ", ".join(
                f"{p} {auc([s for s in results[(p, variant)] if not s.item.checks_flagged]):.3f}"
                for p in parts
                if (p, variant) in results
            )
            + f" ({tune_on}: {len(passed)} sentences, {sum(s.item.error for s in passed)} errors).",
        ]
    return "\n".join(lines)


def subsample(items: list[Item], limit: int | None) -> list[Item]:
    if limit is None or len(items) <= limit:
        return items
    chosen = sorted(random.Random(16).sample(range(len(items)), limit))
    return [items[i] for i in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="real_dev", help="comma-separated eval/truth parts")
    parser.add_argument("--variants", default="fewshot", help=f"comma-separated of {VARIANTS}")
    parser.add_argument("--tune-on", default="real_dev", help="part the thresholds are fixed on")
    parser.add_argument("--limit", type=int, help="at most this many sentences per part")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/judgelogit"))
    parser.add_argument("--cached-only", action="store_true", help="never load the model")
    parser.add_argument("--dump", type=Path, help="write every sentence's score as JSON here")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    variants = [v for v in args.variants.split(",") if v]
    if unknown := set(variants) - set(VARIANTS):
        parser.error(f"unknown variants {sorted(unknown)}")
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    items = {part: subsample(load_items(part, args.cache_dir), args.limit) for part in parts}
    cache = ScoreCache(args.cache_dir / "scores.json")
    needed = any(
        cache.get(chatml(messages(v, item))) is None
        for v in variants
        for p in parts
        for item in items[p]
    )
    scorer = FirstTokenScorer(args.threads) if needed and not args.cached_only else None
    results: dict[tuple[str, str], list[Scored]] = {}
    loads: dict[tuple[str, str], list[float]] = {}
    try:
        for variant in variants:
            for part in parts:
                results[(part, variant)], loads[(part, variant)] = score_items(
                    items[part], variant, cache, scorer
                )
    finally:
        if scorer is not None:
            scorer.close()
    print(report(results, loads, args.tune_on))
    if args.dump:
        rows = [
            {
                "part": p,
                "variant": v,
                "case": s.item.case,
                "index": s.item.index,
                "label": s.item.label,
                "score": round(s.result.score, 4),
                "checks_flagged": s.item.checks_flagged,
                "judged": s.item.judged,
            }
            for (p, v), scored in results.items()
            for s in scored
        ]
        args.dump.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
