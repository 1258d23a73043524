"""Reads of bench-learning: proposed candidates with their reasons, and the matches a member may see."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from benchmarks import peer_groups, peers, selectors
from benchmarks.models import Authority, Edition, Submission, SubPillarResult
from benchmarks.scoring import displayed_percent

from . import access, matching
from .models import MatchInvitation, MatchRequest

CANDIDATE_LIMIT = 10


@dataclass(frozen=True)
class CandidateView:
    authority: Authority
    reason: str
    their_percent: int | None
    own_percent: int | None
    score: float


def _percent(value: float | None) -> int | None:
    return (
        None if value is None or not math.isfinite(value) else displayed_percent(overall=Decimal(str(value)))
    )


def _edition(match: MatchRequest) -> Edition | None:
    if match.subpillar_id:
        return match.subpillar.edition
    return selectors.default_edition()


def _subject_values(edition: Edition, match: MatchRequest) -> dict[int, float]:
    """Authority id -> its published value on the subject (sub-pillar value, or overall when free topic)."""
    published = Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
    if match.subpillar_id:
        rows = SubPillarResult.objects.filter(submission__in=published, subpillar_id=match.subpillar_id)
        return {aid: float(v) for aid, v in rows.values_list("submission__authority_id", "value")}
    return {aid: float(v) for aid, v in published.values_list("authority_id", "overall") if v is not None}


def _distances(edition: Edition, *, mode: str, authority_id: int):
    """(built model, target row, {authority id: peers.Peer}) of every comparable authority, or Nones."""
    built = peer_groups.peer_model(edition=edition, mode=mode)
    try:
        target = built.authority_ids.index(authority_id)
    except ValueError:
        return built, None, {}
    n = len(built.authority_ids)
    found = peers.nearest(model=built.model, target=target, k=max(1, n - 1)) if n > 1 else []
    return built, target, {built.authority_ids[p.index]: p for p in found}


def candidates(*, match: MatchRequest, limit: int = CANDIDATE_LIMIT) -> list[CandidateView]:
    """Ranked authorities to invite, each with its reason in words and figures from published scores.

    Only authorities with at least one representative on the portal (someone must answer) and not yet
    invited to this match are proposed.
    """
    edition = _edition(match)
    if edition is None:
        return []
    values = _subject_values(edition, match)
    context_built, context_target, context = _distances(
        edition, mode="context", authority_id=match.authority_id
    )
    _scores_built, _target, profile = _distances(edition, mode="scores", authority_id=match.authority_id)
    invited = set(match.invitations.values_list("authority_id", flat=True))
    pool = list(
        Authority.objects.filter(representatives__isnull=False)
        .exclude(pk__in=invited | {match.authority_id})
        .distinct()
        .order_by("name")
    )
    own = values.get(match.authority_id)
    ranked = matching.rank_candidates(
        candidates=[
            matching.Candidate(
                authority_id=a.pk,
                context_distance=context[a.pk].distance if a.pk in context else None,
                profile_distance=profile[a.pk].distance if a.pk in profile else None,
                own_value=own
                if own is not None
                else (0.0 if match.mode == MatchRequest.Mode.COMPLEMENTARY else None),
                their_value=values.get(a.pk),
            )
            for a in pool
        ],
        mode=match.mode,
        limit=limit,
    )
    by_id = {a.pk: a for a in pool}
    subject = match.subpillar.name if match.subpillar_id else _("overall")
    views = []
    for item in ranked:
        authority = by_id[item.authority_id]
        their, mine = _percent(values.get(authority.pk)), _percent(own)
        parts = []
        if their is not None:
            if mine is not None:
                parts.append(
                    _("%(their)s %% on %(subject)s where you have %(own)s %%")
                    % {"their": their, "subject": subject, "own": mine}
                )
            else:
                parts.append(_("%(their)s %% on %(subject)s") % {"their": their, "subject": subject})
        if authority.pk in profile and match.mode == MatchRequest.Mode.SIMILAR:
            parts.append(_("score profile distance %(d).2f") % {"d": profile[authority.pk].distance})
        if authority.pk in context and context_target is not None:
            parts.append(
                peer_groups.explain(built=context_built, target=context_target, peer=context[authority.pk])
            )
        elif own is None:
            parts.append(_("your authority has no published result to compare contexts"))
        views.append(
            CandidateView(
                authority=authority,
                reason="; ".join(p for p in parts if p),
                their_percent=their,
                own_percent=mine,
                score=item.score,
            )
        )
    return views


def matches_for(*, user) -> list[MatchRequest]:
    """Matches of the authorities the member represents: requested by them or inviting them."""
    authority_ids = [a.pk for a in access.represented_authorities(user)]
    if not authority_ids:
        return []
    return list(
        MatchRequest.objects.filter(
            Q(authority_id__in=authority_ids) | Q(invitations__authority_id__in=authority_ids)
        )
        .select_related("authority", "subpillar", "room")
        .distinct()
        .order_by("-created_at")
    )


def pending_invitations_for(*, user) -> list[MatchInvitation]:
    authority_ids = [a.pk for a in access.represented_authorities(user)]
    return list(
        MatchInvitation.objects.filter(authority_id__in=authority_ids, status=MatchInvitation.Status.PENDING)
        .select_related("match", "match__authority", "match__subpillar", "authority")
        .order_by("expires_at")
    )
