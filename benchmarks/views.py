"""The benchmark questionnaire (authority representatives) and its review (editors).

Thin views: they read, check roles through `benchmarks.permissions`, write only through `benchmarks.services`
and follow Post/Redirect/Get with a message after every successful write.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BoundField
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import ModelLogEntry

from .forms import (
    QuestionnaireForm,
    ReviewForm,
    comment_name,
    evidence_text_name,
    evidence_url_name,
    value_name,
)
from .models import Answer, Authority, Edition, Indicator, Pillar, Submission, SubPillar
from .permissions import can_edit_submission, can_validate_submissions, can_view_submission
from .services import (
    missing_evidence,
    submission_publish,
    submission_return,
    submission_save,
    submission_start,
    submission_submit,
)

SAFE_LINK_SCHEMES = ("https://", "http://")


# --- Presentation structures: answers grouped by pillar and sub-pillar ---------------------------------


@dataclass
class Choice:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class IndicatorRow:
    """One indicator with its answer and, when the page edits it, its bound fields."""

    indicator: Indicator
    answer: Answer
    value: BoundField | None = None
    evidence_text: BoundField | None = None
    evidence_url: BoundField | None = None
    comment: BoundField | None = None
    choices: list[Choice] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        """The stable prefix of this indicator's element ids: answer-<code>."""
        return f"answer-{self.indicator.code}"

    @property
    def evidence_link(self) -> str:
        """The evidence link when it is safe to render as a link (http or https), else ""."""
        url = self.answer.evidence_url
        return url if url.lower().startswith(SAFE_LINK_SCHEMES) else ""


@dataclass
class SubPillarGroup:
    subpillar: SubPillar
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class PillarGroup:
    pillar: Pillar
    subpillars: list[SubPillarGroup] = field(default_factory=list)


@dataclass
class ErrorLink:
    """An entry of the error summary: a message and the id of the field it is about."""

    href: str
    message: str


@dataclass
class AuditRow:
    timestamp: object
    user_name: str
    user_email: str
    message: str
    details: list[str]


def _answers(submission: Submission) -> list[Answer]:
    return list(
        submission.answers.select_related("indicator__subpillar__pillar").order_by(
            "indicator__subpillar__sort_order", "indicator__sort_order", "indicator__code"
        )
    )


def _group(rows: list[IndicatorRow]) -> list[PillarGroup]:
    """Rows grouped by pillar, then sub-pillar, each in the edition's order."""
    by_subpillar: dict[int, SubPillarGroup] = {}
    by_pillar: dict[int, PillarGroup] = {}
    for row in rows:
        subpillar = row.indicator.subpillar
        if subpillar.pk not in by_subpillar:
            by_subpillar[subpillar.pk] = SubPillarGroup(subpillar=subpillar)
            pillar = subpillar.pillar
            by_pillar.setdefault(pillar.pk, PillarGroup(pillar=pillar)).subpillars.append(
                by_subpillar[subpillar.pk]
            )
        by_subpillar[subpillar.pk].rows.append(row)
    pillars = sorted(by_pillar.values(), key=lambda g: (g.pillar.sort_order, g.pillar.key))
    for group in pillars:
        group.subpillars.sort(key=lambda g: (g.subpillar.sort_order, g.subpillar.key))
        for sub in group.subpillars:
            sub.rows.sort(key=lambda r: (r.indicator.sort_order, r.indicator.code))
    return pillars


def _questionnaire_rows(answers: list[Answer], form: QuestionnaireForm) -> list[IndicatorRow]:
    rows = []
    for answer in answers:
        code = answer.indicator.code
        value = form[value_name(code)]
        current = str(value.value() or "")
        row = IndicatorRow(
            indicator=answer.indicator,
            answer=answer,
            value=value,
            evidence_text=form[evidence_text_name(code)],
            evidence_url=form[evidence_url_name(code)],
        )
        row.choices = [
            Choice(value=choice, label=label, id=f"{row.dom_id}-{choice}", checked=current == choice)
            for choice, label in Answer.Value.choices
        ]
        rows.append(row)
    return rows


def _background(submission: Submission) -> list[tuple[str, object]]:
    return [
        (Submission._meta.get_field(name).verbose_name, getattr(submission, name))
        for name in Submission.BACKGROUND_FIELDS
    ]


