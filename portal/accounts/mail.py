"""E-mail to one member, from templates (subject, plain text and HTML), through the portal's one e-mail
service, `portal/mail.py` (console by default, django-anymail's provider backends in production, locmem or
anymail's test backend in tests)."""

from portal.mail import absolute_url, email_send

__all__ = ["absolute_url", "send_templated_mail"]


def send_templated_mail(*, to: str, template: str, context: dict, headers: dict | None = None) -> None:
    """Render templates/<template>_subject.txt, .txt and .html and send them to one address."""
    email_send(
        to=[to], template_prefix=template, context=context, headers=headers, tags=[template.split("/")[-1]]
    )
