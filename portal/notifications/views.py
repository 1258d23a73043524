"""The notifications page, following and unfollowing (POST forms: they work without JavaScript)."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from taggit.models import Tag

from benchmarks.models import Authority
from portal.permissions import member_required

from . import selectors, services
from .registry import is_followable


@member_required
def notification_list(request):
    page_obj = Paginator(selectors.notifications_of(user=request.user), 30).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "portal/notifications/list.html",
        {"page_obj": page_obj, "notifications": page_obj.object_list, "extra_query": {}},
    )


@require_POST
@member_required
def notifications_read(request):
    """Mark all (or the one posted as `notification`) read; `open` goes on to its link."""
    notification_id = request.POST.get("notification")
    if notification_id:
        notification = get_object_or_404(selectors.notifications_of(user=request.user), pk=notification_id)
        services.notifications_mark_read(user=request.user, notification_ids=[notification.pk])
        if (
            request.POST.get("open")
            and notification.url
            and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
        ):
            return redirect(notification.url)
    else:
        count = services.notifications_mark_read(user=request.user)
        messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("notifications:list")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
@member_required
def follow(request):
    """Follow or unfollow: `target` is "app_label.model:pk", `action` follow or unfollow."""
    try:
        label, pk = request.POST["target"].rsplit(":", 1)
        model = apps.get_model(label)
        pk = int(pk)
    except (KeyError, ValueError, LookupError):
        raise Http404 from None
    if not is_followable(model):
        raise Http404
    target = get_object_or_404(model, pk=pk)
    if request.POST.get("action") == "unfollow":
        services.follow_remove(user=request.user, target=target)
        messages.success(request, _("You no longer follow %(target)s.") % {"target": target})
    else:
        try:
            services.follow_add(user=request.user, target=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You follow %(target)s.") % {"target": target})
    return redirect(_safe_next(request, "notifications:follows"))


@member_required
def follows(request):
    """What the member follows, and forms to follow a topic or an authority."""
    return TemplateResponse(
        request,
        "portal/notifications/follows.html",
        {
            "groups": selectors.follows_by_type(user=request.user),
            "tags": Tag.objects.order_by("name"),
            "sections": selectors.followable_sections(),
            "authorities": Authority.objects.order_by("name"),
        },
    )


@require_POST
@member_required
def follow_choice(request):
    """The follows page's select boxes: a tag, an authority or a section (by id)."""
    choices = {
        "tag": Tag.objects.all(),
        "authority": Authority.objects.all(),
        "section": selectors.followable_sections(),
    }
    queryset = choices.get(request.POST.get("kind"))
    if queryset is None or not request.POST.get("id", "").isdigit():
        messages.error(request, _("Choose something to follow."))
        return redirect("notifications:follows")
    target = get_object_or_404(queryset, pk=request.POST["id"])
    services.follow_add(user=request.user, target=target)
    messages.success(request, _("You follow %(target)s.") % {"target": target})
    return redirect("notifications:follows")