def _error_links(form, *, rows: list[IndicatorRow], anchors: dict[str, str], top: str) -> list[ErrorLink]:
    """The error summary: every error of the form, in page order, each linking to its field."""
    links = [ErrorLink(href=f"#{top}", message=str(message)) for message in form.non_field_errors()]
    for row in rows:
        question = Truncator(row.indicator.question.rstrip(" .:;")).words(12)
        for bound, anchor in (
            (row.value, f"{row.dom_id}-{Answer.Value.YES}"),
            (row.evidence_text, f"{row.dom_id}-evidence-text"),
            (row.evidence_url, f"{row.dom_id}-evidence-url"),
            (row.comment, f"comment-{row.indicator.code}"),
        ):
            if bound is not None:
                links += [
                    ErrorLink(
                        href=f"#{anchor}",
                        message=_("%(field)s: %(error)s") % {"field": question, "error": error},
                    )
                    for error in bound.errors
                ]
    for name, anchor in anchors.items():
        links += [
            ErrorLink(
                href=f"#{anchor}",
                message=_("%(field)s: %(error)s") % {"field": capfirst(form[name].label), "error": error},
            )
            for error in form[name].errors
        ]
    return links


# --- Questionnaire ----------------------------------------------------------------------------------


def _edition_or_404(revision: str) -> Edition:
    edition = (
        Edition.objects.filter(revision=revision)
        .select_related("framework")
        .order_by("framework__key")
        .first()
    )
    if edition is None:
        raise Http404(_("No such edition."))
    return edition


def _open_and_published(
    *, authority: Authority, edition: Edition
) -> tuple[Submission | None, Submission | None]:
    """The authority's open submission (draft, awaiting validation or sent back) and its published one."""
    open_submission = published = None
    for submission in Submission.objects.filter(
        authority=authority,
        edition=edition,
        status__in=[*Submission.OPEN_STATUSES, Submission.Status.PUBLISHED],
    ):
        if submission.status == Submission.Status.PUBLISHED:
            published = submission
        else:
            open_submission = submission
    return open_submission, published


def _questionnaire_url(authority: Authority, edition: Edition) -> str:
    return reverse(
        "benchmarks:questionnaire", kwargs={"authority_slug": authority.slug, "revision": edition.revision}
    )


