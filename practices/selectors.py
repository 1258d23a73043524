"""Reads of the practice library: cases by sub-pillar, tag and authority."""

from __future__ import annotations

from django.db.models import QuerySet

from benchmarks.models import Authority, SubPillar

from .models import PracticeCasePage


def live_cases() -> QuerySet[PracticeCasePage]:
    """Published, public practice cases."""
    return PracticeCasePage.objects.live().public()


def cases_for_sub_pillar(
    sub_pillar: SubPillar, *, authorities: list[Authority] | QuerySet[Authority] | None = None
) -> QuerySet[PracticeCasePage]:
    """Live cases addressing this sub-pillar, in any edition of its framework (matched by key, so a case
    filed under 2022's "2.3" also counts for 2023's "2.3"), optionally only those of these authorities.
    Newest first."""
    cases = live_cases().filter(
        sub_pillars__edition__framework_id=sub_pillar.edition.framework_id,
        sub_pillars__key=sub_pillar.key,
    )
    if authorities is not None:
        cases = cases.filter(authorities__in=authorities)
    return cases.distinct().order_by("-first_published_at", "-pk")
