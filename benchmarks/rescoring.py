"""Rescore a whole edition at once: every published submission, from its answers to stored scores and ranks.

services.submission_score + services.edition_rerank score one submission at a time (a few queries each),
which is right when an editor approves one submission and far too slow for 100,000 authorities. This
module gives exactly the same stored values for a whole edition in a handful of statements:

1. lock and read every published submission of the edition, in ranking input order (authority name);
2. the (Yes, answer rows) points per (submission, sub-pillar): on PostgreSQL every answer row of the
   published submissions is streamed out as (submission, indicator, is Yes) with a binary COPY, mapped
   indicator -> sub-pillar and counted with np.bincount (no join with Indicator, no GROUP BY); on other
   databases (SQLite) one GROUP BY (submission, sub-pillar) query;
3. the values with benchmarks.bulk_scoring (exact integer arithmetic, the published method);
4. the ranks with bulk_scoring.rank_by over ALL published submissions of the edition: points-only imports
   (no Answer rows) keep their stored results and overall value but take part in the ranking;
5. only what changed is written: the stored SubPillarResult rows of the rescored submissions are read in
   one query (a binary COPY on PostgreSQL) and compared with the computed ones; changed rows are updated
   (by id), missing ones inserted, extra ones (sub-pillars of another edition) deleted; a Submission's
   overall, percent and updated_at are written when its overall, percent or any of its results changed,
   its rank when the rank changed. On PostgreSQL through binary COPY into temporary tables and one
   UPDATE ... FROM / INSERT ... SELECT / DELETE per table (an UPDATE that leaves the foreign keys alone
   fires no foreign key check); on other databases (SQLite) the ORM's bulk_create / bulk_update.

Everything runs in one transaction. A second run over unchanged answers writes nothing (updated_at is
kept, where services.submission_score would touch it). Sub-pillar points follow
services.submission_score: (Yes, answer rows) per sub-pillar of the edition, and (0, number of
indicators) for a sub-pillar without answer rows.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from . import bulk_scoring, scoring
from .models import Answer, Edition, Indicator, Submission, SubPillar, SubPillarResult

__all__ = ["RescoreReport", "edition_rescore_all"]

ORM_BATCH_SIZE = 500
# Band codes written by the PostgreSQL path: thresholds of scoring.band, in hundredths.
_BANDS = (scoring.Band.LOW.value, scoring.Band.MEDIUM.value, scoring.Band.HIGH.value)
_LOW_MAX_HUNDREDTHS = 33
_MEDIUM_MAX_HUNDREDTHS = 66

_PG_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_PG_HEADER = _PG_SIGNATURE + struct.pack(">ii", 0, 0)
_PG_TRAILER = struct.pack(">h", -1)


@dataclass
class RescoreReport:
    edition_id: int
    published: int = 0  # published submissions ranked
    rescored: int = 0  # of which scored from their answers
    points_only: int = 0  # of which kept their stored (imported) results
    results_written: int = 0  # SubPillarResult rows computed (n x sub-pillars)
    results_updated: int = 0  # stored rows changed
    results_inserted: int = 0
    results_deleted: int = 0
    submissions_updated: int = 0  # Submission rows written (scores and/or rank)
    ranks_changed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def summary(self) -> str:
        phases = ", ".join(f"{name} {value:.3f} s" for name, value in self.seconds.items())
        return (
            f"{self.published} published submissions ranked: {self.rescored} rescored from their answers "
            f"({self.results_written} sub-pillar results: {self.results_updated} updated, "
            f"{self.results_inserted} inserted, {self.results_deleted} deleted), {self.points_only} "
            f"points-only kept; {self.submissions_updated} submissions written, "
            f"{self.ranks_changed} ranks changed. {self.total_seconds:.3f} s ({phases})"
        )


@dataclass(frozen=True)
class _Points:
    submission_ids: np.ndarray  # (n,) sorted ids of the published submissions with answer rows
    yes: np.ndarray  # (n, m)
    totals: np.ndarray  # (n, m)


class _Clock:
    def __init__(self, report: RescoreReport):
        self.report = report
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.report.seconds[phase] = self.report.seconds.get(phase, 0.0) + now - self.last
        self.last = now


def edition_rescore_all(*, edition: Edition) -> RescoreReport:
    """Rescore every published submission of `edition` that has answers and re-rank the edition.

    Stores exactly the values services.submission_score (for each published submission with Answer rows)
    then services.edition_rerank would store, writing only the rows whose values change. An edition
    without published submissions is left as it is. Raises ValueError (and changes nothing) when a
    sub-pillar has no indicators and no answers, or when a published submission without answers has no
    stored overall value.
    """
    report = RescoreReport(edition_id=edition.pk)
    clock = _Clock(report)
    postgres = connection.vendor == "postgresql"
    subpillars = list(
        SubPillar.objects.filter(edition_id=edition.pk)
        .annotate(indicator_count=Count("indicators"))
        .order_by("sort_order", "key")
        .values_list("pk", "indicator_count")
    )
    subpillar_ids = np.array([pk for pk, _count in subpillars], dtype=np.int64)
    indicator_counts = np.array([count for _pk, count in subpillars], dtype=np.int64)
    with transaction.atomic():
        # Ranking input order is the authority's name, as in services.edition_rerank. The rows are locked
        # so that a concurrent approval (which supersedes with select_for_update) waits for us.
        published = list(
            Submission.objects.select_for_update(of=("self",))
            .filter(edition_id=edition.pk, status=Submission.Status.PUBLISHED)
            .order_by("authority__name")
            .values_list("pk", "overall", "percent", "rank")
        )
        clock.lap("read")
        report.published = len(published)
        if not published:
            return report
        if postgres:
            _set_local_work_mem()
            points = _aggregate_postgres(
                published_ids=np.sort(np.fromiter((row[0] for row in published), dtype=np.int64)),
                subpillar_ids=subpillar_ids,
                counts=indicator_counts,
            )
        else:
            points = _aggregate_generic(edition=edition, subpillar_ids=subpillar_ids, counts=indicator_counts)
        clock.lap("aggregate")
        report.rescored = int(points.submission_ids.size)
        report.points_only = report.published - report.rescored

        if report.rescored and not subpillar_ids.size:
            raise ValueError("overall value: at least one sub-pillar value is needed")
        if report.rescored:
            scores = bulk_scoring.score_points(yes=points.yes, totals=points.totals)
            hundredths, thousandths = scores.subpillar_hundredths, scores.overall_thousandths
        else:
            hundredths = np.zeros((0, subpillar_ids.size), dtype=np.int64)
            thousandths = np.zeros(0, dtype=np.int64)
        count = len(published)
        all_ids = np.fromiter((row[0] for row in published), dtype=np.int64, count=count)
        stored_thousandths = np.fromiter(
            (-1 if row[1] is None else int(Decimal(row[1]).scaleb(3)) for row in published),
            dtype=np.int64,
            count=count,
        )
        stored_percent = np.fromiter(
            (-1 if row[2] is None else row[2] for row in published), dtype=np.int64, count=count
        )
        stored_rank = np.fromiter(
            (-1 if row[3] is None else row[3] for row in published), dtype=np.int64, count=count
        )
        position = np.searchsorted(points.submission_ids, all_ids)
        position = np.minimum(position, max(points.submission_ids.size - 1, 0))
        rescored = (
            points.submission_ids[position] == all_ids
            if points.submission_ids.size
            else np.zeros(all_ids.size, dtype=bool)
        )
        all_thousandths = np.empty(all_ids.size, dtype=np.int64)
        all_thousandths[rescored] = thousandths[position[rescored]]
        for index in np.flatnonzero(~rescored):
            if stored_thousandths[index] < 0:
                raise ValueError(
                    f"published submission {published[index][0]} has no answers and no stored overall value"
                )
            all_thousandths[index] = stored_thousandths[index]
        all_percent = (2 * all_thousandths + 10) // 20
        _order, rank = bulk_scoring.rank_by(thousandths=all_thousandths, percent=all_percent)
        report.ranks_changed = int((rank != stored_rank).sum())
        report.results_written = int(hundredths.size)
        clock.lap("compute")

        stored = _read_stored_results(edition, rescored_ids=points.submission_ids, postgres=postgres)
        clock.lap("read results")
        diff = _diff_results(
            submission_ids=points.submission_ids,
            subpillar_ids=subpillar_ids,
            yes=points.yes,
            totals=points.totals,
            hundredths=hundredths,
            stored=stored,
        )
        results_changed = np.zeros(all_ids.size, dtype=bool)
        results_changed[rescored] = diff.submission_changed[position[rescored]]
        set_scores = rescored & (
            results_changed | (all_thousandths != stored_thousandths) | (all_percent != stored_percent)
        )
        set_rank = ~set_scores & (rank != stored_rank)
        report.results_updated = int(diff.update_ids.size)
        report.results_inserted = int(diff.insert_submission.size)
        report.results_deleted = int(diff.delete_ids.size)
        report.submissions_updated = int(set_scores.sum() + set_rank.sum())
        clock.lap("compare")

        writer = _write_postgres if postgres else _write_orm
        writer(
            diff=diff,
            all_ids=all_ids,
            set_scores=set_scores,
            set_rank=set_rank,
            all_thousandths=all_thousandths,
            all_percent=all_percent,
            rank=rank,
            now=timezone.now(),
        )
        clock.lap("write")
    clock.lap("commit")  # the deferred foreign key checks of inserted rows run here
    return report


def _band_codes(hundredths: np.ndarray) -> np.ndarray:
    return np.where(
        hundredths <= _LOW_MAX_HUNDREDTHS, 0, np.where(hundredths <= _MEDIUM_MAX_HUNDREDTHS, 1, 2)
    )


def _aggregate_sql(edition: Edition) -> tuple[str, list]:
    answer, submission, indicator = (m._meta.db_table for m in (Answer, Submission, Indicator))
    sql = f"""
        SELECT a.submission_id, i.subpillar_id,
               SUM(CASE WHEN a.value = %s THEN 1 ELSE 0 END), COUNT(*)
          FROM {answer} a
          JOIN {submission} s ON s.id = a.submission_id
          JOIN {indicator} i ON i.id = a.indicator_id
         WHERE s.edition_id = %s AND s.status = %s
         GROUP BY a.submission_id, i.subpillar_id
    """
    return sql, [Answer.Value.YES.value, edition.pk, Submission.Status.PUBLISHED.value]


def _to_points(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    subpillar_ids: np.ndarray,
    counts: np.ndarray,
) -> _Points:
    """(submission, sub-pillar, yes, answers) rows -> dense (submissions x sub-pillars) matrices.

    A submission counts as answered when it has any answer row (services.submission_score scores it);
    rows of sub-pillars outside the edition are ignored, missing sub-pillars score (0, indicators)."""
    submission_col, subpillar_col, yes_col, total_col = columns
    submission_ids, row = np.unique(submission_col, return_inverse=True)
    m = subpillar_ids.size
    yes = np.zeros((submission_ids.size, m), dtype=np.int64)
    totals = np.broadcast_to(counts, (submission_ids.size, m)).copy()
    if m:
        column, known = _lookup(subpillar_ids, subpillar_col)
        yes[row[known], column[known]] = yes_col[known]
        totals[row[known], column[known]] = total_col[known]
    return _Points(submission_ids=submission_ids, yes=yes, totals=totals)


def _lookup(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in `keys` (unsorted, unique), found) for each of `values`."""
    if not keys.size:
        return np.zeros(values.size, dtype=np.int64), np.zeros(values.size, dtype=bool)
    sorter = np.argsort(keys)
    found = np.minimum(np.searchsorted(keys, values, sorter=sorter), keys.size - 1)
    column = sorter[found]
    return column, keys[column] == values


