import wagtail_factories

from .models import PracticeIndexPage


class PracticeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PracticeIndexPage

    title = "Good practices"