@login_required
def questionnaire_list(request):
    """The open editions of every authority the member represents, with where each one stands."""
    authorities = list(request.user.represented_authorities.order_by("name"))
    editions = list(Edition.objects.filter(is_open=True).select_related("framework").order_by("-revision"))
    found: dict[tuple[int, int], dict[str, Submission]] = defaultdict(dict)
    for submission in Submission.objects.filter(
        authority__in=authorities,
        edition__in=editions,
        status__in=[*Submission.OPEN_STATUSES, Submission.Status.PUBLISHED],
    ):
        kind = "published" if submission.status == Submission.Status.PUBLISHED else "open"
        found[(submission.authority_id, submission.edition_id)][kind] = submission
    sections = [
        {
            "authority": authority,
            "rows": [
                {
                    "edition": edition,
                    "open": found[(authority.pk, edition.pk)].get("open"),
                    "published": found[(authority.pk, edition.pk)].get("published"),
                    "url": _questionnaire_url(authority, edition),
                }
                for edition in editions
            ],
        }
        for authority in authorities
    ]
    return TemplateResponse(
        request,
        "benchmarks/questionnaire_list.html",
        {
            "sections": sections,
            "editions": editions,
            "can_validate": can_validate_submissions(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request, authority_slug: str, revision: str):
    """Answer an edition for an authority: the open draft as a form, or the submission read-only."""
    authority = get_object_or_404(Authority, slug=authority_slug)
    edition = _edition_or_404(revision)
    if not can_edit_submission(request.user, authority=authority):
        raise PermissionDenied(_("Only this authority's representatives can answer its questionnaire."))
    open_submission, published = _open_and_published(authority=authority, edition=edition)
    url = _questionnaire_url(authority, edition)

    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "correct":
            return _start_correction(request, authority=authority, edition=edition, url=url)
        if action not in ("save", "submit"):
            return HttpResponseBadRequest(_("Unknown action."))
        if (
            open_submission is None
            or not open_submission.is_editable
            or request.POST.get("submission") != str(open_submission.pk)
        ):
            messages.error(
                request,
                _(
                    "This questionnaire changed while you were answering it (it may have been submitted "
                    "meanwhile), so nothing was saved. Check where it stands below."
                ),
            )
            return redirect(url)
        return _save(
            request, submission=open_submission, published=published, submit=action == "submit", url=url
        )

    closed = False
    if open_submission is None and published is None:
        try:
            open_submission = submission_start(authority=authority, edition=edition, by=request.user)
        except ValidationError:
            closed = True  # the edition no longer takes answers and the authority has none
    if open_submission is not None and open_submission.is_editable:
        answers = _answers(open_submission)
        form = QuestionnaireForm(
            initial=QuestionnaireForm.initial_for(open_submission, answers),
            indicators=[a.indicator for a in answers],
        )
        return _render_form(
            request, submission=open_submission, published=published, answers=answers, form=form
        )
    submission = open_submission or published
    rows = [IndicatorRow(indicator=a.indicator, answer=a) for a in _answers(submission)] if submission else []
    return TemplateResponse(
        request,
        "benchmarks/questionnaire_form.html",
        {
            "authority": authority,
            "edition": edition,
            "submission": submission,
            "published": published if published != submission else None,
            "editable": False,
            "closed": closed,
            "can_correct": submission is not None
            and submission.status == Submission.Status.PUBLISHED
            and edition.is_open,
            "groups": _group(rows),
            "background": _background(submission) if submission else [],
        },
    )


def _render_form(
    request,
    *,
    submission: Submission,
    published: Submission | None,
    answers: list[Answer],
    form: QuestionnaireForm,
    saved_not_submitted: bool = False,
):
    rows = _questionnaire_rows(answers, form)
    errors = []
    if form.is_bound:
        errors = _error_links(
            form,
            rows=rows,
            anchors={name: form[name].auto_id for name in Submission.BACKGROUND_FIELDS},
            top="questionnaire",
        )
    return TemplateResponse(
        request,
        "benchmarks/questionnaire_form.html",
        {
            "authority": submission.authority,
            "edition": submission.edition,
            "submission": submission,
            "published": published,
            "editable": True,
            "form": form,
            "groups": _group(rows),
            "background_fields": [form[name] for name in Submission.BACKGROUND_FIELDS],
            "errors": errors,
            "saved_not_submitted": saved_not_submitted,
            "show_comments": submission.status == Submission.Status.RETURNED,
        },
    )


def _save(request, *, submission: Submission, published: Submission | None, submit: bool, url: str):
    """Save the answers; with `submit`, then send them for validation. Re-renders with errors, if any."""
    answers = _answers(submission)
    form = QuestionnaireForm(request.POST, indicators=[a.indicator for a in answers])

    def render(**kwargs):
        return _render_form(
            request, submission=submission, published=published, answers=answers, form=form, **kwargs
        )

    if not form.is_valid():
        return render()
    try:
        submission_save(
            submission=submission, by=request.user, answers=form.answer_inputs(), background=form.background()
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render()
    if not submit:
        messages.success(
            request, _("Your draft is saved. Submit it for validation when every answer is ready.")
        )
        return redirect(url)
    try:
        submission_submit(submission=submission, by=request.user)
    except ValidationError as error:
        missing = missing_evidence(submission=submission)
        for indicator in missing:
            form.add_error(
                evidence_text_name(indicator.code),
                _("You answered Yes: describe the evidence or give a link to it."),
            )
        if not missing:
            form.add_error(None, error.messages)
        return render(saved_not_submitted=True)
    messages.success(request, _("Thank you: your answers are submitted for validation."))
    return redirect(url)


def _start_correction(request, *, authority: Authority, edition: Edition, url: str):
    """Start a new version from the published answers (or return to the version already open)."""
    open_submission, published = _open_and_published(authority=authority, edition=edition)
    if open_submission is not None:
        messages.info(request, _("A version of this questionnaire is already open: continue it below."))
        return redirect(url)
    if published is None:
        return redirect(url)
    try:
        submission = submission_start(authority=authority, edition=edition, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Version %(version)s is started from the published answers. Change what needs changing, then "
                "submit it for validation; version %(published)s stays published until it is approved."
            )
            % {"version": submission.version, "published": published.version},
        )
    return redirect(url)


# --- Review -----------------------------------------------------------------------------------------


@login_required
def review_list(request):
    """Submissions awaiting validation, and those sent back recently, edition by edition."""
    if not can_validate_submissions(request.user):
        raise PermissionDenied(_("Only editors validate submissions."))
    awaiting = Submission.objects.filter(status=Submission.Status.SUBMITTED).order_by(
        "submitted_at", "authority__name"
    )
    returned = Submission.objects.filter(status=Submission.Status.RETURNED).order_by("-updated_at")[:50]
    by_edition: dict[int, dict] = {}
    for kind, queryset in (("awaiting", awaiting), ("returned", returned)):
        for submission in queryset.select_related("authority", "edition__framework"):
            entry = by_edition.setdefault(
                submission.edition_id, {"edition": submission.edition, "awaiting": [], "returned": []}
            )
            entry[kind].append(submission)
    editions = sorted(
        by_edition.values(), key=lambda e: (e["edition"].framework.name, e["edition"].revision), reverse=True
    )
    return TemplateResponse(request, "benchmarks/review_list.html", {"editions": editions})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, submission_id: int):
    """Review a submission: approve and publish it, or send it back with comments per indicator."""
    if not can_validate_submissions(request.user):
        raise PermissionDenied(_("Only editors validate submissions."))
    submission = get_object_or_404(
        Submission.objects.select_related("authority", "edition__framework"), pk=submission_id
    )
    if submission.status == Submission.Status.DRAFT or not can_view_submission(request.user, submission):
        raise Http404(_("Drafts are private to the authority's representatives."))
    url = reverse("benchmarks:review", kwargs={"submission_id": submission.pk})
    answers = _answers(submission)
    can_decide = submission.status == Submission.Status.SUBMITTED
    form = ReviewForm(
        request.POST if request.method == "POST" else None, indicators=[a.indicator for a in answers]
    )

    if request.method == "POST":
        if not can_decide:
            messages.error(
                request, _("This submission is no longer awaiting validation: nothing was changed.")
            )
            return redirect(url)
        response = _decide(request, submission=submission, form=form)
        if response is not None:
            return response

    rows = [
        IndicatorRow(
            indicator=a.indicator,
            answer=a,
            comment=form[comment_name(a.indicator.code)] if can_decide else None,
        )
        for a in answers
    ]
    errors = []
    if form.is_bound:
        errors = _error_links(form, rows=rows, anchors={"general_comment": "general-comment"}, top="review")
    return TemplateResponse(
        request,
        "benchmarks/review_form.html",
        {
            "submission": submission,
            "authority": submission.authority,
            "edition": submission.edition,
            "can_decide": can_decide,
            "form": form,
            "groups": _group(rows),
            "background": _background(submission),
            "errors": errors,
            "audit_trail": _audit_trail(submission),
            "questions_answered_yes": sum(a.value == Answer.Value.YES for a in answers),
            "question_count": len(answers),
        },
    )


def _decide(request, *, submission: Submission, form: ReviewForm):
    """Run the editor's decision; a redirect when it is done, None when the form shows errors."""
    action = request.POST.get("action")
    if not form.is_valid():
        return None
    if action == "publish":
        if any(text.strip() for text in form.comments().values()):
            form.add_error(
                None,
                _(
                    "You wrote comments. To send them to the authority, choose “Send back with comments”; "
                    "to approve, delete them first."
                ),
            )
            return None
        try:
            submission_publish(submission=submission, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None
        # submission_publish re-ranks the edition on other instances: read the stored rank back.
        submission.refresh_from_db()
        messages.success(
            request,
            _("%(authority)s, %(edition)s version %(version)s is published: %(percent)s%%, rank %(rank)s.")
            % {
                "authority": submission.authority.name,
                "edition": submission.edition.title,
                "version": submission.version,
                "percent": submission.percent,
                "rank": submission.rank,
            },
        )
        return redirect("benchmarks:review_list")
    if action == "return":
        try:
            submission_return(
                submission=submission,
                by=request.user,
                comments=form.comments(),
                general_comment=form.cleaned_data["general_comment"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None
        messages.success(
            request,
            _("%(authority)s, %(edition)s is sent back with your comments.")
            % {"authority": submission.authority.name, "edition": submission.edition.title},
        )
        return redirect("benchmarks:review_list")
    form.add_error(None, _("Choose “Approve and publish” or “Send back with comments”."))
    return None


def _audit_trail(submission: Submission) -> list[AuditRow]:
    """The submission's audit log: who did what and when, with the indicators each step concerned."""
    rows = []
    background_labels = {
        name: str(Submission._meta.get_field(name).verbose_name) for name in Submission.BACKGROUND_FIELDS
    }
    for entry in (
        ModelLogEntry.objects.for_instance(submission).select_related("user").order_by("timestamp", "pk")
    ):
        data = entry.data or {}
        details = []
        if entry.action == "benchmarks.submission.save":
            if codes := sorted(data.get("answers") or {}):
                details.append(_("Answers changed: %(codes)s") % {"codes": ", ".join(codes)})
            if names := sorted(data.get("background") or {}):
                details.append(
                    _("Background figures changed: %(names)s")
                    % {"names": ", ".join(background_labels.get(name, name) for name in names)}
                )
        elif entry.action == "benchmarks.submission.return":
            if codes := sorted(data.get("comments") or {}):
                details.append(_("Comments on: %(codes)s") % {"codes": ", ".join(codes)})
            if data.get("general_comment"):
                details.append(_("General comment: %(comment)s") % {"comment": data["general_comment"]})
        elif entry.action == "benchmarks.submission.publish" and data.get("percent") is not None:
            details.append(_("Score: %(percent)s%%") % {"percent": data["percent"]})
        elif entry.action == "benchmarks.submission.start":
            details.append(_("Version %(version)s") % {"version": data.get("version", submission.version)})
        rows.append(
            AuditRow(
                timestamp=entry.timestamp,
                user_name=str(entry.user_display_name),
                user_email=entry.user.email if entry.user else "",
                message=str(entry.message),
                details=details,
            )
        )
    return rows
