"""llama.cpp builds compared on one machine in one run: prompt and generation tokens/s.

    .venv/bin/python bench/writing.py --builds portable=PATH.whl,native=PATH.whl [--rounds 3]

Each build is a llama-cpp-python wheel (or a folder it was unpacked into). Every round runs
each build once, in turn, in a child process that imports that build's llama_cpp first: the
embedded Qwen2.5-Coder-1.5B loaded with the same threads, one real writing prompt (a demo
story's sources, about 600 tokens) evaluated, then 96 tokens generated greedily. llama.cpp's
own counters give the two rates. Rounds are interleaved so a busy spell hurts every build
alike; the best round of each build is the least disturbed and is the one compared. A build
that cannot run on this CPU (a native build with AMX inside a VM dies by SIGILL) is reported
as such, not as a rate.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

GENERATE = 96


def unpacked(name: str, build: Path, scratch: Path) -> Path:
    """A folder holding the build's `llama_cpp` package (wheels of one version share a file
    name, so each is unpacked under its build's name)."""
    if build.is_dir():
        return build
    target = scratch / name
    with zipfile.ZipFile(build) as wheel:
        wheel.extractall(target)
    return target


def child(model: Path, threads: int) -> None:
    """In the child: one measured prompt and generation; prints one JSON line."""
    import llama_cpp

    from newsdesk.demo import story_articles

    bodies = " ".join(a.body for a in story_articles("storm-edda"))
    prompt = (
        "Write a long news article from these sources, in your own words.\n\n"
        + " ".join(bodies.split()[:420])
        + "\n\nArticle:\n"
    )
    llm = llama_cpp.Llama(
        model_path=str(model),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        seed=7,
        verbose=False,
    )
    llama_cpp.llama_perf_context_reset(llm.ctx)
    # No stop words and no end of text: always GENERATE tokens, so every build does the same.
    eos = llm.token_eos()
    llm.create_completion(prompt, max_tokens=GENERATE, temperature=0.0, logit_bias={eos: -100.0})
    perf = llama_cpp.llama_perf_context(llm.ctx)
    llm.close()
    features = llama_cpp.llama_print_system_info().decode()
    print(
        json.dumps(
            {
                "prompt_tokens": perf.n_p_eval,
                "prompt_tps": perf.n_p_eval / (perf.t_p_eval_ms / 1000),
                "generated": perf.n_eval,
                "gen_tps": perf.n_eval / (perf.t_eval_ms / 1000),
                "features": " ".join(re.findall(r"(\w+) = 1", features)),
            }
        )
    )


def run_once(folder: Path, model: Path, threads: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(model), str(threads)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode < 0:
        return {"died": signal.Signals(-done.returncode).name}
    if done.returncode != 0:
        return {"died": (done.stderr.strip().splitlines() or ["exit"])[-1]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def compare_builds(spec: str, model: Path, threads: int, rounds: int) -> None:
    builds = [part.split("=", 1) for part in spec.split(",") if part]
    print(
        f"llama.cpp builds, {threads} threads, {rounds} rounds interleaved, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folders = {name: unpacked(name, Path(path), Path(scratch)) for name, path in builds}
        results: dict[str, list[dict[str, object]]] = {name: [] for name in folders}
        for n in range(rounds):
            for name, folder in folders.items():
                outcome = run_once(folder, model, threads)
                results[name].append(outcome)
                shown = (
                    f"died by {outcome['died']}"
                    if "died" in outcome
                    else f"prompt {outcome['prompt_tps']:.1f} tok/s "
                    f"({outcome['prompt_tokens']} tokens), generation {outcome['gen_tps']:.1f} "
                    f"tok/s ({outcome['generated']} tokens)"
                )
                print(f"  round {n + 1} {name:<10} {shown}", flush=True)
    print()
    best: dict[str, tuple[float, float]] = {}
    for name, outcomes in results.items():
        ok = [o for o in outcomes if "died" not in o]
        if not ok:
            print(f"{name:<10} cannot run here: died by {outcomes[0]['died']}")
            continue
        prompt = [float(str(o["prompt_tps"])) for o in ok]
        gen = [float(str(o["gen_tps"])) for o in ok]
        best[name] = (max(prompt), max(gen))
        print(
            f"{name:<10} prompt best {max(prompt):6.1f} median {statistics.median(prompt):6.1f} "
            f"tok/s | generation best {max(gen):5.1f} median {statistics.median(gen):5.1f} tok/s"
            f" | {ok[0]['features']}"
        )
    names = list(best)
    if len(names) >= 2:
        base = names[0]
        for other in names[1:]:
            print(
                f"{base} / {other}: prompt {best[base][0] / best[other][0]:.3f}x, "
                f"generation {best[base][1] / best[other][1]:.3f}x (best rounds)"
            )


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--child"]:
        child(Path(argv[1]), int(argv[2]))
        return 0
    raise SystemExit("run through bench/writing.py --builds")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
