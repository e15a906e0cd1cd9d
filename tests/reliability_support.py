"""Shared machinery of the reliability suite: `newsdesk` subprocesses watched live, store
snapshots that cover every table, and the crash-and-resume harness.

Used by tests/test_reliability.py (a few trials in CI) and bench/crash_resume.py (the long
run); both drive whatever `newsdesk run` does, so new pipeline stages are covered as they land.

Stage detection: the CLI draws one Rich progress bar per stage on stderr. Rich draws them only
on a terminal, so the child is told it has one (TTY_COMPATIBLE/TTY_INTERACTIVE, read by Rich
itself); a bar's first appearance marks the moment its stage began.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from newsdesk.store import Store

STARTUP = "startup"  # before the store is opened: interpreter, imports, settings
STORE = "store"  # store open, before the first progress bar: migrations, lock, feed list
FINISHED = "finished"  # the run had printed its summary when the kill arrived
EXITED = "exited"  # the process was gone before the kill: a miss, not a hit
SHORT_STAGE = 0.3  # seconds; Rich redraws its bars 10 times a second
# Clustering and writing with deterministic stand-ins: the same stages and writes in seconds
# instead of minutes (the embedded models are for runs that measure them).
FAST_MODELS = {"embedder": "hashing", "entities": "none", "writer": "fake"}

# Rich reads these from the child's environment; no colour keeps the stream easy to parse.
RICH_TTY = {
    "TTY_COMPATIBLE": "1",
    "TTY_INTERACTIVE": "1",
    "NO_COLOR": "1",
    "TERM": "xterm",
    "COLUMNS": "100",
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_BAR_LINE = re.compile(r"^\s*([a-z][\w-]*)\s.*?\b(\d+)/(\d+)\s*$")
_DONE_LINE = re.compile(r"\brun \d+ done\b")


# --- running newsdesk -----------------------------------------------------------------------


def env_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


# Passed through: PATH, and where caches live (the packaged models are assembled under HOME).
_INHERITED = ("PATH", "HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


def newsdesk_env(**settings: object) -> dict[str, str]:
    """A clean environment: no stray NEWSDESK_* from the caller, the given settings as env."""
    env = {k: os.environ[k] for k in _INHERITED if k in os.environ} | RICH_TTY
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update({f"NEWSDESK_{k.upper()}": env_value(v) for k, v in settings.items()})
    return env


def newsdesk_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", *args]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str  # ANSI codes removed
    seconds: float
    max_rss_mb: float  # peak resident set of this child alone (wait4)
    stage_started: Mapping[str, float] = field(default_factory=dict)  # seconds after spawn

    def stage_seconds(self, stage: str) -> float | None:
        """How long `stage` ran: until the next stage began, or until the process ended."""
        if stage not in self.stage_started:
            return None
        later = [t for t in self.stage_started.values() if t > self.stage_started[stage]]
        return min(later, default=self.seconds) - self.stage_started[stage]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("newsdesk: error:")]


class WatchedRun:
    """A newsdesk subprocess whose stderr is followed live for stage bars.

    Reaped with os.wait4 so each run reports its own peak RSS (getrusage of children would
    give the largest child so far, not this one).
    """

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], cwd: Path, store: Path | None = None
    ) -> None:
        # Closed in _reap(); a file, not a pipe, so a chatty child can never block on it.
        self._stdout: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv), env=dict(env), cwd=cwd, stdout=self._stdout, stderr=subprocess.PIPE
        )
        self.stage_started: dict[str, float] = {}  # seconds after spawn
        self.progress: dict[str, tuple[int, int]] = {}  # stage -> (done, total) as last drawn
        self.finished_at: float | None = None
        self._stages: list[str] = []
        self._text: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._outcome: Outcome | None = None
        self.store_opened: float | None = None  # seconds after spawn
        if store is not None:
            threading.Thread(target=self._watch_store, args=(store,), daemon=True).start()

    def _watch_store(self, store: Path) -> None:
        """Note when the child first holds `store` open (its fds in /proc: Linux only).

        A file appearing would not do: a resumed run finds the store already there.
        """
        fds = Path(f"/proc/{self.proc.pid}/fd")
        target = str(store.resolve())
        while self.store_opened is None and self._reader.is_alive():
            try:
                held = any(os.readlink(fd) == target for fd in fds.iterdir())
            except OSError:  # an fd closed while we looked, or the process is gone
                held = False
            if held:
                with self._changed:
                    self.store_opened = time.monotonic() - self.started
                    self._changed.notify_all()
            time.sleep(0.002)

    # -- following stderr -------------------------------------------------------------------
    def _read(self) -> None:
        assert self.proc.stderr is not None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        while chunk := os.read(self.proc.stderr.fileno(), 65536):
            pending += decoder.decode(chunk)
            *lines, pending = re.split(r"[\r\n]", pending)
            # Rich leaves the line it is drawing unterminated until its next frame (0.1 s
            # later); reading it now keeps kills aimed at a stage's first moments on time.
            self._note(lines, drawing=pending)
        self._note([pending + decoder.decode(b"", final=True)])

    def _note(self, lines: list[str], drawing: str = "") -> None:
        now = time.monotonic() - self.started
        with self._changed:
            for line in [*(_ANSI.sub("", raw) for raw in lines), _ANSI.sub("", drawing)]:
                bar = _BAR_LINE.match(line)
                if bar:
                    self._bar(bar.group(1), int(bar.group(2)), int(bar.group(3)), now)
            for line in (_ANSI.sub("", raw) for raw in lines):
                if _DONE_LINE.search(line) and self.finished_at is None:
                    self.finished_at = now
                if line.strip():
                    self._text.append(line.rstrip())
            self._changed.notify_all()

    def _bar(self, stage: str, done: int, total: int, now: float) -> None:
        if stage not in self.stage_started:
            self.stage_started[stage] = now
            self._stages.append(stage)
        self.progress[stage] = (done, total)

    @property
    def stages(self) -> list[str]:
        with self._changed:
            return list(self._stages)

    def phase(self) -> str:
        """Where the run is now, as far as its output tells."""
        with self._changed:
            if self.finished_at is not None:
                return FINISHED
            if self._stages:
                return self._stages[-1]
            return STORE if self.store_opened is not None else STARTUP

    def wait_for_stage(self, stage: str, timeout: float, fraction: float = 0.0) -> bool:
        """True once `stage`'s bar shows at least `fraction` of its items done (STORE: once
        the store is open); False if the run ended or the time ran out first."""
        deadline = time.monotonic() + timeout

        def reached() -> bool:
            if stage == STORE:
                return self.store_opened is not None
            done, total = self.progress.get(stage, (0, -1))
            return total >= 0 and done >= int(fraction * total)

        with self._changed:
            while not reached():
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    return False
                self._changed.wait(min(left, 0.05))
            return True

    # -- ending ----------------------------------------------------------------------------
    def alive(self) -> bool:
        # WNOWAIT: look without reaping, so wait() can still collect this child's rusage
        # (Popen.poll() would reap it and lose that).
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        try:
            return os.waitid(os.P_PID, self.proc.pid, flags) is None
        except ChildProcessError:  # already reaped by wait()
            return False

    def kill(self) -> str:
        """SIGKILL now; returns the phase it hit (EXITED when the process had already gone)."""
        if not self.alive():
            return EXITED
        phase = self.phase()
        os.kill(self.proc.pid, signal.SIGKILL)
        return phase

    def wait(self, timeout: float = 300) -> Outcome:
        if self._outcome is None:
            self._outcome = self._reap(timeout)
        return self._outcome

    def _reap(self, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(self.proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(self.proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.monotonic() - self.started
        # We reaped it ourselves; tell Popen, or its own wait() would report 0.
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._reader.join(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        self._stdout.seek(0)
        stdout = _ANSI.sub("", self._stdout.read().decode("utf-8", "replace"))
        self._stdout.close()
        with self._changed:
            stderr = "\n".join(self._text)
            stages = dict(self.stage_started)
        rss = usage.ru_maxrss / 1024  # Linux reports kilobytes
        return Outcome(self.proc.returncode, stdout, stderr, seconds, rss, stages)


def run_newsdesk(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 300
) -> Outcome:
    return WatchedRun(newsdesk_argv(*args), env, cwd).wait(timeout)


# --- comparing stores ----------------------------------------------------------------------

# Clocks and row ids differ between two equivalent runs; everything else must not.
VOLATILE_COLUMNS = frozenset(
    {"id", "fetched_at", "last_fetched", "created_at", "updated_at", "started_at", "finished_at"}
)
VOLATILE_JSON_KEYS = frozenset({"timings", "elapsed", "seconds", "duration"})
UNCOMPARED_TABLES = frozenset({"runs", "schema_version"})  # runs are checked on their own
FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")  # compared via the table
_TIMESTAMP = re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?\b")
_NOW_WINDOW = timedelta(days=1)  # a timestamp this close to now was stamped by the run


def _is_clock(stamp: str) -> bool:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    now = datetime.now(UTC)
    return abs((when if when.tzinfo else when.replace(tzinfo=UTC)) - now) < _NOW_WINDOW


def _stable(value: Any) -> Any:
    """`value` with the run's own clock readings masked and JSON timings dropped.

    A written story says when it was written ("Published on: ...", "published" in its
    payload); source dates are days or months old, so only stamps near now are masked.
    """
    if not isinstance(value, str):
        return value
    value = _TIMESTAMP.sub(lambda m: "<clock>" if _is_clock(m[0]) else m[0], value)
    if not value.startswith("{"):
        return value
    try:
        data = json.loads(value)
    except ValueError:
        return value
    return json.dumps(_drop_volatile(data), sort_keys=True)


def _drop_volatile(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _drop_volatile(v) for k, v in data.items() if k not in VOLATILE_JSON_KEYS}
    if isinstance(data, list):
        return [_drop_volatile(v) for v in data]
    return data


def _compared_tables(db: sqlite3.Connection) -> list[str]:
    """Every table but the bookkeeping ones and full-text indexes' shadow tables (the
    indexed content is compared through the virtual table; store_health checks the index)."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in rows if "VIRTUAL TABLE" in (sql or "").upper()]
    shadows = {v + suffix for v in virtual for suffix in FTS_SHADOWS}
    return sorted({name for name, _ in rows} - shadows - UNCOMPARED_TABLES)


