"""The newsletter in the Wagtail admin: subscribers, the send log and each issue's "Send" page."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import NewsletterDelivery, NewsletterIssuePage, Subscriber
from .services import SEND_PERMISSION


class SubscriberViewSet(SnippetViewSet):
    """Subscribers are created only by the double opt-in; editors look them up and may delete one (for an
    erasure request). Status and consent are read-only: nobody confirms an address for its owner."""

    model = Subscriber
    icon = "user"
    menu_label = _("Subscribers")
    list_display = ["email", "status", "confirmed_at", "consent_source", "created_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("email", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("consent_text", read_only=True),
        FieldPanel("consent_source", read_only=True),
        FieldPanel("confirmed_at", read_only=True),
        FieldPanel("unsubscribed_at", read_only=True),
        FieldPanel("bounced_at", read_only=True),
        FieldPanel("delivery_problem", read_only=True),
        FieldPanel("interests"),
    ]


class DeliveryViewSet(SnippetViewSet):
    model = NewsletterDelivery
    icon = "list-ul"
    menu_label = _("Send log")
    list_display = ["issue", "subscriber", "status", "sent_at", "message_id", "detail"]
    list_filter = ["issue", "status"]
    search_fields = ["subscriber__email", "message_id"]
    inspect_view_enabled = True
    panels = [FieldPanel("status", read_only=True), FieldPanel("detail", read_only=True)]


class NewsletterGroup(SnippetViewSetGroup):
    items = (SubscriberViewSet, DeliveryViewSet)
    menu_icon = "mail"
    menu_label = _("Newsletter")
    menu_name = "newsletter"
    menu_order = 210


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls():
    return [
        path("newsletter/issue/<int:pk>/send/", admin_views.issue_send_view, name="newsletter_issue_send")
    ]


@hooks.register("register_page_header_buttons")
def newsletter_send_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, NewsletterIssuePage) and user.has_perm(SEND_PERMISSION):
        yield Button(
            _("Send a test or send to subscribers"),
            reverse("newsletter_issue_send", args=[page.pk]),
            icon_name="mail",
            priority=5,
        )


@hooks.register("register_page_listing_more_buttons")
def newsletter_send_listing_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, NewsletterIssuePage) and user.has_perm(SEND_PERMISSION):
        yield Button(
            _("Send…"), reverse("newsletter_issue_send", args=[page.pk]), icon_name="mail", priority=5
        )
