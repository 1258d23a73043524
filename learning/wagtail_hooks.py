"""Discussions and bench-learning in the Wagtail admin: editors see and manage every match; rooms and the
moderation log are listed for editors and moderators."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import MatchInvitation, MatchRequest, ModerationLogEntry, Room


class MatchRequestViewSet(SnippetViewSet):
    model = MatchRequest
    icon = "group"
    menu_label = _("Bench-learning matches")
    list_display = ["authority", "subject", "mode", "status", "created_at"]
    list_filter = ["status", "mode"]
    search_fields = ["topic", "goal", "outcome"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("authority", read_only=True),
        FieldPanel("subpillar"),
        FieldPanel("topic"),
        FieldPanel("goal"),
        FieldPanel("mode"),
        FieldPanel("status"),
        FieldPanel("outcome"),
        FieldPanel("practice_case", read_only=True),
    ]


class MatchInvitationViewSet(SnippetViewSet):
    model = MatchInvitation
    icon = "mail"
    menu_label = _("Match invitations")
    list_display = ["match", "authority", "status", "expires_at", "responded_at"]
    list_filter = ["status"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("status"),
        FieldPanel("expires_at"),
        FieldPanel("reason"),
        FieldPanel("response_note"),
    ]


class RoomViewSet(SnippetViewSet):
    model = Room
    icon = "comment"
    menu_label = _("Discussion rooms")
    list_display = ["title", "kind", "slug", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "description"]
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("subpillar"),
        FieldPanel("sort_order"),
        FieldPanel("participants"),
    ]


class ModerationLogViewSet(SnippetViewSet):
    model = ModerationLogEntry
    icon = "history"
    menu_label = _("Moderation log")
    list_display = ["created_at", "moderator", "action", "member", "note"]
    list_filter = ["action"]
    inspect_view_enabled = True
    panels = [FieldPanel("note", read_only=True)]


class LearningGroup(SnippetViewSetGroup):
    menu_label = _("Peer exchange")
    menu_icon = "group"
    menu_order = 260
    items = (MatchRequestViewSet, MatchInvitationViewSet, RoomViewSet, ModerationLogViewSet)


register_snippet(LearningGroup)
