"""Who may read, write and moderate discussions and matches (one place, used by views and consumers)."""

from benchmarks.models import Authority
from portal import roles

from .models import MatchRequest, Room

MEMBER_GROUPS = (roles.MEMBERS, roles.REPRESENTATIVES, roles.EDITORS, roles.MODERATORS)


def is_member(user) -> bool:
    """Members of the community (any of its groups) may post; visitors only read open rooms."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=MEMBER_GROUPS).exists()


def is_moderator(user) -> bool:
    return roles.user_has_role(user, roles.MODERATORS)


def is_editor(user) -> bool:
    return roles.user_has_role(user, roles.EDITORS)


def can_read_room(user, room: Room) -> bool:
    """Open rooms are public; a private room is for its participants (and moderators, who must be able to
    act on a report)."""
    if not room.is_private:
        return True
    if not (user and user.is_authenticated):
        return False
    return room.participants.filter(pk=user.pk).exists() or is_moderator(user)


def can_post_in_room(user, room: Room) -> bool:
    if not is_member(user):
        return False
    if room.is_private:
        return room.participants.filter(pk=user.pk).exists()
    return True


def represented_authorities(user) -> list[Authority]:
    if not (user and user.is_authenticated):
        return []
    return list(Authority.objects.filter(representatives=user).order_by("name"))


def represents(user, authority_id: int) -> bool:
    return (
        bool(user and user.is_authenticated)
        and Authority.objects.filter(pk=authority_id, representatives=user).exists()
    )


def can_view_match(user, match: MatchRequest) -> bool:
    """The requesting authority's representatives, those of an invited authority, and editors."""
    if is_editor(user):
        return True
    if not (user and user.is_authenticated):
        return False
    authority_ids = [match.authority_id, *match.invitations.values_list("authority_id", flat=True)]
    return Authority.objects.filter(pk__in=authority_ids, representatives=user).exists()
