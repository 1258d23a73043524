"""The practice library's facet index: every live case of a library with its facet values, as bitsets.

Counting facets in SQL took an aggregate query per facet over every matching case and its tags,
authorities and sub-pillars, on every request (seven GROUP BYs over 10,000 cases and ~80,000 link rows).
What the facets count changes only when a case is saved, published, unpublished, moved or deleted, its
tags, authorities or sub-pillars change, or a tag, authority, sub-pillar or view restriction is edited. So
the index is read once per such change (7 queries, see `build`), kept in the cache (shared by
the processes through Redis) and in the process, and a request counts in memory: the cases of a facet
value are a bitset (bit i = the i-th case, newest first), the cases matching the other facets another,
and the count is the number of bits set in both. Counts stay exact: every change above starts a new
generation (practices/signals.py) and the next request reads the database again.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from itertools import chain
from uuid import uuid4

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When

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
    token: str  # the generation it was read in (see title_order())
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


def title_order(library, index: LibraryIndex) -> np.ndarray:
    """The index's positions sorted by title, then pk (the library's "Title, A to Z").

    Read apart from the index, on the first request of a generation that sorts by title (few do): sorting
    by title in the database (its collation) took a third of the index's main query. A case published
    since the index was read is left out, as the index leaves it out."""
    key = f"practices:library-title-order:{getattr(library, 'pk', 0) or 0}:{index.token}"
    order = cache.get(key)
    if order is None:
        from .selectors import live_cases

        base = live_cases()
        if library is not None:
            base = base.descendant_of(library)
        position = index.position()
        pks = _fetch_all(*base.order_by("title", "pk").values_list("pk").query.sql_with_params())
        order = np.array([position[pk] for (pk,) in pks if pk in position], dtype=np.int64)
        if len(order) < index.size:  # unpublished since the index was read: last, newest first
            listed = set(order.tolist())
            order = np.concatenate([order, [p for p in range(index.size) if p not in listed]]).astype(
                np.int64
            )
        cache.set(key, order, CACHE_TIMEOUT)
    return order


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
        index = build(library, token)
        cache.set(key, index, CACHE_TIMEOUT)
    _memo = ((library_pk, token), index)
    return index


def forget_local() -> None:
    """Drop this process's copy (the cache's stays)."""
    global _memo
    _memo = None


def _fetch_all(sql: str, params=()) -> list[tuple]:
    """All rows at once (a queryset fetches 100 rows at a time and runs converters on every value)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bits_of_mask(flags: np.ndarray) -> int:
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _link_table(links: list[tuple[type, str, str]]) -> np.ndarray:
    """The rows of the link tables as one (kind, case pk, value id) array, kind = the table's index.

    On PostgreSQL each table's two columns come back as two byte strings (string_agg of int8send, both
    aggregated in the same pass over the table, so they stay aligned) that NumPy reads without a Python
    object per row; elsewhere as ordinary rows."""
    quote = connection.ops.quote_name
    tables = [
        (
            kind,
            quote(model._meta.get_field(case_field).column),
            quote(model._meta.get_field(value_field).column),
            quote(model._meta.db_table),
        )
        for kind, (model, case_field, value_field) in enumerate(links)
    ]
    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(
            f"SELECT {kind}, string_agg(int8send({case}::bigint), ''::bytea), "
            f"string_agg(int8send({value}::bigint), ''::bytea) FROM {table}"
            for kind, case, value, table in tables
        )
        parts = [np.zeros((0, 3), dtype=np.int64)]
        for kind, cases, values in _fetch_all(sql):
            if cases is not None:
                case_pks = np.frombuffer(bytes(cases), dtype=">i8").astype(np.int64)
                value_ids = np.frombuffer(bytes(values), dtype=">i8").astype(np.int64)
                kinds = np.full(len(case_pks), kind, dtype=np.int64)
                parts.append(np.column_stack((kinds, case_pks, value_ids)))
        return np.concatenate(parts)
    sql = " UNION ALL ".join(
        f"SELECT {kind}, {case}, {value} FROM {table}" for kind, case, value, table in tables
    )
    rows = _fetch_all(sql)
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=3 * len(rows)).reshape(-1, 3)


