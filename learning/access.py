"""Who may read, write and moderate discussions and matches (one place, used by views and consumers)."""

from benchmarks.models import Authority
from portal import permissions

from .models import MatchRequest, Room

# The portal's role checks (portal/permissions.py): a member is an active, logged-in account (its
# e-mail confirmed); moderators are the Moderators group plus editors; superusers pass every check.
is_member = permissions.is_member
is_moderator = permissions.is_moderator
is_editor = permissions.is_editor


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
