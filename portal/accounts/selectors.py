"""Reads of the membership package: the directory, the community manager's work lists, a member's data."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from taggit.models import Tag

from benchmarks.models import Authority

from .models import AuthorityJoinRequest


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def directory_members(
    *, query: str = "", authority: Authority | None = None, country: str = "", interest: str = ""
) -> QuerySet:
    """Active members listed in the directory, filtered, ordered by name."""
    members = (
        get_user_model()
        .objects.filter(is_active=True, show_in_directory=True)
        .select_related("authority")
        .prefetch_related("interests")
    )
    if query:
        for word in query.split()[:5]:
            members = members.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(job_title__icontains=word)
                | Q(organisation__icontains=word)
                | Q(authority__name__icontains=word)
            )
    if authority is not None:
        members = members.filter(authority=authority)
    if country:
        members = members.filter(Q(country=country) | Q(country="", authority__country=country))
    if interest:
        members = members.filter(interests__slug=interest)
    return members.distinct().order_by("last_name", "first_name", "pk")


def directory_authorities() -> QuerySet:
    """Authorities that have at least one member in the directory (for the filter)."""
    return Authority.objects.filter(members__is_active=True, members__show_in_directory=True).distinct()


@dataclass(frozen=True)
class DomainMatch:
    member: object
    authority: Authority


def domain_matches(*, limit: int = 100) -> list[DomainMatch]:
    """Active, unverified members whose e-mail domain is an authority's (or a subdomain of it)."""
    domains = {
        a.email_domain.strip().lower().lstrip("@"): a for a in Authority.objects.exclude(email_domain="")
    }
    if not domains:
        return []
    matches = []
    members = get_user_model().objects.filter(is_active=True, is_verified=False).order_by("-date_joined")
    for member in members.iterator(chunk_size=500):
        domain = email_domain(member.email)
        parts = domain.split(".")
        for i in range(len(parts) - 1):
            authority = domains.get(".".join(parts[i:]))
            if authority is not None:
                matches.append(DomainMatch(member=member, authority=authority))
                break
        if len(matches) >= limit:
            break
    return matches


def unverified_members() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, is_verified=False, is_superuser=False)
        .select_related("authority")
        .order_by("-date_joined")
    )


def pending_authority_requests() -> QuerySet:
    return AuthorityJoinRequest.objects.filter(status=AuthorityJoinRequest.Status.PENDING).select_related(
        "requested_by"
    )


def member_interest_tags() -> QuerySet:
    """Tags that at least one member lists as an interest (for the directory filter)."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    return Tag.objects.filter(taggit_taggeditem_items__content_type=user_type).distinct().order_by("name")
