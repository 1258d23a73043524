"""The editors' review of benchmark submissions through the HTTP client: send back, fix, approve, history."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from benchmarks.models import Submission

from .test_questionnaire import (
    EDITOR,
    EVIDENCE_LINK,
    REPRESENTATIVE,
    answer,
    codes_2023,
    espoo,
    login,
    open_draft,
    questionnaire_url,
    read_form,
    submit_all_yes,
)

REVIEW_LIST = "/benchmark/review/"


def review_url(submission: Submission) -> str:
    return reverse("benchmarks:review", kwargs={"submission_id": submission.pk})


@pytest.fixture
def submitted(client, demo_site) -> Submission:
    """Espoo's 2023 questionnaire, every indicator Yes with evidence, awaiting validation."""
    login(client, REPRESENTATIVE)
    return submit_all_yes(client)


@pytest.mark.django_db
def test_review_is_for_editors_only(client, submitted):
    url = review_url(submitted)
    for email in (REPRESENTATIVE, "member@example.org", "moderator@example.org"):
        login(client, email)
        assert client.get(REVIEW_LIST).status_code == 403
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "publish"}).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


@pytest.mark.django_db
def test_editors_do_not_see_drafts(client, demo_site):
    login(client, REPRESENTATIVE)
    draft, _data = open_draft(client)
    login(client, EDITOR)
    assert client.get(review_url(draft)).status_code == 404
    assert client.post(review_url(draft), {"action": "publish"}).status_code == 404
    html = client.get(REVIEW_LIST).content.decode()
    assert review_url(draft) not in html
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT


@pytest.mark.django_db
def test_the_list_shows_submissions_awaiting_validation(client, submitted):
    login(client, EDITOR)
    response = client.get(REVIEW_LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{review_url(submitted)}"' in html
    assert "awaiting validation: UserCentriCities 2023" in html


@pytest.mark.django_db
def test_the_review_page_shows_answers_evidence_and_background(client, demo_site):
    login(client, REPRESENTATIVE)
    submission, data = open_draft(client)
    for code in codes_2023():
        answer(data, code, "no")
    first = codes_2023()[0]
    answer(data, first, "yes", text="Design team <b>of five</b>", url=EVIDENCE_LINK)
    data["population"] = "305500"
    assert client.post(questionnaire_url(), {**data, "action": "submit"}).status_code == 302

    login(client, EDITOR)
    html = client.get(review_url(submission)).content.decode()
    assert f'<a href="{EVIDENCE_LINK}" rel="nofollow noopener">' in html
    assert "Design team &lt;b&gt;of five&lt;/b&gt;" in html  # evidence is text, never HTML
    assert "305500" in html
    assert f'<label for="comment-{first}">' in html
    assert 'id="general-comment"' in html
    assert 'value="publish"' in html and 'value="return"' in html
    assert "1 of 41 indicators answered Yes" in html


@pytest.mark.django_db
def test_sending_back_without_a_comment_is_an_error(client, submitted):
    login(client, EDITOR)
    response = client.post(review_url(submitted), {"action": "return"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary" role="alert"' in html
    assert "comment on an indicator or give a general comment" in html
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


@pytest.mark.django_db
def test_approving_with_comments_written_is_refused(client, submitted):
    login(client, EDITOR)
    code = codes_2023()[0]
    response = client.post(review_url(submitted), {"action": "publish", f"{code}__comment": "Please fix"})
    assert response.status_code == 200
    assert "You wrote comments" in response.content.decode()
    assert read_form(response, "review")[f"{code}__comment"].strip() == "Please fix"
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


@pytest.mark.django_db
def test_send_back_fix_resubmit_approve(client, submitted):
    code = codes_2023()[3]
    # the editor sends one indicator back
    login(client, EDITOR)
    response = client.post(
        review_url(submitted),
        {
            "action": "return",
            f"{code}__comment": "This evidence does not show a strategy.",
            "general_comment": "One thing to fix.",
        },
    )
    assert response.status_code == 302 and response["Location"] == REVIEW_LIST
    assert "is sent back with your comments" in client.get(REVIEW_LIST).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.RETURNED
    assert (
        submitted.answers.get(indicator__code=code).review_comment
        == "This evidence does not show a strategy."
    )

    # the representative sees the comment next to the indicator, fixes it and resubmits
    login(client, REPRESENTATIVE)
    page = client.get(questionnaire_url())
    html = page.content.decode()
    assert f'id="answer-{code}-comment"' in html
    assert "This evidence does not show a strategy." in html
    assert "One thing to fix." in html
    data = read_form(page)
    answer(data, code, "yes", text="Digital strategy 2025, adopted by the council.", url=EVIDENCE_LINK)
    assert client.post(questionnaire_url(), {**data, "action": "submit"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED

    # the editor approves
    login(client, EDITOR)
    review_page = client.get(review_url(submitted)).content.decode()
    assert "Earlier comment: This evidence does not show a strategy." in review_page
    response = client.post(review_url(submitted), {"action": "publish"}, follow=True)
    assert response.redirect_chain[-1][0] == REVIEW_LIST
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.PUBLISHED
    assert submitted.published_by.email == EDITOR
    assert submitted.percent == 100
    assert submitted.rank == 1
    assert "is published: 100%, rank 1." in response.content.decode()
    assert not submitted.answers.exclude(review_comment="").exists()
    # every earlier published version of Espoo's 2023 result is superseded
    assert (
        Submission.objects.filter(
            authority=espoo(), edition=submitted.edition, status=Submission.Status.PUBLISHED
        ).get()
        == submitted
    )
    # deciding again changes nothing
    response = client.post(
        review_url(submitted), {"action": "return", f"{code}__comment": "Late"}, follow=True
    )
    assert "no longer awaiting validation" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.PUBLISHED


@pytest.mark.django_db
def test_the_audit_trail_lists_each_action_with_its_user(client, submitted):
    code = codes_2023()[1]
    login(client, EDITOR)
    client.post(review_url(submitted), {"action": "return", f"{code}__comment": "Which page?"})
    login(client, REPRESENTATIVE)
    data = read_form(client.get(questionnaire_url()))
    answer(data, code, "yes", text="Page 12 of the strategy.")
    client.post(questionnaire_url(), {**data, "action": "submit"})
    login(client, EDITOR)
    client.post(review_url(submitted), {"action": "publish"})

    html = client.get(review_url(submitted)).content.decode()
    history = html[html.index('id="history"') :]
    steps = [
        "Saved answers",
        "Submitted for validation",
        "Sent back with comments",
        "Approved and published",
    ]
    positions = [history.index(step) for step in steps]
    assert positions == sorted(positions), "the history lists the steps oldest first"
    assert REPRESENTATIVE in history and EDITOR in history
    assert f"Comments on: {code}" in history
    assert f"Answers changed: {code}" in history
    assert "Score: 100%" in history
    user = get_user_model().objects.get(email=EDITOR)
    assert user.get_full_name() in history
