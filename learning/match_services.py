"""Writes of bench-learning matchmaking: request, invite, answer, close, expire.

Each checks who asks (authority representatives for their own authority, editors for everything),
validates before writing, and sends e-mails and live notifications after the commit (learning.notifying).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.models import Authority, SubPillar

from . import access, live
from .match_selectors import candidates
from .models import MatchInvitation, MatchRequest, Room
from .notifying import Notice, notify

MAX_INVITATIONS = 5
GOAL_MIN, GOAL_MAX = 20, 2000


def match_url(match: MatchRequest) -> str:
    return reverse("matches:detail", kwargs={"match_id": match.pk})


def _representatives(authority_id: int):
    return Authority.objects.get(pk=authority_id).representatives.filter(is_active=True)


@transaction.atomic
def match_request(
    *,
    authority: Authority,
    by,
    goal: str,
    mode: str,
    subpillar: SubPillar | None = None,
    topic: str = "",
) -> MatchRequest:
    """A representative asks to learn from others, on a sub-pillar or a free topic."""
    if not access.represents(by, authority.pk):
        raise PermissionDenied(
            _("Only representatives of %(authority)s request matches for it.") % {"authority": authority}
        )
    topic = (topic or "").strip()
    goal = (goal or "").strip()
    errors = {}
    if bool(subpillar) == bool(topic):
        errors["topic"] = _("Choose a sub-pillar or write a free topic (one of the two).")
    if not GOAL_MIN <= len(goal) <= GOAL_MAX:
        errors["goal"] = _("Describe your goal in %(min)d to %(max)d characters.") % {
            "min": GOAL_MIN,
            "max": GOAL_MAX,
        }
    if mode not in MatchRequest.Mode.values:
        errors["mode"] = _("Choose how the candidates are found.")
    if errors:
        raise ValidationError(errors)
    match = MatchRequest(
        authority=authority, requested_by=by, subpillar=subpillar, topic=topic, goal=goal, mode=mode
    )
    match.full_clean()
    match.save()
    return match


@transaction.atomic
def match_invite(*, match: MatchRequest, by, authority_ids: list[int]) -> list[MatchInvitation]:
    """Invite 1-5 of the proposed authorities (in total per match); their representatives are notified."""
    match = MatchRequest.objects.select_for_update().get(pk=match.pk)
    if not access.represents(by, match.authority_id):
        raise PermissionDenied(_("Only the requesting authority's representatives invite."))
    if match.status not in (MatchRequest.Status.REQUESTED, MatchRequest.Status.INVITED):
        raise ValidationError(
            _("This match no longer takes invitations (%(status)s).") % {"status": match.get_status_display()}
        )
    authority_ids = list(dict.fromkeys(int(a) for a in authority_ids))
    already = match.invitations.count()
    if not authority_ids:
        raise ValidationError(_("Choose at least one authority to invite."))
    if already + len(authority_ids) > MAX_INVITATIONS:
        raise ValidationError(
            _("You can invite at most %(max)d authorities per match (%(already)d invited already).")
            % {"max": MAX_INVITATIONS, "already": already}
        )
    proposed = {c.authority.pk: c for c in candidates(match=match, limit=50)}
    unknown = [a for a in authority_ids if a not in proposed]
    if unknown:
        raise ValidationError(_("Invite only among the proposed authorities."))
    now = timezone.now()
    expires = now + timedelta(days=settings.MATCH_EXPIRY_DAYS)
    invitations = [
        MatchInvitation.objects.create(
            match=match, authority=proposed[a].authority, reason=proposed[a].reason, expires_at=expires
        )
        for a in authority_ids
    ]
    match.status = MatchRequest.Status.INVITED
    match.invited_at = match.invited_at or now
    match.save(update_fields=["status", "invited_at"])
    subject = _("%(authority)s invites you to bench-learning on %(subject)s") % {
        "authority": match.authority,
        "subject": match.subject,
    }
    for invitation in invitations:
        for person in _representatives(invitation.authority_id):
            notify(
                user=person,
                notice=Notice(
                    kind="match_invitation",
                    subject=subject,
                    text=_("Their goal: %(goal)s\n\nWhy you: %(reason)s\n\nPlease answer by %(date)s.")
                    % {
                        "goal": match.goal,
                        "reason": invitation.reason,
                        "date": f"{timezone.localtime(expires):%d %B %Y}",
                    },
                    url=match_url(match),
                ),
                urgent=True,
            )
    return invitations


def _room_for(match: MatchRequest) -> Room:
    if match.room_id:
        return match.room
    room = Room.objects.create(
        kind=Room.Kind.PRIVATE,
        slug=f"match-{match.pk}",
        title=(_("Bench-learning: %(subject)s") % {"subject": match.subject})[:200],
        description=match.goal[:1000],
    )
    match.room = room
    return room


@transaction.atomic
def invitation_respond(*, invitation: MatchInvitation, by, accept: bool, note: str = "") -> MatchInvitation:
    """An invited authority's representative accepts or declines. The first acceptance opens the private
    room for both sides; later acceptances join it."""
    invitation = MatchInvitation.objects.select_for_update().select_related("match").get(pk=invitation.pk)
    match = MatchRequest.objects.select_for_update().get(pk=invitation.match_id)
    if not access.represents(by, invitation.authority_id):
        raise PermissionDenied(_("Only the invited authority's representatives answer."))
    if invitation.status != MatchInvitation.Status.PENDING:
        raise ValidationError(
            _("This invitation was already answered (%(status)s).")
            % {"status": invitation.get_status_display()}
        )
    now = timezone.now()
    if invitation.expires_at <= now or match.status in (
        MatchRequest.Status.CLOSED,
        MatchRequest.Status.EXPIRED,
    ):
        raise ValidationError(_("This invitation has expired."))
    invitation.status = MatchInvitation.Status.ACCEPTED if accept else MatchInvitation.Status.DECLINED
    invitation.responded_at = now
    invitation.responded_by = by
    invitation.response_note = (note or "").strip()[:2000]
    invitation.save()
    if accept:
        room = _room_for(match)
        room.participants.add(
            *_representatives(match.authority_id), *_representatives(invitation.authority_id)
        )
        if match.status != MatchRequest.Status.ACCEPTED:
            match.status = MatchRequest.Status.ACCEPTED
            match.accepted_at = now
        match.save()
    elif not match.invitations.exclude(status=MatchInvitation.Status.DECLINED).exists():
        match.status = MatchRequest.Status.DECLINED
        match.save(update_fields=["status"])
    subject = (
        _("%(authority)s accepted your bench-learning invitation")
        if accept
        else _("%(authority)s declined your bench-learning invitation")
    ) % {"authority": invitation.authority}
    for person in _representatives(match.authority_id):
        notify(
            user=person,
            notice=Notice(
                kind="match_answer",
                subject=subject,
                text=invitation.response_note or subject,
                url=match_url(match),
            ),
            urgent=True,
        )
    return invitation


@transaction.atomic
def match_close(*, match: MatchRequest, by, outcome: str) -> MatchRequest:
    """Close a match with its outcome note ("what we learned"), by either side or an editor."""
    match = MatchRequest.objects.select_for_update().get(pk=match.pk)
    sides = [
        match.authority_id,
        *match.invitations.filter(status=MatchInvitation.Status.ACCEPTED).values_list(
            "authority_id", flat=True
        ),
    ]
    if not (access.is_editor(by) or any(access.represents(by, a) for a in sides)):
        raise PermissionDenied(_("Only the two sides of the match (or an editor) close it."))
    if match.status != MatchRequest.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted match can be closed with an outcome."))
    outcome = (outcome or "").strip()
    if len(outcome) < 20:
        raise ValidationError(
            {"outcome": _("Write what you learned in a few sentences (at least 20 characters).")}
        )
    match.outcome = outcome[:5000]
    match.status = MatchRequest.Status.CLOSED
    match.closed_at = timezone.now()
    match.save(update_fields=["outcome", "status", "closed_at"])
    return match


@transaction.atomic
def matches_expire(*, now=None) -> int:
    """Expire invitations nobody answered in time; a match left with no live invitation becomes declined
    (all declined) or expired. Returns the number of invitations expired. Run daily: `manage.py
    expire_matches`."""
    now = now or timezone.now()
    overdue = MatchInvitation.objects.filter(status=MatchInvitation.Status.PENDING, expires_at__lte=now)
    match_ids = set(overdue.values_list("match_id", flat=True))
    count = overdue.update(status=MatchInvitation.Status.EXPIRED)
    for match in MatchRequest.objects.filter(pk__in=match_ids, status=MatchRequest.Status.INVITED):
        statuses = set(match.invitations.values_list("status", flat=True))
        if MatchInvitation.Status.PENDING in statuses or MatchInvitation.Status.ACCEPTED in statuses:
            continue
        match.status = (
            MatchRequest.Status.DECLINED
            if statuses == {MatchInvitation.Status.DECLINED}
            else MatchRequest.Status.EXPIRED
        )
        match.save(update_fields=["status"])
    return count


def room_sync_participants(*, match: MatchRequest) -> None:
    """Private room participants = current representatives of both sides; anyone else is disconnected."""
    if not match.room_id:
        return
    allowed = set(_representatives(match.authority_id).values_list("pk", flat=True))
    for invitation in match.invitations.filter(status=MatchInvitation.Status.ACCEPTED):
        allowed |= set(_representatives(invitation.authority_id).values_list("pk", flat=True))
    room = match.room
    current = set(room.participants.values_list("pk", flat=True))
    room.participants.add(*(allowed - current))
    removed = current - allowed
    room.participants.remove(*removed)
    for user_id in removed:
        transaction.on_commit(lambda user_id=user_id: live.force_disconnect(user_id, room_id=room.pk))


@transaction.atomic
def match_practice_case_draft(*, match: MatchRequest, by):
    """An editor turns a closed match's outcome into a draft practice case (unpublished, for editing in
    the admin). Returns the draft; a second call returns the same page."""
    from django.utils.html import escape, linebreaks
    from django.utils.text import slugify

    from practices.models import PracticeCasePage, PracticeIndexPage, ServiceArea

    if not access.is_editor(by):
        raise PermissionDenied(_("Only editors turn an outcome into a practice case."))
    match = MatchRequest.objects.select_for_update().get(pk=match.pk)
    if match.status != MatchRequest.Status.CLOSED or not match.outcome:
        raise ValidationError(_("Only a closed match with an outcome can become a practice case."))
    if match.practice_case_id:
        return match.practice_case.specific
    library = PracticeIndexPage.objects.first()
    if library is None:
        raise ValidationError(_("There is no practice library page to put the case in."))
    title = (_("%(authority)s: %(subject)s") % {"authority": match.authority, "subject": match.subject})[:255]
    base = slugify(title)[:70] or "bench-learning-case"
    slug, n = base, 1
    while library.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    page = PracticeCasePage(
        title=title,
        slug=slug,
        summary=match.outcome[:600],
        user_centricity=linebreaks(escape(match.outcome)),
        impact=linebreaks(escape(match.outcome)),
        service_area=ServiceArea.GENERAL,
        year_launched=(match.closed_at or timezone.now()).year,
        live=False,
        owner=by,
    )
    library.add_child(instance=page)
    sides = [
        match.authority_id,
        *match.invitations.filter(status=MatchInvitation.Status.ACCEPTED).values_list(
            "authority_id", flat=True
        ),
    ]
    page.authorities.set(Authority.objects.filter(pk__in=sides))
    if match.subpillar_id:
        page.sub_pillars.set([match.subpillar])
    page.save_revision(user=by, log_action=True)
    match.practice_case = page
    match.save(update_fields=["practice_case"])
    return page