def _aggregate_generic(*, edition: Edition, subpillar_ids: np.ndarray, counts: np.ndarray) -> _Points:
    sql, params = _aggregate_sql(edition)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    data = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return _to_points((data[:, 0], data[:, 1], data[:, 2], data[:, 3]), subpillar_ids, counts)


@dataclass(frozen=True)
class _Stored:
    """The stored SubPillarResult rows of the published submissions of the edition."""

    id: np.ndarray
    submission: np.ndarray
    subpillar: np.ndarray
    yes: np.ndarray
    total: np.ndarray
    hundredths: np.ndarray
    band: np.ndarray  # 0, 1, 2 = low, medium, high; 3 = anything else


_STORED_FIELDS = ("id", "submission", "subpillar", "yes", "total", "hundredths", "band")


def _stored_sql(edition: Edition) -> tuple[str, list]:
    result, submission = SubPillarResult._meta.db_table, Submission._meta.db_table
    sql = f"""
        SELECT r.id, r.submission_id, r.subpillar_id, r.yes, r.total, CAST(ROUND(r.value * 100) AS integer),
               CASE r.band WHEN %s THEN 0 WHEN %s THEN 1 WHEN %s THEN 2 ELSE 3 END
          FROM {result} r
          JOIN {submission} s ON s.id = r.submission_id
         WHERE s.edition_id = %s AND s.status = %s
    """
    return sql, [*_BANDS, edition.pk, Submission.Status.PUBLISHED.value]


