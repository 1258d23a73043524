"""Template tags of the learning app: recommendations on any page, and the links that join briefs and
toolkit entries to the practice library's tag pages."""

from django import template
from django.template.loader import render_to_string

from .. import selectors

register = template.Library()

FRAMEWORK_KEY = "ucc"


def _dashboard():
    from benchmarks.models import DashboardPage

    return DashboardPage.objects.live().order_by("path").first()


def _practice_library():
    from practices.models import PracticeIndexPage

    return PracticeIndexPage.objects.live().order_by("path").first()


@register.simple_tag
def bench_learning(authority, heading="", addressed=False):
    """The bench-learning recommendations of an authority (its three weakest sub-pillars in the latest
    edition), as a section with an h2 heading. Used on the authority's profile and on "My
    recommendations" (`addressed`: the reasons speak to the representative, "You answer No...").

    Rendered once per change of the framework's results or of any page (cases, toolkit entries), then
    served from the cache."""
    from benchmarks import selectors as benchmark_selectors
    from benchmarks.models import Framework
    from portal.caching import cached_fragment
    from portal.signals import chrome_generation

    framework = Framework.objects.filter(key=FRAMEWORK_KEY).first()
    if framework is None:
        return ""
    version = benchmark_selectors.framework_data_version(framework=framework)

    def render() -> str:
        dashboard = _dashboard()
        return render_to_string(
            "learning/includes/recommendations.html",
            {
                "authority": authority,
                "heading": heading,
                "addressed": addressed,
                "recs": selectors.authority_recommendations(
                    authority=authority, addressed=addressed, framework_key=FRAMEWORK_KEY
                ),
                "profile_base": f"{dashboard.url}authority/" if dashboard else "",
                "section_id": f"learn-{authority.slug}",
            },
        )

    parts = (authority.pk, authority.slug, authority.name, heading, addressed, version, chrome_generation())
    return cached_fragment("bench-learning", parts, render)


@register.simple_tag
def practice_tag_url(tag) -> str:
    """The practice library's page of this tag (it lists cases, briefs and toolkit entries: learning/apps.py
    registers them), or ""."""
    library = _practice_library()
    if library is None:
        return ""
    return library.url + library.reverse_subpage("tag_view", kwargs={"slug": tag.slug})
