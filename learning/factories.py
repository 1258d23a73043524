import wagtail_factories

from .models import PolicyBriefIndexPage, ToolkitIndexPage


class PolicyBriefIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PolicyBriefIndexPage

    title = "Policy briefs"


class ToolkitIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ToolkitIndexPage

    title = "Toolkit"
