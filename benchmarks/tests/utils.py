"""Builders for benchmark tests."""

from django.utils import timezone

from benchmarks import services
from benchmarks.factories import AuthorityFactory
from benchmarks.models import Answer, Edition, Submission


def ucc_edition(revision: str = "2023") -> Edition:
    return Edition.objects.get(framework__key="ucc", revision=revision)


def publish_answers(
    *, authority, edition: Edition, yes_codes=(), evidence="Evidence: see the council decision.", **background
) -> Submission:
    """A published submission answering Yes to `yes_codes` (with evidence) and No to everything else."""
    version = Submission.objects.filter(authority=authority, edition=edition).count() + 1
    Submission.objects.filter(
        authority=authority, edition=edition, status=Submission.Status.PUBLISHED
    ).update(status=Submission.Status.SUPERSEDED, rank=None)
    submission = Submission.objects.create(
        authority=authority,
        edition=edition,
        version=version,
        status=Submission.Status.PUBLISHED,
        published_at=timezone.now(),
        **background,
    )
    yes_codes = set(yes_codes)
    Answer.objects.bulk_create(
        Answer(
            submission=submission,
            indicator=indicator,
            value=Answer.Value.YES if indicator.code in yes_codes else Answer.Value.NO,
            evidence_text=evidence if indicator.code in yes_codes else "",
        )
        for indicator in edition.indicators.all()
    )
    services.submission_score(submission=submission)
    services.edition_rerank(edition=edition)
    submission.refresh_from_db()
    return submission


def publish_points(*, authority, edition: Edition, points: dict[str, tuple[int, int]]) -> Submission:
    version = Submission.objects.filter(authority=authority, edition=edition).count() + 1
    submission = Submission.objects.create(
        authority=authority,
        edition=edition,
        version=version,
        status=Submission.Status.PUBLISHED,
        source=Submission.Source.IMPORT_POINTS,
        published_at=timezone.now(),
    )
    services.store_points(submission=submission, points=points)
    services.edition_rerank(edition=edition)
    submission.refresh_from_db()
    return submission


def make_authority(name: str, **fields):
    return AuthorityFactory(name=name, **fields)


def codes_of(edition: Edition, *subpillar_keys: str) -> list[str]:
    return list(edition.indicators.filter(subpillar__key__in=subpillar_keys).values_list("code", flat=True))
