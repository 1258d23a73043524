"""Writes of discussions: posting, editing, deleting, moderating. Views and the consumer call these.

Every function checks who is asking, validates before writing (bad input changes nothing), runs in one
transaction and sends its live events and notifications only once that transaction has committed.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from portal.sanitising import INLINE, html_to_text, render_markdown

from . import access, discussion_text, live
from .discussion_selectors import message_event
from .models import Message, MessageReport, ModerationLogEntry, Mute, Room
from .notifying import Notice, notify

User = get_user_model()


class RateLimited(ValidationError):
    """Too many messages in the window; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "You are posting too fast. Please wait %(seconds)d second before posting again.",
                "You are posting too fast. Please wait %(seconds)d seconds before posting again.",
                retry_after,
            )
            % {"seconds": retry_after},
            code="rate_limited",
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."), code="empty")
    limit = settings.DISCUSSION_MESSAGE_MAX_CHARS
    if len(body) > limit:
        raise ValidationError(
            _("Your message has %(length)d characters; the limit is %(limit)d. Please shorten it.")
            % {"length": len(body), "limit": limit},
            code="too_long",
        )
    return body


def _check_can_post(*, room: Room, user) -> int:
    """Raise when the member may not post here or is muted; return the seconds they must wait before
    posting under the rate limit (0: now), for the caller to raise once the message itself is valid."""
    if not access.can_post_in_room(user, room):
        raise PermissionDenied(
            _("Only members of the community (and, in a private room, its participants) post.")
        )
    mute_id, wait = _mute_and_wait(user=user)
    if mute_id is not None:
        mute = Mute.objects.get(pk=mute_id)
        raise ValidationError(
            _("A moderator muted you until %(until)s: %(reason)s")
            % {"until": timezone.localtime(mute.until).strftime("%Y-%m-%d %H:%M"), "reason": mute.reason},
            code="muted",
        )
    return wait


def _mute_and_wait(*, user) -> tuple[int | None, int]:
    """(the member's active mute or None, seconds before the rate limit lets them post), in one query: a
    post read the mute and then its author's messages of the window in two."""
    limit, window = discussion_text.parse_rate(settings.DISCUSSION_RATE_LIMIT)
    now = timezone.now()
    mutes = Mute.objects.filter(user=OuterRef("pk"), until__gt=now, lifted_at__isnull=True).order_by("-until")
    in_window = Message.objects.filter(
        author=OuterRef("pk"), created_at__gt=now - timedelta(seconds=window)
    ).order_by("-created_at")
    mute_id, limit_th = (
        User.objects.filter(pk=user.pk)
        .annotate(
            mute_id=Subquery(mutes.values("pk")[:1]),
            # The limit-th most recent message of the window: the next post waits until it leaves.
            limit_th=Subquery(in_window.values("created_at")[limit - 1 : limit]),
        )
        .values_list("mute_id", "limit_th")
        .get()
    )
    if limit_th is None:  # fewer than `limit` messages in the window
        return mute_id, 0
    return mute_id, discussion_text.retry_after(recent=[limit_th], now=now, limit=1, window=window)


def _mentioned_users(*, room: Room, body: str, author) -> list:
    handles = discussion_text.extract_handles(body)
    if not handles:
        return []
    first_words = {handle.split("-", 1)[0].split(".", 1)[0] for handle in handles}
    candidates = User.objects.filter(is_active=True).exclude(pk=author.pk)
    if room.is_private:
        candidates = candidates.filter(private_rooms=room)
    found = []
    for user in candidates.filter(
        first_name__iregex=r"^(" + "|".join(map(_regex_escape, first_words)) + r")"
    ):
        if (
            discussion_text.handle_for(first_name=user.first_name, last_name=user.last_name, email=user.email)
            in handles
        ):
            found.append(user)
    return found


def _regex_escape(value: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in value)


def _render(body: str, mentioned: list) -> str:
    handles = {
        discussion_text.handle_for(first_name=u.first_name, last_name=u.last_name, email=u.email)
        for u in mentioned
    }
    return render_markdown(discussion_text.emphasise_mentions(body, handles), profile=INLINE)


