import random

from wagtail.models import Page

from portal.demo import ensure_child_page

from .factories import PolicyBriefIndexPageFactory, ToolkitIndexPageFactory


def load_pages(*, home: Page, rng: random.Random) -> dict[str, Page]:
    del rng
    return {
        "briefs": ensure_child_page(
            home,
            PolicyBriefIndexPageFactory,
            slug="policy-briefs",
            title="Policy briefs",
            introduction="Short analyses of what the benchmark shows and what local leaders can do about it.",
        ),
        "toolkit": ensure_child_page(
            home,
            ToolkitIndexPageFactory,
            slug="toolkit",
            title="Toolkit",
            introduction="Methods, guides and templates for designing, testing and measuring services with "
            "their users.",
        ),
    }
