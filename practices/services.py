"""Writes of the practice library: member submissions through the review workflow, tagging, tag merges.

A member's case is created as a draft child of the library and submitted to the workflow attached to the
library ("Practice case review", one Editors approval task, created by migration 0004). Editors approve
or reject it with a comment in the Wagtail admin; practices.signals e-mails the submitter either way. A
rejected case ("needs changes") can be revised from "My submissions" and is then resubmitted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import GenericTaggedItemBase, ItemBase, Tag
from wagtail.models import Page, Revision, Workflow, WorkflowPage, WorkflowState
from wagtail.search import index
from wagtail.users.models import UserProfile

from portal.sanitising import RICH, render_markdown
from portal.tagging import normalise_tag_names, tag_slug

from .models import PracticeCasePage, PracticeCaseTag, PracticeIndexPage

REVIEW_WORKFLOW_NAME = "Practice case review"  # created by migration 0004_review_workflow
MAX_TAGS_PER_CASE = 20


def review_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME, active=True).first()


@transaction.atomic
def library_attach_review_workflow(*, library: Page) -> None:
    """Cases submitted under this library go through the "Practice case review" workflow."""
    workflow = review_workflow()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=library, defaults={"workflow": workflow})


def _require_member(user) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in as a member to do this."))


def _unique_slug(library: PracticeIndexPage, title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:70] or "practice"
    siblings = set(library.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_submission(case: PracticeCasePage, *, data: dict, links: list[dict]) -> None:
    """Copy the form's data onto the page: Markdown texts rendered and sanitised with nh3, source kept."""
    case.title = data["title"].strip()
    case.summary = data["summary"].strip()
    markdown = {}
    for name in ("description", "user_centricity", "impact"):
        source = (data.get(name) or "").strip()
        markdown[name] = source
        setattr(case, name, render_markdown(source, profile=RICH) if source else "")
    case.submission_markdown = markdown
    case.principles = list(data.get("principles") or [])
    case.service_area = data["service_area"]
    case.life_event = data.get("life_event") or ""
    case.status = data["status"]
    case.year_launched = data["year_launched"]
    for name in ("contact_name", "contact_role", "contact_email", "contact_phone"):
        setattr(case, name, (data.get(name) or "").strip())
    kept = [(block.block_type, block.value) for block in case.resources if block.block_type != "link_block"]
    case.resources = kept + [("link_block", {"title": link["title"], "url": link["url"]}) for link in links]
    case.authorities.set(list(data["authorities"]))
    case.sub_pillars.set(list(data.get("sub_pillars") or []))
    case.tags.set(normalise_tag_names(data.get("tags") or []))


def _quiet_wagtail_notifications(user) -> None:
    """Members get our plain e-mail (practices.signals), not Wagtail's admin notification with admin links."""
    if not user.has_perm("wagtailadmin.access_admin"):
        profile = UserProfile.get_for_user(user)
        if profile.approved_notifications or profile.rejected_notifications:
            profile.approved_notifications = False
            profile.rejected_notifications = False
            profile.save(update_fields=["approved_notifications", "rejected_notifications"])


@transaction.atomic
def case_submit(*, library: PracticeIndexPage, by, data: dict, links: list[dict]) -> PracticeCasePage:
    """A member's new case: a draft under the library, submitted to the library's review workflow."""
    _require_member(by)
    workflow = library.get_workflow()
    if workflow is None:
        raise ValidationError(_("Submissions are closed: the library has no review workflow."))
    case = PracticeCasePage(live=False, owner=by, submitted_by=by, slug=_unique_slug(library, data["title"]))
    _apply_submission(case, data=data, links=links)
    case.full_clean(exclude=["path", "depth", "url_path", "slug"])
    library.add_child(instance=case)
    case.save_revision(user=by, log_action=True)
    _quiet_wagtail_notifications(by)
    workflow.start(case, by)
    return case


def case_can_revise(*, case: PracticeCasePage, user) -> bool:
    """The submitter may revise their case while it is a draft that is not under review."""
    if not user.is_authenticated or case.submitted_by_id != user.pk or case.live:
        return False
    state = case.current_workflow_state
    return state is None or state.status == WorkflowState.STATUS_NEEDS_CHANGES


@transaction.atomic
def case_resubmit(*, case: PracticeCasePage, by, data: dict, links: list[dict]) -> PracticeCasePage:
    """The submitter revised a rejected case: a new revision, and back to review."""
    case = PracticeCasePage.objects.select_for_update().get(pk=case.pk).get_latest_revision_as_object()
    if not case_can_revise(case=case, user=by):
        raise PermissionDenied(_("Only the submitter can revise a case, and only after it was sent back."))
    _apply_submission(case, data=data, links=links)
    case.full_clean(exclude=["path", "depth", "url_path", "slug"])
    case.save_revision(user=by, log_action=True)
    state = case.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(by)
    else:
        workflow = case.get_workflow()
        if workflow is None:
            raise ValidationError(_("Submissions are closed: the library has no review workflow."))
        workflow.start(case, by)
    return case


