"""Rescore a whole edition at once: every published submission, from its answers to stored scores and ranks.

services.submission_score + services.edition_rerank score one submission at a time (a few queries each),
which is right when an editor approves one submission and far too slow for 100,000 authorities. This
module gives exactly the same stored values for a whole edition in a handful of statements:

1. lock and read every published submission of the edition, in ranking input order (authority name);
2. one GROUP BY (submission, sub-pillar) query counting Yes and answers over Answer joined to Indicator
   (on PostgreSQL streamed out with a binary COPY and parsed by NumPy);
3. the values with benchmarks.bulk_scoring (exact integer arithmetic, the published method);
4. the ranks with bulk_scoring.rank_by over ALL published submissions of the edition: points-only imports
   (no Answer rows) keep their stored results and overall value but take part in the ranking;
5. the writes in bulk: on PostgreSQL a binary COPY into two temporary tables, then one DELETE and one
   INSERT ... SELECT for SubPillarResult and one UPDATE ... FROM for Submission; on other databases
   (SQLite) the ORM's bulk_create / bulk_update in batches.

Everything runs in one transaction. Sub-pillar points follow services.submission_score: (Yes, answer rows)
per sub-pillar of the edition, and (0, number of indicators) for a sub-pillar without answer rows.
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
    results_written: int = 0  # SubPillarResult rows written
    ranks_changed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def summary(self) -> str:
        phases = ", ".join(f"{name} {value:.3f} s" for name, value in self.seconds.items())
        return (
            f"{self.published} published submissions ranked: {self.rescored} rescored from their answers "
            f"({self.results_written} sub-pillar results written), {self.points_only} points-only kept; "
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

    Stores exactly what services.submission_score (for each published submission with Answer rows) then
    services.edition_rerank would store. An edition without published submissions is left as it is.
    Raises ValueError (and changes nothing) when a sub-pillar has no indicators and no answers, or when a
    published submission without answers has no stored overall value.
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
            .values_list("pk", "overall", "rank")
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
        all_ids = np.fromiter((pk for pk, _o, _r in published), dtype=np.int64, count=len(published))
        stored_rank = np.fromiter(
            (-1 if rank is None else rank for _pk, _o, rank in published),
            dtype=np.int64,
            count=len(published),
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
            overall = published[index][1]
            if overall is None:
                raise ValueError(
                    f"published submission {published[index][0]} has no answers and no stored overall value"
                )
            all_thousandths[index] = int(Decimal(overall).scaleb(3))
        all_percent = (2 * all_thousandths + 10) // 20
        _order, rank = bulk_scoring.rank_by(thousandths=all_thousandths, percent=all_percent)
        report.ranks_changed = int((rank != stored_rank).sum())
        clock.lap("compute")

        writer = _write_postgres if postgres else _write_orm
        report.results_written = writer(
            subpillar_ids=subpillar_ids,
            points=points,
            hundredths=hundredths,
            all_ids=all_ids,
            rescored=rescored,
            all_thousandths=all_thousandths,
            all_percent=all_percent,
            rank=rank,
            stored_rank=stored_rank,
            now=timezone.now(),
        )
        clock.lap("write")
    return report


def _band_codes(hundredths: np.ndarray) -> np.ndarray:
    return np.where(
        hundredths <= _LOW_MAX_HUNDREDTHS, 0, np.where(hundredths <= _MEDIUM_MAX_HUNDREDTHS, 1, 2)
    )


def _aggregate_sql(edition: Edition, *, cast: str = "") -> tuple[str, list]:
    answer, submission, indicator = (m._meta.db_table for m in (Answer, Submission, Indicator))
    sql = f"""
        SELECT a.submission_id, i.subpillar_id,
               SUM(CASE WHEN a.value = %s THEN 1 ELSE 0 END){cast}, COUNT(*){cast}
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
        sorter = np.argsort(subpillar_ids)
        found = np.minimum(np.searchsorted(subpillar_ids, subpillar_col, sorter=sorter), m - 1)
        column = sorter[found]
        known = subpillar_ids[column] == subpillar_col
        yes[row[known], column[known]] = yes_col[known]
        totals[row[known], column[known]] = total_col[known]
    return _Points(submission_ids=submission_ids, yes=yes, totals=totals)


