"""The one place the learning app notifies a member: e-mail, plus a live message over their sockets.

When the portal's in-app notifications (portal.Notification) land, this function hands over to them;
callers do not change.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from . import live


@dataclass(frozen=True)
class Notice:
    kind: str  # "match_invitation", "match_answer", "mention"
    subject: str
    text: str
    url: str  # path on the portal


def notify(*, user, notice: Notice, email: bool = True) -> None:
    """Notify one member after the current transaction commits (nothing is sent if it rolls back)."""

    def send() -> None:
        live.send_to_user(
            user.pk, {"type": "notification", "kind": notice.kind, "text": notice.subject, "url": notice.url}
        )
        if email and user.email:
            link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + notice.url
            send_mail(notice.subject, f"{notice.text}\n\n{link}\n", None, [user.email], fail_silently=True)

    transaction.on_commit(send)
