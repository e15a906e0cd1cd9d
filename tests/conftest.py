from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.demo import DemoServer

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture
def demo_opml(tmp_path: Path, demo_server: DemoServer) -> Path:
    path = tmp_path / "feeds.opml"
    path.write_bytes(demo_server.opml())
    return path
