import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from taggit.models import Tag
from wagtail.models import WorkflowState

from practices import services
from practices.factories import PracticeCasePageFactory
from practices.models import PracticeCasePage
from tests.xss_corpus import surviving_markers


def submit(library, member, data, links=()):
    return services.case_submit(library=library, by=member, data=data, links=list(links))


def review(case, editor, *, approve: bool, comment: str = ""):
    state = case.current_workflow_state
    task_state = state.current_task_state.specific
    action = "approve" if approve else "reject"
    task_state.task.specific.on_action(task_state, editor, action, comment=comment)


@pytest.mark.django_db(transaction=False)
class TestSubmission:
    def test_submit_creates_a_draft_in_review_with_sanitised_text(
        self, library, member, submission_data, django_capture_on_commit_callbacks
    ):
        submission_data["user_centricity"] = (
            "<script>alert(1)</script>Designed **with** visitors [x](javascript:alert(1))"
        )
        with django_capture_on_commit_callbacks(execute=True):
            case = submit(
                library, member, submission_data, [{"title": "Site", "url": "https://example.org/"}]
            )
        case.refresh_from_db()
        assert not case.live and case.submitted_by == member and case.owner == member
        assert case.get_parent().pk == library.pk
        state = case.current_workflow_state
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.workflow.name == services.REVIEW_WORKFLOW_NAME
        assert surviving_markers(case.user_centricity) == []
        assert "&lt;script&gt;" in case.user_centricity  # shown as text, not run
        assert "<strong>with</strong>" in case.user_centricity
        assert "<li>3,100 repairs</li>" in case.impact
        assert case.submission_markdown["description"] == "Run by **volunteers**."
        assert sorted(case.tags.names()) == ["Repair", "co design"]
        assert [b.value["url"] for b in case.resources] == ["https://example.org/"]

    def test_visitor_cannot_submit(self, library, submission_data):
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            submit(library, AnonymousUser(), submission_data)
        assert not PracticeCasePage.objects.exists()

    def test_approval_publishes_and_emails_the_submitter(
        self, library, member, editor, submission_data, django_capture_on_commit_callbacks
    ):
        case = submit(library, member, submission_data)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            review(case, editor, approve=True, comment="Lovely case.")
        case.refresh_from_db()
        assert case.live
        to_member = [m for m in mail.outbox if m.to == [member.email]]
        assert len(to_member) == 1
        assert "is published" in to_member[0].subject
        assert "Lovely case." in to_member[0].body and case.url in to_member[0].body

    def test_rejection_emails_the_comment_and_the_member_revises(
        self, library, member, editor, submission_data, django_capture_on_commit_callbacks
    ):
        case = submit(library, member, submission_data)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            review(case, editor, approve=False, comment="Please add figures.")
        case = PracticeCasePage.objects.get(pk=case.pk)
        assert not case.live
        assert case.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
        (message,) = [m for m in mail.outbox if m.to == [member.email]]
        assert "needs changes" in message.subject and "Please add figures." in message.body
        assert "/practices/my-submissions/" in message.body
        assert services.case_can_revise(case=case, user=member)
        assert not services.case_can_revise(case=case, user=editor)

        submission_data["impact"] = "Waiting times fell by 40%."
        services.case_resubmit(case=case, by=member, data=submission_data, links=[])
        case = PracticeCasePage.objects.get(pk=case.pk)
        assert case.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
        assert "40%" in case.get_latest_revision_as_object().impact
        assert not services.case_can_revise(case=case, user=member)
        with pytest.raises(PermissionDenied):
            services.case_resubmit(case=case, by=member, data=submission_data, links=[])

    def test_someone_else_cannot_revise(self, library, member, editor, submission_data):
        from portal.factories import UserFactory

        case = submit(library, member, submission_data)
        review(case, editor, approve=False, comment="No.")
        with pytest.raises(PermissionDenied):
            services.case_resubmit(case=case, by=UserFactory(), data=submission_data, links=[])


@pytest.mark.django_db
class TestTagging:
    def test_member_tags_are_normalised_to_existing_tags(self, library, member):
        case = PracticeCasePageFactory(parent=library, tags=["Co-design"])
        case.save_revision().publish()
        added = services.case_add_tags(case=case, by=member, names=["co design", "Open  data", "open-data"])
        assert added == ["Open data"]
        assert sorted(case.tags.names()) == ["Co-design", "Open data"]
        assert Tag.objects.filter(slug="co-design").count() == 1
        # The latest revision knows the new tag, so the next edit in the admin keeps it.
        revision = PracticeCasePage.objects.get(pk=case.pk).get_latest_revision()
        revision_tags = {item["tag"] for item in revision.content["tagged_items"]}
        assert revision_tags == set(case.tags.values_list("pk", flat=True))

    def test_drafts_and_visitors_cannot_tag(self, library, member):
        from django.contrib.auth.models import AnonymousUser

        case = PracticeCasePageFactory(parent=library)
        with pytest.raises(PermissionDenied):
            services.case_add_tags(case=case, by=AnonymousUser(), names=["x"])
        case.unpublish()
        with pytest.raises(PermissionDenied):
            services.case_add_tags(case=case, by=member, names=["x"])

    def test_merge_moves_every_use_and_deletes_the_sources(self, library, editor, member):
        a = PracticeCasePageFactory(parent=library, tags=["codesign"])
        b = PracticeCasePageFactory(parent=library, tags=["co-creation", "Co-design"])
        for case in (a, b):
            case.save_revision().publish()
        target = Tag.objects.get(name="Co-design")
        sources = list(Tag.objects.filter(name__in=["codesign", "co-creation"]))
        moved = services.tags_merge(sources=sources, target=target, by=editor)
        assert moved == 1  # b already had the target: its duplicate use is dropped
        assert list(a.tags.names()) == ["Co-design"] and list(b.tags.names()) == ["Co-design"]
        assert not Tag.objects.filter(name__in=["codesign", "co-creation"]).exists()
        for case in (a, b):
            content = PracticeCasePage.objects.get(pk=case.pk).get_latest_revision().content
            assert [item["tag"] for item in content["tagged_items"]] == [target.pk]
        with pytest.raises(PermissionDenied):
            services.tags_merge(sources=[target], target=target, by=member)
        with pytest.raises(ValidationError):
            services.tags_merge(sources=[target], target=target, by=editor)
