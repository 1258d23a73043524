"""The Atom feed of policy briefs, served by the brief index at <index>/feed/."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .models import PolicyBriefIndexPage, PolicyBriefPage

FEED_ITEMS = 20


class PolicyBriefFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, index: PolicyBriefIndexPage, **kwargs):
        self.request = request
        return index

    def title(self, index: PolicyBriefIndexPage) -> str:
        return _("%(title)s — UserCentriCities") % {"title": index.title}

    def subtitle(self, index: PolicyBriefIndexPage) -> str:
        return index.introduction

    def link(self, index: PolicyBriefIndexPage) -> str:
        return index.get_full_url(self.request)

    def feed_url(self, index: PolicyBriefIndexPage) -> str:
        return index.get_full_url(self.request) + index.reverse_subpage("feed")

    def items(self, index: PolicyBriefIndexPage):
        return list(selectors.brief_list(index=index)[:FEED_ITEMS])

    def item_title(self, item: PolicyBriefPage) -> str:
        return item.title

    def item_description(self, item: PolicyBriefPage) -> str:
        return item.introduction

    def item_link(self, item: PolicyBriefPage) -> str:
        return item.get_full_url(self.request)

    def item_guid(self, item: PolicyBriefPage) -> str:
        return item.get_full_url(self.request)

    def item_pubdate(self, item: PolicyBriefPage):
        return item.published

    def item_updateddate(self, item: PolicyBriefPage):
        return item.last_published_at or item.published

    def item_author_name(self, item: PolicyBriefPage) -> str | None:
        names = [author.name for author in item.authors.all()]
        return ", ".join(names) or None

    def item_categories(self, item: PolicyBriefPage) -> list[str]:
        return [tag.name for tag in item.tags.all()]
