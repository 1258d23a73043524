"""E-mail to one member, from a pair of templates (plain text and HTML), through Django's mail API.

Django's mail API goes to whatever EMAIL_BACKEND is configured (console by default, django-anymail's
provider backends in production, locmem in tests), so this stays the single way membership and
notification mail leaves the portal.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """An absolute link for e-mail: PORTAL_BASE_URL (WAGTAILADMIN_BASE_URL) + path."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_templated_mail(*, to: str, template: str, context: dict, headers: dict | None = None) -> None:
    """Render templates/<template>_subject.txt, .txt and .html and send them to one address."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "base_url": absolute_url("/"), **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    message.send()
