"""Admin view: start a new edition by copying an existing one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Edition
from .permissions import can_validate_submissions
from .services import edition_copy


class EditionCopyForm(forms.Form):
    revision = forms.CharField(label=gettext_lazy("Revision of the new edition"), max_length=20)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)


def edition_copy_view(request, pk: int):
    source = get_object_or_404(Edition.objects.select_related("framework"), pk=pk)
    if not can_validate_submissions(request.user):
        raise PermissionDenied
    form = EditionCopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = edition_copy(
                source=source,
                revision=form.cleaned_data["revision"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("revision", error)
        else:
            messages.success(
                request,
                _("Edition %(title)s created with %(count)s indicators.")
                % {"title": edition.title, "count": edition.indicators.count()},
            )
            return redirect("wagtailsnippets_benchmarks_edition:list")
    return TemplateResponse(request, "benchmarks/admin/edition_copy.html", {"source": source, "form": form})
