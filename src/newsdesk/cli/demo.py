"""demo: the whole pipeline on our built-in sample outlets, served from loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newsdesk.cli.common import settings_from
from newsdesk.cli.ingest import run_pipeline, status_command
from newsdesk.demo.server import DemoServer


def demo_command(
    ctx: typer.Context,
    data_dir: Annotated[
        Path, typer.Option("--demo-dir", help="Store for the demo run (kept between runs).")
    ] = Path("newsdesk-data/demo"),
    port: Annotated[
        int, typer.Option(help="Loopback port of the sample outlets (fixed, so feeds stay known).")
    ] = 8741,
    serve: Annotated[bool, typer.Option(help="Serve the site when the run is done.")] = True,
    web_port: Annotated[int, typer.Option(help="Port of the desk's web site.")] = 8000,
) -> None:
    """Run the desk on the offline sample outlets, then serve what it wrote."""
    console = Console()
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
        run_pipeline(settings)
        ctx.obj = {**(ctx.obj or {}), "data_dir": data_dir}
        status_command(ctx)
        console.print(f"store: {settings.db_path}")
        if serve:
            from newsdesk.web import create_app
            from newsdesk.web import serve as serve_app

            console.print(
                f"\n[bold green]The desk's site: http://127.0.0.1:{web_port}/[/]  "
                f"(sample outlets: {server.base_url}/ ; Ctrl-C to stop)"
            )
            serve_app(create_app(settings.db_path), "127.0.0.1", web_port)
