from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benchmarks.models import SubPillar
from benchmarks.tests.utils import ucc_edition
from learning import access, match_selectors, match_services
from learning.models import MatchInvitation, MatchRequest


def rep(authorities, slug):
    return authorities[slug].representatives.get()


def subpillar(key):
    return SubPillar.objects.get(edition=ucc_edition(), key=key)


@pytest.fixture
def request_11(published):
    return match_services.match_request(
        authority=published["espoo"],
        by=rep(published, "espoo"),
        subpillar=subpillar("1.1"),
        goal="We want to learn how others involve residents in service design.",
        mode=MatchRequest.Mode.COMPLEMENTARY,
    )


def test_only_representatives_request_for_their_authority(published, member):
    with pytest.raises(PermissionDenied):
        match_services.match_request(
            authority=published["espoo"], by=rep(published, "ghent"), topic="x", goal="g" * 30, mode="similar"
        )
    with pytest.raises(ValidationError) as error:
        match_services.match_request(
            authority=published["espoo"],
            by=rep(published, "espoo"),
            topic="",
            goal="too short",
            mode="similar",
        )
    assert set(error.value.error_dict) == {"topic", "goal"}
    assert not MatchRequest.objects.exists()


def test_complementary_candidates_are_stronger_with_reasons_in_figures(request_11, published):
    found = match_selectors.candidates(match=request_11)
    names = [c.authority.name for c in found]
    # Ghent, Helsinki and Catalonia answer all of 1.1 Yes, Espoo and Milan none: Milan is not ahead.
    assert set(names) == {"Ghent", "Helsinki", "Catalonia"}
    # Same 100 % gap: the similar context (Ghent, Helsinki: cities of similar size) comes before the region.
    assert names[-1] == "Catalonia"
    ghent = next(c for c in found if c.authority.name == "Ghent")
    assert ghent.their_percent == 100 and ghent.own_percent == 0
    assert ghent.reason.startswith("100 % on ")
    assert "where you have 0 %" in ghent.reason and "population" in ghent.reason


def test_similar_mode_ranks_every_comparable_authority(published):
    match = match_services.match_request(
        authority=published["espoo"],
        by=rep(published, "espoo"),
        topic="Plain language",
        goal="g" * 30,
        mode="similar",
    )
    found = match_selectors.candidates(match=match)
    assert len(found) == 4 and all("distance" in c.reason or "similar" in c.reason for c in found)


def test_invite_accept_opens_a_private_room_for_both_sides(
    request_11, published, django_capture_on_commit_callbacks
):
    ghent, helsinki = published["ghent"], published["helsinki"]
    with django_capture_on_commit_callbacks(execute=True):
        invitations = match_services.match_invite(
            match=request_11, by=rep(published, "espoo"), authority_ids=[ghent.pk, helsinki.pk]
        )
    request_11.refresh_from_db()
    assert request_11.status == MatchRequest.Status.INVITED
    assert sorted(m.to[0] for m in mail.outbox) == ["rep@ghent.example.org", "rep@helsinki.example.org"]
    assert invitations[0].expires_at > timezone.now() + timedelta(days=20)
    with pytest.raises(PermissionDenied):
        match_services.invitation_respond(
            invitation=invitations[0], by=rep(published, "helsinki"), accept=True
        )
    match_services.invitation_respond(
        invitation=invitations[0], by=rep(published, "ghent"), accept=True, note="Happy to"
    )
    request_11.refresh_from_db()
    assert request_11.status == MatchRequest.Status.ACCEPTED
    room = request_11.room
    assert room.is_private
    assert set(room.participants.values_list("email", flat=True)) == {
        "rep@espoo.example.org",
        "rep@ghent.example.org",
    }
    assert not access.can_read_room(rep(published, "helsinki"), room)
    with pytest.raises(ValidationError):
        match_services.invitation_respond(invitation=invitations[0], by=rep(published, "ghent"), accept=False)


