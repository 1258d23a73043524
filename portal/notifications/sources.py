"""The digest sources and followable models the portal registers itself (see registry.py)."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Page

from .registry import DigestItem, register_digest_source, register_followable, topic_keys


def new_pages(*, since: datetime, until: datetime):
    """Every page first published in the window, about itself, its parent, its tags and digest_topics()."""
    pages = Page.objects.live().filter(first_published_at__gt=since, first_published_at__lte=until).specific()
    for page in pages:
        topics = [page, page.get_parent().specific]
        tags = getattr(page, "tags", None)
        if tags is not None and hasattr(tags, "all"):
            topics.extend(tags.all())
        if hasattr(page, "digest_topics"):
            topics.extend(page.digest_topics())
        yield DigestItem(
            kind=str(page._meta.verbose_name_plural).capitalize(),
            title=page.title,
            url=page.full_url or "",
            published_at=page.first_published_at,
            summary=getattr(page, "introduction", "")
            or getattr(page, "summary", "")
            or page.search_description,
            topics=topic_keys(*topics),
        )


def published_results(*, since: datetime, until: datetime):
    """Benchmark results published in the window, about their authority."""
    from benchmarks.models import DashboardPage, Submission

    dashboard = DashboardPage.objects.live().first()
    base = dashboard.full_url if dashboard is not None else ""
    submissions = Submission.objects.filter(
        published_at__gt=since,
        published_at__lte=until,
        status__in=[Submission.Status.PUBLISHED, Submission.Status.SUPERSEDED],
    ).select_related("authority", "edition")
    for submission in submissions:
        authority = submission.authority
        yield DigestItem(
            kind=str(_("Benchmark results")),
            title=str(
                _("%(authority)s: %(edition)s result published, %(percent)s%%")
                % {
                    "authority": authority.name,
                    "edition": submission.edition.title,
                    "percent": submission.percent if submission.percent is not None else "–",
                }
            ),
            url=f"{base}authority/{authority.slug}/" if base else "",
            published_at=submission.published_at,
            summary=str(_("Rank %(rank)s.") % {"rank": submission.rank}) if submission.rank else "",
            topics=topic_keys(authority),
        )


def register_defaults() -> None:
    register_followable(Tag)
    register_followable("benchmarks.Authority")
    # Sections: following one brings its new pages into the digest (their apps may register more).
    for section in (
        "events.EventIndexPage",
        "practices.PracticeIndexPage",
        "learning.PolicyBriefIndexPage",
        "learning.ToolkitIndexPage",
    ):
        register_followable(section, section=True)
    register_followable("events.EventPage")
    register_digest_source("portal.pages", new_pages)
    register_digest_source("benchmarks.results", published_results)
