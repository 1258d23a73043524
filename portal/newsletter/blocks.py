"""StreamField blocks of a newsletter issue. They render the same HTML on the web and in the e-mail.

`LatestPagesBlock` lists the newest live pages of a type the editor picks among every page type the
portal has (practice cases, policy briefs, events, and any type added later), so no code change is
needed when an app adds a page type.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.models import Page, get_page_models

from portal.blocks import HeadingBlock, LinkBlock

#: Page types that make no sense in a "latest" list (the site's root types and newsletter issues).
EXCLUDED_PAGE_TYPES = {"wagtailcore.page", "portal.homepage", "portal.newsletterissuepage"}


def page_type_choices() -> list[tuple[str, str]]:
    """(app_label.model, verbose name plural) of every concrete page type, by name."""
    choices = []
    for model in get_page_models():
        label = model._meta.label_lower
        if model._meta.abstract or label in EXCLUDED_PAGE_TYPES:
            continue
        choices.append((label, str(model._meta.verbose_name_plural).capitalize()))
    return sorted(choices, key=lambda choice: choice[1])


def page_model_for(label: str) -> type[Page] | None:
    """The page model named 'app_label.model', or None if it is not a page type (any more)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if issubclass(model, Page) else None


class LatestPagesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    page_type = blocks.ChoiceBlock(
        label=_("Page type"),
        choices=page_type_choices,
        help_text=_("The newest published pages of this type are listed when the e-mail is sent."),
    )
    count = blocks.IntegerBlock(label=_("How many"), default=3, min_value=1, max_value=10)
    show_introduction = blocks.BooleanBlock(label=_("Show each page's introduction"), required=False)

    class Meta:
        icon = "list-ul"
        template = "newsletter/blocks/latest_pages_block.html"
        preview_value = {"heading": "New good practices", "page_type": "portal.standardpage", "count": 3}
        description = _("The latest published pages of a chosen type (practice cases, briefs, events...)")

    def latest_pages(self, value) -> list[Page]:
        model = page_model_for(value["page_type"])
        if model is None:
            return []
        return list(
            model.objects.live().public().order_by("-first_published_at", "-pk").specific()[: value["count"]]
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["pages"] = self.latest_pages(value)
        return context


class ChosenPagesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    pages = blocks.ListBlock(blocks.PageChooserBlock(label=_("Page")), label=_("Pages"))

    class Meta:
        icon = "doc-full"
        template = "newsletter/blocks/chosen_pages_block.html"
        description = _("A hand-picked list of pages")


class NewsletterButtonBlock(LinkBlock):
    """One prominent link: a page of the portal or another address, with its button text."""

    class Meta:
        icon = "link"
        template = "newsletter/blocks/button_block.html"
        preview_value = {"label": "Answer the benchmark", "url": "https://example.org/"}
        description = _("One prominent link")


class NewsletterBodyBlock(blocks.StreamBlock):
    heading_block = HeadingBlock()
    paragraph_block = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        label=_("Paragraph"),
    )
    latest_pages_block = LatestPagesBlock()
    chosen_pages_block = ChosenPagesBlock()
    button_block = NewsletterButtonBlock()

    class Meta:
        template = "blocks/body_block.html"
