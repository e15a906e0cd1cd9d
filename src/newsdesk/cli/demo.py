"""demo: the whole pipeline on our built-in sample outlets, served from loopback.

The site is up before the desk starts: a newcomer reads the first story as soon as it is
written (most-covered first) while the rest are still being written; the front page says how
many are left, and the log says what each stage and each story took."""

from __future__ import annotations

import signal
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

from newsdesk.cli.common import reported_errors, settings_from
from newsdesk.cli.ingest import run_pipeline, status_command
from newsdesk.demo.server import DemoServer
from newsdesk.pipeline import open_store
from newsdesk.store import shown_location


def demo_command(
    ctx: typer.Context,
    data_dir: Annotated[
        Path, typer.Option("--demo-dir", help="Store for the demo run (kept between runs).")
    ] = Path("newsdesk-data/demo"),
    port: Annotated[
        int, typer.Option(help="Loopback port of the sample outlets (fixed, so feeds stay known).")
    ] = 8741,
    serve: Annotated[
        bool, typer.Option(help="Serve the site while the desk writes, and after.")
    ] = True,
    web_port: Annotated[int, typer.Option(help="Port of the desk's web site.")] = 8000,
) -> None:
    """Run the whole desk on the offline sample outlets and serve its site while it writes."""
    console = Console(stderr=True, soft_wrap=True)
    # SIGTERM stops the demo as Ctrl-C does, the run included (recorded, never half-written).
    signal.signal(signal.SIGTERM, _interrupt)
    # The sample outlets keep serving while the site is up: its source links point at them.
    with DemoServer(port=port) as server:
        data_dir.mkdir(parents=True, exist_ok=True)
        opml = data_dir / "demo-feeds.opml"
        opml.write_bytes(server.opml())
        console.print(f"sample outlets serving at [bold]{server.base_url}[/]")
        # Loopback is refused by default (SSRF guard); the demo's outlets live there.
        settings = settings_from(
            ctx,
            data_dir=data_dir,
            feeds_file=opml,
            allow_private_addresses=True,
            politeness_delay=0.0,
        )
        with reported_errors():
            open_store(settings).close()  # the schema exists before the site first reads it
        site: AbstractContextManager[str | None] = nullcontext()
        if serve:
            from newsdesk.web import BackgroundServer, create_app

            site = BackgroundServer(create_app(settings.store_location), port=web_port)
        with site as url:
            if url:
                console.print(
                    f"[bold green]The desk's site: {url}[/]  stories appear there as they are "
                    "written, most-covered first"
                )
            started = time.monotonic()
            report = run_pipeline(settings)
            console.print(
                f"run {report.run_id} done in {time.monotonic() - started:.0f} s: "
                f"{report.counts['stories_published']} stories published, "
                f"{report.counts['stories_held']} held back"
            )
            ctx.obj = {**(ctx.obj or {}), "data_dir": data_dir}
            status_command(ctx)
            console.print(f"store: {shown_location(settings.store_location)}")
            if url:
                console.print(
                    f"\n[bold green]The desk's site: {url}[/]  "
                    f"(sample outlets: {server.base_url}/ ; Ctrl-C or SIGTERM to stop)"
                )
                _wait_for_interrupt()


def _wait_for_interrupt() -> None:
    """Serve until Ctrl-C or SIGTERM (a service manager's stop; a shell's background job
    starts with SIGINT ignored, so SIGTERM is how it is stopped)."""
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
