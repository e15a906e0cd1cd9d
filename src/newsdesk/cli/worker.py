"""worker: one member of the fleet that `newsdesk run --distributed` hands its work to."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from newsdesk.cli.common import reported_errors, settings_from
from newsdesk.pipeline.tasks import QUEUES, configure


def worker_command(
    ctx: typer.Context,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", help="Tasks run at a time (default: worker_concurrency)."),
    ] = None,
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues to take tasks from: ingest, write.")
    ] = ",".join(QUEUES),
    loglevel: Annotated[str, typer.Option(help="Celery's log level.")] = "WARNING",
) -> None:
    """Run the fleet's tasks from broker_url (Redis) on the store_url store (PostgreSQL).

    Runs until stopped (Ctrl-C or SIGTERM: the running tasks finish first)."""
    settings = settings_from(ctx, worker_concurrency=concurrency)
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    with reported_errors():
        if unknown := [q for q in wanted if q not in QUEUES]:
            raise typer.BadParameter(f"unknown queue {unknown[0]!r}: use {', '.join(QUEUES)}")
        app = configure(settings, worker=True)
    app.worker_main(
        [
            "worker",
            f"--queues={','.join(wanted)}",
            f"--concurrency={settings.worker_concurrency}",
            f"--loglevel={loglevel}",
            f"--hostname=newsdesk-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )
