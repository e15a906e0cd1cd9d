"""Runs the pipeline every N minutes in a background thread while the site is served.

The run itself is passed in (the CLI hands over `run_pipeline` with its settings), so this
module knows nothing about stages; one writer at a time is the store's writer lock's job.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsdesk.errors import ConfigError, RunLockedError

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(text: str) -> timedelta:
    """'15m', '1h30m', '90s', '2d' -> timedelta. A bare number is minutes."""
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        cleaned += "m"
    parts = _PART.findall(cleaned)
    if not parts or _PART.sub("", cleaned).strip():
        raise ConfigError(f"bad interval {text!r}: use e.g. 15m, 1h, 1h30m, 90s")
    interval = timedelta()
    for amount, unit in parts:
        interval += timedelta(**{_UNITS[unit]: int(amount)})
    if interval < timedelta(seconds=1):
        raise ConfigError(f"interval {text!r} is too short")
    return interval


def describe_interval(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{amount}{unit}" for amount, unit in parts if amount) or "0s"


@dataclass(frozen=True, slots=True)
class SchedulerState:
    """A snapshot for the status page."""

    every: timedelta
    running: bool
    started_at: datetime | None  # of the run in progress, or the last one
    next_run: datetime | None
    last_result: str  # "ok: ..." | "failed: ..." | "skipped: ..." | ""
    completed: int

    @property
    def every_text(self) -> str:
        return describe_interval(self.every)


class Scheduler:
    """`run` returns a one-line summary; an exception is recorded, never kills the thread."""

    def __init__(self, run: Callable[[], str], every: timedelta) -> None:
        self._run = run
        self._every = every
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False
        self._started_at: datetime | None = None
        self._next_run: datetime | None = None
        self._last_result = ""
        self._completed = 0

    def state(self) -> SchedulerState:
        with self._lock:
            return SchedulerState(
                self._every,
                self._running,
                self._started_at,
                self._next_run,
                self._last_result,
                self._completed,
            )

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="newsdesk-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end; a run in progress is allowed to finish (it holds the lock)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> Scheduler:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run_once(self) -> str:
        with self._lock:
            self._running, self._started_at = True, datetime.now(UTC)
        try:
            result = f"ok: {self._run()}"
        except RunLockedError as exc:  # someone else is running the desk: nothing lost
            result = f"skipped: {exc}"
        except Exception as exc:  # one bad run must not stop the schedule
            result = f"failed: {exc}"
        with self._lock:
            self._running, self._last_result = False, result
            self._completed += 1
        return result

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            with self._lock:
                self._next_run = datetime.now(UTC) + self._every
            self._stop.wait(self._every.total_seconds())
