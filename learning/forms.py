"""Forms of discussions and bench-learning. They only shape input; services validate and write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Authority, SubPillar

from .models import MatchRequest


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "Markdown: **bold**, *italic*, `code`, [link](https://…), lists. Mention someone with "
            "@first-last."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=settings.DISCUSSION_MESSAGE_MAX_CHARS,
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=5,
        max_length=1000,
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding (the author sees it)"), max_length=300)


class MuteForm(forms.Form):
    hours = forms.IntegerField(label=_("Mute for (hours)"), min_value=1, max_value=24 * 90, initial=24)
    reason = forms.CharField(label=_("Reason (the member sees it)"), max_length=300)


class MatchRequestForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Your authority"), queryset=Authority.objects.none(), empty_label=None
    )
    subpillar = forms.ModelChoiceField(
        label=_("Sub-pillar"),
        queryset=SubPillar.objects.none(),
        required=False,
        empty_label=_("— a free topic instead —"),
        help_text=_("Choose the sub-pillar you want to improve, or leave it empty and write a free topic."),
    )
    topic = forms.CharField(label=_("Free topic"), max_length=200, required=False)
    goal = forms.CharField(
        label=_("Your goal"),
        help_text=_("What you want to learn or change, in a few sentences."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    mode = forms.ChoiceField(
        label=_("Find authorities that are"),
        choices=MatchRequest.Mode.choices,
        initial=MatchRequest.Mode.COMPLEMENTARY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.filter(
            pk__in=[a.pk for a in authorities]
        ).order_by("name")
        edition = benchmark_selectors.default_edition()
        self.fields["subpillar"].queryset = (
            SubPillar.objects.filter(edition=edition).order_by("sort_order", "key")
            if edition
            else SubPillar.objects.none()
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("subpillar")) == bool((data.get("topic") or "").strip()):
            raise forms.ValidationError(_("Choose a sub-pillar or write a free topic (one of the two)."))
        return data


class InviteForm(forms.Form):
    authorities = forms.TypedMultipleChoiceField(
        label=_("Authorities to invite (1 to 5)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorities"].choices = [(c.authority.pk, c.authority.name) for c in candidates]


class RespondForm(forms.Form):
    note = forms.CharField(
        label=_("A note with your answer (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("What we learned"),
        help_text=_(
            "The outcome of the exchange, in a few sentences. Editors may turn it into a practice case."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=20,
        max_length=5000,
    )