def _aggregate_generic(*, edition: Edition, subpillar_ids: np.ndarray, counts: np.ndarray) -> _Points:
    sql, params = _aggregate_sql(edition)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    data = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return _to_points((data[:, 0], data[:, 1], data[:, 2], data[:, 3]), subpillar_ids, counts)


# -- PostgreSQL -------------------------------------------------------------------------------------------


def _set_local_work_mem() -> None:
    """Let the GROUP BY hash 1.2 million groups in memory, for this transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")


def _binary_rows_dtype(fields: list[tuple[str, str]]) -> np.dtype:
    """The dtype of one fixed-width row of PostgreSQL's binary COPY format (no NULLs)."""
    spec = [("field_count", ">i2")]
    for name, kind in fields:
        spec += [(f"{name}_length", ">i4"), (name, kind)]
    return np.dtype(spec)


def _aggregate_postgres(*, edition: Edition, subpillar_ids: np.ndarray, counts: np.ndarray) -> _Points:
    sql, params = _aggregate_sql(edition, cast="::bigint")
    dtype = _binary_rows_dtype(
        [("submission", ">i8"), ("subpillar", ">i8"), ("yes", ">i8"), ("total", ">i8")]
    )
    chunks = []
    with connection.cursor() as cursor:
        # the psycopg cursor itself: Django's debug wrapper does not pass COPY parameters on
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
            for chunk in copy:
                chunks.append(bytes(chunk))
    data = b"".join(chunks)
    if not data.startswith(_PG_SIGNATURE) or not data.endswith(_PG_TRAILER):
        raise RuntimeError("unexpected binary COPY output from PostgreSQL")
    extension = struct.unpack(">i", data[15:19])[0]
    rows = np.frombuffer(
        data, dtype=dtype, offset=19 + extension, count=(len(data) - 21 - extension) // dtype.itemsize
    )
    if rows.size and ((rows["field_count"] != 4).any() or (rows["yes_length"] != 8).any()):
        raise RuntimeError("unexpected binary COPY row layout from PostgreSQL")
    columns = tuple(rows[name].astype(np.int64) for name in ("submission", "subpillar", "yes", "total"))
    return _to_points(columns, subpillar_ids, counts)


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


