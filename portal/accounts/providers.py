"""The personal data the portal app itself keeps about a member (see personal_data.py)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .personal_data import register_personal_data_provider


def export_profile(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "job_title": user.job_title,
        "organisation": user.organisation,
        "authority": user.authority.name if user.authority else None,
        "country": str(user.country),
        "interests": sorted(user.interests.names()),
        "photo": user.photo.name if user.photo else None,
        "verified": user.is_verified,
        "listed_in_directory": user.show_in_directory,
        "email_frequency": user.email_frequency,
        "joined": user.date_joined,
        "email_confirmed": user.email_confirmed_at,
        "last_login": user.last_login,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "represents": sorted(user.represented_authorities.values_list("name", flat=True)),
    }


def export_follows(user) -> list:
    return [
        {"type": f.content_type.model, "name": str(f.target) if f.target else None, "since": f.created_at}
        for f in user.follows.select_related("content_type")
    ]


def export_notifications(user) -> list:
    return list(user.notifications.values("kind", "text", "url", "created_at", "read_at", "emailed_at"))


def export_digests(user) -> list:
    return list(user.digests.values("period", "item_count", "sent_at"))


def export_authority_requests(user) -> list:
    return list(
        user.authority_requests.values(
            "name",
            "country",
            "kind",
            "website",
            "email_domain",
            "message",
            "status",
            "created_at",
            "decided_at",
        )
    )


FORMER_MEMBER_EMAIL = "former-member@invalid"


def former_member():
    """The one inactive account that keeps what deleted members wrote, shown as "Former member"."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=FORMER_MEMBER_EMAIL,
        defaults={
            "first_name": "Former",
            "last_name": "member",
            "is_active": False,
            "show_in_directory": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _discussion_messages(user):
    try:
        Message = apps.get_model("learning", "Message")
    except LookupError:
        return None
    return Message.objects.filter(author=user)


def export_discussion_messages(user) -> list:
    messages = _discussion_messages(user)
    if messages is None:
        return []
    return list(messages.values("room__title", "body", "created_at", "edited_at", "deleted_at"))


def delete_discussion_messages(user, *, delete_content: bool) -> None:
    """Discussion messages stay, signed by the "Former member" account, unless the member asked to delete
    them too. (learning.Message.author cascades; moving the messages first keeps them.) The discussions app
    may register its own provider under the same key to replace this one."""
    messages = _discussion_messages(user)
    if messages is None:
        return
    if delete_content:
        messages.delete()
    else:
        messages.update(author=former_member())


def register_defaults() -> None:
    register_personal_data_provider("profile", label=_("Profile"), export=export_profile)
    register_personal_data_provider("follows", label=_("What you follow"), export=export_follows)
    register_personal_data_provider("notifications", label=_("Notifications"), export=export_notifications)
    register_personal_data_provider("digests", label=_("Digests e-mailed to you"), export=export_digests)
    register_personal_data_provider(
        "learning.discussions",
        label=_("Discussion messages"),
        export=export_discussion_messages,
        delete=delete_discussion_messages,
    )
    register_personal_data_provider(
        "authority_requests",
        label=_("Requests to join with a new authority"),
        export=export_authority_requests,
    )