def test_invitations_are_limited_to_five_proposed_authorities(request_11, published):
    with pytest.raises(ValidationError):
        match_services.match_invite(
            match=request_11, by=rep(published, "espoo"), authority_ids=[published["milan"].pk]
        )
    with pytest.raises(ValidationError):
        match_services.match_invite(match=request_11, by=rep(published, "espoo"), authority_ids=[])
    with pytest.raises(PermissionDenied):
        match_services.match_invite(
            match=request_11, by=rep(published, "ghent"), authority_ids=[published["ghent"].pk]
        )
    assert not MatchInvitation.objects.exists()


def test_all_declined_then_expiry_and_closing(request_11, published):
    [invitation] = match_services.match_invite(
        match=request_11, by=rep(published, "espoo"), authority_ids=[published["ghent"].pk]
    )
    match_services.invitation_respond(invitation=invitation, by=rep(published, "ghent"), accept=False)
    request_11.refresh_from_db()
    assert request_11.status == MatchRequest.Status.DECLINED

    other = match_services.match_request(
        authority=published["espoo"],
        by=rep(published, "espoo"),
        topic="Chatbots",
        goal="g" * 30,
        mode="similar",
    )
    [pending] = match_services.match_invite(
        match=other, by=rep(published, "espoo"), authority_ids=[published["ghent"].pk]
    )
    assert match_services.matches_expire(now=timezone.now() + timedelta(days=20)) == 0
    assert match_services.matches_expire(now=timezone.now() + timedelta(days=22)) == 1
    other.refresh_from_db()
    pending.refresh_from_db()
    assert other.status == MatchRequest.Status.EXPIRED and pending.status == MatchInvitation.Status.EXPIRED
    with pytest.raises(ValidationError):
        match_services.invitation_respond(invitation=pending, by=rep(published, "ghent"), accept=True)


def test_close_with_outcome(request_11, published):
    [invitation] = match_services.match_invite(
        match=request_11, by=rep(published, "espoo"), authority_ids=[published["ghent"].pk]
    )
    with pytest.raises(ValidationError):
        match_services.match_close(
            match=request_11, by=rep(published, "espoo"), outcome="We learned a lot here."
        )
    match_services.invitation_respond(invitation=invitation, by=rep(published, "ghent"), accept=True)
    with pytest.raises(PermissionDenied):
        match_services.match_close(match=request_11, by=rep(published, "milan"), outcome="x" * 30)
    with pytest.raises(ValidationError):
        match_services.match_close(match=request_11, by=rep(published, "ghent"), outcome="short")
    match_services.match_close(
        match=request_11, by=rep(published, "ghent"), outcome="Ghent showed us their panel of residents."
    )
    request_11.refresh_from_db()
    assert request_11.status == MatchRequest.Status.CLOSED and "panel" in request_11.outcome


def test_editors_turn_a_closed_outcome_into_a_draft_practice_case(request_11, published):
    from wagtail.models import Page

    from benchmarks.factories import EditorFactory
    from portal.factories import HomePageFactory
    from practices.factories import PracticeIndexPageFactory

    library = PracticeIndexPageFactory(parent=HomePageFactory(parent=Page.get_first_root_node(), slug="h"))
    [invitation] = match_services.match_invite(
        match=request_11, by=rep(published, "espoo"), authority_ids=[published["ghent"].pk]
    )
    match_services.invitation_respond(invitation=invitation, by=rep(published, "ghent"), accept=True)
    editor = EditorFactory()
    with pytest.raises(ValidationError):
        match_services.match_practice_case_draft(match=request_11, by=editor)  # not closed yet
    match_services.match_close(
        match=request_11, by=rep(published, "espoo"), outcome="Ghent's resident panel, step by step."
    )
    with pytest.raises(PermissionDenied):
        match_services.match_practice_case_draft(match=request_11, by=rep(published, "espoo"))
    page = match_services.match_practice_case_draft(match=request_11, by=editor)
    assert not page.live and page.get_parent().specific == library
    assert page.summary.startswith("Ghent's resident panel")
    assert set(page.authorities.values_list("slug", flat=True)) == {"espoo", "ghent"}
    assert match_services.match_practice_case_draft(match=request_11, by=editor) == page
