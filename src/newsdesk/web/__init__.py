"""Publishing: the web site, feeds and JSON API (`newsdesk serve`), the static site
(`newsdesk publish`) and text export (`newsdesk export`). The only package that imports FastAPI.
"""

from newsdesk.web.app import create_app
from newsdesk.web.model import Site, StoryView, build_site, load_site
from newsdesk.web.publish import export_text, publish_site
from newsdesk.web.scheduler import Scheduler, SchedulerState, parse_interval
from newsdesk.web.server import BackgroundServer, serve

__all__ = [
    "BackgroundServer",
    "Scheduler",
    "SchedulerState",
    "Site",
    "StoryView",
    "build_site",
    "create_app",
    "export_text",
    "load_site",
    "parse_interval",
    "publish_site",
    "serve",
]