def full_snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Store.snapshot() plus every table it does not cover yet (stories, versions, ...).

    Tables Store.snapshot() knows keep its chosen columns; any other table is compared on all
    columns but ids and clocks, so a stage added later is covered without editing this.
    """
    snapshot = store.snapshot()
    for table in _compared_tables(store.db):
        if table in snapshot:
            continue
        columns = [
            row[1]
            for row in store.db.execute(f"PRAGMA table_xinfo({table})")
            if row[1] not in VOLATILE_COLUMNS and not row[6]  # row[6]: hidden column
        ]
        rows = store.db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        snapshot[table] = sorted((tuple(_stable(v) for v in row) for row in rows), key=repr)
    return snapshot


def snapshot_of(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Store(db_path) as store:
        return full_snapshot(store)


def snapshot_diff(
    expected: Mapping[str, list[tuple[Any, ...]]], actual: Mapping[str, list[tuple[Any, ...]]]
) -> dict[str, tuple[int, int]]:
    """table -> (rows missing from actual, rows actual has in excess); only unequal tables."""
    diff = {}
    for table in sorted(set(expected) | set(actual)):
        want = Counter(map(repr, expected.get(table, [])))
        got = Counter(map(repr, actual.get(table, [])))
        if want != got:
            diff[table] = (sum((want - got).values()), sum((got - want).values()))
    return diff


@dataclass(frozen=True)
class StoreHealth:
    integrity: str  # "ok" or SQLite's first complaint
    foreign_key_errors: int
    run_statuses: tuple[str, ...]  # oldest first


def store_health(db_path: Path) -> StoreHealth:
    """Checked on a plain connection, so nothing (no migration) runs before the check."""
    db = sqlite3.connect(db_path)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity == "ok":
            integrity = _fts_integrity(db)
        foreign = len(db.execute("PRAGMA foreign_key_check").fetchall())
        runs = tuple(r[0] for r in db.execute("SELECT status FROM runs ORDER BY id"))
    finally:
        db.close()
    return StoreHealth(integrity, foreign, runs)


def _fts_integrity(db: sqlite3.Connection) -> str:
    """FTS5's own check that each full-text index matches its content ("ok" if all do)."""
    virtual = db.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
    ).fetchall()
    for (name,) in virtual:
        try:
            db.execute(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            return f"{name}: {exc}"
    return "ok"


# --- crash and resume -----------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """When each phase began in a clean run (seconds after spawn) and when the run was done."""

    stages: tuple[str, ...]  # as the progress bars name them
    starts: Mapping[str, float]  # STORE and every stage
    done: float

    @property
    def phases(self) -> tuple[str, ...]:
        return (STARTUP, STORE, *self.stages)

    def duration(self, phase: str) -> float:
        following = self.phases.index(phase) + 1
        end = self.starts[self.phases[following]] if following < len(self.phases) else self.done
        return max(0.0, end - self.starts.get(phase, 0.0))


@dataclass
class Trial:
    index: int
    targets: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    equal: bool = False
    integrity: str = ""
    lost: int = 0  # rows of the clean store missing after resume
    extra: int = 0  # rows the resumed store has beyond the clean one (duplicates)
    runs_ok: bool = False  # every killed run marked interrupted, the last one ok
    resume_code: int = -1
    seconds: float = 0.0
    diff: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return self.equal and self.integrity == "ok" and self.runs_ok and self.resume_code == 0


class CrashHarness:
    """Kill `newsdesk run` at random points, resume it, compare with a clean run's store."""

    def __init__(
        self, workdir: Path, feeds_file: Path, settings: Mapping[str, object], seed: int
    ) -> None:
        self.workdir = workdir
        self.feeds_file = feeds_file
        self.env = newsdesk_env(**settings)
        self.rng = random.Random(seed)
        self.timeline: Timeline | None = None
        self.clean: dict[str, list[tuple[Any, ...]]] = {}
        self.control_equal = False
        self._startups: list[float] = []  # seconds until the store was open, every run seen

    def _observe(self, run: WatchedRun) -> None:
        if run.store_opened is not None:
            self._startups.append(run.store_opened)

    def _start(self, data_dir: Path) -> WatchedRun:
        args = ("--data-dir", str(data_dir), "run", "--feeds", str(self.feeds_file))
        store = data_dir / "newsdesk.db"
        return WatchedRun(newsdesk_argv(*args), self.env, self.workdir, store=store)

    def _run_to_end(self, data_dir: Path) -> tuple[WatchedRun, Outcome]:
        run = self._start(data_dir)
        outcome = run.wait()
        self._observe(run)
        if outcome.returncode != 0:
            raise RuntimeError(f"newsdesk run failed ({outcome.returncode}): {outcome.stderr}")
        return run, outcome

    def prepare(self, control: bool = True) -> Timeline:
        """A clean run for reference and timing, and a second one as a control that the result
        is reproducible at all (else an unequal trial would prove nothing)."""
        run, outcome = self._run_to_end(self.workdir / "clean")
        stages = tuple(run.stages)
        done = run.finished_at or outcome.seconds
        starts = {STORE: run.store_opened or 0.0, **run.stage_started}
        self.timeline = Timeline(stages, starts, done)
        self.clean = snapshot_of(self.workdir / "clean" / "newsdesk.db")
        if control:
            self._run_to_end(self.workdir / "control")
            again = snapshot_of(self.workdir / "control" / "newsdesk.db")
            self.control_equal = again == self.clean
        return self.timeline

    def run_trials(
        self,
        count: int,
        kills: int = 1,
        retries_per_phase: int = 2,
        report: Callable[[Trial], None] = lambda trial: None,
    ) -> list[Trial]:
        """`count` trials cycling through the phases, then a few more for any phase missed.

        A short stage can end before a kill aimed at it lands; the extra trials make sure
        every phase is hit without making every trial wait for one.
        """
        assert self.timeline is not None, "call prepare() first"
        trials: list[Trial] = []
        for index in range(count):
            trials.append(self.trial(index, kills))
            report(trials[-1])
        for phase in self.timeline.phases:
            for _ in range(retries_per_phase):
                if hit_counts(trials, self.timeline.phases)[phase]:
                    break
                trials.append(self.trial(len(trials), kills, target=phase))
                report(trials[-1])
        return trials

    def trial(self, index: int, kills: int = 1, target: str | None = None) -> Trial:
        """Kill a run `kills` times (each in the next phase, or all in `target`), resume, judge."""
        assert self.timeline is not None, "call prepare() first"
        began = time.monotonic()
        result = Trial(index)
        data_dir = self.workdir / f"trial-{index:03d}"
        phases = self.timeline.phases
        for k in range(kills):
            # Every kill of every trial takes the next phase in turn, so each gets hit.
            result.targets.append(target or phases[(index * kills + k) % len(phases)])
            result.hits.append(self._kill_in(data_dir, result.targets[-1]))
        resuming = self._start(data_dir)
        result.resume_code = resuming.wait().returncode
        self._observe(resuming)
        self._judge(result, data_dir)
        result.seconds = time.monotonic() - began
        return result

    def _kill_in(self, data_dir: Path, target: str) -> str:
        """Start a run, SIGKILL it at a random point of `target`; the phase actually hit.

        Long stages are targeted by progress (kill once a random fraction of the bar is done),
        so a busy machine cannot push the kill into a later stage. The store phase, and any
        stage shorter than a few of Rich's frames, show no progress: a random delay within
        the first half of their clean-run length (jitter would carry later kills past them).
        Startup: a random delay up to the shortest time to open the store seen so far.
        """
        assert self.timeline is not None
        run = self._start(data_dir)
        point = self.rng.random()
        if target == STARTUP:
            time.sleep(point * min(self._startups, default=1.0))
        elif not run.wait_for_stage(target, timeout=300):
            run.wait()
            return EXITED
        elif target == STORE or self.timeline.duration(target) < SHORT_STAGE:
            time.sleep(point * self.timeline.duration(target) / 2)
        else:
            run.wait_for_stage(target, timeout=300, fraction=point)
        hit = run.kill()
        run.wait()
        self._observe(run)
        return f"{hit}{progress_at_kill(data_dir / 'newsdesk.db')}"

    def _judge(self, result: Trial, data_dir: Path) -> None:
        db_path = data_dir / "newsdesk.db"
        health = store_health(db_path)
        result.integrity = health.integrity if not health.foreign_key_errors else "foreign keys"
        result.diff = snapshot_diff(self.clean, snapshot_of(db_path))
        result.equal = not result.diff
        result.lost = sum(missing for missing, _ in result.diff.values())
        result.extra = sum(excess for _, excess in result.diff.values())
        *earlier, last = health.run_statuses or ("none",)
        result.runs_ok = last == "ok" and all(s in ("interrupted", "ok") for s in earlier)


def progress_at_kill(db_path: Path) -> str:
    """What a killed run left behind, as "(entries/articles/story versions)".

    "(no store)" before the run made one. Read-only, so the check cannot do the resume's
    recovery work for it.
    """
    if not db_path.exists():
        return "(no store)"
    counts = []
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            for table in ("entries", "articles", "story_versions"):
                counts.append(str(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]))
        finally:
            db.close()
    except sqlite3.Error:  # no such table yet: show what there was
        pass
    return f"({'/'.join(counts) or 'no tables'})"


