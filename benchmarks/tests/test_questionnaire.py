"""The benchmark questionnaire through the HTTP client: from the first draft to a correction of the result."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from benchmarks import services
from benchmarks.models import Answer, Authority, Edition, Submission
from portal.demo import DEMO_PASSWORD
from portal.factories import UserFactory

REPRESENTATIVE = "representative@espoo.example.org"
EDITOR = "editor@example.org"
EVIDENCE_LINK = "https://www.espoo.fi/en/strategy"


# --- Helpers (test_review.py uses them too) ----------------------------------------------------------


class _FormReader(HTMLParser):
    """What a browser would post from the form with the given id: successful controls and their values."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self.ids: set[str] = set()
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def read_form(response, form_id: str = "questionnaire") -> dict[str, str]:
    """The data the page's form would post, read from its HTML (so the template and the view must agree)."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.data, f"no form #{form_id} on the page"
    return reader.data


def page_ids(response) -> set[str]:
    reader = _FormReader("")
    reader.feed(response.content.decode())
    return reader.ids


def espoo() -> Authority:
    return Authority.objects.get(slug="espoo")


def edition_2023() -> Edition:
    return Edition.objects.get(framework__key="ucc", revision="2023")


def questionnaire_url(authority: Authority | None = None, revision: str = "2023") -> str:
    authority = authority or espoo()
    return reverse(
        "benchmarks:questionnaire", kwargs={"authority_slug": authority.slug, "revision": revision}
    )


def login(client, email: str):
    client.force_login(get_user_model().objects.get(email=email))
    return client


def open_draft(client) -> tuple[Submission, dict[str, str]]:
    """Open Espoo's 2023 questionnaire as a draft (starting a correction if a result is already published);
    returns the draft and the data its form would post."""
    response = client.get(questionnaire_url())
    if b'value="correct"' in response.content:
        client.post(questionnaire_url(), {"action": "correct"})
        response = client.get(questionnaire_url())
    assert response.status_code == 200
    submission = Submission.objects.get(
        authority=espoo(), edition=edition_2023(), status__in=Submission.OPEN_STATUSES
    )
    assert submission.is_editable
    return submission, read_form(response)


def latest_version() -> int:
    return (
        Submission.objects.filter(authority=espoo(), edition=edition_2023()).order_by("-version")[0].version
    )


def answer(data: dict, code: str, value: str, text: str = "", url: str = "") -> dict:
    data[f"{code}__value"] = value
    data[f"{code}__evidence_text"] = text
    data[f"{code}__evidence_url"] = url
    return data


def all_yes_with_evidence(data: dict, codes: list[str]) -> dict:
    for code in codes:
        answer(data, code, "yes", text=f"Council decision on {code}.")
    return data


def codes_2023() -> list[str]:
    return list(edition_2023().indicators.values_list("code", flat=True))


def submit_all_yes(client) -> Submission:
    """The representative answers Yes with evidence to every indicator and submits."""
    submission, data = open_draft(client)
    all_yes_with_evidence(data, codes_2023())
    response = client.post(questionnaire_url(), {**data, "action": "submit"})
    assert response.status_code == 302, response.content.decode()[:2000]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    return submission


@pytest.fixture
def rep_client(client, demo_site):
    return login(client, REPRESENTATIVE)


# --- Who may see what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo_site):
    before = Submission.objects.count()
    for url in (reverse("benchmarks:questionnaire_list"), questionnaire_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    assert Submission.objects.count() == before


@pytest.mark.django_db
def test_representative_of_another_authority_gets_403(client, demo_site):
    milan_rep = UserFactory(email="rep@milano.example.org")
    Authority.objects.get(slug="milan").representatives.add(milan_rep)
    client.force_login(milan_rep)
    before = list(Submission.objects.filter(authority=espoo()).values_list("pk", "status", "updated_at"))
    assert client.get(questionnaire_url()).status_code == 403
    assert client.post(questionnaire_url(), {"action": "save"}).status_code == 403
    assert client.post(questionnaire_url(), {"action": "correct"}).status_code == 403
    assert (
        list(Submission.objects.filter(authority=espoo()).values_list("pk", "status", "updated_at")) == before
    )
    # ...while their own authority's questionnaire opens
    assert client.get(questionnaire_url(Authority.objects.get(slug="milan"))).status_code == 200


@pytest.mark.django_db
def test_editor_gets_403_on_a_draft(rep_client, demo_site):
    submission, _data = open_draft(rep_client)
    assert submission.status == Submission.Status.DRAFT
    login(rep_client, EDITOR)
    assert rep_client.get(questionnaire_url()).status_code == 403
    # nor can the editor read it through the review
    review = reverse("benchmarks:review", kwargs={"submission_id": submission.pk})
    assert rep_client.get(review).status_code == 404


@pytest.mark.django_db
def test_unknown_authority_or_edition_is_404(rep_client):
    assert rep_client.get("/benchmark/questionnaire/nowhere/2023/").status_code == 404
    assert rep_client.get(questionnaire_url(revision="1999")).status_code == 404


# --- The list of questionnaires ---------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_each_open_edition_with_its_status(rep_client):
    response = rep_client.get(reverse("benchmarks:questionnaire_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Espoo</h2>" in html
    for edition in Edition.objects.filter(is_open=True):
        assert f'href="{questionnaire_url(revision=edition.revision)}"' in html
        assert edition.title in html
    Edition.objects.filter(revision="2022").update(is_open=False)
    open_draft(rep_client)
    html = rep_client.get(reverse("benchmarks:questionnaire_list")).content.decode()
    assert questionnaire_url(revision="2022") not in html
    assert "Continue answering" in html
    assert ">Draft</span>" in html


@pytest.mark.django_db
def test_list_explains_how_to_become_a_representative(client, demo_site):
    login(client, "member@example.org")
    response = client.get(reverse("benchmarks:questionnaire_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You do not represent an authority yet" in html
    assert "community managers" in html
    assert "/benchmark/questionnaire/espoo/" not in html


# --- Answering -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_is_grouped_and_every_control_has_a_stable_id(rep_client):
    response = rep_client.get(questionnaire_url())
    html = response.content.decode()
    edition = edition_2023()
    assert html.count('<h2 id="pillar-') == edition.pillars.count()
    assert html.count("<legend><h3>") == edition.subpillars.count()
    ids = page_ids(response)
    for code in codes_2023():
        for suffix in ("yes", "no", "na", "evidence-text", "evidence-url"):
            assert f"answer-{code}-{suffix}" in ids
        assert f'<label for="answer-{code}-evidence-url">' in html
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html
    assert len(codes_2023()) == 41


@pytest.mark.django_db
def test_save_draft_keeps_the_values(rep_client):
    submission, data = open_draft(rep_client)
    codes = codes_2023()
    answer(data, codes[0], "yes", text="Our service design team of five.", url=EVIDENCE_LINK)
    answer(data, codes[1], "no")
    answer(data, codes[2], "yes", url="www.espoo.fi/training")  # the scheme is assumed
    data.update(population="305000", ict_specialists_in_house_fte="12.5", employees="")
    response = rep_client.post(questionnaire_url(), {**data, "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == questionnaire_url()

    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
    assert submission.population == 305000
    assert str(submission.ict_specialists_in_house_fte) == "12.5"
    saved = {a.indicator.code: a for a in submission.answers.select_related("indicator")}
    assert (saved[codes[0]].value, saved[codes[0]].evidence_url) == ("yes", EVIDENCE_LINK)
    assert saved[codes[1]].value == "no"
    assert saved[codes[2]].evidence_url == "https://www.espoo.fi/training"

    page = rep_client.get(questionnaire_url())
    assert "Your draft is saved." in page.content.decode()
    again = read_form(page)
    assert again[f"{codes[0]}__value"] == "yes"
    assert again[f"{codes[0]}__evidence_text"].strip() == "Our service design team of five."
    assert again[f"{codes[1]}__value"] == "no"
    assert again["population"] == "305000"


@pytest.mark.django_db
def test_save_with_bad_formats_changes_nothing(rep_client):
    submission, data = open_draft(rep_client)
    code = codes_2023()[0]
    before = list(submission.answers.values_list("value", "evidence_text", "evidence_url"))
    answer(data, code, "yes", text="Kept on the page", url="not a link")
    data["employees"] = "many"
    response = rep_client.post(questionnaire_url(), {**data, "action": "save"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary" role="alert"' in html
    assert f'href="#answer-{code}-evidence-url"' in html
    assert 'href="#id_employees"' in html
    assert f'id="answer-{code}-evidence-url-error"' in html
    assert read_form(response)[f"{code}__evidence_text"].strip() == "Kept on the page"
    assert list(submission.answers.values_list("value", "evidence_text", "evidence_url")) == before


@pytest.mark.django_db
def test_submit_with_a_yes_lacking_evidence_rerenders_with_errors(rep_client):
    submission, data = open_draft(rep_client)
    first, second, third = codes_2023()[:3]
    answer(data, first, "yes", text="Evidence given")
    answer(data, second, "yes")  # no evidence
    answer(data, third, "no", text="Kept although not required")
    response = rep_client.post(questionnaire_url(), {**data, "action": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    # the summary links to the field, the error sits next to the field, the title says there is an error
    assert 'id="error-summary" role="alert" tabindex="-1"' in html
    assert f'<a href="#answer-{second}-evidence-text">' in html
    assert f'id="answer-{second}-evidence-text-error"' in html
    assert f'id="answer-{first}-evidence-text-error"' not in html
    assert "<title>Error:" in html
    assert 'getElementById("error-summary").focus()' in html
    # nothing the representative typed is lost, and the draft is saved but not submitted
    again = read_form(response)
    assert again[f"{second}__value"] == "yes"
    assert again[f"{third}__evidence_text"].strip() == "Kept although not required"
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
    assert submission.submitted_at is None
    assert submission.answers.get(indicator__code=first).evidence_text == "Evidence given"


@pytest.mark.django_db
def test_submit_succeeds_with_evidence_and_the_submission_becomes_read_only(rep_client):
    submission, data = open_draft(rep_client)
    first, second = codes_2023()[:2]
    answer(data, first, "yes", text="Strategy adopted in 2022")
    answer(data, second, "yes", url=EVIDENCE_LINK)
    response = rep_client.post(questionnaire_url(), {**data, "action": "submit"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at is not None

    page = rep_client.get(questionnaire_url())
    html = page.content.decode()
    assert "submitted for validation" in html
    assert ">Awaiting validation</span>" in html
    assert "<textarea" not in html and 'value="save"' not in html
    assert f'<a href="{EVIDENCE_LINK}" rel="nofollow noopener">' in html
    # a stale form posted now changes nothing
    data[f"{first}__value"] = "no"
    response = rep_client.post(questionnaire_url(), {**data, "action": "save"}, follow=True)
    assert "nothing was saved" in response.content.decode()
    assert submission.answers.get(indicator__code=first).value == "yes"


@pytest.mark.django_db
def test_returned_submission_shows_the_editors_comments(rep_client):
    submission = submit_all_yes(rep_client)
    editor = get_user_model().objects.get(email=EDITOR)
    code = codes_2023()[4]
    services.submission_return(
        submission=submission,
        by=editor,
        comments={code: "The link is broken."},
        general_comment="Nearly there",
    )
    html = rep_client.get(questionnaire_url()).content.decode()
    assert f'id="answer-{code}-comment"' in html
    assert "The link is broken." in html
    assert "Nearly there" in html
    assert f'aria-describedby="answer-{code}-comment' in html
    assert "<textarea" in html


# --- Published results and corrections --------------------------------------------------------------


@pytest.mark.django_db
def test_published_is_read_only_and_a_correction_starts_a_new_version(rep_client):
    submission = submit_all_yes(rep_client)
    services.submission_publish(submission=submission, by=get_user_model().objects.get(email=EDITOR))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED

    page = rep_client.get(questionnaire_url())
    html = page.content.decode()
    assert ">Published</span>" in html
    assert "<textarea" not in html and 'value="save"' not in html
    assert 'name="action" value="correct"' in html
    assert "Start a correction" in html
    # reading the published result does not start anything
    assert latest_version() == submission.version

    # saving into a published submission is refused
    data = {f"{codes_2023()[0]}__value": "no", "submission": str(submission.pk), "action": "save"}
    rep_client.post(questionnaire_url(), data)
    assert submission.answers.get(indicator__code=codes_2023()[0]).value == "yes"

    response = rep_client.post(questionnaire_url(), {"action": "correct"})
    assert response.status_code == 302
    correction = Submission.objects.get(
        authority=espoo(), edition=edition_2023(), status=Submission.Status.DRAFT
    )
    assert correction.version == submission.version + 1
    assert correction.answers.filter(value=Answer.Value.YES).count() == 41
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED
    html = rep_client.get(questionnaire_url()).content.decode()
    assert f"Version {correction.version} is started from the published answers" in html
    assert f"version {submission.version} stays published" in html
    assert 'value="save"' in html
    # a second click does not start yet another version
    rep_client.post(questionnaire_url(), {"action": "correct"})
    assert latest_version() == correction.version


@pytest.mark.django_db
def test_the_login_form_leads_back_to_the_questionnaire(client, demo_site):
    url = questionnaire_url()
    response = client.post(
        f"/accounts/login/?next={url}", {"username": REPRESENTATIVE, "password": DEMO_PASSWORD, "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
