"""Template tags of membership and notifications: the header's unread count, follow buttons, roles."""

from django import template
from django.urls import reverse

from portal import permissions
from portal.notifications.registry import is_followable
from portal.notifications.selectors import is_following, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(user=request.user)
    return request._unread_notifications


@register.inclusion_tag("portal/notifications/follow_button.html", takes_context=True)
def follow_button(context, target, label: str = ""):
    """A Follow / Unfollow button (a POST form) for anything registered as followable.

    {% load member_tags %}{% follow_button authority %}
    Visitors see a link to log in instead.
    """
    request = context["request"]
    target = getattr(target, "specific", target)
    return {
        "request": request,
        "followable": is_followable(type(target)),
        "target": target,
        "target_key": f"{target._meta.label_lower}:{target.pk}",
        "label": label or str(target),
        "following": is_following(user=request.user, target=target),
        "is_member": permissions.is_member(request.user),
        "action": reverse("notifications:follow"),
        "next": request.get_full_path(),
    }


@register.filter
def is_editor(user) -> bool:
    return permissions.is_editor(user)


@register.filter
def is_verified_member(user) -> bool:
    return permissions.is_verified_member(user)


@register.filter
def absolute(url: str) -> str:
    """An absolute link for e-mail (PORTAL_BASE_URL + path)."""
    from portal.accounts.mail import absolute_url

    return absolute_url(url) if url else ""
