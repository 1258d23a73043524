"""The dashboard's compare route: 2-8 authorities side by side, the selection held in the URL.

    compare/?edition=2023&a=espoo&a=ghent          the comparison
    compare/?edition=2023&a=espoo&add=gh           adds the best match of "gh" (works without JavaScript)
    compare/authorities/?edition=2023&q=gh         JSON suggestions for the search-as-you-type combobox

The DashboardPage routes call these; they read through benchmarks.selectors and benchmarks.widgets.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Value, When
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors, widgets
from .models import Authority, Edition, Submission

SUGGESTIONS = 10


@dataclass
class Selection:
    """The authorities asked for, validated, with what the visitor should be told about the rest."""

    authorities: list[Authority] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    candidates: list[Authority] = field(default_factory=list)  # several matches of the typed name

    @property
    def slugs(self) -> list[str]:
        return [a.slug for a in self.authorities]


def published_authorities(edition: Edition):
    """Authorities with a published result in the edition."""
    return Authority.objects.filter(
        submissions__edition=edition, submissions__status=Submission.Status.PUBLISHED
    ).distinct()


def authority_matches(edition: Edition, query: str, *, limit: int = SUGGESTIONS) -> list[Authority]:
    """Authorities with a published result whose name starts with, or else contains, the query."""
    query = query.strip()
    if not query:
        return []
    return list(
        published_authorities(edition)
        .filter(name__icontains=query)
        .annotate(
            prefix=Case(
                When(name__istartswith=query, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("prefix", "name")[:limit]
    )


def read_selection(params, *, edition: Edition, add: bool = True) -> Selection:
    """The selection of a query string: `a` slugs in order (unknown ones dropped with a message), plus the
    best match of the `add` text. More than MAX_COMPARED keeps the first ones, with a message."""
    selection = Selection()
    slugs = list(dict.fromkeys(slug.strip().lower() for slug in params.getlist("a") if slug.strip()))
    found = {a.slug: a for a in Authority.objects.filter(slug__in=slugs)}
    published = set(published_authorities(edition).filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in slugs:
        authority = found.get(slug)
        if authority is None:
            selection.notices.append(
                _("No authority is known as “%(slug)s”: it was left out.") % {"slug": slug}
            )
        elif slug not in published:
            selection.notices.append(
                _("%(name)s has no published result for %(revision)s: it was left out.")
                % {"name": authority.name, "revision": edition.revision}
            )
        else:
            selection.authorities.append(authority)
    text = params.get("add", "").strip() if add else ""
    if text:
        _add_by_name(selection, text, edition=edition)
    if len(selection.authorities) > widgets.MAX_COMPARED:
        selection.authorities = selection.authorities[: widgets.MAX_COMPARED]
        selection.notices.append(
            _("At most %(max)s authorities can be compared: the first %(max)s were kept.")
            % {"max": widgets.MAX_COMPARED}
        )
    return selection


def _add_by_name(selection: Selection, text: str, *, edition: Edition) -> None:
    exact = published_authorities(edition).filter(name__iexact=text).first()
    matches = [exact] if exact else authority_matches(edition, text)
    prefixed = [a for a in matches if a.name.casefold().startswith(text.casefold())]
    if len(prefixed) == 1:
        matches = prefixed
    if not matches:
        selection.notices.append(
            _("No authority with a published result for %(revision)s matches “%(text)s”.")
            % {"revision": edition.revision, "text": text}
        )
    elif len(matches) == 1:
        authority = matches[0]
        if authority.slug in selection.slugs:
            selection.notices.append(_("%(name)s is already compared.") % {"name": authority.name})
        else:
            selection.authorities.append(authority)
    else:
        selection.candidates = [a for a in matches if a.slug not in selection.slugs]
        selection.notices.append(
            _("Several authorities match “%(text)s”: choose one below.") % {"text": text}
        )


def _url(page_url: str, *, edition: Edition, slugs: list[str]) -> str:
    return f"{page_url}compare/?{widgets.compare_query(edition=edition, slugs=slugs)}"


def compare_context(request, *, page, edition: Edition) -> dict:
    selection = read_selection(request.GET, edition=edition)
    slugs = selection.slugs
    selected = [
        {
            "authority": authority,
            "remove_url": _url(page.url, edition=edition, slugs=[s for s in slugs if s != authority.slug]),
        }
        for authority in selection.authorities
    ]
    candidates = [
        {"authority": a, "add_url": _url(page.url, edition=edition, slugs=slugs + [a.slug])}
        for a in selection.candidates
    ]
    context = {
        "edition": edition,
        "edition_tabs": [
            {"edition": e, "url": _url(page.url, edition=e, slugs=slugs), "current": e.pk == edition.pk}
            for e in selectors.editions_of(framework_key=page.framework_key)
        ],
        "selected": selected,
        "candidates": candidates,
        "notices": selection.notices,
        "can_add": len(slugs) < widgets.MAX_COMPARED,
        "max_compared": widgets.MAX_COMPARED,
        "dashboard_url": f"{page.url}?{urlencode({'edition': edition.revision})}",
        "suggest_url": f"{page.url}compare/authorities/",
        "widget": None,
    }
    if len(selection.authorities) >= 2:
        context["widget"] = widgets.comparison_widget(edition, selection.authorities, base_url=page.url)
        embed_url = request.build_absolute_uri(
            _embed_path("compare")
            + "?"
            + urlencode(
                [("framework", edition.framework.key), ("edition", edition.revision)]
                + [("a", s) for s in slugs]
            )
        )
        context["embed"] = {
            "url": embed_url,
            "title": context["widget"]["title"],
            "height": widgets.embed_height(context["widget"]),
        }
        context["share_url"] = request.build_absolute_uri(_url(page.url, edition=edition, slugs=slugs))
    return context


def _embed_path(name: str) -> str:
    return reverse(f"embed:{name}")


def authorities_json(request, *, page, edition: Edition) -> JsonResponse:
    """Suggestions for the combobox: up to 10 authorities with a published result in the edition."""
    query = request.GET.get("q", "")[:100]
    results = [
        {"slug": a.slug, "name": a.name, "country": a.country} for a in authority_matches(edition, query)
    ]
    return JsonResponse({"edition": edition.revision, "query": query, "results": results})
