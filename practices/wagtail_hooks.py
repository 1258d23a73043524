"""The practice library in the Wagtail admin: tags (rename, merge, delete; shared by the whole site)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from . import services
from .forms import TagMergeForm


class TagIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(practice_cases=Count("practices_practicecasetag_items"))

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("taggit.delete_tag"):
            buttons.append(
                HeaderButton(_("Merge tags"), url=reverse("practices_tags_merge"), icon_name="resubmit")
            )
        return buttons


class TagViewSet(SnippetViewSet):
    """Editors rename (edit), delete and merge tags. Names typed here are not normalised: an editor may
    choose any spelling, but a name whose slug another tag has is refused (merge them instead)."""

    model = Tag
    icon = "tag"
    menu_label = gettext_lazy("Tags")
    menu_name = "tags"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = TagIndexView
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


register_snippet(TagViewSet)


def tags_merge_view(request):
    if not request.user.has_perm("taggit.delete_tag"):
        raise PermissionDenied
    form = TagMergeForm(request.POST or None, initial={"sources": request.GET.getlist("tag")})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = services.tags_merge(
                sources=list(form.cleaned_data["sources"]), target=target, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Merged into “%(tag)s”: %(n)s uses moved.") % {"tag": target.name, "n": moved}
            )
            return redirect("wagtailsnippets_taggit_tag:list")
    return TemplateResponse(request, "practices/admin/tags_merge.html", {"form": form})


@hooks.register("register_admin_urls")
def register_practices_admin_urls():
    return [path("tags/merge/", tags_merge_view, name="practices_tags_merge")]