def _link_bitsets(ids: list[int], links: list[tuple[type, str, str]]) -> list[dict[int, int]]:
    """For each (model, case field, value field) link table: value id -> bitset of its cases.

    One query reads the link tables whole (no join: rows of drafts and of other libraries are few and
    dropped here); NumPy maps case pks to positions and packs the bits."""
    size = len(ids)
    if not size:
        return [{} for _link in links]
    table = _link_table(links)
    pks = np.array(ids, dtype=np.int64)
    by_pk = np.argsort(pks)
    sorted_pks = pks[by_pk]
    at = np.minimum(np.searchsorted(sorted_pks, table[:, 1]), size - 1)
    known = sorted_pks[at] == table[:, 1]
    table, positions = table[known], by_pk[at[known]]
    return [
        _bitsets(positions[table[:, 0] == kind], table[table[:, 0] == kind, 2], size)
        for kind in range(len(links))
    ]


def _or_into(target: dict[str, int], key: str, bits: int) -> None:
    target[key] = target.get(key, 0) | bits


def build(library, token: str) -> LibraryIndex:
    """Read the library's live cases and their facet values from the database (7 queries), in generation
    `token`.

    The link rows (~80,000 at 10,000 cases) become bitsets with NumPy, not row by row in Python."""
    from taggit.models import Tag

    from benchmarks.models import Authority, SubPillar
    from portal.principles import Principle

    from .models import PracticeCasePage, PracticeCaseTag
    from .selectors import live_cases, principle_q, sub_pillar_names

    base = live_cases()
    if library is not None:
        base = base.descendant_of(library)
    newest = (F("first_published_at").desc(nulls_last=True), F("pk").desc())
    cases = (
        base.annotate(
            # bit k set when the case applies the k-th principle: one int per case, from the database
            principle_bits=reduce(
                operator.add,
                (
                    Case(When(principle_q(code), then=Value(1 << k)), default=Value(0))
                    for k, code in enumerate(Principle.values)
                ),
            ),
        )
        .order_by(*newest)
        .values_list("pk", "status", "year_launched", "principle_bits")
    )
    rows = _fetch_all(*cases.query.sql_with_params())
    size = len(rows)
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 4
    ids, statuses, years, principles = columns
    everyone = np.arange(size)
    year_numbers = np.array([year or 0 for year in years], dtype=np.int64)
    year_order = np.lexsort((everyone, -year_numbers))  # latest year first, then newest

    postings: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for name, values in (("status", np.array(statuses, dtype=str)), ("year", year_numbers)):
        postings[name] = {str(value): bits for value, bits in _bitsets(everyone, values, size).items()}
    principle_bits = np.array(principles, dtype=np.int64)
    for k, code in enumerate(Principle.values):
        flags = (principle_bits >> k) & 1 == 1
        if flags.any():
            postings["principle"][code] = _bits_of_mask(flags)

    labels: dict[str, dict[str, str]] = {"tag": {}, "authority": {}, "sub_pillar": {}}
    order: dict[str, list[str]] = {"tag": [], "authority": []}
    by_tag, by_authority, by_sub_pillar = _link_bitsets(
        ids,
        [
            (PracticeCaseTag, "content_object", "tag"),
            (PracticeCasePage.authorities.through, "practicecasepage", "authority"),
            (PracticeCasePage.sub_pillars.through, "practicecasepage", "subpillar"),
        ],
    )
    tags = Tag.objects.filter(pk__in=list(by_tag)).order_by("name", "pk").values_list("pk", "slug", "name")
    for pk, slug, name in tags:
        _or_into(postings["tag"], slug, by_tag[pk])
        if slug not in labels["tag"]:
            labels["tag"][slug] = name
            order["tag"].append(slug)
    authorities = (
        Authority.objects.filter(pk__in=list(by_authority))
        .order_by("name", "pk")
        .values_list("pk", "slug", "name", "country")
    )
    for pk, slug, name, country in authorities:
        _or_into(postings["authority"], slug, by_authority[pk])
        if slug not in labels["authority"]:
            labels["authority"][slug] = name
            order["authority"].append(slug)
        if country:
            _or_into(postings["country"], country, by_authority[pk])
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
        token=token,
        year_order=year_order,
        postings=postings,
        labels=labels,
        order=order,
    )
