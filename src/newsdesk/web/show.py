"""One story version as text, JSON or Markdown, for `newsdesk show` and anyone scripting it.

- text: the house layout (seed 000), byte for byte what `newsdesk export` writes.
- json: the version's record (status, reasons, sources) and the writer's payload, which has
  every sentence with its verdict and citations.
- markdown: the article with a footnote per sentence pointing at the source sentences that
  support it, so a reader can check each claim; related articles are links.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from newsdesk.errors import StoreError
from newsdesk.formats.payload import StoryPayload
from newsdesk.records import StoryVersion
from newsdesk.web.publish import house_text
from newsdesk.web.safety import safe_url

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def show_text(version: StoryVersion) -> str:
    return house_text(version)


def show_json(version: StoryVersion) -> str:
    """The record and the payload, as one object; a payload that is not JSON is kept as text."""
    try:
        payload: Any = json.loads(version.payload)
    except json.JSONDecodeError:
        payload = version.payload
    record = {
        "story_id": version.story_id,
        "version": version.version,
        "created_at": version.created_at.isoformat(),
        "published": version.published,
        "reasons": list(version.reasons),
        "sources": list(version.sources),
        "title": version.title,
        "text": house_text(version),
        "payload": payload,
    }
    return json.dumps(record, ensure_ascii=False, indent=2)


def _md(text: str) -> str:
    """Source text is data: Markdown markup in it is escaped, never interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def show_markdown(version: StoryVersion) -> str:
    payload = StoryPayload.from_json(version.payload)
    lines = [f"# {_md(payload.title)}", ""]
    if not version.published:
        reasons = "; ".join(version.reasons) or "no reason recorded"
        lines += [f"> **Held back, not published:** {_md(reasons)}", ""]
    notes: list[str] = []
    by_paragraph: dict[int, list[str]] = {}
    for sentence in payload.sentences:
        text = _md(sentence.text)
        if sentence.citations:
            notes.append(
                "; ".join(
                    f"{_md(c.outlet)}: “{_md(c.quote)}”"
                    + (f" <{url}>" if (url := safe_url(c.url)) else "")
                    for c in sentence.citations
                )
            )
            text += f"[^{len(notes)}]"
        if sentence.verdict != "supported":
            text += f" *({sentence.verdict})*"
        by_paragraph.setdefault(sentence.paragraph, []).append(text)
    if by_paragraph:
        paragraphs = [" ".join(by_paragraph[p]) for p in sorted(by_paragraph)]
    else:  # no sentence record (an old or foreign payload): the paragraphs as written
        paragraphs = [_md(p) for p in payload.paragraphs]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    published = payload.published.strftime("%Y-%m-%d %H:%M:%S")
    lines += [f"**Category:** {_md(payload.category)}", "", f"**Published on:** {published}", ""]
    lines += ["## Related articles", ""]
    for related in payload.related:
        headline = _md(related.headline)
        url = safe_url(related.url)
        linked = f"[{headline}](<{url}>)" if url else headline
        lines.append(f"- {linked}, {_md(related.outlet)}")
    lines += ["", f"**Tags:** {_md(' '.join(payload.tags))}"]
    if notes:
        lines.append("")
        lines += [f"[^{n}]: {note}" for n, note in enumerate(notes, 1)]
    return "\n".join(lines)


def show(version: StoryVersion, format_: str) -> str:
    renderers = {"text": show_text, "json": show_json, "markdown": show_markdown}
    try:
        return renderers[format_](version)
    except ValidationError as exc:
        raise StoreError(
            f"version {version.version} of {version.story_id!r} has a payload that cannot be "
            f"read ({exc.error_count()} problems, first: {exc.errors()[0]['msg']})"
        ) from exc
