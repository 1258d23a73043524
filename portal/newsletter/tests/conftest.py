import pytest
from wagtail.models import Page

from portal.factories import HomePageFactory
from portal.newsletter.factories import NewsletterIndexPageFactory, NewsletterIssuePageFactory


@pytest.fixture
def home(db):
    return HomePageFactory(parent=Page.get_first_root_node(), slug="home-nl")


@pytest.fixture
def issue(home):
    index = NewsletterIndexPageFactory(parent=home, slug="archive")
    return NewsletterIssuePageFactory(
        parent=index,
        slug="issue-1",
        title="Spring news",
        introduction="What happened this spring.",
        body=[
            ("heading_block", {"text": "Hello cities", "level": "h2"}),
            ("paragraph_block", '<p>Read the <a href="https://example.org/x">report</a>.</p>'),
            ("latest_pages_block", {"heading": "Latest pages", "page_type": "portal.homepage", "count": 3}),
        ],
    )


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Group

    from portal import roles

    user = django_user_model.objects.create_user("ed@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user
