"""The benchmark questionnaire in Chromium: a representative answers and submits, an editor sends one
indicator back, the representative fixes it, the editor approves, the result is published. axe-core checks
each page.

The server's database is shared by every browser test of the session: this test only changes Espoo's 2023
questionnaire (through its demo representative) and creates its own users with unique e-mail addresses.
"""

import uuid

import pytest

from portal.demo import DEMO_PASSWORD

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

REPRESENTATIVE = "representative@espoo.example.org"
EDITOR = "editor@example.org"
QUESTIONNAIRE = "/benchmark/questionnaire/espoo/2023/"


def log_in(page, server, email: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> None:
    """Log in through the portal's own login form (representatives have no admin access)."""
    page.goto(f"{server.url}/accounts/login/?next={next_path}")
    page.locator("main").get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"login failed for {email}"


def open_questionnaire(page, server) -> None:
    """Espoo's 2023 questionnaire, as an editable draft (starting a correction if only a result exists)."""
    response = page.goto(server.url + QUESTIONNAIRE)
    assert response.status == 200
    correction = page.get_by_role("button", name="Start a correction")
    if correction.count():
        with page.expect_navigation():
            correction.click()
    assert page.get_by_role("button", name="Save draft").is_visible()


def indicator_codes(page) -> list[str]:
    return page.eval_on_selector_all(
        "form#questionnaire input[type=radio][value=yes]",
        "els => els.map(e => e.name.replace('__value', ''))",
    )


def status_text(page) -> str:
    return page.locator("#submission-status").inner_text()


def test_answer_send_back_fix_and_publish(page, browser, portal_server):
    server = portal_server
    # The representative logs in and opens the 2023 questionnaire from the list of their questionnaires.
    log_in(page, server, REPRESENTATIVE, next_path="/benchmark/questionnaire/")
    assert page.url.endswith("/benchmark/questionnaire/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="for Espoo, UserCentriCities 2023").click()
    open_questionnaire(page, server)
    assert page.locator("h1").count() == 1
    assert_accessible(page)

    codes = indicator_codes(page)
    assert len(codes) == 41
    yes_codes, no_codes = codes[:3], codes[3:6]
    for code in yes_codes:
        page.locator(f"#answer-{code}-yes").check()
        page.locator(f"#answer-{code}-evidence-text").fill(f"Browser test evidence for {code}.")
    for code in no_codes:
        page.locator(f"#answer-{code}-no").check()
    page.locator(f"#answer-{yes_codes[0]}-evidence-url").fill("https://www.espoo.fi/en/digital-strategy")
    page.get_by_label("Population").fill("305500")

    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert "Your draft is saved" in page.locator("ul.messages").inner_text()
    assert page.locator(f"#answer-{yes_codes[0]}-yes").is_checked()
    assert page.locator(f"#answer-{no_codes[0]}-no").is_checked()
    evidence = page.locator(f"#answer-{yes_codes[1]}-evidence-text").input_value()
    assert evidence.startswith("Browser test evidence")
    assert page.get_by_label("Population").input_value() == "305500"

    # A Yes without evidence: the questionnaire comes back with an error summary, focused, and nothing lost.
    lacking = codes[6]
    page.locator(f"#answer-{lacking}-yes").check()
    page.locator(f"#answer-{lacking}-evidence-text").fill("")
    page.locator(f"#answer-{lacking}-evidence-url").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for validation").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator(f"#answer-{lacking}-evidence-text-error").is_visible()
    assert page.locator(f"#answer-{lacking}-yes").is_checked()
    assert status_text(page) == "Draft"
    assert_accessible(page)
    summary.locator(f'a[href="#answer-{lacking}-evidence-text"]').click()
    assert page.evaluate("document.activeElement.id") == f"answer-{lacking}-evidence-text"
    page.keyboard.type("Published on the city's open data portal.")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for validation").click()
    assert status_text(page) == "Awaiting validation"
    assert page.locator("textarea").count() == 0
    assert_accessible(page)

    # The editor, in a second browser, sends one indicator back with a comment.
    editor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        editor = editor_context.new_page()
        log_in(editor, server, EDITOR, next_path="/benchmark/review/")
        assert_accessible(editor)
        with editor.expect_navigation():
            editor.get_by_role("link", name="Review Espoo, UserCentriCities 2023").click()
        assert "Review: Espoo" in editor.locator("h1").inner_text()
        assert_accessible(editor)
        sent_back = yes_codes[1]
        editor.locator(f"#comment-{sent_back}").fill("Which document is this? Add a link, please.")
        with editor.expect_navigation():
            editor.get_by_role("button", name="Send back with comments").click()
        assert "sent back with your comments" in editor.locator("ul.messages").inner_text()

        # The representative sees the comment next to the indicator, fixes it and resubmits.
        page.goto(server.url + QUESTIONNAIRE)
        assert status_text(page) == "Sent back for changes"
        comment = page.locator(f"#answer-{sent_back}-comment")
        assert "Which document is this?" in comment.inner_text()
        assert_accessible(page)
        page.locator(f"#answer-{sent_back}-evidence-url").fill("https://www.espoo.fi/en/service-design")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for validation").click()
        assert status_text(page) == "Awaiting validation"

        # The editor approves: the result is published.
        editor.goto(server.url + "/benchmark/review/")
        with editor.expect_navigation():
            editor.get_by_role("link", name="Review Espoo, UserCentriCities 2023").click()
        assert "Earlier comment: Which document is this?" in editor.content()
        assert "https://www.espoo.fi/en/service-design" in editor.content()
        assert editor.locator("#history").is_visible()
        assert EDITOR in editor.locator("#history ~ .table-scroll").inner_text()
        with editor.expect_navigation():
            editor.get_by_role("button", name="Approve and publish").click()
        assert "is published" in editor.locator("ul.messages").inner_text()
    finally:
        editor_context.close()

    page.goto(server.url + QUESTIONNAIRE)
    assert status_text(page) == "Published"
    assert page.get_by_role("button", name="Start a correction").is_visible()
    assert_accessible(page)

    # The published result appears in the ranking (the dashboard page with its ranking table).
    response = page.goto(server.url + "/dashboard/?edition=2023")
    assert response.status == 200
    assert "Espoo" in page.locator("main").inner_text()


def test_representative_of_another_authority_gets_403_on_espoo(page, portal_server):
    email = f"rep-{uuid.uuid4().hex[:10]}@milano.example.org"
    portal_server.shell(
        "from django.contrib.auth import get_user_model\n"
        "from benchmarks.models import Authority\n"
        f"user = get_user_model().objects.create_user(email={email!r}, password={DEMO_PASSWORD!r})\n"
        "Authority.objects.get(slug='milan').representatives.add(user)\n"
    )
    log_in(page, portal_server, email)
    response = page.goto(portal_server.url + QUESTIONNAIRE)
    assert response.status == 403
    response = page.goto(portal_server.url + "/benchmark/questionnaire/milan/2023/")
    assert response.status == 200  # their own authority's questionnaire opens (as a draft or a result)
    assert "Milan" in page.locator("h1").inner_text()