@transaction.atomic
def case_add_tags(*, case: PracticeCasePage, by, names: list[str]) -> list[str]:
    """A member tags a published case. Names are normalised to existing tags; returns the names added."""
    _require_member(by)
    case = PracticeCasePage.objects.select_for_update().get(pk=case.pk)
    if not case.live:
        raise PermissionDenied(_("Only published cases can be tagged."))
    current = set(case.tagged_items.values_list("tag__slug", flat=True))
    added = [name for name in normalise_tag_names(names) if tag_slug(name) not in current]
    if not added:
        return []
    if len(current) + len(added) > MAX_TAGS_PER_CASE:
        raise ValidationError(_("This case has enough tags already."))
    for name in added:
        PracticeCaseTag.objects.get_or_create(content_object=case, tag=tag_for_name(name))
    sync_revision_tags(case)
    transaction.on_commit(lambda: index.insert_or_update_object(case))
    return added


def tag_for_name(name: str) -> Tag:
    """The tag with this (normalised) name's slug, created when there is none."""
    tag = Tag.objects.filter(slug=tag_slug(name)).first() or Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name)


# --- Tags across the site (editors) ----------------------------------------------------------------------


def _object_fields(through) -> tuple[str, ...] | None:
    """The fields naming the tagged object in a taggit through model."""
    if issubclass(through, GenericTaggedItemBase):
        return ("content_type_id", "object_id")
    if issubclass(through, ItemBase):
        return ("content_object_id",)
    return None


def _tag_through_models():
    for relation in Tag._meta.related_objects:
        fields = _object_fields(relation.related_model)
        if fields is not None and relation.field.name == "tag":
            yield relation.related_model, fields


def _tagged_pages(through, rows) -> list[Page]:
    """The Wagtail pages among the objects of these through rows (their revisions hold tag ids)."""
    if issubclass(through, ItemBase) and not issubclass(through, GenericTaggedItemBase):
        model = through._meta.get_field("content_object").related_model
        if issubclass(model, Page):
            return list(model.objects.filter(pk__in=[row["content_object_id"] for row in rows]))
    return []


def sync_revision_tags(page: Page) -> None:
    """Copy a page's stored tag relations into its latest and live revisions.

    Tags change outside the page editor (members' tags, merges, deletions): without this, the next edit in
    the admin would start from a revision that lacks the new tags or names a deleted one."""
    page = type(page).objects.get(pk=page.pk)
    data = page.serializable_data()
    relations = [
        name
        for name in data
        if name in {rel.get_accessor_name() for rel in type(page)._meta.related_objects}
        and _object_fields(getattr(type(page), name).rel.related_model) is not None
    ]
    if not relations:
        return
    revisions = {page.latest_revision_id, page.live_revision_id} - {None}
    for revision in Revision.objects.filter(pk__in=revisions):
        for name in relations:
            revision.content[name] = data[name]
        revision.save(update_fields=["content"])


def _require_tag_editor(user, permission: str) -> None:
    if not (user.is_authenticated and user.has_perm(permission)):
        raise PermissionDenied(_("Only editors manage tags."))


@transaction.atomic
def tags_merge(*, sources, target: Tag, by) -> int:
    """Move every use of the source tags (cases, briefs, toolkit entries, member interests: every taggit
    through model) to the target tag, then delete the sources. Returns the number of uses moved."""
    _require_tag_editor(by, "taggit.delete_tag")
    source_ids = [tag.pk for tag in sources if tag.pk != target.pk]
    if not source_ids:
        raise ValidationError(_("Choose at least one tag other than the one you keep."))
    moved = 0
    pages: list[Page] = []
    for through, fields in _tag_through_models():
        rows = list(through.objects.filter(tag_id__in=source_ids).values("pk", *fields))
        if not rows:
            continue
        existing = set(through.objects.filter(tag=target).values_list(*fields))
        duplicates = []
        for row in rows:
            key = tuple(row[name] for name in fields)
            if key in existing:
                duplicates.append(row["pk"])
            else:
                existing.add(key)
                through.objects.filter(pk=row["pk"]).update(tag=target)
                moved += 1
        through.objects.filter(pk__in=duplicates).delete()
        pages += _tagged_pages(through, rows)
    Tag.objects.filter(pk__in=source_ids).delete()
    for page in pages:
        sync_revision_tags(page)
    transaction.on_commit(lambda: [index.insert_or_update_object(page) for page in pages])
    return moved


def pages_tagged_with(tag: Tag) -> list[Page]:
    """Pages (of any type) tagged with this tag, for re-indexing and revision upkeep."""
    pages: list[Page] = []
    for through, _fields in _tag_through_models():
        rows = list(through.objects.filter(tag=tag).values("pk", *(_object_fields(through) or ())))
        pages += _tagged_pages(through, rows)
    return pages
