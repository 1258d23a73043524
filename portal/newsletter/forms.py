"""Forms of the newsletter's public pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import interest_choices
from .services import CONSENT_TEXT

SOURCES = {"footer": _("the site footer"), "page": _("the newsletter page")}


class InterestsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=interest_choices(), required=False, label=_("Topics I am interested in"), **kwargs
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    interests = InterestsField()
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Tick the box to agree to receive the newsletter.")},
    )
    source = forms.ChoiceField(choices=list(SOURCES.items()), initial="page", widget=forms.HiddenInput)
    # A honeypot: hidden from people (and from assistive technology), filled in by form-filling robots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].queryset = interest_choices()

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    interests = InterestsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].queryset = interest_choices()
