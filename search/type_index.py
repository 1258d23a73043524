"""An in-memory index of one result type's visible objects: facet values and title words as bitsets.

The practice library holds most of the site (10,000 cases at the scale the portal is measured at), and
each search of it read the visible keys among the full-text matches, then ran a GROUP BY per facet, a
query per chosen facet value and a title query, each sending the thousands of matching keys back to
the database. What those queries read changes only when a case, its tags, authorities or sub-pillars,
a tag, authority or sub-pillar, or a view restriction changes: the practice library already follows
every such change with a generation token (practices/library_index.py). A result type that names such a
token (`ResultType.index_generation`) gets this index, read once per generation (a query for the objects
and one per facet), kept in the cache (shared by the processes) and in the process, as practices'
library index is. A search then works in memory: the full-text matches of the type become a bitset
(bit i = the i-th visible key in ascending order), a facet value's objects another, a count is the
number of bits set in both, and the title tiers of the ranking are bitsets of the title's words.

It follows the registry's own definitions exactly: the visible objects are `visible(None)` (so the type's
visibility must be the same for everyone), a facet value's objects are those the facet's lookup gives that
value (`FacetField.pairs`), and taxonomy terms are facet values, as `ResultType.taxonomy_q` reads them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from django.core.cache import cache

from .expansion import compact, words

CACHE_TIMEOUT = 60 * 60


@dataclass
class TypeIndex:
    """The visible objects of one result type. Position i is the i-th key in ascending order."""

    pks: np.ndarray  # the visible objects' keys, ascending (int64)
    dates: list  # the date of each position (None when the type has no date)
    newest: np.ndarray  # positions by date, newest first, then the highest key (the "newest first" order)
    postings: dict[str, dict[str, int]]  # facet -> value -> bitset of the objects that have it
    title_words: dict[str, np.ndarray]  # folded word of a title -> positions of the titles holding it
    exact_titles: dict[str, np.ndarray]  # compact(title) -> positions of the titles that are exactly it

    @property
    def size(self) -> int:
        return len(self.pks)

    def bits_of_keys(self, keys) -> int:
        """The bitset of these keys (keys of invisible objects are left out)."""
        wanted = np.fromiter(keys, dtype=np.int64)
        if not len(wanted) or not self.size:
            return 0
        at = np.minimum(np.searchsorted(self.pks, wanted), self.size - 1)
        return _bits(at[self.pks[at] == wanted], self.size)

    def mask(self, bits: int) -> np.ndarray:
        """The bitset as one boolean per position."""
        packed = np.frombuffer(bits.to_bytes((self.size + 7) // 8, "little"), dtype=np.uint8)
        return np.unpackbits(packed, bitorder="little")[: self.size].astype(bool)

    def keys_of(self, bits: int) -> list:
        """The keys of a bitset, ascending."""
        return self.pks[self.mask(bits)].tolist() if bits else []

    def union(self, facet: str, values) -> int:
        """Objects having any of these values of a facet."""
        bits = 0
        postings = self.postings.get(facet, {})
        for value in values:
            bits |= postings.get(str(value), 0)
        return bits

    def titled(self, query: str) -> tuple[int, int]:
        """Objects whose title is exactly the query (compared compact: "Co-creation" = "cocreation"), and
        objects whose title holds every word of the query."""
        exact = self.exact_titles.get(compact(query)) if compact(query) else None
        exact_bits = _bits(exact, self.size) if exact is not None else 0
        query_words = set(words(query))
        if not query_words:
            return exact_bits, 0
        holding = None
        for word in query_words:
            found = self.title_words.get(word)
            if found is None:
                return exact_bits, 0
            holding = found if holding is None else np.intersect1d(holding, found, assume_unique=True)
        return exact_bits, _bits(holding, self.size)

    def newest_of(self, bits: int, limit: int) -> list[tuple[Any, Any]]:
        """(key, date) of the newest `limit` objects of a bitset."""
        if not bits:
            return []
        chosen = self.newest[self.mask(bits)[self.newest]][:limit]
        return [(self.pks[i].item(), self.dates[i]) for i in chosen.tolist()]


def _bits(positions, size: int) -> int:
    """An int with the bits of these positions set."""
    flags = np.zeros(size, dtype=bool)
    flags[positions] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _timestamp(when) -> float:
    if isinstance(when, datetime):
        return when.timestamp()
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day).timestamp()
    return float(when or 0)


def build(rt) -> TypeIndex:
    """Read a result type's visible objects, their titles, dates and facet values (a query for the
    objects and one per facet)."""
    visible = rt.visible(None).order_by()
    fields = ["pk", rt.title_field] + ([rt.date_field] if rt.date_field else [])
    rows = sorted(visible.values_list(*fields), key=lambda row: row[0])
    pks = np.array([row[0] for row in rows], dtype=np.int64)
    size = len(rows)
    dates = [row[2] for row in rows] if rt.date_field else [None] * size
    # Newest first (dated before undated), then the highest key, as the database orders "-date, -pk".
    order = sorted(
        range(size),
        key=lambda i: (dates[i] is not None, _timestamp(dates[i]), rows[i][0]),
        reverse=True,
    )
    title_words: dict[str, list[int]] = defaultdict(list)
    exact_titles: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(rows):
        title = str(row[1] or "")
        for word in set(words(title)):
            title_words[word].append(position)
        exact_titles[compact(title)].append(position)
    postings: dict[str, dict[str, int]] = {}
    for facet, facet_field in rt.facets.items():
        by_value: dict[str, list[int]] = defaultdict(list)
        for pk, value in facet_field.pairs(visible):
            by_value[value].append(pk)
        postings[facet] = {}
        for value, value_pks in by_value.items():
            keys = np.array(value_pks, dtype=np.int64)
            at = np.minimum(np.searchsorted(pks, keys), max(size - 1, 0))
            found = at[pks[at] == keys] if size else at[:0]
            if len(found):
                postings[facet][value] = _bits(found, size)
    return TypeIndex(
        pks=pks,
        dates=dates,
        newest=np.array(order, dtype=np.int64),
        postings=postings,
        title_words={word: np.array(found, dtype=np.int32) for word, found in title_words.items()},
        exact_titles={title: np.array(found, dtype=np.int32) for title, found in exact_titles.items()},
    )


# This process's copies: result type key -> (generation, index), each tuple replaced whole.
_memo: dict[str, tuple[str, TypeIndex]] = {}


def type_index(rt) -> TypeIndex | None:
    """The index of a result type that names a generation (None for the others): from this process's
    memory, the cache, or the database, in that order."""
    if rt.index_generation is None:
        return None
    token = rt.index_generation()
    memo = _memo.get(rt.key)
    if memo is not None and memo[0] == token:
        return memo[1]
    key = f"search:type-index:{rt.key}:{token}"
    index = cache.get(key)
    if index is None:
        index = build(rt)
        cache.set(key, index, CACHE_TIMEOUT)
    _memo[rt.key] = (token, index)
    return index


def forget_local() -> None:
    """Drop this process's copies (the cache's stay)."""
    _memo.clear()
