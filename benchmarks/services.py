"""Writes of the benchmarks app: the questionnaire's life cycle, publishing with scoring, ranking, editions.

Every service is keyword-only, checks who is asking, runs in a transaction and records what it changed,
who changed it and when in Wagtail's audit log (visible to editors in the admin under the submission's
history and in Reports > Site history).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import scoring
from .models import Answer, Authority, Edition, Indicator, Pillar, Submission, SubPillar, SubPillarResult
from .permissions import can_edit_submission, can_validate_submissions


@dataclass(frozen=True)
class AnswerInput:
    value: str
    evidence_text: str = ""
    evidence_url: str = ""


def _next_version(*, authority: Authority, edition: Edition) -> int:
    latest = Submission.objects.filter(authority=authority, edition=edition).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def submission_start(*, authority: Authority, edition: Edition, by) -> Submission:
    """The authority's open submission for the edition, or a new draft.

    A new draft starts from the published answers and background figures, if any, so a correction only
    changes what needs changing.
    """
    if not can_edit_submission(by, authority=authority):
        raise PermissionDenied(_("Only this authority's representatives can answer its questionnaire."))
    with transaction.atomic():
        Authority.objects.select_for_update().get(pk=authority.pk)
        existing = Submission.objects.filter(
            authority=authority, edition=edition, status__in=Submission.OPEN_STATUSES
        ).first()
        if existing:
            return existing
        if not edition.is_open:
            raise ValidationError(_("This edition is closed for answers."))
        published = Submission.objects.filter(
            authority=authority, edition=edition, status=Submission.Status.PUBLISHED
        ).first()
        submission = Submission.objects.create(
            authority=authority,
            edition=edition,
            version=_next_version(authority=authority, edition=edition),
            created_by=by,
            population=published.population if published else authority.population,
            **{
                name: getattr(published, name)
                for name in Submission.BACKGROUND_FIELDS
                if published and name != "population"
            },
        )
        previous = {a.indicator_id: a for a in published.answers.all()} if published else {}
        Answer.objects.bulk_create(
            Answer(
                submission=submission,
                indicator=indicator,
                value=previous[indicator.pk].value if indicator.pk in previous else Answer.Value.NA,
                evidence_text=previous[indicator.pk].evidence_text if indicator.pk in previous else "",
                evidence_url=previous[indicator.pk].evidence_url if indicator.pk in previous else "",
            )
            for indicator in edition.indicators.all()
        )
        log(
            instance=submission,
            action="benchmarks.submission.start",
            user=by,
            data={"version": submission.version, "from_published": published.pk if published else None},
        )
    return submission


def submission_save(
    *, submission: Submission, by, answers: dict[str, AnswerInput], background: dict | None = None
) -> list[str]:
    """Save answers (by indicator code) and background figures of an editable submission.

    Returns the codes whose answer changed; the audit log records old and new values.
    """
    if not can_edit_submission(by, authority=submission.authority):
        raise PermissionDenied(_("Only this authority's representatives can edit its questionnaire."))
    if not submission.is_editable:
        raise ValidationError(_("This submission cannot be changed any more."))
    changes: dict[str, dict] = {}
    with transaction.atomic():
        current = {
            a.indicator.code: a for a in submission.answers.select_related("indicator").select_for_update()
        }
        unknown = sorted(set(answers) - set(current))
        if unknown:
            raise ValidationError(_("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)})
        to_update = []
        for code, given in answers.items():
            answer = current[code]
            new = (given.value, given.evidence_text.strip(), given.evidence_url.strip())
            old = (answer.value, answer.evidence_text, answer.evidence_url)
            if new != old:
                answer.value, answer.evidence_text, answer.evidence_url = new
                answer.full_clean(exclude=["submission", "indicator"])
                to_update.append(answer)
                changes[code] = {"from": old[0], "to": new[0]} if old[0] != new[0] else {"evidence": True}
        Answer.objects.bulk_update(to_update, ["value", "evidence_text", "evidence_url"])
        background_changes = {}
        for name, value in (background or {}).items():
            if name not in Submission.BACKGROUND_FIELDS:
                raise ValidationError(_("Unknown background figure: %(name)s") % {"name": name})
            if getattr(submission, name) != value:
                background_changes[name] = {
                    "from": _jsonable(getattr(submission, name)),
                    "to": _jsonable(value),
                }
                setattr(submission, name, value)
        submission.save()
        if changes or background_changes:
            log(
                instance=submission,
                action="benchmarks.submission.save",
                user=by,
                data={"answers": changes, "background": background_changes},
            )
    return sorted(changes)


def _jsonable(value):
    return str(value) if isinstance(value, Decimal) else value


def missing_evidence(*, submission: Submission) -> list[Indicator]:
    """Indicators answered Yes without evidence (text or link), where the indicator requires it."""
    return [
        answer.indicator
        for answer in submission.answers.select_related("indicator")
        if answer.value == Answer.Value.YES and answer.indicator.evidence_required and not answer.has_evidence
    ]


def submission_submit(*, submission: Submission, by) -> Submission:
    """Send a draft (or a returned submission) to the editors for validation."""
    if not can_edit_submission(by, authority=submission.authority):
        raise PermissionDenied(_("Only this authority's representatives can submit its questionnaire."))
    if not submission.is_editable:
        raise ValidationError(_("This submission is not a draft."))
    missing = missing_evidence(submission=submission)
    if missing:
        raise ValidationError(
            _("Evidence is required for every Yes. Missing for: %(codes)s")
            % {"codes": ", ".join(indicator.code for indicator in missing)}
        )
    with transaction.atomic():
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.save(update_fields=["status", "submitted_at", "updated_at"])
        log(instance=submission, action="benchmarks.submission.submit", user=by)
    return submission


def submission_return(
    *, submission: Submission, by, comments: dict[str, str], general_comment: str = ""
) -> Submission:
    """Send a submission back to its authority with comments per indicator (by code)."""
    if not can_validate_submissions(by):
        raise PermissionDenied(_("Only editors validate submissions."))
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Only a submission awaiting validation can be sent back."))
    comments = {code: text.strip() for code, text in comments.items() if text and text.strip()}
    if not comments and not general_comment.strip():
        raise ValidationError(
            _("Say what needs to change: comment on an indicator or give a general comment.")
        )
    with transaction.atomic():
        answers = {a.indicator.code: a for a in submission.answers.select_related("indicator")}
        unknown = sorted(set(comments) - set(answers))
        if unknown:
            raise ValidationError(_("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)})
        for code, answer in answers.items():
            answer.review_comment = comments.get(code, "")
        Answer.objects.bulk_update(answers.values(), ["review_comment"])
        submission.status = Submission.Status.RETURNED
        submission.review_comment = general_comment.strip()
        submission.save(update_fields=["status", "review_comment", "updated_at"])
        log(
            instance=submission,
            action="benchmarks.submission.return",
            user=by,
            data={"comments": comments, "general_comment": submission.review_comment},
        )
    return submission


def submission_publish(*, submission: Submission, by) -> Submission:
    """Approve a submission: it becomes the authority's published result for the edition.

    The previous published version, if any, is superseded (kept, never changed). Scores are computed
    here, once, and stored; the edition's ranking is recomputed.
    """
    if not can_validate_submissions(by):
        raise PermissionDenied(_("Only editors approve submissions."))
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Only a submission awaiting validation can be approved."))
    missing = missing_evidence(submission=submission)
    if missing:
        raise ValidationError(
            _("Evidence is missing for: %(codes)s") % {"codes": ", ".join(i.code for i in missing)}
        )
    with transaction.atomic():
        _supersede_published(submission=submission, by=by)
        submission.answers.update(review_comment="")
        submission.status = Submission.Status.PUBLISHED
        submission.published_at = timezone.now()
        submission.published_by = by
        submission.review_comment = ""
        submission.save()
        submission_score(submission=submission)
        edition_rerank(edition=submission.edition)
        submission.refresh_from_db(fields=["rank"])
        log(
            instance=submission,
            action="benchmarks.submission.publish",
            user=by,
            data={"percent": submission.percent},
        )
    return submission


def _supersede_published(*, submission: Submission, by) -> None:
    for previous in Submission.objects.select_for_update().filter(
        authority=submission.authority, edition=submission.edition, status=Submission.Status.PUBLISHED
    ):
        previous.status = Submission.Status.SUPERSEDED
        previous.rank = None
        previous.save(update_fields=["status", "rank", "updated_at"])
        log(
            instance=previous,
            action="benchmarks.submission.supersede",
            user=by,
            data={"superseded_by_version": submission.version},
        )


def submission_score(*, submission: Submission) -> scoring.Score:
    """Compute and store the scores of a submission from its answers (the edition's default method)."""
    counts: dict[int, list[int]] = {}
    for subpillar_id, value in submission.answers.values_list("indicator__subpillar_id", "value"):
        yes_total = counts.setdefault(subpillar_id, [0, 0])
        yes_total[0] += value == Answer.Value.YES
        yes_total[1] += 1
    subpillars = list(
        SubPillar.objects.filter(edition_id=submission.edition_id)
        .annotate(indicator_count=Count("indicators"))
        .order_by("sort_order", "key")
    )
    # A sub-pillar without answer rows (never the case for a questionnaire) scores 0 of its indicators.
    points = {
        sp.key: tuple(counts[sp.pk]) if sp.pk in counts else (0, sp.indicator_count) for sp in subpillars
    }
    return store_points(submission=submission, points=points, subpillars=subpillars)


def store_points(
    *, submission: Submission, points: dict[str, tuple[int, int]], subpillars: list[SubPillar] | None = None
) -> scoring.Score:
    """Store sub-pillar results and the overall score of a submission from its yes/n points."""
    if subpillars is None:
        subpillars = list(
            SubPillar.objects.filter(edition_id=submission.edition_id).order_by("sort_order", "key")
        )
    score = scoring.score_points(points={sp.key: points[sp.key] for sp in subpillars})
    by_key = {sp.key: sp for sp in subpillars}
    SubPillarResult.objects.filter(submission=submission).delete()
    SubPillarResult.objects.bulk_create(
        SubPillarResult(
            submission=submission,
            subpillar=by_key[result.key],
            yes=result.yes,
            total=result.total,
            value=result.value,
            band=result.band.value,
        )
        for result in score.subpillars
    )
    submission.overall = score.overall
    submission.percent = score.percent
    submission.save(update_fields=["overall", "percent", "updated_at"])
    return score


def edition_rerank(*, edition: Edition) -> None:
    """Store the rank of every published submission of the edition (shared ranks for equal percentages)."""
    published = list(
        Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
        .select_related("authority")
        .order_by("authority__name")
    )
    ranked = scoring.rank_entries(overall_by_key={s.pk: s.overall for s in published})
    rank_by_pk = {entry.key: entry.rank for entry in ranked}
    changed = []
    for submission in published:
        if submission.rank != rank_by_pk[submission.pk]:
            submission.rank = rank_by_pk[submission.pk]
            changed.append(submission)
    Submission.objects.bulk_update(changed, ["rank"], batch_size=1000)


def edition_copy(*, source: Edition, revision: str, title: str = "", by) -> Edition:
    """Start a new edition of the same framework as a copy of `source` (pillars, sub-pillars, indicators)."""
    if not can_validate_submissions(by):
        raise PermissionDenied(_("Only editors manage frameworks."))
    revision = revision.strip()
    if not revision:
        raise ValidationError(_("Give the new edition a revision, for example 2025."))
    if Edition.objects.filter(framework=source.framework, revision=revision).exists():
        raise ValidationError(
            _("This framework already has an edition %(revision)s.") % {"revision": revision}
        )
    with transaction.atomic():
        edition = Edition.objects.create(
            framework=source.framework,
            revision=revision,
            title=title.strip() or f"{source.framework.name} {revision}",
            is_open=True,
        )
        pillar_map = {}
        for pillar in source.pillars.all():
            pillar_map[pillar.pk] = Pillar.objects.create(
                edition=edition,
                key=pillar.key,
                name=pillar.name,
                description=pillar.description,
                sort_order=pillar.sort_order,
            )
        subpillar_map = {}
        for subpillar in source.subpillars.all():
            subpillar_map[subpillar.pk] = SubPillar.objects.create(
                edition=edition,
                pillar=pillar_map[subpillar.pillar_id],
                key=subpillar.key,
                name=subpillar.name,
                description=subpillar.description,
                sort_order=subpillar.sort_order,
            )
        Indicator.objects.bulk_create(
            Indicator(
                edition=edition,
                subpillar=subpillar_map[indicator.subpillar_id],
                code=indicator.code,
                question=indicator.question,
                guidance=indicator.guidance,
                evidence_required=indicator.evidence_required,
                sort_order=indicator.sort_order,
            )
            for indicator in source.indicators.all()
        )
        log(instance=edition, action="benchmarks.edition.copy", user=by, data={"source": source.pk})
    return edition