def phase_of(hit: str) -> str:
    return hit.partition("(")[0]


def hit_counts(trials: Sequence[Trial], phases: Sequence[str]) -> dict[str, int]:
    counts = Counter(phase_of(hit) for t in trials for hit in t.hits)
    return {phase: counts.get(phase, 0) for phase in [*phases, FINISHED, EXITED]}


HIT_HEADER = "phase hit (entries/articles/versions)"


def trial_table(trials: Sequence[Trial], phases: Sequence[str]) -> str:
    """The report both callers print: one line per trial, then the per-stage totals."""
    targets = [" ".join(t.targets) for t in trials]
    hits = [" ".join(t.hits) for t in trials]
    wide = max([len(h) for h in hits] + [len(HIT_HEADER)]) + 2
    aim = max([len(t) for t in targets] + [len("target")]) + 2
    lines = [
        f"{'trial':>5}  {'target':<{aim}}{HIT_HEADER:<{wide}}{'equal':<7}"
        f"{'integrity':<11}{'lost':>5}{'extra':>6}  {'runs':<5}{'seconds':>8}"
    ]
    for t, target, hit in zip(trials, targets, hits, strict=True):
        lines.append(
            f"{t.index:>5}  {target:<{aim}}{hit:<{wide}}{'yes' if t.equal else 'NO':<7}"
            f"{t.integrity:<11}{t.lost:>5}{t.extra:>6}  {'ok' if t.runs_ok else 'BAD':<5}"
            f"{t.seconds:>8.1f}"
        )
    counts = hit_counts(trials, phases)
    lines.append("kills per phase: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    equal = sum(t.equal for t in trials)
    intact = sum(t.integrity == "ok" for t in trials)
    lines.append(
        f"trials {len(trials)}: equal {equal}/{len(trials)}, unequal {len(trials) - equal}, "
        f"integrity ok {intact}/{len(trials)}, held {sum(t.held for t in trials)}/{len(trials)}"
    )
    return "\n".join(lines)
