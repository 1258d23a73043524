import random

from wagtail.models import Page

from portal.demo import ensure_child_page

from .factories import PracticeIndexPageFactory


def load_pages(*, home: Page, rng: random.Random) -> Page:
    del rng
    return ensure_child_page(
        home,
        PracticeIndexPageFactory,
        slug="practices",
        title="Good practices",
        introduction="How cities and regions made their services user-centric: cases you can learn from, "
        "with their impact in figures and a contact person.",
    )
