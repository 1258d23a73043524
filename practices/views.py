"""Views of the practice library (served through PracticeIndexPage's routes) and the case page context."""

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from . import selectors

CASES_PER_PAGE = 12


def library_view(request, *, page):
    cases = selectors.live_cases().descendant_of(page).order_by("-first_published_at", "-pk")
    paginator = Paginator(cases, CASES_PER_PAGE)
    context = page.get_context(request)
    context["cases"] = paginator.get_page(request.GET.get("page"))
    return page.render(request, context_overrides=context)


def tag_view(request, *, page, slug):
    tag = get_object_or_404(Tag, slug=slug)
    cases = selectors.live_cases().filter(tags=tag).order_by("-first_published_at", "-pk")
    context = page.get_context(request)
    context.update(tag=tag, cases=Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page")))
    return page.render(request, template="practices/tag_page.html", context_overrides=context)


def tag_suggestions_view(request):
    prefix = request.GET.get("q", "").strip()
    if len(prefix) > 100:
        raise Http404
    tags = Tag.objects.filter(name__istartswith=prefix).order_by("name")[:20] if prefix else []
    return JsonResponse({"tags": [tag.name for tag in tags]})


def case_context(request, *, case) -> dict:
    return {"show_contact": request.user.is_authenticated}
