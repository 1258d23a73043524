"""Views of the practice library, served through PracticeIndexPage's and PracticeCasePage's routes.

Thin: forms parse, selectors read, services write. Everything works without JavaScript (GET forms for
the library, plain POST forms for submissions and tags); the tag suggestions endpoint only feeds a
datalist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from taggit.models import Tag
from wagtail.models import WorkflowState

from benchmarks.models import DashboardPage
from portal.principles import principle_label
from portal.tagging import tagged_page_types

from . import selectors, services
from .forms import CaseSubmissionForm, CaseTagForm, LibraryFilterForm
from .models import PracticeCasePage

CASES_PER_PAGE = 12
TAG_PAGE_ITEMS = 24


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def _active_filters(request, facets) -> list[ActiveFilter]:
    active = []
    for facet in facets:
        for value in facet.values:
            if value.selected:
                query = request.GET.copy()
                query.pop("page", None)
                query.setlist(facet.name, [v for v in query.getlist(facet.name) if v != value.value])
                active.append(ActiveFilter(f"{facet.label}: {value.label}", "?" + query.urlencode()))
    return active


def _collapse_url(request, name: str) -> str:
    """This address without "show all" for one facet."""
    query = request.GET.copy()
    query.setlist("show", [value for value in query.getlist("show") if value != name])
    return "?" + query.urlencode()


def library_view(request, *, page):
    form = LibraryFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else LibraryFilterForm({}).to_filters()
    expand = [name for name in request.GET.getlist("show") if name in selectors.FACET_LIMITS]
    result = selectors.library_search(library=page, filters=filters, expand=expand)
    for facet in result.facets:
        if facet.can_collapse:
            facet.collapse_url = _collapse_url(request, facet.name)
    cases = result.cases.prefetch_related("authorities", "tagged_items__tag")
    page_obj = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = page.get_context(request)
    context.update(
        form=form,
        filters=filters,
        facets=result.facets,
        sort=result.sort,
        sorts=[(key, label) for key, label in selectors.SORTS.items() if key != "relevance" or filters.query],
        cases=page_obj,
        page_query=_query_without_page(request),
        active_filters=_active_filters(request, result.facets),
        expanded=[facet.name for facet in result.facets if facet.expanded],
        filter_errors=[error for errors in form.errors.values() for error in errors] if request.GET else [],
    )
    return page.render(request, context_overrides=context)


@dataclass
class TagSection:
    label: str
    items: list
    total: int


def tag_view(request, *, page, slug):
    tag = get_object_or_404(Tag, slug=slug)
    sections = []
    for entry in tagged_page_types():
        pages = entry.live_pages(tag)
        if entry.model is PracticeCasePage:
            pages = pages.prefetch_related("authorities")
        items = list(pages[:TAG_PAGE_ITEMS])
        if items:
            sections.append(TagSection(label=str(entry.label), items=items, total=pages.count()))
    context = page.get_context(request)
    context.update(
        tag=tag,
        sections=sections,
        library_tag_url=f"{page.url}?tag={tag.slug}",
    )
    return page.render(request, template="practices/tag_page.html", context_overrides=context)


def tag_suggestions_view(request):
    """Existing tags starting with `q`, most used first: {"tags": [{"name", "slug", "count"}]}."""
    prefix = request.GET.get("q", "").strip()[:100]
    rows = selectors.tags_with_counts(prefix=prefix, limit=20)
    return JsonResponse({"tags": [{"name": name, "slug": slug, "count": n} for name, slug, n in rows]})


# --- Member submissions ---------------------------------------------------------------------------------


def _login_required(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def submit_view(request, *, page):
    if (redirect := _login_required(request)) is not None:
        return redirect
    form = CaseSubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_submit(
                library=page, by=request.user, data=form.cleaned_data, links=form.links()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: “%(title)s” is waiting for the editors' review. "
                    "We will e-mail you their decision."
                )
                % {"title": case.title},
            )
            return HttpResponseRedirect(page.url + page.reverse_subpage("my_submissions"))
    context = page.get_context(request)
    context.update(
        form=form, heading=_("Share a practice case"), revising=None, tag_names=_popular_tag_names()
    )
    return page.render(request, template="practices/submit_case.html", context_overrides=context)


@dataclass
class Submission:
    case: PracticeCasePage
    status: str
    comment: str
    can_revise: bool


def _submission_row(case: PracticeCasePage, user) -> Submission:
    state = case.current_workflow_state
    comment = ""
    if case.live:
        status = _("Published")
    elif state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        status = _("Awaiting the editors' review")
    elif state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        status = _("Sent back for changes")
        task_state = state.current_task_state
        comment = (task_state.comment or "") if task_state else ""
    else:
        status = _("Draft")
    return Submission(case, status, comment, services.case_can_revise(case=case, user=user))


def my_submissions_view(request, *, page):
    if (redirect := _login_required(request)) is not None:
        return redirect
    cases = PracticeCasePage.objects.filter(submitted_by=request.user).order_by(
        "-latest_revision_created_at", "-pk"
    )
    context = page.get_context(request)
    context.update(submissions=[_submission_row(case, request.user) for case in cases])
    return page.render(request, template="practices/my_submissions.html", context_overrides=context)


def revise_view(request, *, page, case_id):
    if (redirect := _login_required(request)) is not None:
        return redirect
    case = get_object_or_404(PracticeCasePage, pk=case_id, submitted_by=request.user)
    if not services.case_can_revise(case=case, user=request.user):
        raise PermissionDenied(_("This case is not waiting for your changes."))
    draft = case.get_latest_revision_as_object()
    form = CaseSubmissionForm(request.POST or None, initial=CaseSubmissionForm.initial_for(draft))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_resubmit(case=case, by=request.user, data=form.cleaned_data, links=form.links())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your revised case is back with the editors."))
            return HttpResponseRedirect(page.url + page.reverse_subpage("my_submissions"))
    state = case.current_workflow_state
    comment = (state.current_task_state.comment or "") if state and state.current_task_state else ""
    context = page.get_context(request)
    context.update(
        form=form,
        heading=_("Revise “%(title)s”") % {"title": draft.title},
        revising=draft,
        comment=comment,
        tag_names=_popular_tag_names(),
    )
    return page.render(request, template="practices/submit_case.html", context_overrides=context)


# --- The case page ------------------------------------------------------------------------------------


def _profile_url(dashboard: DashboardPage | None, authority) -> str | None:
    if dashboard is None:
        return None
    return dashboard.url + dashboard.reverse_subpage("profile_view", args=[authority.slug])


def case_context(request, *, case: PracticeCasePage) -> dict:
    dashboard = DashboardPage.objects.live().first()
    benchmark = selectors.case_benchmark(case=case)
    names = selectors.sub_pillar_names(case.sub_pillars.values_list("key", flat=True))
    keys = sorted(
        set(case.sub_pillars.values_list("key", flat=True)), key=lambda k: [int(p) for p in k.split(".")]
    )
    library = case.get_parent().specific
    return {
        "show_contact": request.user.is_authenticated,
        "can_tag": request.user.is_authenticated and case.live,
        "tag_form": CaseTagForm(),
        "benchmark": [(row, _profile_url(dashboard, row.authority)) for row in benchmark],
        "principles": [principle_label(code) for code in case.principles],
        "sub_pillars": [(key, names.get(key, "")) for key in keys],
        "library": library,
        "tags": list(case.tags.order_by("name")),
        "gallery": list(case.gallery_images.select_related("image")),
        "suggestions_url": library.url + library.reverse_subpage("tag_suggestions_view"),
        "tag_names": _popular_tag_names(),
    }


def _popular_tag_names() -> list[str]:
    return [name for name, _slug, _n in selectors.tags_with_counts(limit=50)]


@require_POST
def case_tag_view(request, *, case: PracticeCasePage):
    if not request.user.is_authenticated:
        return redirect_to_login(case.url)
    if not case.live:
        raise Http404
    form = CaseTagForm(request.POST)
    if form.is_valid():
        try:
            added = services.case_add_tags(case=case, by=request.user, names=form.cleaned_data["tags"])
        except ValidationError as error:
            form.add_error("tags", error)
        else:
            if added:
                messages.success(request, _("Tags added: %(tags)s.") % {"tags": ", ".join(added)})
            else:
                messages.info(request, _("The case already has these tags."))
            return HttpResponseRedirect(case.url + "#case-tags")
    context = case.get_context(request)
    context["tag_form"] = form
    return case.render(request, context_overrides=context)