def _read_stored_results(edition: Edition, *, rescored_ids: np.ndarray, postgres: bool) -> _Stored:
    """The stored rows of (at least) the rescored submissions; _diff_results ignores any other."""
    if postgres:
        return _read_stored_postgres(rescored_ids)
    sql, params = _stored_sql(edition)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        data = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, len(_STORED_FIELDS))
    return _Stored(*(data[:, k].copy() for k in range(len(_STORED_FIELDS))))


@dataclass(frozen=True)
class _Diff:
    m: int
    subpillar_ids: np.ndarray
    submission_changed: np.ndarray  # (n,) bool: any result of the rescored submission written
    update_ids: np.ndarray  # stored rows to update, with their new values
    update_yes: np.ndarray
    update_total: np.ndarray
    update_hundredths: np.ndarray
    update_band: np.ndarray
    insert_submission: np.ndarray  # missing rows
    insert_subpillar: np.ndarray
    insert_yes: np.ndarray
    insert_total: np.ndarray
    insert_hundredths: np.ndarray
    insert_band: np.ndarray
    delete_ids: np.ndarray  # rows of rescored submissions for sub-pillars outside the edition


def _diff_results(*, submission_ids, subpillar_ids, yes, totals, hundredths, stored: _Stored) -> _Diff:
    n, m = hundredths.shape
    if n:
        row = np.minimum(np.searchsorted(submission_ids, stored.submission), n - 1)
        mine = submission_ids[row] == stored.submission  # points-only submissions: left alone
    else:
        row, mine = np.zeros(stored.id.size, dtype=np.int64), np.zeros(stored.id.size, dtype=bool)
    column, known = _lookup(subpillar_ids, stored.subpillar)
    extra = mine & ~known
    kept = mine & known
    cell = row[kept] * m + column[kept]
    flat_yes, flat_total, flat_hundredths = yes.ravel(), totals.ravel(), hundredths.ravel()
    flat_band = _band_codes(flat_hundredths)
    differs = (
        (stored.yes[kept] != flat_yes[cell])
        | (stored.total[kept] != flat_total[cell])
        | (stored.hundredths[kept] != flat_hundredths[cell])
        | (stored.band[kept] != flat_band[cell])
    )
    update_cell = cell[differs]
    present = np.zeros(n * m, dtype=bool)
    present[cell] = True
    insert_cell = np.flatnonzero(~present)
    changed = np.zeros(n, dtype=bool)
    changed[row[extra]] = True
    changed[update_cell // max(m, 1)] = True
    changed[insert_cell // max(m, 1)] = True
    return _Diff(
        m=m,
        subpillar_ids=subpillar_ids,
        submission_changed=changed,
        update_ids=stored.id[kept][differs],
        update_yes=flat_yes[update_cell],
        update_total=flat_total[update_cell],
        update_hundredths=flat_hundredths[update_cell],
        update_band=flat_band[update_cell],
        insert_submission=submission_ids[insert_cell // max(m, 1)],
        insert_subpillar=subpillar_ids[insert_cell % max(m, 1)] if m else insert_cell,
        insert_yes=flat_yes[insert_cell],
        insert_total=flat_total[insert_cell],
        insert_hundredths=flat_hundredths[insert_cell],
        insert_band=flat_band[insert_cell],
        delete_ids=stored.id[extra],
    )


# -- PostgreSQL -------------------------------------------------------------------------------------------


def _set_local_work_mem() -> None:
    """Room for the hash aggregates, for this transaction only; no JIT compilation (its optimisation
    passes cost more than these simple scans)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")


def _binary_rows_dtype(fields: list[tuple[str, str]]) -> np.dtype:
    """The dtype of one fixed-width row of PostgreSQL's binary COPY format (no NULLs)."""
    spec = [("field_count", ">i2")]
    for name, kind in fields:
        spec += [(f"{name}_length", ">i4"), (name, kind)]
    return np.dtype(spec)


# Rows are gathered into arrays by ranges of 1,024 submission ids: PostgreSQL sends a few hundred rows
# instead of millions (psycopg handles COPY data row by row in Python, which cost more than the query).
_BUCKET_SHIFT = 10


def _copy_out_arrays(
    *, columns: list[tuple[str, str, str]], source: str, bucket: str, params: list
) -> dict[str, np.ndarray]:
    """`SELECT array_agg(expression), ... {source} GROUP BY {bucket}` through a binary COPY, each column's
    arrays concatenated (in the same row order for every column) as int64. `columns`: (name, SQL
    expression (integer or bigint, never NULL), binary element type ">i4" or ">i8")."""
    select = ", ".join(f"array_agg({expression})" for _name, expression, _kind in columns)
    sql = f"SELECT {select} {source} GROUP BY {bucket}"
    buffer = bytearray()
    with connection.cursor() as cursor:
        # the psycopg cursor itself: Django's debug wrapper does not pass COPY parameters on
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
            for chunk in copy:
                buffer += chunk
    if not buffer.startswith(_PG_SIGNATURE) or not buffer.endswith(_PG_TRAILER):
        raise RuntimeError("unexpected binary COPY output from PostgreSQL")
    position = 19 + struct.unpack_from(">i", buffer, 15)[0]
    end = len(buffer) - len(_PG_TRAILER)
    parts: dict[str, list[np.ndarray]] = {name: [] for name, _expression, _kind in columns}
    while position < end:
        if struct.unpack_from(">h", buffer, position)[0] != len(columns):
            raise RuntimeError("unexpected binary COPY row layout from PostgreSQL")
        position += 2
        for name, _expression, kind in columns:
            # array: length, dimensions, has NULLs, element type, (size, lower bound), (length, value) each
            length, dimensions, has_nulls, _type, size, _lower = struct.unpack_from(
                ">iiiiii", buffer, position
            )
            element = np.dtype([("length", ">i4"), ("value", kind)])
            if dimensions != 1 or has_nulls or length != 20 + size * element.itemsize:
                raise RuntimeError("unexpected binary COPY array from PostgreSQL")
            values = np.frombuffer(buffer, dtype=element, count=size, offset=position + 24)
            if (values["length"] != np.dtype(kind).itemsize).any():
                raise RuntimeError("unexpected binary COPY array from PostgreSQL")
            parts[name].append(values["value"].astype(np.int64))
            position += 4 + length
    if position != end:
        raise RuntimeError("unexpected binary COPY row layout from PostgreSQL")
    return {
        name: np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
        for name, arrays in parts.items()
    }


def _id_type(*maxima: int) -> tuple[str, str]:
    """The narrowest SQL integer type (and binary COPY field) that holds these non-negative values."""
    return ("integer", ">i4") if max(maxima, default=0) < 2**31 else ("bigint", ">i8")


def _aggregate_postgres(
    *, published_ids: np.ndarray, subpillar_ids: np.ndarray, counts: np.ndarray
) -> _Points:
    """Every answer row of the published submissions as (submission, indicator x 2 + is Yes), counted in
    NumPy.

    Same points as the GROUP BY of _aggregate_sql: per (submission, sub-pillar of the edition) the Yes
    rows and all answer rows; answers to indicators of other sub-pillars only make the submission count
    as answered. PostgreSQL only scans: the answers are selected by the range of the published ids (no
    join), two integer columns per row, and NumPy keeps those of the published submissions (`published_ids`,
    sorted): drafts and other editions whose ids fall in the range are dropped here."""
    answer = Answer._meta.db_table
    low, high = int(published_ids[0]), int(published_ids[-1])
    max_indicator = Indicator.objects.aggregate(top=Max("pk"))["top"] or 0
    sql_type, kind = _id_type(high, 2 * max_indicator + 1)
    rows = _copy_out_arrays(
        columns=[
            ("submission", f"a.submission_id::{sql_type}", kind),
            ("code", f"(a.indicator_id * 2 + (a.value = %s)::integer)::{sql_type}", kind),
        ],
        source=f"FROM {answer} a WHERE a.submission_id BETWEEN %s AND %s",
        bucket=f"a.submission_id >> {_BUCKET_SHIFT}",
        params=[Answer.Value.YES.value, low, high],
    )
    submission, code = rows["submission"], rows["code"]
    row = np.minimum(np.searchsorted(published_ids, submission), published_ids.size - 1)
    mine = published_ids[row] == submission
    row, code = row[mine], code[mine]
    answered = np.zeros(published_ids.size, dtype=bool)
    answered[row] = True
    submission_ids = published_ids[answered]
    row = (np.cumsum(answered) - 1)[row]
    n, m = submission_ids.size, subpillar_ids.size
    indicators = np.array(
        Indicator.objects.filter(subpillar_id__in=subpillar_ids.tolist()).values_list("pk", "subpillar_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    # column of each answer: its sub-pillar's position, or m (ignored) for indicators of other sub-pillars
    indicator_column, _found = _lookup(subpillar_ids, indicators[:, 1])
    position, found = _lookup(indicators[:, 0], code >> 1)
    column = np.where(found, indicator_column[position] if indicators.size else 0, m)
    cell = row * (m + 1) + column
    totals = np.bincount(cell, minlength=n * (m + 1)).reshape(n, m + 1)[:, :m].astype(np.int64)
    yes = np.bincount(cell[(code & 1) == 1], minlength=n * (m + 1)).reshape(n, m + 1)[:, :m].astype(np.int64)
    totals = np.where(totals == 0, counts[np.newaxis, :], totals) if m else totals
    return _Points(submission_ids=submission_ids, yes=yes, totals=totals)


def _read_stored_postgres(rescored_ids: np.ndarray) -> _Stored:
    """The stored rows whose submission id lies in the range of the rescored ones, by binary COPY: the id,
    the submission, the sub-pillar and (yes, total, value x 100, band code) packed in one bigint, without a
    join (rows of other submissions in the range are ignored by _diff_results)."""
    if not rescored_ids.size:
        return _Stored(*(np.zeros(0, dtype=np.int64) for _name in _STORED_FIELDS))
    result = SubPillarResult._meta.db_table
    low, high = int(rescored_ids[0]), int(rescored_ids[-1])
    sql_type, kind = _id_type(high, SubPillar.objects.aggregate(top=Max("pk"))["top"] or 0)
    # yes and total are smallints >= 0 (16 bits each); numeric(3, 2) x 100 + 1000 is in 1..1999 (14 bits)
    packed_sql = (
        "(r.yes::bigint << 32) | (r.total::bigint << 16) | (((r.value * 100)::bigint + 1000) << 2) "
        "| CASE r.band WHEN %s THEN 0 WHEN %s THEN 1 WHEN %s THEN 2 ELSE 3 END"
    )
    rows = _copy_out_arrays(
        columns=[
            ("id", "r.id", ">i8"),
            ("submission", f"r.submission_id::{sql_type}", kind),
            ("subpillar", f"r.subpillar_id::{sql_type}", kind),
            ("packed", packed_sql, ">i8"),
        ],
        source=f"FROM {result} r WHERE r.submission_id BETWEEN %s AND %s",
        bucket=f"r.submission_id >> {_BUCKET_SHIFT}",
        params=[*_BANDS, low, high],
    )
    packed = rows["packed"]
    return _Stored(
        id=rows["id"],
        submission=rows["submission"],
        subpillar=rows["subpillar"],
        yes=packed >> 32,
        total=(packed >> 16) & 0xFFFF,
        hundredths=((packed >> 2) & 0x3FFF) - 1000,
        band=packed & 3,
    )


def _binary_rows(fields: list[tuple[str, object, np.ndarray]]) -> bytes:
    """Tuples of PostgreSQL's binary COPY format for columns of fixed-width values (no NULLs)."""
    dtype = _binary_rows_dtype([(name, kind) for name, kind, _values in fields])
    n = fields[0][2].size if fields else 0
    rows = np.empty(n, dtype=dtype)
    rows["field_count"] = len(fields)
    for name, kind, values in fields:
        rows[f"{name}_length"] = np.dtype(kind).itemsize
        rows[name] = values
    return rows.tobytes()


def _binary_copy_payload(fields: list[tuple[str, object, np.ndarray]]) -> bytes:
    return _PG_HEADER + _binary_rows(fields) + _PG_TRAILER


# numeric in binary COPY: ndigits, weight, sign, dscale, then base-10,000 digits. A value in hundredths
# 0..100 is one digit: h x 100 at weight -1 (0.hh), or 1 at weight 0 (1.00); PostgreSQL normalises 0.
_NUMERIC_ONE_DIGIT = np.dtype(
    [("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">i2"), ("dscale", ">i2"), ("digit", ">i2")]
)


def _numeric_hundredths(hundredths: np.ndarray) -> np.ndarray:
    if hundredths.size and (hundredths.min() < 0 or hundredths.max() > 100):
        raise ValueError("a sub-pillar value outside 0.00-1.00")
    values = np.zeros(hundredths.size, dtype=_NUMERIC_ONE_DIGIT)
    values["ndigits"] = 1
    values["weight"] = np.where(hundredths == 100, 0, -1)
    values["dscale"] = 2
    values["digit"] = np.where(hundredths == 100, 1, hundredths * 100)
    return values


def _insert_payload(diff: _Diff) -> bytes:
    """The missing SubPillarResult rows as binary COPY data: (submission, sub-pillar, yes, total, value,
    band). The band is a varchar of its own length, so the rows go band by band (fixed width in each)."""
    chunks = []
    for code, label in enumerate(_BANDS):
        pick = diff.insert_band == code
        if pick.any():
            chunks.append(
                _binary_rows(
                    [
                        ("submission_id", ">i8", diff.insert_submission[pick]),
                        ("subpillar_id", ">i8", diff.insert_subpillar[pick]),
                        ("yes", ">i2", diff.insert_yes[pick]),
                        ("total", ">i2", diff.insert_total[pick]),
                        ("value", _NUMERIC_ONE_DIGIT, _numeric_hundredths(diff.insert_hundredths[pick])),
                        ("band", f"S{len(label)}", np.full(int(pick.sum()), label.encode())),
                    ]
                )
            )
    return _PG_HEADER + b"".join(chunks) + _PG_TRAILER


def _copy_in(cursor, table: str, columns: str, payload: bytes, *, analyze: bool = True) -> None:
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        step = 8 << 20
        for start in range(0, len(payload), step):
            copy.write(payload[start : start + step])
    if analyze:
        # statistics for the planner: a temporary table has none (it would guess a nested loop for 100,000
        # rows); after a bulk load the stored table's are stale
        cursor.execute(f"ANALYZE {table}")


# Inserting at least this many SubPillarResult rows, and at least as many as the table holds, is a bulk
# load: the table's foreign keys are dropped for the COPY and added again after it, which checks them all
# in one join instead of two lookups per row at commit (PostgreSQL's advice for populating a database).
# The price: until the commit, the results, submissions and sub-pillars tables are locked against reads
# (ACCESS EXCLUSIVE). Only a first rescoring of a large edition does that.
BULK_INSERT_MIN_ROWS = 20_000


def _is_bulk_load(cursor, table: str, rows: int) -> bool:
    if rows < BULK_INSERT_MIN_ROWS:
        return False
    cursor.execute("SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
    return rows >= cursor.fetchone()[0]


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    return cursor.fetchall()


def _drop_foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """Drop the table's foreign keys and return them (name, definition), or return [] and change nothing
    when that cannot be done at once: the tables are busy (lock wait over BULK_LOCK_TIMEOUT), the
    surrounding transaction has foreign key checks pending on them, or the database user does not own
    them."""
    foreign_keys = _foreign_keys(cursor, table)
    if not foreign_keys:
        return []
    drops = ", ".join(
        f"DROP CONSTRAINT {connection.ops.quote_name(name)}" for name, _definition in foreign_keys
    )
    try:
        with transaction.atomic():
            cursor.execute(f"SET LOCAL lock_timeout = '{BULK_LOCK_TIMEOUT}'")
            cursor.execute(f"ALTER TABLE {table} {drops}")
    except DatabaseError:  # busy, pending checks, or not the table's owner: the ordinary path
        return []
    finally:
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return foreign_keys


BULK_LOCK_TIMEOUT = "5s"

_TEMP_TABLES = "ucc_rescore_submission, ucc_rescore_update"
_RESULT_COLUMNS = [("yes", ">i2"), ("total", ">i2"), ("hundredths", ">i2"), ("band", ">i2")]


def _write_postgres(*, diff: _Diff, all_ids, set_scores, set_rank, all_thousandths, all_percent, rank, now):
    result_table, submission_table = SubPillarResult._meta.db_table, Submission._meta.db_table
    quote = connection.ops.quote_name
    value = "(t.hundredths::numeric / 100)::numeric(3, 2)"
    band = "(ARRAY[%s, %s, %s]::varchar[])[t.band + 1]"
    with connection.cursor() as cursor:
        # ON COMMIT DROP, and dropped here too: inside an outer transaction (tests) there is no commit.
        cursor.execute(f"DROP TABLE IF EXISTS {_TEMP_TABLES}")
        cursor.execute(
            "CREATE TEMPORARY TABLE ucc_rescore_submission "
            "(id bigint, scores boolean, thousandths integer, percent integer, rank integer) ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE ucc_rescore_update "
            "(id bigint, yes smallint, total smallint, hundredths smallint, band smallint) ON COMMIT DROP"
        )
        if diff.delete_ids.size:
            cursor.execute(f"DELETE FROM {result_table} WHERE id = ANY(%s)", [diff.delete_ids.tolist()])
        if diff.update_ids.size:
            _copy_in(
                cursor,
                "ucc_rescore_update",
                "id, yes, total, hundredths, band",
                _binary_copy_payload(
                    [
                        ("id", ">i8", diff.update_ids),
                        *((name, kind, getattr(diff, f"update_{name}")) for name, kind in _RESULT_COLUMNS),
                    ]
                ),
            )
            cursor.execute(
                f"UPDATE {result_table} r SET yes = t.yes, total = t.total, value = {value}, band = {band} "
                "FROM ucc_rescore_update t WHERE r.id = t.id",
                list(_BANDS),
            )
        if diff.insert_submission.size:
            # straight into the table: no temporary table, no INSERT ... SELECT
            bulk = _is_bulk_load(cursor, result_table, int(diff.insert_submission.size))
            foreign_keys = _drop_foreign_keys(cursor, result_table) if bulk else []
            _copy_in(
                cursor,
                result_table,
                "submission_id, subpillar_id, yes, total, value, band",
                _insert_payload(diff),
                analyze=bulk,
            )
            if foreign_keys:
                adds = ", ".join(
                    f"ADD CONSTRAINT {quote(name)} {definition}" for name, definition in foreign_keys
                )
                cursor.execute(f"ALTER TABLE {result_table} {adds}")
        written = set_scores | set_rank
        if written.any():
            _copy_in(
                cursor,
                "ucc_rescore_submission",
                "id, scores, thousandths, percent, rank",
                _binary_copy_payload(
                    [
                        ("id", ">i8", all_ids[written]),
                        ("scores", "?", set_scores[written]),
                        ("thousandths", ">i4", all_thousandths[written]),
                        ("percent", ">i4", all_percent[written]),
                        ("rank", ">i4", rank[written]),
                    ]
                ),
            )
            cursor.execute(
                f"UPDATE {submission_table} s SET rank = t.rank, "
                "overall = CASE WHEN t.scores THEN (t.thousandths::numeric / 1000)::numeric(4, 3) "
                "ELSE s.overall END, "
                "percent = CASE WHEN t.scores THEN t.percent ELSE s.percent END, "
                "updated_at = CASE WHEN t.scores THEN %s ELSE s.updated_at END "
                "FROM ucc_rescore_submission t WHERE s.id = t.id",
                [now],
            )
        cursor.execute(f"DROP TABLE {_TEMP_TABLES}")


# -- Other databases (SQLite) -----------------------------------------------------------------------------


def _write_orm(*, diff: _Diff, all_ids, set_scores, set_rank, all_thousandths, all_percent, rank, now):
    values = [Decimal(h).scaleb(-2) for h in range(101)]
    delete_ids = diff.delete_ids.tolist()
    for start in range(0, len(delete_ids), ORM_BATCH_SIZE):
        SubPillarResult.objects.filter(pk__in=delete_ids[start : start + ORM_BATCH_SIZE]).delete()
    SubPillarResult.objects.bulk_update(
        [
            SubPillarResult(pk=pk, yes=yes, total=total, value=values[h], band=_BANDS[band])
            for pk, yes, total, h, band in zip(
                diff.update_ids.tolist(),
                diff.update_yes.tolist(),
                diff.update_total.tolist(),
                diff.update_hundredths.tolist(),
                diff.update_band.tolist(),
                strict=True,
            )
        ],
        ["yes", "total", "value", "band"],
        batch_size=ORM_BATCH_SIZE,
    )
    SubPillarResult.objects.bulk_create(
        (
            SubPillarResult(
                submission_id=submission,
                subpillar_id=subpillar,
                yes=yes,
                total=total,
                value=values[h],
                band=_BANDS[band],
            )  # fmt: skip
            for submission, subpillar, yes, total, h, band in zip(
                diff.insert_submission.tolist(),
                diff.insert_subpillar.tolist(),
                diff.insert_yes.tolist(),
                diff.insert_total.tolist(),
                diff.insert_hundredths.tolist(),
                diff.insert_band.tolist(),
                strict=True,
            )
        ),
        batch_size=ORM_BATCH_SIZE,
    )
    score_updates, rank_updates = [], []
    for index in np.flatnonzero(set_scores | set_rank).tolist():
        submission = Submission(pk=int(all_ids[index]), rank=int(rank[index]))
        if set_scores[index]:
            submission.overall = Decimal(int(all_thousandths[index])).scaleb(-3)
            submission.percent = int(all_percent[index])
            submission.updated_at = now
            score_updates.append(submission)
        else:
            rank_updates.append(submission)
    Submission.objects.bulk_update(
        score_updates, ["overall", "percent", "updated_at", "rank"], batch_size=ORM_BATCH_SIZE
    )
    Submission.objects.bulk_update(rank_updates, ["rank"], batch_size=ORM_BATCH_SIZE)
