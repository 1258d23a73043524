"""The e-mail service (portal/mail.py) through anymail's test backend, and the send_test_email command."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from portal.mail import absolutise_links, email_send

ANYMAIL_TEST = "anymail.backends.test.EmailBackend"


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST, DEFAULT_FROM_EMAIL="UCC <hello@example.org>")
def test_email_send_renders_html_and_text_and_passes_anymail_extras():
    sent = email_send(
        to=["ana@example.org"],
        template_prefix="email/test_message",
        context={"backend": "the test backend", "sent_at": "now", "from_email": "hello@example.org"},
        headers={"X-Portal": "yes"},
        tags=["test"],
        metadata={"kind": "check"},
    )
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"] and message.from_email == "UCC <hello@example.org>"
    assert message.subject == "UserCentriCities: test e-mail"
    assert "Sent through the test backend" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<h1>" in html and "the test backend" in html
    params = message.anymail_test_params
    assert params["tags"] == ["test"] and params["metadata"] == {"kind": "check"}
    assert message.extra_headers["X-Portal"] == "yes"
    assert sent.message_id == "0" and sent.status == "sent"


def test_relative_links_become_absolute_for_mail_clients(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.org"
    html = '<a href="/cases/espoo/">Espoo</a> <img src="/media/x.png"> <a href="https://other.org/">o</a>'
    assert absolutise_links(html) == (
        '<a href="https://portal.example.org/cases/espoo/">Espoo</a> '
        '<img src="https://portal.example.org/media/x.png"> <a href="https://other.org/">o</a>'
    )


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_send_test_email_command():
    out = StringIO()
    call_command("send_test_email", "ops@example.org", stdout=out)
    assert [m.to for m in mail.outbox] == [["ops@example.org"]]
    assert "anymail.backends.test.EmailBackend" in out.getvalue()
    assert "provider message id 0" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_test_email", "not-an-address", stdout=StringIO())


def test_email_personalise_copies_a_rendered_message_for_another_recipient():
    from portal.mail import email_build, email_personalise

    model = email_build(
        to=["x@example.invalid"],
        template_prefix="email/test_message",
        context={"backend": "PLACEHOLDER", "sent_at": "now", "from_email": "a@example.org"},
        headers={"List-Unsubscribe": "<PLACEHOLDER>"},
        tags=["t"],
        metadata={"a": "1"},
    )
    copy = email_personalise(
        model, to=["b@example.org"], replacements={"PLACEHOLDER": "B-link"}, metadata={"b": "2"}
    )
    assert copy.to == ["b@example.org"] and copy.subject == model.subject
    assert "B-link" in copy.body and "PLACEHOLDER" not in copy.body
    assert "B-link" in copy.alternatives[0][0] and copy.extra_headers["List-Unsubscribe"] == "<B-link>"
    assert copy.tags == ["t"] and copy.metadata == {"a": "1", "b": "2"}
    assert "PLACEHOLDER" in model.body  # the model is left as it was
