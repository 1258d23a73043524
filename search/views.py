"""The search page and the header box's suggestions. Thin: the work is in search/selectors.py."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from . import registry, selectors

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def _query(request) -> str:
    return " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]


@require_GET
def search(request):
    """Site-wide search: result-type tabs, facets with counts, highlighted snippets, pages, two orders."""
    query = _query(request)
    context = {"query": query, "facet_names": registry.FACETS, "orders": selectors.ORDERS}
    if query:
        outcome = selectors.search(
            query=query,
            user=request.user,
            type_key=request.GET.get("type") or None,
            filters={facet: request.GET.get(facet, "").strip() for facet in registry.FACETS},
            order=request.GET.get("order", "relevance"),
            request=request,
        )
        paginator = Paginator(outcome.results, RESULTS_PER_PAGE)
        try:
            results = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            results = paginator.page(1)
        except EmptyPage:
            results = paginator.page(paginator.num_pages)
        context.update(outcome=outcome, results=results)
        if not paginator.count:
            context["spelling"] = selectors.spelling_hints(query)
    return TemplateResponse(request, "search/search.html", context)


@require_GET
def autocomplete(request):
    """JSON suggestions for the header search box: {"query": ..., "results": [{label, url, kind}]}."""
    query = _query(request)
    suggestions = selectors.autocomplete(query=query, user=request.user, request=request)
    response = JsonResponse(
        {"query": query, "results": [{"label": s.label, "url": s.url, "kind": s.kind} for s in suggestions]}
    )
    response["Cache-Control"] = "private, max-age=60"
    return response
