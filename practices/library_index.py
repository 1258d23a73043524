"""The practice library's facet index: every live case of a library with its facet values, as bitsets.

Counting facets in SQL took an aggregate query per facet over every matching case and its tags,
authorities and sub-pillars, on every request (seven GROUP BYs over 10,000 cases and ~80,000 link rows).
What the facets count changes only when a case is saved, published, unpublished, moved or deleted, its
tags, authorities or sub-pillars change, or a tag, authority, sub-pillar or view restriction is edited. So
the index is read once per such change (a handful of queries, see `build`), kept in the cache (shared by
the processes through Redis) and in the process, and a request counts in memory: the cases of a facet
value are a bitset (bit i = the i-th case, newest first), the cases matching the other facets another,
and the count is the number of bits set in both. Counts stay exact: every change above starts a new
generation (practices/signals.py) and the next request reads the database again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from uuid import uuid4

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, TextField, Window
from django.db.models.functions import Cast, RowNumber

CACHE_TIMEOUT = 60 * 60
GENERATION_KEY = "practices:library-generation"
FACETS = ("tag", "principle", "sub_pillar", "country", "authority", "status", "year")


def generation() -> str:
    """The current generation of the library's data: a token (not a counter, so an emptied cache can never
    bring back an index built from older data under the same name)."""
    return cache.get_or_set(GENERATION_KEY, _new_token, None)


def _new_token() -> str:
    return uuid4().hex


def invalidate(**kwargs) -> None:
    """Start a new generation now and again when the current transaction commits (a request served between
    the two may have read the uncommitted-away data; the second bump drops what it cached)."""
    cache.set(GENERATION_KEY, _new_token(), None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_token(), None))


@dataclass
class LibraryIndex:
    """The live cases of one library. Position i is the i-th case newest first (first_published_at
    descending, nulls last, then pk descending): the library's default order."""

    ids: list[int]
    title_order: np.ndarray  # positions sorted by title, then pk
    year_order: np.ndarray  # positions sorted by year launched (latest first), then newest
    # facet -> value -> bitset of the cases that have it (values as the GET parameter spells them)
    postings: dict[str, dict[str, int]]
    # facet -> value -> label, for data labels (tag, authority and sub-pillar names); the others are
    # translated labels computed per request
    labels: dict[str, dict[str, str]]
    # facet -> values in their display order (tags and authorities by name, as the database sorts them)
    order: dict[str, list[str]]
    _positions: dict[int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def everything(self) -> int:
        return (1 << len(self.ids)) - 1

    def position(self) -> dict[int, int]:
        """pk -> position."""
        if self._positions is None:
            self._positions = {pk: i for i, pk in enumerate(self.ids)}
        return self._positions

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_positions"] = None
        return state

    def union(self, facet: str, values: Iterable[str]) -> int:
        bits = 0
        postings = self.postings[facet]
        for value in values:
            bits |= postings.get(str(value), 0)
        return bits

    def bitset_of_pks(self, pks: Iterable[int]) -> int:
        position = self.position()
        return bitset((position[pk] for pk in pks if pk in position), self.size)


def bitset(positions: Iterable[int], size: int) -> int:
    """An int with the bits of these positions set."""
    buffer = bytearray((size + 7) // 8)
    for p in positions:
        buffer[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(buffer, "little")


def mask(bits: int, size: int) -> np.ndarray:
    """The bitset as one boolean per position."""
    packed = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(packed, bitorder="little")[:size].astype(bool)


def positions(bits: int, size: int) -> list[int]:
    """The positions set in the bitset, ascending."""
    return np.flatnonzero(mask(bits, size)).tolist() if bits else []


def in_order(bits: int, size: int, order: np.ndarray) -> list[int]:
    """The positions set in the bitset, in this order of all the positions."""
    return order[mask(bits, size)[order]].tolist() if bits else []


def _bitsets(positions: np.ndarray, values: np.ndarray, size: int) -> dict:
    """(position, value) pairs as value -> bitset of its positions, vectorised: a value x position boolean
    matrix packed to bytes row by row."""
    if not len(values):
        return {}
    unique, inverse = np.unique(values, return_inverse=True)
    matrix = np.zeros((len(unique), size), dtype=bool)
    matrix[inverse, positions] = True
    packed = np.packbits(matrix, axis=1, bitorder="little")
    return {value.item(): int.from_bytes(packed[i].tobytes(), "little") for i, value in enumerate(unique)}


# --- Reading the index ------------------------------------------------------------------------------------

# This process's copy: ((library pk, generation), index). One tuple, replaced whole (safe across threads).
_memo: tuple | None = None


def _key(library_pk: int | None, token: str) -> str:
    return f"practices:library-index:{library_pk or 0}:{token}"


def library_index(library) -> LibraryIndex:
    """The index of this library's live cases (all libraries' when None): from this process's memory, the
    cache, or the database, in that order."""
    global _memo
    token = generation()
    library_pk = getattr(library, "pk", None)
    memo = _memo
    if memo is not None and memo[0] == (library_pk, token):
        return memo[1]
    key = _key(library_pk, token)
    index = cache.get(key)
    if index is None:
        index = build(library)
        cache.set(key, index, CACHE_TIMEOUT)
    _memo = ((library_pk, token), index)
    return index


def forget_local() -> None:
    """Drop this process's copy (the cache's stays)."""
    global _memo
    _memo = None


class _Links:
    """Link rows (case pk, value id) to bitsets of the cases' positions."""

    def __init__(self, ids: list[int]):
        self.size = len(ids)
        pks = np.array(ids, dtype=np.int64)
        self.by_pk = np.argsort(pks)
        self.sorted_pks = pks[self.by_pk]

    def read(self, model, case_field: str, value_field: str, cases) -> dict[int, int]:
        """value id -> bitset, from the link table's rows of these cases."""
        rows = model.objects.filter(**{f"{case_field}__in": cases}).values_list(case_field, value_field)
        return self.bitsets(list(rows))

    def bitsets(self, rows: list[tuple[int, int]]) -> dict[int, int]:
        """value id -> bitset (rows of cases outside the index are skipped)."""
        if not rows or not self.size:
            return {}
        links = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows)).reshape(-1, 2)
        at = np.minimum(np.searchsorted(self.sorted_pks, links[:, 0]), self.size - 1)
        known = self.sorted_pks[at] == links[:, 0]
        return _bitsets(self.by_pk[at[known]], links[known, 1], self.size)


def _by_value(positions, values: list, size: int) -> dict[str, int]:
    """str(value) -> bitset of the positions that have it, for values that are not ids (status, year...)."""
    if not values:
        return {}
    return {
        str(value): bits for value, bits in _bitsets(np.asarray(positions), np.array(values), size).items()
    }


def _or_into(target: dict[str, int], key: str, bits: int) -> None:
    target[key] = target.get(key, 0) | bits


def build(library) -> LibraryIndex:
    """Read the library's live cases and their facet values from the database (8 queries).

    The link rows (~80,000 at 10,000 cases) become bitsets with NumPy, not row by row in Python."""
    from taggit.models import Tag

    from benchmarks.models import Authority, SubPillar

    from .models import PracticeCasePage, PracticeCaseTag
    from .selectors import live_cases, sub_pillar_names

    base = live_cases()
    if library is not None:
        base = base.descendant_of(library)
    newest = (F("first_published_at").desc(nulls_last=True), F("pk").desc())
    rows = list(
        base.annotate(
            title_rank=Window(RowNumber(), order_by=(F("title").asc(), F("pk").asc())),
            principles_text=Cast("principles", TextField()),
        )
        .order_by(*newest)
        .values_list("pk", "status", "year_launched", "principles_text", "title_rank")
    )
    size = len(rows)
    ids = [row[0] for row in rows]
    everyone = np.arange(size)
    years = np.array([row[2] or 0 for row in rows], dtype=np.int64)
    title_order = np.argsort(np.array([row[4] for row in rows], dtype=np.int64), kind="stable")
    year_order = np.lexsort((everyone, -years))  # latest year first, then newest

    postings: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    postings["status"] = _by_value(everyone, [row[1] for row in rows], size)
    postings["year"] = _by_value(everyone, [row[2] for row in rows], size)
    # One json.loads for all the cases' principle lists (not one parse per case).
    parsed = json.loads("[" + ",".join(row[3] or "[]" for row in rows) + "]")
    pairs = [(i, code) for i, codes in enumerate(parsed) if isinstance(codes, list) for code in codes]
    postings["principle"] = _by_value([i for i, _code in pairs], [code for _i, code in pairs], size)

    links = _Links(ids)
    case_ids = base.values("pk")
    labels: dict[str, dict[str, str]] = {"tag": {}, "authority": {}, "sub_pillar": {}}
    order: dict[str, list[str]] = {}

    by_tag = links.read(PracticeCaseTag, "content_object_id", "tag_id", case_ids)
    tags = Tag.objects.filter(pk__in=list(by_tag)).order_by("name", "pk").values_list("pk", "slug", "name")
    order["tag"] = []
    for pk, slug, name in tags:
        _or_into(postings["tag"], slug, by_tag[pk])
        if slug not in labels["tag"]:
            labels["tag"][slug] = name
            order["tag"].append(slug)

    through = PracticeCasePage.authorities.through
    by_authority = links.read(through, "practicecasepage_id", "authority_id", case_ids)
    authorities = (
        Authority.objects.filter(pk__in=list(by_authority))
        .order_by("name", "pk")
        .values_list("pk", "slug", "name", "country")
    )
    order["authority"] = []
    for pk, slug, name, country in authorities:
        _or_into(postings["authority"], slug, by_authority[pk])
        if slug not in labels["authority"]:
            labels["authority"][slug] = name
            order["authority"].append(slug)
        if country:
            _or_into(postings["country"], country, by_authority[pk])

    through = PracticeCasePage.sub_pillars.through
    by_sub_pillar = links.read(through, "practicecasepage_id", "subpillar_id", case_ids)
    keys = dict(SubPillar.objects.filter(pk__in=list(by_sub_pillar)).values_list("pk", "key"))
    for pk, bits in by_sub_pillar.items():
        _or_into(postings["sub_pillar"], keys[pk], bits)
    names = sub_pillar_names(postings["sub_pillar"]) if postings["sub_pillar"] else {}
    labels["sub_pillar"] = {key: f"{key} {names.get(key, '')}" for key in postings["sub_pillar"]}
    order["sub_pillar"] = sorted(
        postings["sub_pillar"], key=lambda key: [int(p) if p.isdigit() else p for p in key.split(".")]
    )

    return LibraryIndex(
        ids=ids,
        title_order=title_order,
        year_order=year_order,
        postings=postings,
        labels=labels,
        order=order,
    )
