from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Authority


class AuthorityViewSet(SnippetViewSet):
    model = Authority
    icon = "site"
    menu_label = _("Authorities")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "country", "kind", "population"]
    list_filter = ["country", "kind"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("country"),
        FieldPanel("kind"),
        FieldPanel("population"),
        FieldPanel("website"),
        FieldPanel("email_domain"),
        FieldPanel("representatives"),
    ]


register_snippet(AuthorityViewSet)
