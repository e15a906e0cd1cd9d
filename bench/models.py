"""Measure a GGUF model as the desk's writer and judge: speed, memory, writing, judging.

    .venv/bin/python bench/models.py --model PATH.gguf --label NAME [--chat-format gemma]
    .venv/bin/python bench/models.py --summary          # table of every saved result

One model per process, so the peak RSS is that model's. Each run writes
bench/results/models-survey/NAME.json (numbers and every writing output and verdict). Run the
models one after another in one shell loop to compare speeds under the same load (2 cores,
shared): the load average at the start of each run is recorded.

- speed: load seconds; prompt tokens/s (one ~300-token batch, after a warm-up eval
  that pages the weights in); output tokens/s (128 greedy
  tokens, one at a time, EOS ignored); peak RSS (ru_maxrss).
- writing: 8 real events of eval/events/dev, 5 key facts each as claims; the desk's system
  prompt (src/newsdesk/prompts/desk_system.txt) and a one-paragraph rewrite request; temperature
  0. Scored automatically here: longest run of words shared with the claims, claim numbers
  kept, numbers and capitalised words the claims do not have (candidates for unsupported
  content, to be read by a person), seconds. Unsupported sentences and fluency are read by hand.
- judging: 20 error and 20 ok sentences of eval/truth/real_dev (fixed seed); evidence = the 4
  source sentences sharing most content words and numbers with the sentence; the verdict is
  constrained by a grammar to SUPPORTED | NOT_SUPPORTED. Recall of errors, false alarms on ok.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsdesk.text import content_words, split_sentences, stem  # noqa: E402

OUT = ROOT / "bench" / "results" / "models-survey"
EVENTS = [
    "chandrayaan3_moon_landing_2023",
    "derna_floods_2023",
    "fed_rate_hike_july_2023",
    "herat_earthquake_2023",
    "kharkiv_passenger_train_drone_strike_2026",
    "morocco_earthquake_2023",
    "silicon_valley_bank_collapse_2023",
    "womens_world_cup_final_2023",
]
CLAIMS_PER_EVENT = 5
JUDGE_PER_CLASS = 20
JUDGE_SEED = 7
EVIDENCE_SENTENCES = 4

WRITE_USER = (
    "Write one news paragraph in your own words from the claims below. Never copy a claim "
    "word for word: rephrase every one. Keep every number and name exactly as given. Add "
    "nothing that the claims do not say.\n\n<facts>\n{claims}\n</facts>"
)
JUDGE_SYSTEM = (
    "You are a fact checker for a news desk. Use only the evidence, never your own knowledge."
)
JUDGE_USER = (
    "Evidence:\n{evidence}\n\nSentence: {sentence}\n\nIs every claim of the sentence "
    "supported by the evidence? Answer SUPPORTED or NOT_SUPPORTED."
)
VERDICT_GRAMMAR = 'root ::= "SUPPORTED" | "NOT_SUPPORTED"'

_WORD = re.compile(r"[a-z0-9]+(?:[.,'’][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITAL = re.compile(r"\b[A-Z][a-zA-Z'’-]+")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def tokens_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def longest_shared_run(output: str, claims: list[str]) -> tuple[int, str]:
    """The longest run of consecutive words of the output that some claim also has."""
    out = tokens_of(output)
    best, where = 0, ""
    for claim in claims:
        c = tokens_of(claim)
        # classic longest common substring over words
        prev = [0] * (len(c) + 1)
        for i in range(1, len(out) + 1):
            cur = [0] * (len(c) + 1)
            for j in range(1, len(c) + 1):
                if out[i - 1] == c[j - 1]:
                    cur[j] = prev[j - 1] + 1
                    if cur[j] > best:
                        best, where = cur[j], " ".join(out[i - best : i])
            prev = cur
    return best, where


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def writing_inputs() -> list[dict]:
    items = []
    for name in EVENTS:
        data = json.loads((ROOT / "eval" / "events" / "dev" / f"{name}.json").read_text())
        facts = [f["fact"] for f in data["key"]["facts"]][:CLAIMS_PER_EVENT]
        items.append({"event": name, "claims": facts})
    return items


def _keys(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)} | numbers(text)


def judging_inputs() -> list[dict]:
    errors, oks = [], []
    for path in sorted((ROOT / "eval" / "truth" / "real_dev").glob("*.json")):
        case = json.loads(path.read_text())
        sources = [
            s
            for a in case["articles"]
            for para in a["body"].split("\n\n")
            for s in split_sentences(para)
        ]
        for paragraph in case["draft"]:
            for item in paragraph:
                keys = _keys(item["text"])
                ranked = sorted(
                    range(len(sources)), key=lambda i: (-len(keys & _keys(sources[i])), i)
                )[:EVIDENCE_SENTENCES]
                entry = {
                    "case": case["id"],
                    "text": item["text"],
                    "label": item["label"],
                    "evidence": [sources[i] for i in sorted(ranked)],
                }
                (oks if item["label"] == "ok" else errors).append(entry)
    rng = random.Random(JUDGE_SEED)
    return rng.sample(errors, JUDGE_PER_CLASS) + rng.sample(oks, JUDGE_PER_CLASS)


def last_logits(llm):
    """The logits after the last evaluated token (llama-cpp-python keeps no copy in `scores`
    unless logits_all is set)."""
    import numpy as np

    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).copy()


def measure_speed(llm) -> dict:
    import numpy as np

    text = json.loads((ROOT / "eval" / "events" / "dev" / "derna_floods_2023.json").read_text())[
        "articles"
    ][0]["body"]
    toks = llm.tokenize(text.encode(), add_bos=True)[:400]
    # Warm-up: the first evaluation pages the mmapped weights in from disk; not counted.
    llm.reset()
    started = time.perf_counter()
    llm.eval(toks[:16])
    warm_s = time.perf_counter() - started
    llm.reset()
    started = time.perf_counter()
    llm.eval(toks)
    prompt_s = time.perf_counter() - started
    eos = llm.token_eos()
    started = time.perf_counter()
    for _ in range(128):
        logits = last_logits(llm)
        logits[eos] = -np.inf
        llm.eval([int(np.argmax(logits))])
    gen_s = time.perf_counter() - started
    llm.reset()
    return {
        "first_eval_s": round(warm_s, 2),
        "prompt_tokens": len(toks),
        "prompt_tok_s": round(len(toks) / prompt_s, 1),
        "output_tokens": 128,
        "output_tok_s": round(128 / gen_s, 1),
    }


def chat(llm, system: str, user: str, **kwargs) -> tuple[str, dict, float]:
    started = time.perf_counter()
    reply = llm.create_chat_completion(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
        temperature=0.0,
        **kwargs,
    )
    seconds = time.perf_counter() - started
    return reply["choices"][0]["message"]["content"] or "", reply.get("usage") or {}, seconds


def run_writing(llm) -> list[dict]:
    system = (ROOT / "src" / "newsdesk" / "prompts" / "desk_system.txt").read_text().strip()
    results = []
    for item in writing_inputs():
        claims = item["claims"]
        user = WRITE_USER.format(claims="\n".join(f"- {c}" for c in claims))
        text, usage, seconds = chat(llm, system, user, max_tokens=350)
        text = text.strip()
        run, where = longest_shared_run(text, claims)
        claim_numbers = numbers(" ".join(claims))
        claim_caps = {w.lower() for w in _CAPITAL.findall(" ".join(claims))}
        results.append(
            {
                "event": item["event"],
                "claims": claims,
                "output": text,
                "seconds": round(seconds, 1),
                "prompt_tokens": usage.get("prompt_tokens"),
                "completion_tokens": usage.get("completion_tokens"),
                "longest_copied_run": run,
                "copied": where,
                "numbers_kept": f"{len(claim_numbers & numbers(text))}/{len(claim_numbers)}",
                "new_numbers": sorted(numbers(text) - claim_numbers),
                "new_capitalised": sorted(
                    {w for w in _CAPITAL.findall(text) if w.lower() not in claim_caps}
                ),
                "sentences": split_sentences(text),
            }
        )
        print(f"  write {item['event']}: {seconds:.1f}s run={run}", flush=True)
    return results


def run_judging(llm) -> dict:
    from llama_cpp import LlamaGrammar

    grammar = LlamaGrammar.from_string(VERDICT_GRAMMAR, verbose=False)
    verdicts = []
    for item in judging_inputs():
        evidence = "\n".join(f"- {s}" for s in item["evidence"])
        user = JUDGE_USER.format(evidence=evidence, sentence=item["text"])
        text, _usage, seconds = chat(llm, JUDGE_SYSTEM, user, max_tokens=8, grammar=grammar)
        verdicts.append({**item, "verdict": text.strip(), "seconds": round(seconds, 2)})
    errors = [v for v in verdicts if v["label"] != "ok"]
    oks = [v for v in verdicts if v["label"] == "ok"]
    flagged = lambda v: v["verdict"] != "SUPPORTED"  # noqa: E731
    return {
        "recall": round(sum(map(flagged, errors)) / len(errors), 3),
        "false_alarms": round(sum(map(flagged, oks)) / len(oks), 3),
        "errors_flagged": f"{sum(map(flagged, errors))}/{len(errors)}",
        "ok_flagged": f"{sum(map(flagged, oks))}/{len(oks)}",
        "seconds_per_sentence": round(sum(v["seconds"] for v in verdicts) / len(verdicts), 2),
        "verdicts": verdicts,
    }


def render_prompt(llm, user: str) -> list[int]:
    """The chat prompt (one user turn, generation prompt added) as tokens."""
    from llama_cpp import llama_chat_format

    messages = [{"role": "user", "content": user}]
    template = llm.metadata.get("tokenizer.chat_template")
    bos = llm.detokenize([llm.token_bos()], special=True).decode(errors="replace")
    eos = llm.detokenize([llm.token_eos()], special=True).decode(errors="replace")
    if template:
        prompt = llama_chat_format.Jinja2ChatFormatter(template, eos, bos)(messages=messages).prompt
    else:  # gemma-3-270m base ships no template
        prompt = llama_chat_format.format_gemma(messages=messages).prompt
    add_bos = llm.metadata.get("tokenizer.ggml.add_bos_token") == "true" and not (
        bos and prompt.startswith(bos)
    )
    return llm.tokenize(prompt.encode(), add_bos=add_bos, special=True)


def run_judging_logits(llm) -> dict:
    """Verdict by comparing the logits of the two answers' first tokens after the prompt."""

    yes = llm.tokenize(b"SUPPORTED", add_bos=False)[0]
    no = llm.tokenize(b"NOT_SUPPORTED", add_bos=False)[0]
    assert yes != no, "the two answers share their first token"
    verdicts = []
    for item in judging_inputs():
        evidence = "\n".join(f"- {s}" for s in item["evidence"])
        user = JUDGE_SYSTEM + "\n\n" + JUDGE_USER.format(evidence=evidence, sentence=item["text"])
        toks = render_prompt(llm, user)
        started = time.perf_counter()
        llm.reset()
        llm.eval(toks)
        logits = last_logits(llm)
        seconds = time.perf_counter() - started
        margin = float(logits[yes] - logits[no])
        verdict = "SUPPORTED" if margin > 0 else "NOT_SUPPORTED"
        verdicts.append(
            {**item, "verdict": verdict, "margin": round(margin, 3), "seconds": round(seconds, 2)}
        )
    errors = [v for v in verdicts if v["label"] != "ok"]
    oks = [v for v in verdicts if v["label"] == "ok"]
    flagged = lambda v: v["verdict"] != "SUPPORTED"  # noqa: E731
    # Ranking quality independent of the threshold: P(margin of an ok > margin of an error).
    pairs = [
        (o["margin"] > e["margin"]) + 0.5 * (o["margin"] == e["margin"])
        for o in oks
        for e in errors
    ]
    return {
        "method": "first-token logit SUPPORTED vs NOT_SUPPORTED",
        "recall": round(sum(map(flagged, errors)) / len(errors), 3),
        "false_alarms": round(sum(map(flagged, oks)) / len(oks), 3),
        "errors_flagged": f"{sum(map(flagged, errors))}/{len(errors)}",
        "ok_flagged": f"{sum(map(flagged, oks))}/{len(oks)}",
        "auc": round(sum(pairs) / len(pairs), 3),
        "seconds_per_sentence": round(sum(v["seconds"] for v in verdicts) / len(verdicts), 2),
        "verdicts": verdicts,
    }


