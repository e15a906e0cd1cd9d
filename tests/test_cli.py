"""The command-line contracts evaluation tools rely on, run as a user would run them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.demo import DemoServer

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Our Outlet</title>
<link>https://outlet.example/</link>
<item><title>Budget passes &amp; vote</title><link>https://outlet.example/a?utm_source=x</link>
<pubDate>Tue, 03 Mar 2026 09:15:00 +0000</pubDate><description>Short.</description>
<author>desk@outlet.example (Ann Lee)</author></item></channel></rss>"""

PAGE = b"""<html><head><title>Budget passes | Our Outlet</title>
<link rel="canonical" href="https://outlet.example/a?utm_source=feed&id=7">
<meta property="article:published_time" content="2026-03-03T09:15:00Z"></head>
<body><nav>Home | World</nav><article><h1>Budget passes</h1>
<p>The council passed the budget by nine votes to two on Tuesday evening after a long debate
about the harbour, the schools and the new ferry terminal that has been delayed for years.</p>
<p>The mayor said the plan would keep taxes flat for a third year while adding 40 teachers and
paying the last bill for the terminal, which should open in June if nothing else goes wrong.</p>
</article><footer>Copyright</footer></body></html>"""


def newsdesk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd or Path.cwd())},
    )


def test_parse_feed_prints_the_contract_json(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    result = newsdesk("parse-feed", str(feed))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Our Outlet"
    assert data["link"] == "https://outlet.example/"
    (entry,) = data["entries"]
    assert set(entry) == {"title", "link", "published", "summary", "author"}
    assert entry["title"] == "Budget passes & vote"
    assert entry["published"].startswith("2026-03-03T09:15:00")


@pytest.mark.parametrize("content", [b"", b"<html><body>not a feed</body></html>", b"{bad json"])
def test_parse_feed_rejects_with_one_line(tmp_path: Path, content: bytes) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(content)
    result = newsdesk("parse-feed", str(feed))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsdesk: error: ")
    assert "Traceback" not in result.stderr


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    result = newsdesk("parse-feed", str(tmp_path / "absent.xml"))
    assert result.returncode == 1
    assert result.stderr.startswith("newsdesk: error: cannot read")


def test_extract_prints_the_contract_json(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    result = newsdesk("extract", str(page), "--url", "https://outlet.example/a?utm_medium=rss")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"url", "canonical_url", "title", "authors", "published", "body", "lang"}
    assert data["url"] == "https://outlet.example/a?utm_medium=rss"
    assert data["canonical_url"] == "https://outlet.example/a?id=7"
    assert data["title"] == "Budget passes"
    assert data["published"].startswith("2026-03-03")
    paragraphs = data["body"].split("\n\n")
    assert len(paragraphs) == 2 and paragraphs[0].startswith("The council passed")
    assert "Copyright" not in data["body"] and "Home | World" not in data["body"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [("retries = [", "bad TOML"), ("colour = 'red'", "colour"), ("retries = -1", "retries")],
)
def test_bad_configuration_exits_2_and_writes_nothing(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text(toml)
    result = newsdesk("--config", str(config), "run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("newsdesk: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "newsdesk-data").exists()


def test_run_then_status_over_http(tmp_path: Path, demo_server: DemoServer) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("# one outlet\n" + demo_server.feed_urls()[0][1] + "\n")
    config = tmp_path / "newsdesk.toml"
    config.write_text(
        "allow_private_addresses = true\npoliteness_delay = 0\n"
        'writer = "extractive"\nembedder = "hashing"\nentities = "none"\n'
    )
    run = newsdesk("run", "--feeds", str(feeds), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "articles_ok=" in run.stderr
    status = newsdesk("status", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert demo_server.feed_urls()[0][0] in status.stdout
    assert "articles=" in status.stdout


def test_add_feed_finds_the_feed_of_a_home_page(tmp_path: Path, demo_server: DemoServer) -> None:
    (tmp_path / "newsdesk.toml").write_text("allow_private_addresses = true\n")
    _, feed_url = demo_server.feed_urls()[0]
    home = demo_server.url("/" + feed_url.split("/")[3] + "/")
    result = newsdesk("add-feed", home, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added: " + feed_url)
    again = newsdesk("add-feed", feed_url, cwd=tmp_path)
    assert again.stdout.startswith("already known: ")


def test_add_feed_refuses_loopback_by_default(tmp_path: Path, demo_server: DemoServer) -> None:
    result = newsdesk("add-feed", demo_server.feed_urls()[0][1], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("newsdesk: error: refusing")
