"""Import of benchmark results from a CSV file: all or nothing, published and scored.

The file is parsed by :mod:`benchmarks.csv_formats` (answers or published points, told apart by the
header) against the edition as it is in the database. Then, in one transaction:

* authorities are matched by name (case-insensitive) or slug; unknown ones are created;
* each authority gets a new published submission version (the previous published one is superseded,
  kept unchanged but for its status and rank; open drafts are left alone);
* answers files store one Answer per indicator of the edition (missing ones NA) and are scored with
  :func:`services.submission_score`; points files store the file's yes/n per sub-pillar with
  :func:`services.store_points` (no answers);
* the edition is re-ranked once, and every new submission gets a ``benchmarks.submission.import`` entry
  in the audit log.

Any problem raises :class:`BenchmarkImportError` listing every error with its line number, and the
database is left as it was. With ``dry_run`` everything runs and is then rolled back, so the report
says exactly what an import would do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import selectors, services
from .csv_formats import (
    AnswersFile,
    CsvFormatError,
    EditionSpec,
    LineError,
    PointsFile,
    SubPillarSpec,
    decode_csv_bytes,
    parse_benchmark_csv,
)
from .models import Answer, Authority, Edition, Submission, SubPillar
from .permissions import can_validate_submissions

IMPORT_ACTION = "benchmarks.submission.import"
FORMAT_ANSWERS = "answers"
FORMAT_POINTS = "points"

_NAME_MAX = Authority._meta.get_field("name").max_length
_SLUG_MAX = Authority._meta.get_field("slug").max_length
_URL_MAX = Answer._meta.get_field("evidence_url").max_length
_url_validator = URLValidator(schemes=["http", "https"])


class BenchmarkImportError(Exception):
    """Every reason an import was refused; nothing was changed."""

    def __init__(self, errors: Sequence[LineError]) -> None:
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


@dataclass(frozen=True)
class RankingLine:
    rank: int
    authority: str
    percent: int


@dataclass(frozen=True)
class ImportedSubmission:
    authority: str
    created: bool  # the authority did not exist before the import
    version: int
    superseded_version: int | None
    percent: int
    line: int  # first line of the authority in the file


@dataclass(frozen=True)
class ImportReport:
    format: str  # FORMAT_ANSWERS or FORMAT_POINTS
    framework: str
    revision: str
    filename: str
    rows: int
    submissions: tuple[ImportedSubmission, ...]
    warnings: tuple[LineError, ...]
    ranking: tuple[RankingLine, ...]  # the edition's whole ranking after the import, in rank order
    dry_run: bool = False

    @property
    def created(self) -> tuple[str, ...]:
        return tuple(s.authority for s in self.submissions if s.created)

    @property
    def superseded(self) -> int:
        return sum(1 for s in self.submissions if s.superseded_version is not None)


def edition_spec(*, edition: Edition) -> EditionSpec:
    """The parser's view of an edition: its sub-pillars in order, each with its indicator codes in order."""
    codes: dict[int, list[str]] = defaultdict(list)
    for subpillar_id, code in edition.indicators.order_by("sort_order", "code").values_list(
        "subpillar_id", "code"
    ):
        codes[subpillar_id].append(code)
    return EditionSpec(
        subpillars={
            sp.key: SubPillarSpec(key=sp.key, name=sp.name, indicator_codes=tuple(codes[sp.pk]))
            for sp in edition.subpillars.order_by("sort_order", "key")
        }
    )


def parse_import_file(*, edition: Edition, data: bytes) -> AnswersFile | PointsFile:
    """Decode and parse an import file against an edition; raise :class:`BenchmarkImportError`."""
    try:
        spec = edition_spec(edition=edition)
    except ValueError as exc:
        raise BenchmarkImportError(
            [LineError(None, f"edition {edition.revision} is incomplete: {exc}")]
        ) from exc
    try:
        return parse_benchmark_csv(text=decode_csv_bytes(data=data), edition=spec)
    except CsvFormatError as exc:
        raise BenchmarkImportError(exc.errors) from exc