@transaction.atomic
def message_post(*, room: Room, author, body: str, reply_to_id: int | None = None) -> Message:
    """Post a message (Markdown, sanitised) with an optional reply; mentioned members are notified."""
    wait = _check_can_post(room=room, user=author)
    body = _clean_body(body)
    reply_to = None
    if reply_to_id:
        reply_to = Message.objects.filter(pk=reply_to_id, room=room).first()
        if reply_to is None:
            raise ValidationError(_("The message you reply to is not in this room."), code="bad_reply")
    if wait:
        raise RateLimited(wait)
    mentioned = _mentioned_users(room=room, body=body, author=author)
    message = Message.objects.create(
        room=room, author=author, body=body, body_html=_render(body, mentioned), reply_to=reply_to
    )
    if mentioned:
        message.mentions.set(mentioned)
    url = message_url(message)
    for user in mentioned:
        notify(
            user=user,
            notice=Notice(
                kind="mention",
                subject=_("%(author)s mentioned you in %(room)s") % {"author": author, "room": room.title},
                text=Truncator(html_to_text(message.body_html)).chars(300),
                url=url,
            ),
        )
    event = message_event(message)
    transaction.on_commit(lambda: live.send_to_room(room.pk, {"type": "message.new", "message": event}))
    return message


def message_url(message: Message) -> str:
    from django.urls import reverse

    return reverse("discussions:room", kwargs={"slug": message.room.slug}) + f"#message-{message.pk}"


def can_change_own(message: Message, user) -> bool:
    """Authors edit and delete their own message within DISCUSSION_EDIT_MINUTES of posting it."""
    window = timedelta(minutes=settings.DISCUSSION_EDIT_MINUTES)
    return (
        user.is_authenticated
        and message.author_id == user.pk
        and message.is_visible
        and timezone.now() - message.created_at <= window
    )


def _check_own(message: Message, user) -> None:
    if not user.is_authenticated or message.author_id != user.pk:
        raise PermissionDenied(_("You can only change your own messages."))
    if not message.is_visible:
        raise ValidationError(_("This message was removed."), code="removed")
    if not can_change_own(message, user):
        raise ValidationError(
            _("Messages can be changed for %(minutes)d minutes after posting; this one no longer.")
            % {"minutes": settings.DISCUSSION_EDIT_MINUTES},
            code="too_late",
        )
    if not access.can_post_in_room(user, message.room):
        raise PermissionDenied(_("You can no longer post in this room."))


@transaction.atomic
def message_edit(*, message: Message, by, body: str) -> Message:
    _check_own(message, by)
    body = _clean_body(body)
    mentioned = _mentioned_users(room=message.room, body=body, author=by)
    message.body = body
    message.body_html = _render(body, mentioned)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "edited_at"])
    message.mentions.set(mentioned)
    event = message_event(message)
    transaction.on_commit(
        lambda: live.send_to_room(message.room_id, {"type": "message.edit", "message": event})
    )
    return message


@transaction.atomic
def message_delete(*, message: Message, by) -> Message:
    _check_own(message, by)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    transaction.on_commit(
        lambda: live.send_to_room(message.room_id, {"type": "message.delete", "id": message.pk})
    )
    return message


# --- Moderation ----------------------------------------------------------------------------------------


def _check_moderator(user) -> None:
    if not access.is_moderator(user):
        raise PermissionDenied(_("Only moderators can do this."))


def _log(*, action: str, by, message: Message | None = None, member=None, room: Room | None = None, note=""):
    ModerationLogEntry.objects.create(
        action=action,
        moderator=by,
        message=message,
        member=member if member is not None else (message.author if message else None),
        room=room if room is not None else (message.room if message else None),
        note=note,
    )


