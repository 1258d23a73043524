"""Discussion pages under /discussions/: rooms, posting and changing messages, reports, moderation.

Thin views: access checks in learning.access, writes in learning.discussion_services, Post/Redirect/Get
with a message. Everything works without JavaScript; room.js adds live updates over the socket.
"""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from . import access, discussion_selectors, discussion_services, live, presence
from .forms import HideForm, MessageForm, MuteForm, ReportForm
from .models import Message, MessageReport, ModerationLogEntry, Mute, Room


def _room_or_403(request, slug: str) -> Room:
    room = get_object_or_404(Room.objects.select_related("page", "subpillar"), slug=slug)
    if not access.can_read_room(request.user, room):
        raise PermissionDenied(_("This private room is only for its participants."))
    return room


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def room_list(request):
    return TemplateResponse(
        request,
        "learning/room_list.html",
        {
            "rooms": discussion_selectors.open_rooms(),
            "threads": discussion_selectors.recent_threads(),
            "private_rooms": discussion_selectors.private_rooms_of(user=request.user),
            "is_moderator": access.is_moderator(request.user),
        },
    )


def room(request, slug: str):
    room = _room_or_403(request, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        if form.is_valid():
            try:
                message = discussion_services.message_post(
                    room=room,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    reply_to_id=form.cleaned_data.get("reply_to"),
                )
            except PermissionDenied:
                raise
            except ValidationError as error:
                form.add_error("body", _error_text(error))
            else:
                flash.success(request, _("Your message is posted."))
                return redirect(
                    reverse("discussions:room", kwargs={"slug": room.slug}) + f"#message-{message.pk}"
                )
    before = request.GET.get("before")
    history = discussion_selectors.room_history(
        room=room, before=int(before) if (before or "").isdigit() else None
    )
    reply_to = None
    reply_id = request.GET.get("reply") or (form.data.get("reply_to") if form.is_bound else None)
    if reply_id and str(reply_id).isdigit():
        reply_to = Message.objects.filter(pk=int(reply_id), room=room).select_related("author").first()
        if reply_to and not form.is_bound:
            form = MessageForm(initial={"reply_to": reply_to.pk})
    user = request.user
    context = {
        "room": room,
        "history": history,
        "form": form,
        "reply_to": reply_to,
        "can_post": access.can_post_in_room(user, room),
        "is_member": access.is_member(user),
        "is_moderator": access.is_moderator(user),
        "mute": discussion_selectors.active_mute(user=user),
        "present": presence.members(room_id=room.pk) if room.pk else [],
        "editable_ids": {m.pk for m in history.messages if discussion_services.can_change_own(m, user)},
        "edit_minutes": settings.DISCUSSION_EDIT_MINUTES,
        "older_only": bool(before),
        "live_texts": live.client_texts(),
    }
    if request.GET.get("fragment") == "older":
        return TemplateResponse(request, "learning/includes/message_list.html", context)
    return TemplateResponse(request, "learning/room.html", context, status=400 if form.errors else 200)


def page_thread(request, page_id: int):
    """The discussion thread of a page (a practice case, an event), created the first time it is opened."""
    page = get_object_or_404(Page, pk=page_id, live=True)
    if page.get_view_restrictions().exists():
        raise Http404
    return redirect("discussions:room", slug=discussion_services.room_for_page(page=page).slug)


def _message_for(request, message_id: int) -> Message:
    message = get_object_or_404(Message.objects.select_related("room", "author"), pk=message_id)
    if not access.can_read_room(request.user, message.room):
        raise PermissionDenied
    return message


def _back_to(message: Message) -> str:
    return reverse("discussions:room", kwargs={"slug": message.room.slug}) + f"#message-{message.pk}"


@login_required
def message_edit(request, message_id: int):
    message = _message_for(request, message_id)
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            discussion_services.message_edit(message=message, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", _error_text(error))
        else:
            flash.success(request, _("Your message is updated."))
            return redirect(_back_to(message))
    elif request.method == "GET" and not discussion_services.can_change_own(message, request.user):
        flash.error(
            request,
            _("You can change your own messages for %(minutes)d minutes after posting.")
            % {"minutes": settings.DISCUSSION_EDIT_MINUTES},
        )
        return redirect(_back_to(message))
    return TemplateResponse(
        request,
        "learning/message_edit.html",
        {"message": message, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def message_delete(request, message_id: int):
    message = _message_for(request, message_id)
    if request.method == "POST":
        try:
            discussion_services.message_delete(message=message, by=request.user)
        except ValidationError as error:
            flash.error(request, _error_text(error))
        else:
            flash.success(request, _("Your message is deleted."))
        return redirect(_back_to(message))
    return TemplateResponse(request, "learning/message_delete.html", {"message": message})


@login_required
def message_report(request, message_id: int):
    message = _message_for(request, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion_services.message_report(
                message=message, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", _error_text(error))
        else:
            flash.success(request, _("Thank you: the moderators will look at this message."))
            return redirect(_back_to(message))
    return TemplateResponse(
        request,
        "learning/message_report.html",
        {"message": message, "form": form},
        status=400 if form.errors else 200,
    )


def _moderator_or_403(request) -> None:
    if not access.is_moderator(request.user):
        raise PermissionDenied(_("Only moderators can do this."))


@login_required
def message_moderate(request, message_id: int):
    """One message's moderation: hide or restore it, mute its author."""
    _moderator_or_403(request)
    message = _message_for(request, message_id)
    hide_form = HideForm(request.POST if request.POST.get("action") == "hide" else None)
    mute_form = MuteForm(request.POST if request.POST.get("action") == "mute" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "hide" and hide_form.is_valid():
                discussion_services.message_hide(
                    message=message, by=request.user, reason=hide_form.cleaned_data["reason"]
                )
                flash.success(request, _("The message is hidden."))
                return redirect("discussions:moderation")
            if action == "unhide":
                discussion_services.message_unhide(message=message, by=request.user)
                flash.success(request, _("The message is visible again."))
                return redirect("discussions:moderation")
            if action == "mute" and mute_form.is_valid():
                discussion_services.member_mute(
                    member=message.author,
                    by=request.user,
                    hours=mute_form.cleaned_data["hours"],
                    reason=mute_form.cleaned_data["reason"],
                )
                flash.success(request, _("%(member)s is muted.") % {"member": message.author})
                return redirect("discussions:moderation")
        except ValidationError as error:
            (mute_form if action == "mute" else hide_form).add_error(None, _error_text(error))
    return TemplateResponse(
        request,
        "learning/message_moderate.html",
        {
            "message": message,
            "hide_form": hide_form,
            "mute_form": mute_form,
            "reports": message.reports.select_related("reporter"),
        },
        status=400 if (hide_form.errors or mute_form.errors) else 200,
    )


@login_required
def moderation(request):
    """The moderators' queue: open reports, active mutes and the latest moderation actions."""
    _moderator_or_403(request)
    return TemplateResponse(
        request,
        "learning/moderation.html",
        {
            "reports": discussion_selectors.report_queue(),
            "mutes": discussion_selectors.active_mutes(),
            "log": ModerationLogEntry.objects.select_related("moderator", "member", "message")[:50],
        },
    )


@login_required
@require_POST
def report_dismiss(request, report_id: int):
    _moderator_or_403(request)
    report = get_object_or_404(MessageReport, pk=report_id)
    discussion_services.report_dismiss(report=report, by=request.user)
    flash.success(request, _("The report is dismissed."))
    return redirect("discussions:moderation")


@login_required
@require_POST
def mute_lift(request, mute_id: int):
    _moderator_or_403(request)
    mute = get_object_or_404(Mute, pk=mute_id)
    discussion_services.mute_lift(mute=mute, by=request.user)
    flash.success(request, _("The mute is lifted."))
    return redirect("discussions:moderation")


@login_required
@require_POST
def participant_remove(request, slug: str, user_id: int):
    room = get_object_or_404(Room, slug=slug, kind=Room.Kind.PRIVATE)
    member = get_object_or_404(get_user_model(), pk=user_id)
    discussion_services.room_participant_remove(room=room, member=member, by=request.user)
    flash.success(request, _("%(member)s no longer has access to this room.") % {"member": member})
    return redirect("discussions:room", slug=room.slug)
