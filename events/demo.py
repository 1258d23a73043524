import random

from wagtail.models import Page

from portal.demo import ensure_child_page

from .factories import EventIndexPageFactory


def load_pages(*, home: Page, rng: random.Random) -> Page:
    del rng
    return ensure_child_page(
        home,
        EventIndexPageFactory,
        slug="events",
        title="Events",
        introduction="The monthly UserCentriCafé, peer-learning workshops and the annual summit.",
    )
