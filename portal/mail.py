"""The one way the portal sends e-mail: templates in, an HTML and a plain-text version out.

Every e-mail (newsletter, confirmations, notifications) is rendered from three templates named after one
prefix: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`, and sent through Django's mail API.
Which backend delivers it is configuration only (portal/settings/base.py): the console by default, any
provider through django-anymail (EMAIL_PROVIDER + ANYMAIL_*) in production, locmem or anymail's test
backend in tests. Anymail's extras (tags, metadata, message id and status) travel on the message and are
ignored by the other backends.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class SentEmail:
    """What the backend said about one message: the provider's id and status when anymail sent it."""

    message: EmailMultiAlternatives
    message_id: str
    status: str


def absolute_url(path_or_url: str) -> str:
    """An absolute address for e-mail: PORTAL_BASE_URL + path; absolute addresses are kept."""
    if path_or_url.startswith(("http://", "https://", "mailto:")):
        return path_or_url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/" + path_or_url.lstrip("/")


_RELATIVE_HREF = re.compile(r'(\s(?:href|src)=")(/[^"]*)"')


def absolutise_links(html: str) -> str:
    """Rewrite href="/x" and src="/x" (rich text, page links) to absolute addresses for e-mail clients."""
    return _RELATIVE_HREF.sub(lambda m: f'{m.group(1)}{absolute_url(m.group(2))}"', html)


def email_build(
    *,
    to: Sequence[str],
    template_prefix: str,
    context: Mapping | None = None,
    headers: Mapping[str, str] | None = None,
    from_email: str | None = None,
    tags: Sequence[str] = (),
    metadata: Mapping[str, str] | None = None,
    language: str | None = None,
    subject: str | None = None,
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
) -> EmailMultiAlternatives:
    """Render the templates of `template_prefix` into a message (not sent). The subject comes from
    `<prefix>_subject.txt` unless given; attachments are (filename, content, mimetype)."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        **(context or {}),
    }
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        if subject is None:
            subject = render_to_string(f"{template_prefix}_subject.txt", context)
        subject = " ".join(str(subject).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = absolutise_links(render_to_string(f"{template_prefix}.html", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    # django-anymail reads these attributes; other backends ignore them.
    message.tags = list(tags)
    message.metadata = dict(metadata or {})
    return message


def email_personalise(
    message: EmailMultiAlternatives,
    *,
    to: Sequence[str],
    replacements: Mapping[str, str],
    metadata: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A copy of a rendered message for another recipient, with placeholder strings replaced in the
    subject, both bodies and the headers. A mailing renders its templates once, not once per recipient."""

    def fill(text: str) -> str:
        for placeholder, value in replacements.items():
            text = text.replace(placeholder, value)
        return text

    copy = EmailMultiAlternatives(
        subject=fill(message.subject),
        body=fill(message.body),
        from_email=message.from_email,
        to=list(to),
        headers={name: fill(value) for name, value in message.extra_headers.items()},
    )
    for content, mimetype in message.alternatives:
        copy.attach_alternative(fill(content), mimetype)
    copy.attachments = list(message.attachments)
    copy.tags = list(getattr(message, "tags", []))
    copy.metadata = {**getattr(message, "metadata", {}), **(metadata or {})}
    return copy


def email_send(*, connection=None, **build_kwargs: Any) -> SentEmail:
    """Render (with `email_build`'s keyword arguments) and send one e-mail; backend errors propagate."""
    message = email_build(**build_kwargs)
    if connection is not None:
        message.connection = connection
    message.send(fail_silently=False)
    status = getattr(message, "anymail_status", None)
    message_id = ""
    status_text = "sent"
    if status is not None:
        message_id = "" if status.message_id is None else str(status.message_id)
        status_text = ",".join(sorted(status.status or [])) or "sent"
    return SentEmail(message=message, message_id=message_id, status=status_text)
