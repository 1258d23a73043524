"""django-anymail's tracking webhooks: bounces and spam complaints stop further sends to an address.

The ESP posts to /anymail/<esp>/tracking/ (see anymail.urls), authenticated with ANYMAIL_WEBHOOK_SECRET
(basic auth "user:password" for most ESPs) or the ESP's signing key; anymail normalises the event and
sends the `tracking` signal handled here.
"""

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from django.dispatch import receiver

from .services import subscriber_record_delivery_problem


def problem_for(event: AnymailTrackingEvent) -> str | None:
    """'bounced', 'complained', 'unsubscribed' or None (deliveries, opens, clicks, deferrals...)."""
    if event.event_type == EventType.BOUNCED:
        return "bounced"
    if event.event_type == EventType.COMPLAINED:
        return "complained"
    if event.event_type == EventType.UNSUBSCRIBED:
        return "unsubscribed"
    if event.event_type == EventType.REJECTED and event.reject_reason in (
        RejectReason.BOUNCED,
        RejectReason.INVALID,
    ):
        return "bounced"
    return None


@receiver(tracking, dispatch_uid="portal.newsletter.tracking")
def handle_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    problem = problem_for(event)
    if problem is None or not event.recipient:
        return
    description = event.description or event.mta_response or str(event.reject_reason or "")
    subscriber_record_delivery_problem(
        email=event.recipient,
        problem=problem,
        description=f"{esp_name}: {description}",
        message_id=str(event.message_id or ""),
    )