def bench(args: argparse.Namespace) -> None:
    from llama_cpp import Llama

    path = Path(args.model)
    result: dict = {
        "label": args.label,
        "model": str(path),
        "size_bytes": path.stat().st_size,
        "loadavg_at_start": os.getloadavg(),
    }
    started = time.perf_counter()
    llm = Llama(
        model_path=str(path),
        n_ctx=args.ctx,
        n_threads=args.threads,
        n_threads_batch=args.threads,
        seed=7,
        verbose=False,
        chat_format=args.chat_format,
    )
    result["load_s"] = round(time.perf_counter() - started, 2)
    result["n_params"] = llm._model.n_params()
    result["file_type"] = llm.metadata.get("general.file_type")
    result["name"] = llm.metadata.get("general.name")
    result["rss_after_load_mb"] = round(rss_mb())
    print(f"{args.label}: loaded in {result['load_s']}s", flush=True)
    if "speed" in args.only:
        result["speed"] = measure_speed(llm)
        print(f"  speed {result['speed']}", flush=True)
    if "write" in args.only:
        result["writing"] = run_writing(llm)
    if "judge-grammar" in args.only.split(","):
        result["judging_grammar"] = run_judging(llm)
        j = result["judging_grammar"]
        print(f"  grammar judge recall {j['recall']} false alarms {j['false_alarms']}", flush=True)
    if "judge" in args.only.split(","):
        result["judging"] = run_judging_logits(llm)
        j = result["judging"]
        print(
            f"  logit judge recall {j['recall']} false alarms {j['false_alarms']} auc {j['auc']}",
            flush=True,
        )
    result["peak_rss_mb"] = round(rss_mb())
    llm.close()
    OUT.mkdir(parents=True, exist_ok=True)
    saved = OUT / f"{args.label}.json"
    if saved.exists():  # a partial run (--only) updates what an earlier run measured
        result = {**json.loads(saved.read_text()), **result}
    saved.write_text(json.dumps(result, indent=1, ensure_ascii=False))


