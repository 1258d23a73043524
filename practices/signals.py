"""Side effects of the practice library: e-mail to the submitter when editors approve or reject their case
(Wagtail's workflow signals), and keeping page revisions and the search index in step with tag changes."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import WorkflowState
from wagtail.search import index
from wagtail.signals import workflow_approved, workflow_rejected

from portal.mail import email_send

from .models import PracticeCasePage


def _review_comment(workflow_state: WorkflowState) -> str:
    task_state = workflow_state.task_states.order_by("-finished_at", "-pk").first()
    return (task_state.comment or "").strip() if task_state is not None else ""


def _notify_submitter(workflow_state: WorkflowState, *, approved: bool) -> None:
    page = workflow_state.content_object
    case = getattr(page, "specific", page)
    if not isinstance(case, PracticeCasePage) or case.submitted_by is None or not case.submitted_by.email:
        return
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    library = case.get_parent().specific
    context = {
        "case": case,
        "user": case.submitted_by,
        "comment": _review_comment(workflow_state),
        "case_url": base + (case.get_url() or ""),
        "submissions_url": base + library.url + library.reverse_subpage("my_submissions"),
    }
    prefix = "practices/email/case_" + ("approved" if approved else "rejected")
    recipient = case.submitted_by.email
    transaction.on_commit(
        lambda: email_send(to=[recipient], template_prefix=prefix, context=context, tags=["practice-case"])
    )


@receiver(workflow_approved, sender=WorkflowState, dispatch_uid="practices-case-approved")
def case_approved(sender, instance, user=None, **kwargs):
    _notify_submitter(instance, approved=True)


@receiver(workflow_rejected, sender=WorkflowState, dispatch_uid="practices-case-rejected")
def case_rejected(sender, instance, user=None, **kwargs):
    _notify_submitter(instance, approved=False)


@receiver(post_save, sender=Tag, dispatch_uid="practices-tag-renamed")
def tag_renamed(sender, instance, created=False, **kwargs):
    """A renamed tag: re-index the pages that carry it (their search text holds the tag names)."""
    if created:
        return
    from .services import pages_tagged_with

    pages = pages_tagged_with(instance)
    transaction.on_commit(lambda: [index.insert_or_update_object(page) for page in pages])


@receiver(pre_delete, sender=Tag, dispatch_uid="practices-tag-deleting")
def tag_deleting(sender, instance, **kwargs):
    from .services import pages_tagged_with

    instance._tagged_pages = pages_tagged_with(instance)


@receiver(post_delete, sender=Tag, dispatch_uid="practices-tag-deleted")
def tag_deleted(sender, instance, **kwargs):
    """A deleted tag: its pages' revisions must not name it any more, and their index entries change."""
    from .services import sync_revision_tags

    pages = getattr(instance, "_tagged_pages", [])
    for page in pages:
        sync_revision_tags(page)
    transaction.on_commit(lambda: [index.insert_or_update_object(page) for page in pages])


# --- The library's facet index (practices/library_index.py) follows every change of what it counts ---------


def _connect_library_index() -> None:
    from django.db.models.signals import m2m_changed
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from benchmarks.models import Authority, SubPillar

    from . import library_index
    from .models import PracticeCaseTag

    invalidate = library_index.invalidate
    # Cases: saved (drafts included: cheap and safe), published, unpublished, moved, deleted.
    for signal in (post_save, post_delete):
        signal.connect(invalidate, sender=PracticeCasePage, dispatch_uid=f"practices-index-case-{signal!r}")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="practices-index-page-deleted")
    for signal in (page_published, page_unpublished):
        signal.connect(invalidate, sender=PracticeCasePage, dispatch_uid=f"practices-index-{signal!r}")
    post_page_move.connect(invalidate, dispatch_uid="practices-index-page-moved")
    # What cases link to and what the facets name: tags, authorities (name, country), sub-pillars.
    for model in (PracticeCaseTag, Tag, Authority, SubPillar, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate, sender=model, dispatch_uid=f"practices-index-{model.__name__}-{signal!r}"
            )
    for through in (PracticeCasePage.authorities.through, PracticeCasePage.sub_pillars.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"practices-index-{through.__name__}")


_connect_library_index()
