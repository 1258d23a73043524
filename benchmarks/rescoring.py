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
from django.db import connection, transaction
from django.db.models import Count
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
                edition=edition, subpillar_ids=subpillar_ids, counts=indicator_counts
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

        stored = _read_stored_results(edition, postgres=postgres)
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


def _stored_sql(edition: Edition, *, cast: str) -> tuple[str, list]:
    result, submission = SubPillarResult._meta.db_table, Submission._meta.db_table
    # numeric(3, 2) * 100 is exact on PostgreSQL; SQLite keeps the value as a float
    hundredths = "(r.value * 100)" if cast else "CAST(ROUND(r.value * 100) AS integer)"
    sql = f"""
        SELECT r.id{cast}, r.submission_id{cast}, r.subpillar_id{cast}, r.yes{cast}, r.total{cast},
               {hundredths}{cast},
               (CASE r.band WHEN %s THEN 0 WHEN %s THEN 1 WHEN %s THEN 2 ELSE 3 END){cast}
          FROM {result} r
          JOIN {submission} s ON s.id = r.submission_id
         WHERE s.edition_id = %s AND s.status = %s
    """
    return sql, [*_BANDS, edition.pk, Submission.Status.PUBLISHED.value]


def _read_stored_results(edition: Edition, *, postgres: bool) -> _Stored:
    if postgres:
        sql, params = _stored_sql(edition, cast="::bigint")
        rows = _copy_out(sql, params, [(name, ">i8") for name in _STORED_FIELDS])
        return _Stored(*(rows[name].astype(np.int64) for name in _STORED_FIELDS))
    sql, params = _stored_sql(edition, cast="")
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
    """Room for the hash joins and sorts, for this transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")


def _binary_rows_dtype(fields: list[tuple[str, str]]) -> np.dtype:
    """The dtype of one fixed-width row of PostgreSQL's binary COPY format (no NULLs)."""
    spec = [("field_count", ">i2")]
    for name, kind in fields:
        spec += [(f"{name}_length", ">i4"), (name, kind)]
    return np.dtype(spec)


