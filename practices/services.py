"""Writes of the practice library: the review workflow, member submissions, tagging."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Workflow, WorkflowPage

REVIEW_WORKFLOW_NAME = "Practice case review"  # created by migration 0004_review_workflow


def review_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME, active=True).first()


@transaction.atomic
def library_attach_review_workflow(*, library: Page) -> None:
    """Cases submitted under this library go through the "Practice case review" workflow."""
    workflow = review_workflow()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=library, defaults={"workflow": workflow})
