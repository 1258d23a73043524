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

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

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
    title_order: array  # positions sorted by title, then pk
    year_order: array  # positions sorted by year launched (latest first), then newest
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


def positions(bits: int) -> list[int]:
    """The positions set in the bitset, ascending."""
    if not bits:
        return []
    text = bin(bits)[:1:-1]  # bit 0 first
    find = text.find
    found = []
    i = find("1")
    while i != -1:
        found.append(i)
        i = find("1", i + 1)
    return found


def membership(bits: int, size: int) -> bytes:
    """One byte per position, 1 when set: for walking another order of the cases."""
    text = bin(bits)[:1:-1].ljust(size, "0")
    return text.encode()


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


def _grouped(rows: Iterable[tuple[int, object]], position: dict[int, int]) -> dict[object, list[int]]:
    """(case pk, value) link rows as value -> positions of its cases (cases outside the index skipped)."""
    grouped: dict[object, list[int]] = {}
    for case_pk, value in rows:
        if case_pk in position:
            grouped.setdefault(value, []).append(position[case_pk])
    return grouped


def build(library) -> LibraryIndex:
    """Read the library's live cases and their facet values from the database (7 queries)."""
    from taggit.models import Tag

    from benchmarks.models import Authority

    from .models import PracticeCasePage, PracticeCaseTag
    from .selectors import live_cases, sub_pillar_names

    base = live_cases()
    if library is not None:
        base = base.descendant_of(library)
    newest = (F("first_published_at").desc(nulls_last=True), F("pk").desc())
    rows = list(
        base.annotate(
            title_rank=Window(RowNumber(), order_by=(F("title").asc(), F("pk").asc())),
        )
        .order_by(*newest)
        .values_list("pk", "status", "year_launched", "principles", "title_rank")
    )
    size = len(rows)
    ids = [row[0] for row in rows]
    position = {pk: i for i, pk in enumerate(ids)}
    years = [row[2] for row in rows]
    title_order = array("I", sorted(range(size), key=lambda i: rows[i][4]))
    year_order = array("I", sorted(range(size), key=lambda i: (-(years[i] or 0), i)))

    members: dict[str, dict[str, list[int]]] = {name: {} for name in FACETS}
    for i, (_pk, status, year, principles, _rank) in enumerate(rows):
        members["status"].setdefault(status, []).append(i)
        members["year"].setdefault(str(year), []).append(i)
        for code in principles or ():
            members["principle"].setdefault(str(code), []).append(i)

    case_ids = base.values("pk")
    labels: dict[str, dict[str, str]] = {"tag": {}, "authority": {}, "sub_pillar": {}}
    order: dict[str, list[str]] = {}

    tag_rows = PracticeCaseTag.objects.filter(content_object_id__in=case_ids).values_list(
        "content_object_id", "tag_id"
    )
    by_tag = _grouped(tag_rows, position)
    tags = Tag.objects.filter(pk__in=list(by_tag)).order_by("name", "pk").values_list("pk", "slug", "name")
    order["tag"] = []
    for pk, slug, name in tags:
        members["tag"].setdefault(slug, []).extend(by_tag[pk])
        if slug not in labels["tag"]:
            labels["tag"][slug] = name
            order["tag"].append(slug)

    through = PracticeCasePage.authorities.through
    authority_rows = through.objects.filter(practicecasepage_id__in=case_ids).values_list(
        "practicecasepage_id", "authority_id"
    )
    by_authority = _grouped(authority_rows, position)
    authorities = (
        Authority.objects.filter(pk__in=list(by_authority))
        .order_by("name", "pk")
        .values_list("pk", "slug", "name", "country")
    )
    order["authority"] = []
    for pk, slug, name, country in authorities:
        members["authority"].setdefault(slug, []).extend(by_authority[pk])
        if slug not in labels["authority"]:
            labels["authority"][slug] = name
            order["authority"].append(slug)
        if country:
            members["country"].setdefault(country, []).extend(by_authority[pk])

    through = PracticeCasePage.sub_pillars.through
    sub_pillar_rows = through.objects.filter(practicecasepage_id__in=case_ids).values_list(
        "practicecasepage_id", "subpillar__key"
    )
    members["sub_pillar"] = {str(key): found for key, found in _grouped(sub_pillar_rows, position).items()}
    names = sub_pillar_names(members["sub_pillar"]) if members["sub_pillar"] else {}
    labels["sub_pillar"] = {key: f"{key} {names.get(key, '')}" for key in members["sub_pillar"]}
    order["sub_pillar"] = sorted(
        members["sub_pillar"], key=lambda key: [int(p) if p.isdigit() else p for p in key.split(".")]
    )

    postings = {
        name: {value: bitset(found, size) for value, found in values.items()}
        for name, values in members.items()
    }
    return LibraryIndex(
        ids=ids,
        title_order=title_order,
        year_order=year_order,
        postings=postings,
        labels=labels,
        order=order,
    )
