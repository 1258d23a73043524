"""Who may do what with benchmark submissions. Drafts are private to the authority's representatives."""

from .models import Authority, Submission


def represents(user, authority: Authority) -> bool:
    return bool(user and user.is_authenticated) and authority.representatives.filter(pk=user.pk).exists()


def can_edit_submission(user, *, authority: Authority) -> bool:
    """Answering and submitting: only the authority's own representatives."""
    return represents(user, authority)


def can_validate_submissions(user) -> bool:
    """Approving, sending back, managing frameworks: editors (and superusers)."""
    return bool(user and user.is_authenticated) and user.has_perm("benchmarks.validate_submission")


def can_view_submission(user, submission: Submission) -> bool:
    """Published results are public. A draft is seen by its authority's representatives only; once
    submitted, editors see it too."""
    if submission.status in (Submission.Status.PUBLISHED, Submission.Status.SUPERSEDED):
        return True
    if represents(user, submission.authority):
        return True
    return submission.status != Submission.Status.DRAFT and can_validate_submissions(user)
