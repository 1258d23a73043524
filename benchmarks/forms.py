"""Forms of the benchmark questionnaire and of its review, with one set of fields per indicator.

The forms only check formats (a choice, a web address, numbers). The rules of the life cycle (a Yes needs
evidence, a sending back needs a comment) belong to the services, which the views call.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer, Indicator, Submission
from .services import AnswerInput


def value_name(code: str) -> str:
    return f"{code}__value"


def evidence_text_name(code: str) -> str:
    return f"{code}__evidence_text"


def evidence_url_name(code: str) -> str:
    return f"{code}__evidence_url"


def comment_name(code: str) -> str:
    return f"{code}__comment"


class QuestionnaireForm(forms.Form):
    """An authority's answers to the indicators of an edition, and its background figures.

    Fields per indicator code: `<code>__value` (yes/no/na), `<code>__evidence_text`, `<code>__evidence_url`;
    then one field per name in `Submission.BACKGROUND_FIELDS`, as the model defines it.
    """

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            code = indicator.code
            self.fields[value_name(code)] = forms.ChoiceField(
                label=indicator.question,
                choices=Answer.Value.choices,
                initial=Answer.Value.NA,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose Yes, No or Not answered."),
                    "invalid_choice": _("Choose Yes, No or Not answered."),
                },
            )
            self.fields[evidence_text_name(code)] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea
            )
            self.fields[evidence_url_name(code)] = forms.URLField(
                label=_("Link to the evidence"),
                required=False,
                max_length=Answer._meta.get_field("evidence_url").max_length,
                assume_scheme="https",
                error_messages={
                    "invalid": _("Enter a full web address, for example https://www.example.org/report.")
                },
            )
        for name in Submission.BACKGROUND_FIELDS:
            self.fields[name] = Submission._meta.get_field(name).formfield()

    @staticmethod
    def initial_for(submission: Submission, answers: list[Answer]) -> dict:
        """The form's initial data from a submission and its answers."""
        initial = {name: getattr(submission, name) for name in Submission.BACKGROUND_FIELDS}
        for answer in answers:
            code = answer.indicator.code
            initial[value_name(code)] = answer.value
            initial[evidence_text_name(code)] = answer.evidence_text
            initial[evidence_url_name(code)] = answer.evidence_url
        return initial

    def answer_inputs(self) -> dict[str, AnswerInput]:
        """The cleaned answers by indicator code, for `services.submission_save`."""
        data = self.cleaned_data
        return {
            indicator.code: AnswerInput(
                value=data[value_name(indicator.code)],
                evidence_text=data[evidence_text_name(indicator.code)],
                evidence_url=data[evidence_url_name(indicator.code)],
            )
            for indicator in self.indicators
        }

    def background(self) -> dict:
        """The cleaned background figures by field name, for `services.submission_save`."""
        return {name: self.cleaned_data[name] for name in Submission.BACKGROUND_FIELDS}


class ReviewForm(forms.Form):
    """An editor's comments on a submission: one per indicator code (`<code>__comment`) and a general one."""

    general_comment = forms.CharField(
        label=_("General comment"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Shown to the authority's representatives at the top of their questionnaire."),
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[comment_name(indicator.code)] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea
            )

    def comments(self) -> dict[str, str]:
        """The comments by indicator code (empty ones included), for `services.submission_return`."""
        return {
            indicator.code: self.cleaned_data[comment_name(indicator.code)] for indicator in self.indicators
        }