def _copy_out(sql: str, params: list, fields: list[tuple[str, str]]) -> np.ndarray:
    """The rows of `sql` (fixed-width, non-NULL columns) through a binary COPY, as a structured array."""
    dtype = _binary_rows_dtype(fields)
    buffer = bytearray()
    with connection.cursor() as cursor:
        # the psycopg cursor itself: Django's debug wrapper does not pass COPY parameters on
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
            for chunk in copy:
                buffer += chunk
    if not buffer.startswith(_PG_SIGNATURE) or not buffer.endswith(_PG_TRAILER):
        raise RuntimeError("unexpected binary COPY output from PostgreSQL")
    extension = struct.unpack(">i", buffer[15:19])[0]
    body = len(buffer) - 21 - extension
    if body % dtype.itemsize:
        raise RuntimeError("unexpected binary COPY row layout from PostgreSQL")
    rows = np.frombuffer(buffer, dtype=dtype, offset=19 + extension, count=body // dtype.itemsize)
    if rows.size:
        bad = rows["field_count"] != len(fields)
        for name, kind in fields:
            bad |= rows[f"{name}_length"] != np.dtype(kind).itemsize
        if bad.any():
            raise RuntimeError("unexpected binary COPY row layout from PostgreSQL")
    return rows


def _aggregate_postgres(*, edition: Edition, subpillar_ids: np.ndarray, counts: np.ndarray) -> _Points:
    """Every answer row of the published submissions as (submission, indicator, is Yes), counted in NumPy.

    Same points as the GROUP BY of _aggregate_sql: per (submission, sub-pillar of the edition) the Yes
    rows and all answer rows; answers to indicators of other sub-pillars only make the submission count
    as answered."""
    answer, submission = Answer._meta.db_table, Submission._meta.db_table
    sql = f"""
        SELECT a.submission_id::bigint, a.indicator_id::bigint, (a.value = %s) IS TRUE
          FROM {answer} a
          JOIN {submission} s ON s.id = a.submission_id
         WHERE s.edition_id = %s AND s.status = %s
    """
    params = [Answer.Value.YES.value, edition.pk, Submission.Status.PUBLISHED.value]
    rows = _copy_out(sql, params, [("submission", ">i8"), ("indicator", ">i8"), ("yes", "?")])
    indicators = np.array(
        Indicator.objects.filter(subpillar_id__in=subpillar_ids.tolist()).values_list("pk", "subpillar_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    m = subpillar_ids.size
    submission_ids, row = np.unique(rows["submission"].astype(np.int64), return_inverse=True)
    n = submission_ids.size
    # column of each answer: its sub-pillar's position, or m (ignored) for indicators of other sub-pillars
    indicator_column, _found = _lookup(subpillar_ids, indicators[:, 1])
    position, found = _lookup(indicators[:, 0], rows["indicator"].astype(np.int64))
    column = np.where(found, indicator_column[position] if indicators.size else 0, m)
    cell = row.astype(np.int64) * (m + 1) + column
    totals = np.bincount(cell, minlength=n * (m + 1)).reshape(n, m + 1)[:, :m].astype(np.int64)
    yes = np.bincount(cell[rows["yes"]], minlength=n * (m + 1)).reshape(n, m + 1)[:, :m].astype(np.int64)
    totals = np.where(totals == 0, counts[np.newaxis, :], totals) if m else totals
    return _Points(submission_ids=submission_ids, yes=yes, totals=totals)


def _binary_copy_payload(fields: list[tuple[str, str, np.ndarray]]) -> bytes:
    """PostgreSQL binary COPY data for columns of fixed-width values (no NULLs)."""
    dtype = _binary_rows_dtype([(name, kind) for name, kind, _values in fields])
    n = fields[0][2].size if fields else 0
    rows = np.empty(n, dtype=dtype)
    rows["field_count"] = len(fields)
    for name, kind, values in fields:
        rows[f"{name}_length"] = np.dtype(kind).itemsize
        rows[name] = values
    return _PG_HEADER + rows.tobytes() + _PG_TRAILER


def _copy_in(cursor, table: str, columns: str, payload: bytes) -> None:
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        step = 8 << 20
        for start in range(0, len(payload), step):
            copy.write(payload[start : start + step])
    # statistics for the planner: a temporary table has none (it would guess a nested loop for 100,000 rows)
    cursor.execute(f"ANALYZE {table}")


_TEMP_TABLES = "ucc_rescore_submission, ucc_rescore_update, ucc_rescore_insert"
_RESULT_COLUMNS = [("yes", ">i2"), ("total", ">i2"), ("hundredths", ">i2"), ("band", ">i2")]


def _write_postgres(*, diff: _Diff, all_ids, set_scores, set_rank, all_thousandths, all_percent, rank, now):
    result_table, submission_table = SubPillarResult._meta.db_table, Submission._meta.db_table
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
        cursor.execute(
            "CREATE TEMPORARY TABLE ucc_rescore_insert (submission_id bigint, subpillar_id bigint, "
            "yes smallint, total smallint, hundredths smallint, band smallint) ON COMMIT DROP"
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
            _copy_in(
                cursor,
                "ucc_rescore_insert",
                "submission_id, subpillar_id, yes, total, hundredths, band",
                _binary_copy_payload(
                    [
                        ("submission_id", ">i8", diff.insert_submission),
                        ("subpillar_id", ">i8", diff.insert_subpillar),
                        *((name, kind, getattr(diff, f"insert_{name}")) for name, kind in _RESULT_COLUMNS),
                    ]
                ),
            )
            cursor.execute(
                f"INSERT INTO {result_table} (submission_id, subpillar_id, yes, total, value, band) "
                f"SELECT t.submission_id, t.subpillar_id, t.yes, t.total, {value}, {band} "
                "FROM ucc_rescore_insert t ORDER BY t.submission_id, t.subpillar_id",
                list(_BANDS),
            )
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