def _write_postgres(
    *,
    subpillar_ids,
    points,
    hundredths,
    all_ids,
    rescored,
    all_thousandths,
    all_percent,
    rank,
    stored_rank,
    now,
) -> int:
    result_table, submission_table = SubPillarResult._meta.db_table, Submission._meta.db_table
    n, m = hundredths.shape
    with connection.cursor() as cursor:
        # ON COMMIT DROP, and dropped here too: inside an outer transaction (tests) there is no commit.
        cursor.execute("DROP TABLE IF EXISTS ucc_rescore_submission, ucc_rescore_result")
        cursor.execute(
            "CREATE TEMPORARY TABLE ucc_rescore_submission "
            "(id bigint, rescored boolean, thousandths integer, percent integer, rank integer) ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE ucc_rescore_result (submission_id bigint, subpillar_id bigint, "
            "yes smallint, total smallint, hundredths smallint, band smallint) ON COMMIT DROP"
        )
        _copy_in(
            cursor,
            "ucc_rescore_submission",
            "id, rescored, thousandths, percent, rank",
            _binary_copy_payload(
                [
                    ("id", ">i8", all_ids),
                    ("rescored", "?", rescored),
                    ("thousandths", ">i4", all_thousandths),
                    ("percent", ">i4", all_percent),
                    ("rank", ">i4", rank),
                ]
            ),
        )
        if n:
            _copy_in(
                cursor,
                "ucc_rescore_result",
                "submission_id, subpillar_id, yes, total, hundredths, band",
                _binary_copy_payload(
                    [
                        ("submission_id", ">i8", np.repeat(points.submission_ids, m)),
                        ("subpillar_id", ">i8", np.tile(subpillar_ids, n)),
                        ("yes", ">i2", points.yes.ravel()),
                        ("total", ">i2", points.totals.ravel()),
                        ("hundredths", ">i2", hundredths.ravel()),
                        ("band", ">i2", _band_codes(hundredths).ravel()),
                    ]
                ),
            )
            cursor.execute(
                f"DELETE FROM {result_table} r USING ucc_rescore_submission t "
                "WHERE r.submission_id = t.id AND t.rescored"
            )
            cursor.execute(
                f"INSERT INTO {result_table} (submission_id, subpillar_id, yes, total, value, band) "
                "SELECT submission_id, subpillar_id, yes, total, (hundredths::numeric / 100)::numeric(3, 2), "
                "(ARRAY[%s, %s, %s]::varchar[])[band + 1] FROM ucc_rescore_result "
                "ORDER BY submission_id, subpillar_id",
                list(_BANDS),
            )
        cursor.execute(
            f"UPDATE {submission_table} s SET rank = t.rank, "
            "overall = CASE WHEN t.rescored THEN (t.thousandths::numeric / 1000)::numeric(4, 3) "
            "ELSE s.overall END, "
            "percent = CASE WHEN t.rescored THEN t.percent ELSE s.percent END, "
            "updated_at = CASE WHEN t.rescored THEN %s ELSE s.updated_at END "
            "FROM ucc_rescore_submission t "
            "WHERE s.id = t.id AND (t.rescored OR s.rank IS DISTINCT FROM t.rank)",
            [now],
        )
        cursor.execute("DROP TABLE ucc_rescore_submission, ucc_rescore_result")
    return n * m


# -- Other databases (SQLite) -----------------------------------------------------------------------------


def _write_orm(
    *,
    subpillar_ids,
    points,
    hundredths,
    all_ids,
    rescored,
    all_thousandths,
    all_percent,
    rank,
    stored_rank,
    now,
) -> int:
    n, m = hundredths.shape
    ids = points.submission_ids.tolist()
    for start in range(0, n, ORM_BATCH_SIZE):
        SubPillarResult.objects.filter(submission_id__in=ids[start : start + ORM_BATCH_SIZE]).delete()
    band_codes = _band_codes(hundredths)
    values = [Decimal(h).scaleb(-2) for h in range(101)]
    subpillar_list = subpillar_ids.tolist()
    yes, totals = points.yes.tolist(), points.totals.tolist()
    hundredths_list, band_list = hundredths.tolist(), band_codes.tolist()
    SubPillarResult.objects.bulk_create(
        (
            SubPillarResult(
                submission_id=ids[i],
                subpillar_id=subpillar_list[j],
                yes=yes[i][j],
                total=totals[i][j],
                value=values[hundredths_list[i][j]],
                band=_BANDS[band_list[i][j]],
            )
            for i in range(n)
            for j in range(m)
        ),
        batch_size=ORM_BATCH_SIZE,
    )
    rescored_updates, rank_updates = [], []
    for index in np.flatnonzero(rescored | (rank != stored_rank)).tolist():
        submission = Submission(pk=int(all_ids[index]), rank=int(rank[index]))
        if rescored[index]:
            submission.overall = Decimal(int(all_thousandths[index])).scaleb(-3)
            submission.percent = int(all_percent[index])
            submission.updated_at = now
            rescored_updates.append(submission)
        else:
            rank_updates.append(submission)
    Submission.objects.bulk_update(
        rescored_updates, ["overall", "percent", "updated_at", "rank"], batch_size=ORM_BATCH_SIZE
    )
    Submission.objects.bulk_update(rank_updates, ["rank"], batch_size=ORM_BATCH_SIZE)
    return n * m
