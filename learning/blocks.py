"""StreamField blocks of the learning app: the shared body plus data tables for briefs and the toolkit."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock

from portal.blocks import BodyBlock


class TableBlock(TypedTableBlock):
    """A data table with a caption and typed columns (text, numbers, short rich text)."""

    text = blocks.CharBlock(label=_("Text"))
    numeric = blocks.DecimalBlock(label=_("Number"), decimal_places=2)
    rich_text = blocks.RichTextBlock(label=_("Rich text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        label = _("Table")
        description = _("A data table with a caption and column headings")


class LearningBodyBlock(BodyBlock):
    """The body of policy briefs and toolkit entries: the portal's blocks and tables."""

    table_block = TableBlock()

    class Meta:
        template = "blocks/body_block.html"
