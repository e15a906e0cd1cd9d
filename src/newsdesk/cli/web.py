"""serve, publish, export: the commands that put the desk's stories in front of readers.

`newsdesk.web` (FastAPI, uvicorn, Jinja2) is imported inside each command, so the other
commands do not pay for loading a web stack they never use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.common import EXIT_CONFIG, fail, reported_errors, settings_from
from newsdesk.cli.ingest import run_pipeline
from newsdesk.errors import NewsdeskError
from newsdesk.settings import Settings
from newsdesk.store import Store, shown_location


def scheduled_run(settings: Settings) -> str:
    """One pipeline run for the scheduler; a one-line summary, or an exception saying why not."""
    # Ask for the lock first so a busy store reads "another run is writing" on the status
    # page; run_pipeline would only print that on stderr and exit.
    with Store(settings.store_location) as store:
        store.acquire_writer()
        store.release_writer()
    try:
        report = run_pipeline(settings, quiet=True)
    except typer.Exit as exc:
        raise NewsdeskError(f"the run failed (exit {exc.exit_code}); see the server log") from exc
    return ", ".join(f"{k}={v}" for k, v in sorted(report.counts.items())) or "nothing new"


def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    every: Annotated[
        str | None,
        typer.Option("--every", help="Also run the pipeline on this schedule, e.g. 15m or 1h."),
    ] = None,
) -> None:
    """Serve the site, feeds and JSON API; with --every, also run the desk on a schedule."""
    from newsdesk.web import Scheduler, create_app, parse_interval, serve

    settings = settings_from(ctx)
    with reported_errors():
        scheduler = (
            Scheduler(lambda: scheduled_run(settings), parse_interval(every)) if every else None
        )
        Store(settings.store_location).close()  # create and migrate the store before serving it
    app = create_app(settings.store_location, scheduler=scheduler)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    where = shown_location(settings.store_location)
    typer.echo(f"newsdesk: serving {where} at http://{shown_host}:{port}/", err=True)
    if scheduler is not None:
        scheduler.start()
    try:
        serve(app, host, port)
    finally:
        if scheduler is not None:
            scheduler.stop(timeout=5)  # a run still going is cut off; the next one finishes it


def publish_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the site into.")],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Public URL of the site, for absolute links in feeds."),
    ] = None,
) -> None:
    """Write the site's published stories as static HTML, feeds and JSON for any web host."""
    from newsdesk.web import publish_site

    settings = settings_from(ctx)
    with reported_errors(), Store(settings.store_location) as store:
        written = publish_site(store, out, base_url=base_url or "")
    typer.echo(f"wrote {written} files to {out}")


def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Directory to write one file per story.")],
    format_: Annotated[
        str, typer.Option("--format", help="Output format; 'text' is the house layout.")
    ] = "text",
    voices: Annotated[
        bool, typer.Option("--voices/--no-voices", help="Add each story's voices after it.")
    ] = True,
) -> None:
    """Write each published story to <id>.txt in the house layout, with its voices."""
    from newsdesk.web import export_text

    if format_ != "text":
        fail(f"unknown export format {format_!r}; supported: text", EXIT_CONFIG)
    settings = settings_from(ctx)
    with reported_errors(), Store(settings.store_location) as store:
        written = export_text(store, out, voices=voices)
    typer.echo(f"wrote {written} stories to {out}")
