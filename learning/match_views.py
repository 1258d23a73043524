"""Bench-learning pages under /bench-learning/: request, candidates and invitations, answers, closing.

Representatives see their authorities' matches; editors see and manage every match in the admin
(Snippets > Bench-learning matches) and may open any match page here.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, live, match_selectors, match_services
from .forms import CloseForm, InviteForm, MatchRequestForm, RespondForm
from .models import MatchInvitation, MatchRequest


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def match_list(request):
    return TemplateResponse(
        request,
        "learning/match_list.html",
        {
            "authorities": access.represented_authorities(request.user),
            "matches": match_selectors.matches_for(user=request.user),
            "invitations": match_selectors.pending_invitations_for(user=request.user),
            "is_editor": access.is_editor(request.user),
            "live_texts": live.client_texts(),
        },
    )


@login_required
def match_request(request):
    authorities = access.represented_authorities(request.user)
    if not authorities:
        raise PermissionDenied(_("Bench-learning is requested by authority representatives."))
    form = MatchRequestForm(request.POST or None, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            match = match_services.match_request(
                authority=data["authority"],
                by=request.user,
                subpillar=data.get("subpillar"),
                topic=data.get("topic", ""),
                goal=data["goal"],
                mode=data["mode"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            flash.success(
                request, _("Your request is saved. Choose whom to invite among the proposed authorities.")
            )
            return redirect("matches:detail", match_id=match.pk)
    return TemplateResponse(
        request, "learning/match_request.html", {"form": form}, status=400 if form.errors else 200
    )


def _match_or_403(request, match_id: int) -> MatchRequest:
    match = get_object_or_404(
        MatchRequest.objects.select_related("authority", "subpillar", "room"), pk=match_id
    )
    if not access.can_view_match(request.user, match):
        raise PermissionDenied(_("Only the authorities of this match (and editors) see it."))
    return match


@login_required
def match_detail(request, match_id: int, invite_form=None, close_form=None, status=200):
    match = _match_or_403(request, match_id)
    user = request.user
    is_requester = access.represents(user, match.authority_id)
    can_invite = is_requester and match.status in (MatchRequest.Status.REQUESTED, MatchRequest.Status.INVITED)
    candidates = match_selectors.candidates(match=match) if can_invite else []
    invitations = list(match.invitations.select_related("authority", "responded_by"))
    own_invitations = [
        i
        for i in invitations
        if i.status == MatchInvitation.Status.PENDING and access.represents(user, i.authority_id)
    ]
    accepted_sides = [i.authority_id for i in invitations if i.status == MatchInvitation.Status.ACCEPTED]
    can_close = match.status == MatchRequest.Status.ACCEPTED and (
        is_requester or access.is_editor(user) or any(access.represents(user, a) for a in accepted_sides)
    )
    return TemplateResponse(
        request,
        "learning/match_detail.html",
        {
            "match": match,
            "is_requester": is_requester,
            "candidates": candidates,
            "invite_form": invite_form or (InviteForm(candidates=candidates) if can_invite else None),
            "remaining": match_services.MAX_INVITATIONS - len(invitations),
            "invitations": invitations,
            "own_invitations": own_invitations,
            "respond_form": RespondForm(),
            "close_form": close_form or (CloseForm() if can_close else None),
            "is_editor": access.is_editor(user),
            "live_texts": live.client_texts(),
        },
        status=status,
    )


@login_required
@require_POST
def match_invite(request, match_id: int):
    match = _match_or_403(request, match_id)
    candidates = match_selectors.candidates(match=match)
    form = InviteForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            invitations = match_services.match_invite(
                match=match, by=request.user, authority_ids=form.cleaned_data["authorities"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            flash.success(
                request,
                _("Invited: %(names)s. Their representatives have been told.")
                % {"names": ", ".join(str(i.authority) for i in invitations)},
            )
            return redirect("matches:detail", match_id=match.pk)
    return match_detail(request, match_id, invite_form=form, status=400)


@login_required
@require_POST
def invitation_respond(request, invitation_id: int):
    invitation = get_object_or_404(MatchInvitation.objects.select_related("match"), pk=invitation_id)
    accept = request.POST.get("answer") == "accept"
    form = RespondForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        match_services.invitation_respond(invitation=invitation, by=request.user, accept=accept, note=note)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect("matches:detail", match_id=invitation.match_id)
    if accept:
        flash.success(request, _("You accepted. The private room of this match is open to both sides."))
    else:
        flash.success(request, _("You declined the invitation. Thank you for answering."))
    return redirect("matches:detail", match_id=invitation.match_id)


@login_required
@require_POST
def match_close(request, match_id: int):
    match = _match_or_403(request, match_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            match_services.match_close(match=match, by=request.user, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            flash.success(
                request, _("The match is closed with its outcome. Thank you for sharing what you learned.")
            )
            return redirect("matches:detail", match_id=match.pk)
    return match_detail(request, match_id, close_form=form, status=400)


@login_required
@require_POST
def match_practice_case(request, match_id: int):
    """Editors: draft a practice case from the outcome, then edit it in the admin."""
    match = _match_or_403(request, match_id)
    try:
        page = match_services.match_practice_case_draft(match=match, by=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect("matches:detail", match_id=match.pk)
    flash.success(
        request, _("A draft practice case was made from the outcome. Complete it before publishing.")
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
