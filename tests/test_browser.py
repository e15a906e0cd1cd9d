"""What a reader sees, in Debian's Chromium driven by Playwright: the front page, a story and
search at desktop and phone widths (screenshots in test-artifacts/), and a story whose every
field carries a script payload, which must never run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.demo.fixtures import HOSTILE_STORY, add_hostile_story, fill_store
from newsdesk.store import Store
from newsdesk.web import BackgroundServer, create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does it)",
)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "newsdesk.db"
    with Store(db) as store:
        fill_store(store)
        add_hostile_story(store)
    with BackgroundServer(create_app(db)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=request.param == "phone",
        has_touch=request.param == "phone",
        device_scale_factor=1,
    )
    opened = context.new_page()
    opened.viewport_name = request.param  # type: ignore[attr-defined]
    yield opened
    context.close()


def _shot(page: sync_api.Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    viewport = page.viewport_name  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"), full_page=True)


def _no_horizontal_scroll(page: sync_api.Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"


def test_front_page(site_url: str, page: sync_api.Page) -> None:
    page.goto(site_url)
    lead = page.locator(".card-lead .card-title a")
    assert lead.count() == 1
    assert page.locator(".section").count() >= 3
    assert page.locator("nav.sections a").count() >= 5
    _no_horizontal_scroll(page)
    _shot(page, "front")


def test_story_page(site_url: str, page: sync_api.Page) -> None:
    page.goto(site_url + "story/ferry-report.html")
    assert "Corran Star" in page.locator("h1").inner_text()
    assert page.locator(".article-body .cite").count() >= 4
    assert page.locator(".sources h3").count() >= 2
    assert page.locator(".timeline li").count() == 2
    page.locator(".voice summary").first.click()
    assert page.locator(".voice-body h3").first.is_visible()
    _no_horizontal_scroll(page)
    _shot(page, "story")
    # The thread links to the earlier story.
    page.locator(".timeline a").first.click()
    assert page.url.endswith("story/ferry-aground.html")


def test_citation_shows_its_source(site_url: str, page: sync_api.Page) -> None:
    page.goto(site_url + "story/ferry-report.html")
    cite = page.locator(".article-body .cite").first
    if page.viewport_name == "desktop":  # type: ignore[attr-defined]
        cite.hover()
        assert cite.locator(".cite-pop").is_visible()
        page.screenshot(path=str(ARTIFACTS / "citation-hover-desktop.png"))
    else:
        cite.tap()
        assert page.url.endswith("#cite-1")
        assert page.locator("#cite-1 blockquote").is_visible()


def test_search(site_url: str, page: sync_api.Page) -> None:
    page.goto(site_url)
    page.fill("#site-search", "echo sounder")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search.html?q=echo+sounder")
    results = page.locator(".result")
    assert results.count() >= 1
    assert "mark" in results.first.locator(".snippet").inner_html()
    _no_horizontal_scroll(page)
    _shot(page, "search")


def test_status_page(site_url: str, page: sync_api.Page) -> None:
    page.goto(site_url + "status.html")
    assert "Storm Edda" in page.locator("#held-title + .table-wrap").inner_text()
    _shot(page, "status")


def test_script_payload_never_runs(site_url: str, page: sync_api.Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("", f"story/{HOSTILE_STORY}.html", "search.html?q=harbour", "category/world.html"):
        page.goto(site_url + path)
        page.mouse.move(200, 300)
        assert page.evaluate("window.__xss") is None
        assert page.locator("h1 script, .story script, main img").count() == 0
    page.goto(site_url + f"story/{HOSTILE_STORY}.html")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text, not run
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert dialogs == []
