"""What every command shares: settings from the global options, and one way to fail."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

from newsdesk.errors import ConfigError, ModelBackendError, NewsdeskError
from newsdesk.settings import Settings, load_settings

EXIT_ERROR = 1
EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """One line on stderr, never a traceback."""
    first_line = " ".join(message.split())
    print(f"newsdesk: error: {first_line}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn our exceptions into one clear line and an exit code (2 for configuration and for a
    model backend that cannot run on this machine: both are setup to fix, not a passing fault)."""
    try:
        yield
    except (ConfigError, ModelBackendError) as exc:
        fail(str(exc), EXIT_CONFIG)
    except NewsdeskError as exc:
        fail(str(exc))


def missing_store(settings: Settings) -> bool:
    """A SQLite store not created yet (a server's store is created when first opened)."""
    location = settings.store_location
    return isinstance(location, Path) and not location.exists()


def settings_from(ctx: typer.Context, **overrides: Any) -> Settings:
    """Settings with CLI flags (those given) on top of env, TOML file and defaults."""
    options: dict[str, Any] = ctx.obj or {}
    config: Path | None = options.get("config")
    merged = {k: v for k, v in options.items() if k != "config"}
    merged.update(overrides)
    with reported_errors():
        return load_settings(config_file=config, cli_overrides=merged)
