"""The `newsdesk` command. Commands live in one module per group; this file only wires them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli import demo, ingest, restyle, show, stories, tools, verify, web, worker, write

app = typer.Typer(
    name="newsdesk",
    help="An automated news desk: feeds in, one grounded article per story out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def global_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML settings file.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the store lives.")
    ] = None,
    store_url: Annotated[
        str | None,
        typer.Option(
            "--store-url",
            help="The store elsewhere: sqlite:///PATH or postgresql://USER@HOST:PORT/DB.",
        ),
    ] = None,
) -> None:
    ctx.obj = {"config": config, "data_dir": data_dir, "store_url": store_url}


app.command("run")(ingest.run_command)
app.command("status")(ingest.status_command)
app.command("add-feed")(ingest.add_feed_command)
app.command("parse-feed")(tools.parse_feed_command)
app.command("extract")(tools.extract_command)
app.command("demo")(demo.demo_command)
app.command("verify")(verify.verify_command)
app.command("cluster")(stories.cluster_command)
app.command("compose")(write.compose_command)
app.command("restyle")(restyle.restyle_command)
app.command("show")(show.show_command)
app.command("serve")(web.serve_command)
app.command("publish")(web.publish_command)
app.command("export")(web.export_command)
app.command("worker")(worker.worker_command)


def main() -> None:
    app()
