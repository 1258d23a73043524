"""StreamField blocks of the benchmarks app: the widgets (comparison, ranking excerpt, authority profile)
that editors place in a page body. Figures are read live when the page is rendered.

portal.blocks imports this module while portal.models loads, before benchmarks.models exists: models are
named by string here, and the widget code is imported only when a block is cleaned or rendered.
"""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

FRAMEWORK_KEY = "ucc"


def _edition(revision: str):
    from . import selectors

    return selectors.edition_get(framework_key=FRAMEWORK_KEY, revision=(revision or "").strip())


class EditionBlock(blocks.CharBlock):
    """The revision of a UserCentriCities edition, e.g. 2023; checked against the editions that exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("default", "2023")
        kwargs.setdefault("label", _("Edition"))
        kwargs.setdefault("help_text", _("Revision of the UserCentriCities framework, for example 2023."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if _edition(value) is None:
            raise ValidationError(_("There is no edition %(revision)s.") % {"revision": value})
        return value


class _WidgetBlock(blocks.StructBlock):
    """A widget: get_context builds the widget's data at render time (never cached, always current)."""

    def build_widget(self, value, edition, widget_id: str) -> dict:
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        edition = _edition(value.get("edition"))
        widget_id = f"{self.name or 'widget'}-{uuid.uuid4().hex[:8]}"
        context["widget"] = self.build_widget(value, edition, widget_id) if edition else None
        return context


class ComparisonWidgetBlock(_WidgetBlock):
    edition = EditionBlock()
    authorities = blocks.ListBlock(
        SnippetChooserBlock("benchmarks.Authority"),
        min_num=2,
        max_num=8,
        label=_("Authorities"),
        help_text=_("2 to 8 authorities with a published result in the edition; the first is the reference."),
    )

    class Meta:
        icon = "table"
        template = "blocks/comparison_widget_block.html"
        label = _("Benchmark comparison")
        description = _("2 to 8 authorities side by side, with live figures from the benchmark")

    def clean(self, value):
        cleaned = super().clean(value)
        authorities = [a for a in cleaned["authorities"] if a is not None]
        if len({a.pk for a in authorities}) != len(authorities):
            raise StructBlockValidationError(
                block_errors={"authorities": ValidationError(_("Choose each authority only once."))}
            )
        from . import selectors

        edition = _edition(cleaned["edition"])
        missing = [
            a.name
            for a in authorities
            if selectors.published_submission(authority=a, edition=edition) is None
        ]
        if missing:
            raise StructBlockValidationError(
                block_errors={
                    "authorities": ValidationError(
                        _("No published result for %(revision)s: %(names)s.")
                        % {"revision": edition.revision, "names": ", ".join(missing)}
                    )
                }
            )
        return cleaned

    def build_widget(self, value, edition, widget_id):
        from .widgets import comparison_widget

        authorities = [a for a in value["authorities"] if a is not None]
        return comparison_widget(edition, authorities, widget_id=widget_id)


class RankingExcerptBlock(_WidgetBlock):
    edition = EditionBlock()
    top = blocks.IntegerBlock(
        min_value=1, max_value=50, default=10, label=_("Number of authorities"), help_text=_("1 to 50.")
    )

    class Meta:
        icon = "list-ol"
        template = "blocks/ranking_excerpt_block.html"
        label = _("Benchmark ranking excerpt")
        description = _("The top of the benchmark ranking, with live figures")
        preview_value = {"edition": "2023", "top": 5}

    def build_widget(self, value, edition, widget_id):
        from .widgets import ranking_excerpt_widget

        return ranking_excerpt_widget(edition, value["top"] or 10, widget_id=widget_id)


class AuthorityProfileWidgetBlock(_WidgetBlock):
    authority = SnippetChooserBlock("benchmarks.Authority", label=_("Authority"))
    edition = EditionBlock()

    class Meta:
        icon = "doc-full"
        template = "blocks/profile_widget_block.html"
        label = _("Benchmark profile of an authority")
        description = _("An authority's score, rank and sub-pillars, with live figures")

    def build_widget(self, value, edition, widget_id):
        from .widgets import profile_widget

        if value["authority"] is None:
            return None
        return profile_widget(edition, value["authority"], widget_id=widget_id)
