"""Admin view of one issue's sending: send a test to myself, send to subscribers, see the send log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .models import NewsletterIssuePage


@require_http_methods(["GET", "POST"])
def issue_send_view(request, pk: int):
    issue = get_object_or_404(NewsletterIssuePage, pk=pk)
    if not request.user.has_perm(services.SEND_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "test":
                address = services.issue_send_test(issue=issue, by=request.user)
                messages.success(
                    request, _("A test of the latest draft was sent to %(email)s.") % {"email": address}
                )
            elif action == "send":
                queued = services.issue_send(issue=issue, by=request.user)
                messages.success(
                    request, _("Sending to %(count)s subscribers has started.") % {"count": queued}
                )
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("newsletter_issue_send", pk=issue.pk)
    context = {
        "issue": issue,
        "counts": selectors.issue_delivery_counts(issue=issue),
        "recipients": selectors.subscriber_list_receiving().count(),
        "recent": issue.deliveries.select_related("subscriber").order_by("-sent_at", "-pk")[:50],
    }
    return TemplateResponse(request, "newsletter/admin/issue_send.html", context)
