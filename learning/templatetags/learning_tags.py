"""Template tags of the learning app: recommendations on any page, and the links that join briefs and
toolkit entries to the practice library's tag pages."""

from django import template

from .. import selectors

register = template.Library()


def _dashboard():
    from benchmarks.models import DashboardPage

    return DashboardPage.objects.live().order_by("path").first()


def _practice_library():
    from practices.models import PracticeIndexPage

    return PracticeIndexPage.objects.live().order_by("path").first()


@register.inclusion_tag("learning/includes/recommendations.html", takes_context=True)
def bench_learning(context, authority, heading="", addressed=False):
    """The bench-learning recommendations of an authority (its three weakest sub-pillars in the latest
    edition), as a section with an h2 heading. Used on the authority's profile and on "My
    recommendations" (`addressed`: the reasons speak to the representative, "You answer No...")."""
    found = selectors.authority_recommendations(authority=authority, addressed=addressed)
    dashboard = _dashboard()
    return {
        "request": context.get("request"),
        "authority": authority,
        "heading": heading,
        "addressed": addressed,
        "recs": found,
        "profile_base": f"{dashboard.url}authority/" if dashboard else "",
        "section_id": f"learn-{authority.slug}",
    }


@register.simple_tag
def practice_tag_url(tag) -> str:
    """The practice library's page of this tag (it lists cases, briefs and toolkit entries: learning/apps.py
    registers them), or ""."""
    library = _practice_library()
    if library is None:
        return ""
    return library.url + library.reverse_subpage("tag_view", kwargs={"slug": tag.slug})
