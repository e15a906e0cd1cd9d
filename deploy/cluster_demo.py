"""The scale-out desk on one machine: PostgreSQL, Redis, N `newsdesk worker`s and the web
site, then the demo world through them (`newsdesk run --distributed`).

    make cluster-demo                       # 4 workers, the extractive writer
    python deploy/cluster_demo.py --workers 2 --writer embedded --port 8000

PostgreSQL and Redis are throwaway servers in temporary directories (initdb/pg_ctl and
redis-server from Debian's packages, as the tests start them); everything stops, and their
data goes, at Ctrl-C. docs/scale-out.md says how the same pieces spread over many machines.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from fleet_support import Fleet  # noqa: E402
from newsdesk.demo import DemoServer  # noqa: E402
from postgres_support import PostgresServer  # noqa: E402
from redis_support import RedisServer  # noqa: E402

NEWSDESK = (sys.executable, "-m", "newsdesk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=1, help="tasks per worker")
    parser.add_argument("--writer", default="extractive", help="embedded, extractive, fake")
    parser.add_argument("--port", type=int, default=8000, help="the web site's port")
    parser.add_argument("--once", action="store_true", help="stop after the run")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="newsdesk-cluster-") as tmp_name,
        PostgresServer(durable=True) as postgres,
        RedisServer() as redis,
        DemoServer() as outlets,
    ):
        tmp = Path(tmp_name)
        opml = tmp / "demo-feeds.opml"
        opml.write_bytes(outlets.opml())
        env = {
            "NEWSDESK_STORE_URL": postgres.create_database("newsdesk"),
            "NEWSDESK_BROKER_URL": redis.url,
            "NEWSDESK_WRITER": args.writer,
            "NEWSDESK_ALLOW_PRIVATE_ADDRESSES": "true",
            "NEWSDESK_POLITENESS_DELAY": "0",
            "NEWSDESK_DATA_DIR": str(tmp / "unused"),
        }
        print(f"postgres: {env['NEWSDESK_STORE_URL']}\nredis:    {redis.url}", flush=True)
        print(f"outlets:  {outlets.base_url}/", flush=True)
        full_env = {**os.environ, **env}
        with Fleet(env, workers=args.workers, concurrency=args.concurrency, log_dir=tmp):
            site = subprocess.Popen(
                [*NEWSDESK, "serve", "--port", str(args.port)], env=full_env, cwd=tmp
            )
            try:
                print(f"workers:  {args.workers} x {args.concurrency} (logs in {tmp})", flush=True)
                started = time.monotonic()
                subprocess.run(
                    [*NEWSDESK, "run", "--distributed", "--feeds", str(opml)],
                    env=full_env,
                    cwd=tmp,
                    check=True,
                )
                print(f"run done in {time.monotonic() - started:.1f} s", flush=True)
                if not args.once:
                    print(f"site: http://127.0.0.1:{args.port}/  (Ctrl-C stops it all)")
                    site.wait()
            except KeyboardInterrupt:
                pass
            finally:
                site.terminate()
                site.wait(timeout=30)


if __name__ == "__main__":
    main()
