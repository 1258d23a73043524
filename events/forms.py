from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EventPage


class VisitorRegistrationForm(forms.Form):
    """A visitor's (or newsletter subscriber's) registration: we e-mail them a link to confirm."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    # A honeypot: hidden from people (and from assistive technology), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""


class EventFilterForm(forms.Form):
    """The event index's filters: upcoming or past, the type of event and the month."""

    when = forms.ChoiceField(choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], required=False)
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *EventPage.Kind.choices], required=False
    )
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", required=False)