def summary() -> None:
    print(
        "| model | size MB | params | load s | peak RSS MB | prompt tok/s | output tok/s "
        "| write: max copied run (mean) | numbers kept | write s (mean) "
        "| judge recall | false alarms | judge s/sentence |"
    )
    print("|---" * 13 + "|")
    for path in sorted(OUT.glob("*.json")):
        r = json.loads(path.read_text())
        w = r.get("writing", [])
        runs = [x["longest_copied_run"] for x in w]
        kept = [tuple(map(int, x["numbers_kept"].split("/"))) for x in w]
        j = r.get("judging", {})
        s = r.get("speed", {})
        print(
            f"| {r['label']} | {r['size_bytes'] / 1e6:.0f} | {r['n_params'] / 1e9:.2f}B "
            f"| {r['load_s']} | {r['peak_rss_mb']} | {s.get('prompt_tok_s')} "
            f"| {s.get('output_tok_s')} "
            f"| {max(runs, default='-')} ({sum(runs) / max(len(runs), 1):.1f}) "
            f"| {sum(k for k, _ in kept)}/{sum(n for _, n in kept)} "
            f"| {sum(x['seconds'] for x in w) / max(len(w), 1):.1f} "
            f"| {j.get('errors_flagged')} | {j.get('ok_flagged')} "
            f"| {j.get('seconds_per_sentence')} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model")
    parser.add_argument("--label")
    parser.add_argument("--chat-format", default=None, help="when the GGUF has no template")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument(
        "--only", default="speed,write,judge", help="any of speed,write,judge,judge-grammar"
    )
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    if args.summary:
        summary()
        return
    if not args.model or not args.label:
        parser.error("--model and --label are required")
    bench(args)


if __name__ == "__main__":
    main()
