"""Registrations in the Wagtail admin: editors see who registered for which event (read-only list)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Registration


class RegistrationViewSet(SnippetViewSet):
    model = Registration
    icon = "group"
    menu_label = _("Event registrations")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email"]
    inspect_view_enabled = True
    list_export = ["name", "email", "event", "status", "created_at", "confirmed_at", "waitlisted_at"]


register_snippet(RegistrationViewSet)
