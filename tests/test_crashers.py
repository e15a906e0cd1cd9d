"""Replays every input bench/fuzz.py ever saved as a crasher (tests/crashers/<target>/*.json).

Each must now end in one of its target's documented errors (tests/fuzz_targets.py). A crasher
whose bug is not fixed yet carries an "xfail" reason and is expected to fail, strictly: the
day it passes, the test fails until someone removes the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fuzz_targets import TARGETS, decode_args, feed_seeds, house_seeds, page_seeds, saved_crashers


def crasher_params() -> list[Any]:
    params = []
    for path in saved_crashers():
        record = json.loads(path.read_text(encoding="utf-8"))
        marks = (
            [pytest.mark.xfail(strict=True, reason=record["xfail"])] if "xfail" in record else []
        )
        params.append(pytest.param(path, id=f"{path.parent.name}/{path.stem}", marks=marks))
    return params or [pytest.param(None, id="none-saved")]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", crasher_params())
def test_saved_crasher_now_fails_cleanly(path: Path | None) -> None:
    if path is None:
        return  # nothing saved yet: the fuzzer has found nothing
    record = json.loads(path.read_text(encoding="utf-8"))
    TARGETS[record["target"]].check(decode_args(record["args"]))


@pytest.mark.timeout(60)
def test_every_target_takes_its_seeds() -> None:
    """The replay machinery itself: unmutated seeds go through every target cleanly."""
    TARGETS["parse_feed"].check({"data": feed_seeds()[0], "url": None, "content_type": None})
    TARGETS["extract_article"].check({"html": page_seeds()[0], "url": "http://demo.example/a"})
    TARGETS["canonicalize_url"].check({"url": "HTTP://Example.com/a?utm_source=x", "base": None})
    TARGETS["parse_house_file"].check({"text": house_seeds()[0]})
