"""Embeddable widgets: plain server-rendered pages with a minimal layout, meant for an <iframe> on another
site. Only these views may be framed (X-Frame-Options left out, CSP frame-ancestors *); every other page
keeps the site's X-Frame-Options.

    /embed/compare/?framework=ucc&edition=2023&a=espoo&a=ghent
    /embed/ranking/?framework=ucc&edition=2023&top=10            (top: 1..50)
    /embed/profile/<slug>/?framework=ucc&edition=2023
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from . import exports, selectors, widgets
from .compare_views import read_selection
from .models import Authority, Edition

FRAME_ANCESTORS = "frame-ancestors *"


def embeddable(view):
    """Let any site frame the view: no X-Frame-Options, and a CSP that says so to modern browsers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = FRAME_ANCESTORS
        return response

    return xframe_options_exempt(require_GET(wrapper))


def _edition(request) -> Edition:
    framework_key = request.GET.get("framework", "ucc")
    revision = request.GET.get("edition")
    if revision:
        edition = selectors.edition_get(framework_key=framework_key, revision=revision)
    else:
        edition = selectors.default_edition(framework_key=framework_key)
    if edition is None:
        raise Http404(_("No such edition."))
    return edition


def _base_url(request, edition: Edition) -> str | None:
    return widgets.dashboard_url(framework_key=edition.framework.key, request=request, absolute=True)


def _render(request, widget: dict, template: str, *, notices=()):
    return render(
        request,
        "benchmarks/embed/base.html",
        {
            "widget": widget,
            "widget_template": template,
            "notices": list(notices),
            "licence": exports.LICENCE,
            "licence_url": exports.LICENCE_URL,
        },
    )


@embeddable
def compare(request):
    edition = _edition(request)
    selection = read_selection(request.GET, edition=edition, add=False)
    widget = widgets.comparison_widget(
        edition, selection.authorities, base_url=_base_url(request, edition), widget_id="embed-compare"
    )
    notices = list(selection.notices)
    if len(selection.authorities) < 2:
        notices.append(_("Choose at least two authorities with a published result to compare them."))
    return _render(request, widget, "benchmarks/widgets/comparison.html", notices=notices)


@embeddable
def ranking(request):
    edition = _edition(request)
    try:
        top = int(request.GET.get("top", 10))
    except ValueError:
        top = 10
    widget = widgets.ranking_excerpt_widget(
        edition, top, base_url=_base_url(request, edition), widget_id="embed-ranking"
    )
    return _render(request, widget, "benchmarks/widgets/ranking_excerpt.html")


@embeddable
def profile(request, slug: str):
    edition = _edition(request)
    authority = get_object_or_404(Authority, slug=slug)
    widget = widgets.profile_widget(
        edition, authority, base_url=_base_url(request, edition), widget_id="embed-profile"
    )
    return _render(request, widget, "benchmarks/widgets/profile.html")
