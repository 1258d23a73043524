"""StreamField blocks shared by every app's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from benchmarks.blocks import AuthorityProfileWidgetBlock, ComparisonWidgetBlock, RankingExcerptBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        preview_value = {"text": "How Espoo co-designs services", "level": "h2"}
        description = _("A section heading")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Services should be designed with their users.",
            "attribution": "Tallinn Declaration",
        }
        description = _("A quotation with its source")


class FigureBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        description = _("An image with alternative text and an optional caption")


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)
    link_text = blocks.CharBlock(max_length=60, default=_("Read more"))

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"
        preview_value = {"title": "Measure your city", "text": "Answer the benchmark.", "link_text": "Start"}
        description = _("A card that leads the reader to a page")


class CardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    cards = blocks.ListBlock(CallToActionBlock())

    class Meta:
        icon = "grip"
        template = "blocks/cards_block.html"
        description = _("A row of cards")


class BodyBlock(blocks.StreamBlock):
    heading_block = HeadingBlock()
    paragraph_block = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
    )
    quote_block = QuoteBlock()
    figure_block = FigureBlock()
    cards_block = CardsBlock()
    comparison_widget_block = ComparisonWidgetBlock()
    ranking_excerpt_block = RankingExcerptBlock()
    profile_widget_block = AuthorityProfileWidgetBlock()

    class Meta:
        template = "blocks/body_block.html"


class LinkBlock(blocks.StructBlock):
    """A navigation link: an internal page or an external address, with its label."""

    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        description = _("A link to a page of the portal or to another site")

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        cleaned = super().clean(value)
        if not cleaned.get("page") and not cleaned.get("url"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter an address."))}
            )
        return cleaned
