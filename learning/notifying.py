"""The one place the learning app notifies a member: an in-app notification (portal.notifications), a
live message over their open sockets and, for what needs an answer, an e-mail.

- Match invitations and answers need action within MATCH_EXPIRY_DAYS: they are e-mailed at once
  (`urgent=True`), whatever the member's digest preference.
- Mentions follow the member's e-mail preference (at once, daily or weekly digest, never) through
  `notification_send(email=True)`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.text import Truncator

from portal.notifications.services import notification_send

from . import live


@dataclass(frozen=True)
class Notice:
    kind: str  # "match_invitation", "match_answer", "mention"
    subject: str
    text: str
    url: str  # path on the portal


def notify(*, user, notice: Notice, urgent: bool = False) -> None:
    """Notify one member; the live message and the urgent e-mail leave after the commit."""
    notification_send(
        recipient=user,
        kind=notice.kind,
        text=Truncator(notice.subject).chars(500),
        url=notice.url,
        email=not urgent,
    )

    def send() -> None:
        live.send_to_user(
            user.pk, {"type": "notification", "kind": notice.kind, "text": notice.subject, "url": notice.url}
        )
        if urgent and user.email:
            link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + notice.url
            send_mail(notice.subject, f"{notice.text}\n\n{link}\n", None, [user.email], fail_silently=True)

    transaction.on_commit(send)