def benchmark_import(
    *, edition: Edition, data: bytes, filename: str, by=None, dry_run: bool = False
) -> ImportReport:
    """Import a benchmark CSV file into an edition: publish and score one new version per authority.

    ``by`` is the user who imports (None for the command line); a user must be an editor.
    """
    if by is not None and not can_validate_submissions(by):
        raise PermissionDenied(_("Only editors import benchmark results."))
    parsed = parse_import_file(edition=edition, data=data)
    fmt = FORMAT_ANSWERS if isinstance(parsed, AnswersFile) else FORMAT_POINTS
    warnings: list[LineError] = list(getattr(parsed, "warnings", ()))
    first_lines = _first_lines(parsed)
    with transaction.atomic():
        authorities, created = _resolve_authorities(first_lines)
        if fmt == FORMAT_ANSWERS:
            warnings += _missing_answer_warnings(parsed, edition=edition, first_lines=first_lines)
        entries = [(authorities[name], first_lines[name]) for name in first_lines]
        submissions, superseded = _publish_new_versions(
            edition=edition,
            authorities=[authority for authority, _line in entries],
            source=Submission.Source.IMPORT_ANSWERS
            if fmt == FORMAT_ANSWERS
            else Submission.Source.IMPORT_POINTS,
            by=by,
        )
        if fmt == FORMAT_ANSWERS:
            _store_imported_answers(parsed, edition=edition, submissions=submissions, authorities=authorities)
            for submission in submissions.values():
                services.submission_score(submission=submission)
        else:
            subpillars = list(SubPillar.objects.filter(edition=edition).order_by("sort_order", "key"))
            for row in parsed.rows:
                submission = submissions[authorities[row.authority].pk]
                services.store_points(submission=submission, points=dict(row.points), subpillars=subpillars)
        for submission in submissions.values():
            log(
                instance=submission,
                action=IMPORT_ACTION,
                user=by,
                data={"file": filename, "format": fmt, "version": submission.version},
            )
        services.edition_rerank(edition=edition)
        ranking = tuple(
            RankingLine(rank=row.rank, authority=row.authority.name, percent=row.percent)
            for row in selectors.ranking(edition=edition)
        )
        report = ImportReport(
            format=fmt,
            framework=edition.framework.key,
            revision=edition.revision,
            filename=filename,
            rows=len(parsed.rows),
            submissions=tuple(
                ImportedSubmission(
                    authority=authority.name,
                    created=authority.pk in created,
                    version=submissions[authority.pk].version,
                    superseded_version=superseded.get(authority.pk),
                    percent=submissions[authority.pk].percent,
                    line=line,
                )
                for authority, line in entries
            ),
            warnings=tuple(warnings),
            ranking=ranking,
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- Steps -------------------------------------------------------------------------------------------


def _first_lines(parsed: AnswersFile | PointsFile) -> dict[str, int]:
    """Authority name as written in the file -> its first line, in order of appearance."""
    lines: dict[str, int] = {}
    for row in parsed.rows:
        lines.setdefault(row.authority, row.line)
    return lines


def _resolve_authorities(first_lines: dict[str, int]) -> tuple[dict[str, Authority], set[int]]:
    """Match every name of the file to an authority (by name, case-insensitive, or slug), creating the
    unknown ones. Two names of the file for one authority are an error."""
    by_name = {a.name.casefold(): a for a in Authority.objects.all()}
    by_slug = {a.slug: a for a in by_name.values()}
    errors: list[LineError] = []
    matched: dict[str, Authority] = {}
    to_create: dict[str, str] = {}  # name -> slug
    owner: dict[object, str] = {}  # authority pk or new slug -> first name of the file using it
    taken_slugs = set(by_slug)
    for name, line in first_lines.items():
        authority = (
            by_name.get(name.casefold()) or by_slug.get(name.strip().lower()) or by_slug.get(slugify(name))
        )
        if authority is None and len(name) > _NAME_MAX:
            errors.append(LineError(line, f"authority name longer than {_NAME_MAX} characters"))
            continue
        identity: object = authority.pk if authority else (slugify(name) or name.casefold())
        if identity in owner:
            other = owner[identity]
            errors.append(
                LineError(
                    line,
                    f"{name!r} is the same authority as {other!r} (line {first_lines[other]}): "
                    "give each authority one name in the file",
                )
            )
            continue
        owner[identity] = name
        if authority is not None:
            matched[name] = authority
        else:
            slug = _unique_slug(slugify(name)[:_SLUG_MAX] or "authority", taken_slugs)
            taken_slugs.add(slug)
            to_create[name] = slug
    if errors:
        raise BenchmarkImportError(errors)
    created: set[int] = set()
    for name, slug in to_create.items():
        authority = Authority(name=name, slug=slug, country="", kind=Authority.Kind.CITY)
        try:
            authority.full_clean(exclude=["representatives"])
        except ValidationError as exc:
            errors.append(LineError(first_lines[name], f"cannot create authority {name!r}: {exc.messages}"))
            continue
        authority.save()
        matched[name] = authority
        created.add(authority.pk)
    if errors:
        raise BenchmarkImportError(errors)
    # Serialise concurrent imports and questionnaire starts for these authorities (PostgreSQL).
    list(Authority.objects.select_for_update().filter(pk__in=[a.pk for a in matched.values()]))
    return matched, created


def _unique_slug(base: str, taken: set[str]) -> str:
    slug, counter = base, 2
    while slug in taken:
        suffix = f"-{counter}"
        slug = base[: _SLUG_MAX - len(suffix)] + suffix
        counter += 1
    return slug


def _missing_answer_warnings(
    parsed: AnswersFile, *, edition: Edition, first_lines: dict[str, int]
) -> list[LineError]:
    total = edition.indicators.count()
    answered: dict[str, int] = defaultdict(int)
    for row in parsed.rows:
        answered[row.authority] += 1
    return [
        LineError(
            line,
            f"{name!r} answers {answered[name]} of the {total} indicators; the other "
            f"{total - answered[name]} count as NA (0 points, still in the denominator)",
        )
        for name, line in first_lines.items()
        if answered[name] < total
    ]


def _publish_new_versions(
    *,
    edition: Edition,
    authorities: Iterable[Authority],
    source: str,
    by=None,
    status: str = Submission.Status.PUBLISHED,
    log_supersede: bool = True,
    background: dict[int, dict] | None = None,
) -> tuple[dict[int, Submission], dict[int, int]]:
    """Create one new version per authority (max existing version + 1), superseding a published one.

    Returns the new submissions and the superseded versions, both by authority pk. Background figures
    come from ``background`` (by authority pk), else from the superseded version, else the authority's
    population. Scores are not computed here.
    """
    authorities = list(authorities)
    pks = [a.pk for a in authorities]
    latest = dict(
        Submission.objects.filter(edition=edition, authority_id__in=pks)
        .values_list("authority_id")
        .annotate(v=Max("version"))
    )
    now = timezone.now()
    superseded: dict[int, int] = {}
    previous_by_authority: dict[int, Submission] = {}
    if status == Submission.Status.PUBLISHED:
        previous = list(
            Submission.objects.select_for_update().filter(
                edition=edition, authority_id__in=pks, status=Submission.Status.PUBLISHED
            )
        )
        for submission in previous:
            submission.status = Submission.Status.SUPERSEDED
            submission.rank = None
            submission.updated_at = now
            previous_by_authority[submission.authority_id] = submission
            superseded[submission.authority_id] = submission.version
        Submission.objects.bulk_update(previous, ["status", "rank", "updated_at"])
    new = []
    for authority in authorities:
        previous_submission = previous_by_authority.get(authority.pk)
        figures = (background or {}).get(authority.pk)
        if figures is None:
            figures = (
                {name: getattr(previous_submission, name) for name in Submission.BACKGROUND_FIELDS}
                if previous_submission
                else {"population": authority.population}
            )
        published = status == Submission.Status.PUBLISHED
        new.append(
            Submission(
                authority=authority,
                edition=edition,
                version=(latest.get(authority.pk) or 0) + 1,
                status=status,
                source=source,
                created_by=None,
                submitted_at=now if status != Submission.Status.DRAFT else None,
                published_at=now if published else None,
                published_by=by if published else None,
                **figures,
            )
        )
    Submission.objects.bulk_create(new)
    by_authority = {submission.authority_id: submission for submission in new}
    if log_supersede:
        for authority_pk, previous_submission in previous_by_authority.items():
            previous_submission.authority = by_authority[authority_pk].authority
            previous_submission.edition = edition
            log(
                instance=previous_submission,
                action="benchmarks.submission.supersede",
                user=by,
                data={"superseded_by_version": by_authority[authority_pk].version},
            )
    return by_authority, superseded


def _split_evidence(evidence: str) -> tuple[str, str]:
    """(evidence_text, evidence_url): a lone http(s) URL goes to the link field, anything else is text."""
    candidate = evidence.strip()
    if candidate.lower().startswith(("http://", "https://")) and len(candidate) <= _URL_MAX:
        try:
            _url_validator(candidate)
        except ValidationError:
            pass
        else:
            return "", candidate
    return candidate, ""


def _store_imported_answers(
    parsed: AnswersFile,
    *,
    edition: Edition,
    submissions: dict[int, Submission],
    authorities: dict[str, Authority],
) -> None:
    indicators = list(edition.indicators.all())
    given: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)
    for row in parsed.rows:
        given[row.authority][row.indicator] = (row.value.value, *_split_evidence(row.evidence))
    answers = []
    for name, authority in authorities.items():
        by_code = given[name]
        submission = submissions[authority.pk]
        for indicator in indicators:
            value, text, url = by_code.get(indicator.code, (Answer.Value.NA, "", ""))
            answers.append(
                Answer(
                    submission=submission,
                    indicator=indicator,
                    value=value,
                    evidence_text=text,
                    evidence_url=url,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=1000)


@dataclass
class AnswerSet:
    """The answers of one authority for bulk publishing (demo data, tests): code -> AnswerInput."""

    authority: Authority
    answers: dict[str, services.AnswerInput]
    background: dict = field(default_factory=dict)


def answers_publish_bulk(
    *,
    edition: Edition,
    answer_sets: Sequence[AnswerSet],
    by=None,
    source: str = Submission.Source.QUESTIONNAIRE,
    status: str = Submission.Status.PUBLISHED,
    action: str = "benchmarks.submission.publish",
) -> list[Submission]:
    """Create a new version per authority from complete answer sets in a few queries.

    With ``status`` published (the default), the previous published versions are superseded, the new
    ones scored and the edition re-ranked; with ``submitted`` the new versions await validation.
    Indicators without an answer are NA. Used by the demo data; editors' imports go through
    :func:`benchmark_import`.
    """
    if by is not None and not can_validate_submissions(by):
        raise PermissionDenied(_("Only editors publish benchmark results."))
    published = status == Submission.Status.PUBLISHED
    with transaction.atomic():
        submissions, _superseded = _publish_new_versions(
            edition=edition,
            authorities=[s.authority for s in answer_sets],
            source=source,
            by=by,
            status=status,
            background={s.authority.pk: s.background for s in answer_sets if s.background},
        )
        indicators = list(edition.indicators.all())
        known = {indicator.code for indicator in indicators}
        answers = []
        for answer_set in answer_sets:
            unknown = sorted(set(answer_set.answers) - known)
            if unknown:
                raise ValidationError(_("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)})
            submission = submissions[answer_set.authority.pk]
            for indicator in indicators:
                given = answer_set.answers.get(indicator.code)
                answers.append(
                    Answer(
                        submission=submission,
                        indicator=indicator,
                        value=given.value if given else Answer.Value.NA,
                        evidence_text=given.evidence_text.strip() if given else "",
                        evidence_url=given.evidence_url.strip() if given else "",
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=1000)
        for submission in submissions.values():
            if published:
                services.submission_score(submission=submission)
            log(
                instance=submission,
                action=action,
                user=by,
                data={"percent": submission.percent} if published else {"version": submission.version},
            )
        if published:
            services.edition_rerank(edition=edition)
    return [submissions[s.authority.pk] for s in answer_sets]