@transaction.atomic
def message_report(*, message: Message, by, reason: str) -> MessageReport:
    if not access.is_member(by) or not access.can_read_room(by, message.room):
        raise PermissionDenied(_("Only members who can read the room report its messages."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(
            _("Tell the moderators briefly what is wrong with this message."), code="reason"
        )
    if len(reason) > 1000:
        raise ValidationError(_("Please keep the reason under 1,000 characters."), code="reason")
    try:
        with transaction.atomic():
            return MessageReport.objects.create(message=message, reporter=by, reason=reason)
    except IntegrityError:
        raise ValidationError(_("You already reported this message."), code="duplicate") from None


@transaction.atomic
def message_hide(*, message: Message, by, reason: str) -> Message:
    _check_moderator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for hiding the message (the author sees it)."), code="reason")
    message.hidden_at = timezone.now()
    message.hidden_by = by
    message.hidden_reason = reason[:300]
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    now = timezone.now()
    message.reports.filter(status=MessageReport.Status.OPEN).update(
        status=MessageReport.Status.ACTIONED, resolved_at=now, resolved_by=by
    )
    _log(action=ModerationLogEntry.Action.HIDE, by=by, message=message, note=reason)
    transaction.on_commit(
        lambda: live.send_to_room(
            message.room_id, {"type": "message.delete", "id": message.pk, "hidden": True}
        )
    )
    return message


@transaction.atomic
def message_unhide(*, message: Message, by) -> Message:
    _check_moderator(by)
    message.hidden_at = None
    message.hidden_by = None
    message.hidden_reason = ""
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log(action=ModerationLogEntry.Action.UNHIDE, by=by, message=message)
    return message


@transaction.atomic
def report_dismiss(*, report: MessageReport, by) -> MessageReport:
    _check_moderator(by)
    report.status = MessageReport.Status.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    _log(action=ModerationLogEntry.Action.DISMISS, by=by, message=report.message, note=report.reason)
    return report


MUTE_HOURS_MAX = 24 * 90


@transaction.atomic
def member_mute(*, member, by, hours: int, reason: str) -> Mute:
    _check_moderator(by)
    if member.pk == by.pk:
        raise ValidationError(_("You cannot mute yourself."), code="self")
    if not 1 <= hours <= MUTE_HOURS_MAX:
        raise ValidationError(
            _("A mute lasts between 1 and %(max)d hours.") % {"max": MUTE_HOURS_MAX}, code="duration"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the mute (the member sees it)."), code="reason")
    mute = Mute.objects.create(
        user=member, until=timezone.now() + timedelta(hours=hours), reason=reason[:300], created_by=by
    )
    _log(action=ModerationLogEntry.Action.MUTE, by=by, member=member, note=f"{hours} h: {reason}")
    return mute


@transaction.atomic
def mute_lift(*, mute: Mute, by) -> Mute:
    _check_moderator(by)
    mute.lifted_at = timezone.now()
    mute.save(update_fields=["lifted_at"])
    _log(action=ModerationLogEntry.Action.UNMUTE, by=by, member=mute.user)
    return mute


# --- Rooms ---------------------------------------------------------------------------------------------


def room_for_page(*, page: Page) -> Room:
    """The thread of a page (practice case, event...), created the first time it is asked for."""
    page = page.specific if hasattr(page, "specific") else page
    room = Room.objects.filter(page=page).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(
                kind=Room.Kind.THREAD,
                page=page,
                slug=f"page-{page.pk}",
                title=str(page.title)[:200],
                description=_("Discussion of “%(title)s”.") % {"title": page.title},
            )
    except IntegrityError:  # someone else created it at the same moment
        return Room.objects.get(page=page)


@transaction.atomic
def room_participant_remove(*, room: Room, member, by) -> None:
    """Take a member out of a private room; their open sockets on it are closed at once."""
    if not (access.is_moderator(by) or access.is_editor(by)):
        raise PermissionDenied(_("Only moderators and editors take members out of a private room."))
    room.participants.remove(member)
    _log(action=ModerationLogEntry.Action.REMOVE_PARTICIPANT, by=by, member=member, room=room)
    transaction.on_commit(lambda: live.force_disconnect(member.pk, room_id=room.pk))
