"""Every member-writable field of the practice library against the whole XSS corpus, in every rendered page.

A member submits a case with the payload in every text field, a link title and a tag; an editor sends it
back (their comment holds the payload too), the member revises it, the editor approves it, the member tags
the published case with the payload. Each page the payload reaches (the form re-rendered with an error,
My submissions, the revise form, the case page, the library, the tag page, the e-mails) is audited with
tests/xss_corpus.surviving_markers and compared with the same flow run on plain text: the page's own
scripts and forms are there in both; nothing may be added by a payload.
"""

import re
from collections import Counter

import pytest
from django.core import mail
from taggit.models import Tag

from practices.models import PracticeCasePage
from tests.xss_corpus import PAYLOADS, surviving_markers

TEXT_FIELDS = ("summary", "description", "user_centricity", "impact", "contact_name", "contact_role")


def _form(ghent, payload: str, **overrides) -> dict:
    data = {
        "title": f"Case {payload}"[:200],
        "authorities": [str(ghent.pk)],
        "principles": ["citizen-engagement"],
        "service_area": "environment",
        "status": "pilot",
        "year_launched": "2024",
        "tags": f"xss, {payload[:90]}",
        "link_1_title": payload[:200],
        "link_1_url": "https://example.org/",
        "contact_email": "milo@example.org",
    }
    for name in TEXT_FIELDS:
        data[name] = payload[:150] if name.startswith("contact") else payload
    data.update(overrides)
    return data


def _decide(case, editor, action: str, comment: str) -> None:
    task_state = PracticeCasePage.objects.get(pk=case.pk).current_workflow_state.current_task_state.specific
    task_state.task.specific.on_action(task_state, editor, action, comment=comment)


def run_flow(client, library, member, editor, ghent, payload: str, capture) -> dict[str, str]:
    """The pages (and e-mails) a payload reaches, by name."""
    pages = {}
    client.force_login(member)
    invalid = client.post(library.url + "submit/", _form(ghent, payload, year_launched="1800"))
    assert invalid.status_code == 200
    pages["form with errors"] = invalid.content.decode()
    before = set(PracticeCasePage.objects.values_list("pk", flat=True))
    response = client.post(library.url + "submit/", _form(ghent, payload))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = PracticeCasePage.objects.exclude(pk__in=before).get()
    _decide(case, editor, "reject", comment=payload)
    pages["my submissions"] = client.get(library.url + "my-submissions/").content.decode()
    revise_url = f"{library.url}my-submissions/{case.pk}/revise/"
    pages["revise form"] = client.get(revise_url).content.decode()
    assert client.post(revise_url, _form(ghent, payload)).status_code == 302
    mail.outbox.clear()
    with capture(execute=True):
        _decide(case, editor, "approve", comment=payload)
    case = PracticeCasePage.objects.get(pk=case.pk)
    assert case.live
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    pages["approval e-mail (HTML)"] = message.alternatives[0][0]
    tagged = client.post(case.url + "tags/", {"tags": payload})
    if tagged.status_code == 200:  # refused (too long): the case page again, with the error
        pages["case page with tag error"] = tagged.content.decode()
    pages["case page"] = client.get(case.url).content.decode()
    pages["library"] = client.get(library.url, {"tag": "xss"}).content.decode()
    for tag in case.tags.exclude(slug="xss"):
        pages[f"tag page {tag.slug}"] = client.get(f"{library.url}tag/{tag.slug}/").content.decode()
    suggestions = client.get(library.url + "tags/suggest/", {"q": "x"})
    assert suggestions["Content-Type"] == "application/json"
    return pages


# The library's own facet checkboxes (their number grows with the tags) and the "Show all" button of a long
# facet (there once the tags outnumber the facet's limit): removed before the audit, exactly as the template
# writes them, so a payload's <input> or <button> would still be caught.
FACET_CHECKBOX = re.compile(
    r'<input type="checkbox" id="facet-[a-z_]+-\d+" name="[a-z_]+" value="[^"<>]*"( checked)?>'
    r'|<button type="submit" class="link-button" name="show" value="[a-z_]+">'
)


def _kind(name: str) -> str:
    """Pages of one kind share a baseline: every tag page, and the case page with or without an error."""
    return "tag page" if name.startswith("tag page") else name.removesuffix(" with tag error")


def markers(html: str) -> Counter:
    return Counter(surviving_markers(FACET_CHECKBOX.sub("", html)))


@pytest.mark.django_db
def test_no_payload_survives_in_any_page(
    client, library, member, editor, ghent, django_capture_on_commit_callbacks
):
    baseline = {
        _kind(name): markers(html)
        for name, html in run_flow(
            client, library, member, editor, ghent, "Plain words", django_capture_on_commit_callbacks
        ).items()
    }
    failures = []
    for payload in PAYLOADS:
        pages = run_flow(client, library, member, editor, ghent, payload, django_capture_on_commit_callbacks)
        assert pages["case page"], payload
        for name, html in pages.items():
            extra = markers(html) - baseline[_kind(name)]
            if extra:
                failures.append(f"{payload!r} in {name}: {sorted(extra)}")
    assert not failures, "\n".join(failures)
    # The payloads were really stored and shown (as text): the test audits real content.
    assert PracticeCasePage.objects.live().count() == len(PAYLOADS) + 1
    assert Tag.objects.count() > len(PAYLOADS)
