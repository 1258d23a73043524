"""Writes of the notifications package: follows, notifications, marking them read.

Other apps notify members through `notification_send`:

    from portal.notifications.services import notification_send
    notification_send(recipient=user, kind="match", text=_("Ghent asks to learn"), url=url, email=True)

`email=True` marks a notification worth an e-mail: sent at once to members who chose "at once", included in
the next digest for daily and weekly members, never e-mailed to members who chose "never". With
`email=False` it is only listed on the member's notifications page.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import EmailFrequency
from portal.permissions import is_member

from .models import Follow, Notification
from .registry import is_followable


def _target(obj: Model) -> Model:
    # A Wagtail page is followed as its specific type (PracticeCasePage, not Page).
    return getattr(obj, "specific", obj)


@transaction.atomic
def follow_add(*, user, target: Model) -> Follow:
    if not is_member(user):
        raise PermissionDenied(_("Log in to follow."))
    target = _target(target)
    if not is_followable(type(target)):
        raise ValidationError(_("This cannot be followed."))
    follow, _created = Follow.objects.get_or_create(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )
    return follow


@transaction.atomic
def follow_remove(*, user, target: Model) -> None:
    target = _target(target)
    Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).delete()


def notification_send(*, recipient, kind: str, text: str, url: str = "", email: bool = False) -> Notification:
    """Notify one member. E-mail (when `email` and the member wants it at once) leaves after the commit."""
    notification = Notification(
        recipient=recipient, kind=kind[:50], text=str(text)[:500], url=url, by_email=email
    )
    notification.full_clean()
    with transaction.atomic():
        notification.save()
        if email and recipient.is_active and recipient.email_frequency == EmailFrequency.IMMEDIATE:
            from .tasks import email_notification

            transaction.on_commit(lambda: email_notification.enqueue(notification_id=notification.pk))
    return notification


def notifications_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the member's notifications read (the given ones, or all). Returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_email_now(*, notification_id: int) -> bool:
    """E-mail one notification if it still needs it (idempotent: a second call sends nothing)."""
    from portal.accounts.mail import absolute_url, send_templated_mail

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, by_email=True)
            .first()
        )
        if notification is None or not notification.recipient.is_active:
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        send_templated_mail(
            to=notification.recipient.email,
            template="portal/email/notification",
            context={
                "member": notification.recipient,
                "notification": notification,
                "link": absolute_url(notification.url) if notification.url else "",
                "preferences_url": absolute_url(reverse("members:profile_edit") + "#email-preferences"),
            },
        )
    return True
