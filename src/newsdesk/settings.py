"""One Settings object. Precedence: defaults < TOML file < NEWSDESK_* env < CLI flags.

This is the only module that reads the environment. Every key is documented in the README's
settings table; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsdesk.errors import ConfigError
from newsdesk.prompts.voices import voice_names

ENV_PREFIX = "NEWSDESK_"
_LISTS = ("feeds", "voices")  # comma-separated in the environment
DEFAULT_CONFIG_FILE = Path("newsdesk.toml")
SQLITE_URL = "sqlite:///"  # then the path: sqlite:///relative.db, sqlite:////absolute.db
STORE_SCHEMES = (SQLITE_URL, "postgresql://", "postgres://")


class Settings(BaseModel):
    """Everything a run can be told. Unknown keys are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Field(Path("newsdesk-data"), description="Where the store and caches live.")
    store_url: str | None = Field(
        None,
        description="sqlite:///PATH or postgresql://USER@HOST:PORT/DB; none: data_dir/newsdesk.db.",
    )
    feeds_file: Path | None = Field(None, description="OPML, TOML or plain-text list of feeds.")
    feeds: tuple[str, ...] = Field((), description="Feed URLs, in addition to feeds_file.")
    user_agent: str = Field(
        "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; news aggregator)",
        description="Sent with every request.",
    )
    allow_private_addresses: bool = Field(
        False, description="Allow loopback/private targets (the offline demo needs it)."
    )
    fetch_timeout: float = Field(20.0, gt=0, description="Seconds per fetch, end to end.")
    max_body_bytes: int = Field(5_000_000, gt=0, description="Largest body accepted.")
    max_redirects: int = Field(5, ge=0, description="Redirects followed per fetch.")
    per_host_concurrency: int = Field(2, ge=1, description="Parallel requests per host.")
    total_concurrency: int = Field(16, ge=1, description="Parallel requests in all.")
    politeness_delay: float = Field(0.5, ge=0, description="Seconds between starts per host.")
    retries: int = Field(3, ge=0, description="Retries on 429/5xx/transport errors.")
    respect_robots: bool = Field(True, description="Obey robots.txt for article pages.")
    max_articles_per_feed: int = Field(50, ge=1, description="Newest entries fetched per feed.")
    near_duplicate_threshold: float = Field(
        0.7, gt=0, le=1, description="MinHash Jaccard above which two texts are one."
    )
    min_body_words: int = Field(60, ge=0, description="Shorter bodies are marked as stubs.")
    # -- stories --
    min_outlets: int = Field(2, ge=1, description="Distinct outlets a story needs to be written.")
    embedder: str = Field(
        "minilm", pattern="^(minilm|hashing)$", description="Embedding model for clustering."
    )
    entities: str = Field(
        "spacy", pattern="^(spacy|none)$", description="Named-entity recogniser for clustering."
    )
    # -- writing --
    writer: str = Field(
        "embedded",
        pattern="^(embedded|openai|extractive|fake)$",
        description="Who writes stories: embedded model, model server, no model, or fake.",
    )
    max_stories_per_run: int = Field(
        0, ge=0, description="Stories written per run at most (0: all); the rest wait a run."
    )
    model_threads: int = Field(2, ge=1, description="CPU threads of the embedded model.")
    model_context: int = Field(4096, ge=512, description="Context window of the embedded model.")
    openai_base_url: str | None = Field(None, description="OpenAI-compatible server base URL.")
    openai_model: str | None = Field(None, description="Model name on that server.")
    openai_api_key: str | None = Field(None, description="Bearer key for that server.")
    # -- the worker fleet (newsdesk worker, run --distributed; docs/scale-out.md) --
    broker_url: str | None = Field(
        None, description="Redis URL of the task queue, e.g. redis://127.0.0.1:6379/0."
    )
    worker_concurrency: int = Field(2, ge=1, description="Tasks one `newsdesk worker` runs.")
    task_visibility_timeout: float = Field(
        600.0, gt=0, description="Seconds before a task a lost worker held is run again."
    )
    voices: tuple[str, ...] = Field(
        ("brief",),
        description="Voices published next to each story (docs/voices.md); () for none.",
    )

    @field_validator("store_url")
    @classmethod
    def _store_scheme(cls, value: str | None) -> str | None:
        if value is None or (value.startswith(STORE_SCHEMES) and len(value) > len(SQLITE_URL)):
            return value
        raise ValueError("use sqlite:///PATH or postgresql://USER@HOST:PORT/DB")

    @field_validator("broker_url")
    @classmethod
    def _broker_scheme(cls, value: str | None) -> str | None:
        if value is None or value.startswith(("redis://", "rediss://", "unix://")):
            return value
        raise ValueError("use redis://HOST:PORT/DB (or rediss://, unix://)")

    @field_validator("voices")
    @classmethod
    def _known_voices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if unknown := [v for v in value if v not in voice_names()]:
            raise ValueError(
                f"unknown voice {unknown[0]!r}: choose from {', '.join(voice_names())}"
            )
        return tuple(dict.fromkeys(value))

    @property
    def db_path(self) -> Path:
        return self.data_dir / "newsdesk.db"

    @property
    def store_location(self) -> Path | str:
        """What `Store()` opens: the SQLite file (a Path) or a PostgreSQL URL."""
        if self.store_url is None:
            return self.db_path
        if self.store_url.startswith(SQLITE_URL):
            return Path(self.store_url[len(SQLITE_URL) :])
        return self.store_url


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """NEWSDESK_FETCH_TIMEOUT=5 -> {"fetch_timeout": "5"}; pydantic converts the type."""
    fields = Settings.model_fields
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key == "NEWSDESK_CONFIG":
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name not in fields:
            raise ConfigError(f"unknown setting in environment: {key}")
        out[name] = [v for v in value.split(",") if v] if name in _LISTS else value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"bad TOML in {path}: {exc}") from exc
    # A [newsdesk] table is allowed so the file can hold other tools' sections too.
    table = data.get("newsdesk", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [newsdesk] must be a table")
    return table


def load_settings(
    config_file: Path | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge defaults, the TOML file, NEWSDESK_* variables and CLI flags (in that order)."""
    environ = os.environ if environ is None else environ
    if config_file is None and environ.get("NEWSDESK_CONFIG"):
        config_file = Path(environ["NEWSDESK_CONFIG"])
    merged: dict[str, Any] = {}
    if config_file is not None:
        merged.update(_read_toml(config_file))
    elif DEFAULT_CONFIG_FILE.is_file():
        merged.update(_read_toml(DEFAULT_CONFIG_FILE))
    merged.update(_env_overrides(environ))
    merged.update({k: v for k, v in (cli_overrides or {}).items() if v is not None})
    try:
        return Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
