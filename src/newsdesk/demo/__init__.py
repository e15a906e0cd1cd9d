"""The built-in offline sample news world that `make demo` runs the desk on.

Invented outlets, stories and articles (see demo/data/), rendered per outlet with its own
templates and feed format (site.py) and served from loopback (server.py). The data doubles
as ground truth for tests of later stages: `expected_stories()`.
"""

from newsdesk.demo.server import DemoServer
from newsdesk.demo.site import Page, build_pages, build_site
from newsdesk.demo.world import (
    DemoArticle,
    DemoOutlet,
    DemoStory,
    DemoWorld,
    ExpectedStory,
    expected_stories,
    load_world,
    story_articles,
)

__all__ = [
    "DemoArticle",
    "DemoOutlet",
    "DemoServer",
    "DemoStory",
    "DemoWorld",
    "ExpectedStory",
    "Page",
    "build_pages",
    "build_site",
    "expected_stories",
    "load_world",
    "story_articles",
]
