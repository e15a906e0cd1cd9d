"""Dedupe: exact (content hash) and near-duplicate (MinHash LSH over word shingles) texts.

A wire story syndicated on five sites becomes one text group with five outlets: every article
is kept (each outlet still counts), but they share one `text_group` key, the canonical URL of
the group's earliest member. Groups are recomputed over the stored signatures in a fixed order,
so the result does not depend on the order articles arrived in (crash-and-resume safe).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE_WORDS = 5
# Pinned so signatures stored by one datasketch version stay comparable in the next.
SCHEME = "affine64"
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    """MinHash signature of a text, as bytes for the store."""
    from datasketch import MinHash  # imported on use: the package takes ~2 s to import

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles(text)])
    return bytes(minhash.hashvalues.astype(np.uint64).tobytes())


def _from_bytes(data: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=SCHEME
    )


@dataclass(frozen=True, slots=True)
class DedupeItem:
    key: str  # canonical URL
    content_hash: str
    minhash: bytes
    published: datetime | None


def dedupe(items: Sequence[DedupeItem], threshold: float) -> dict[str, str]:
    """Map every item's key to its text group key (its own key when it is the first)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    by_hash: dict[str, str] = {}
    groups: dict[str, str] = {}
    minhashes: dict[str, MinHash] = {}
    ordered = sorted(items, key=lambda i: (i.published is None, i.published or 0, i.key))
    for item in ordered:
        if item.content_hash in by_hash:
            groups[item.key] = groups[by_hash[item.content_hash]]
            continue
        minhash = _from_bytes(item.minhash)
        best, best_score = None, threshold
        for candidate in lsh.query(minhash):
            score = minhash.jaccard(minhashes[candidate])
            if score >= best_score and (best is None or score > best_score or candidate < best):
                best, best_score = candidate, score
        groups[item.key] = groups[best] if best else item.key
        by_hash[item.content_hash] = item.key
        minhashes[item.key] = minhash
        lsh.insert(item.key, minhash)
    return groups
