"""Forms of the practice library: the library's filters (GET), members' case submissions and tags."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Authority, SubPillar
from portal.principles import Principle
from portal.tagging import MAX_TAG_LENGTH, normalise_tag_names, split_tag_string

from .models import CaseStatus, LifeEvent, PracticeCasePage, ServiceArea
from .selectors import SORTS, LibraryFilters

_SLUG = re.compile(r"^[-\w]+$")
_SUB_PILLAR_KEY = re.compile(r"^\d{1,2}(\.\d{1,2})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_VALUES_PER_FACET = 20


class _ListField(forms.Field):
    """Several values of one GET parameter, each checked against a pattern."""

    def __init__(self, *, pattern: re.Pattern, normalise=str.strip, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.pattern = pattern
        self.normalise = normalise
        self.widget = forms.MultipleHiddenInput()

    def to_python(self, value):
        values = value or []
        if isinstance(values, str):
            values = [values]
        cleaned = []
        for item in values:
            item = self.normalise(str(item))
            if not item:
                continue
            if not self.pattern.match(item):
                raise ValidationError(_("“%(value)s” is not a valid value."), params={"value": item[:40]})
            if item not in cleaned:
                cleaned.append(item)
        if len(cleaned) > MAX_VALUES_PER_FACET:
            raise ValidationError(_("Choose at most %(n)s values."), params={"n": MAX_VALUES_PER_FACET})
        return cleaned


class LibraryFilterForm(forms.Form):
    """The library's GET parameters. Invalid values are reported and ignored, the rest still applies."""

    q = forms.CharField(required=False, max_length=200, label=_("Search the practice library"))
    tag = _ListField(pattern=_SLUG, normalise=lambda v: v.strip().lower())
    principle = forms.MultipleChoiceField(required=False, choices=Principle.choices)
    sub_pillar = _ListField(pattern=_SUB_PILLAR_KEY)
    country = _ListField(pattern=_COUNTRY, normalise=lambda v: v.strip().upper())
    authority = _ListField(pattern=_SLUG, normalise=lambda v: v.strip().lower())
    status = forms.MultipleChoiceField(required=False, choices=CaseStatus.choices)
    year = _ListField(pattern=re.compile(r"^(19|20|21)\d\d$"))
    sort = forms.ChoiceField(required=False, choices=[("", "")] + [(k, v) for k, v in SORTS.items()])

    def to_filters(self) -> LibraryFilters:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return LibraryFilters(
            query=(data.get("q") or "").strip(),
            tags=tuple(data.get("tag") or ()),
            principles=tuple(data.get("principle") or ()),
            sub_pillars=tuple(data.get("sub_pillar") or ()),
            countries=tuple(data.get("country") or ()),
            authorities=tuple(data.get("authority") or ()),
            statuses=tuple(data.get("status") or ()),
            years=tuple(int(year) for year in data.get("year") or ()),
            sort=data.get("sort") or "",
        )


class TagsField(forms.CharField):
    """Comma-separated tags, normalised (see portal.tagging) to existing tags where they match."""

    def __init__(self, *, max_tags: int = 10, datalist: str = "tag-suggestions", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": datalist, "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.max_tags = max_tags

    def clean(self, value):
        value = super().clean(value)
        raw = split_tag_string(value)
        too_long = [name.strip() for name in raw if len(name.strip()) > MAX_TAG_LENGTH]
        if too_long:
            raise ValidationError(_("A tag is at most %(n)s characters long."), params={"n": MAX_TAG_LENGTH})
        names = normalise_tag_names(raw)
        if raw and not names:
            raise ValidationError(_("Tags need letters or digits."))
        if len(names) > self.max_tags:
            raise ValidationError(_("At most %(n)s tags."), params={"n": self.max_tags})
        return names


class CaseTagForm(forms.Form):
    """A member adds tags to a published case."""

    tags = TagsField(
        required=True,
        max_tags=5,
        label=_("Add tags"),
        help_text=_(
            "Separate tags with commas, for example: co-design, parking. Existing tags are suggested."
        ),
    )


def _sub_pillar_choices():
    edition = benchmark_selectors.default_edition()
    if edition is None:
        return SubPillar.objects.none()
    return SubPillar.objects.filter(edition=edition).order_by("sort_order", "key")


class SubPillarChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.key} {obj.name}"


class CaseSubmissionForm(forms.Form):
    """What a member writes about a practice case. Long texts are Markdown, sanitised when stored."""

    TEXT_FIELDS = ("description", "user_centricity", "impact")
    LINKS = 3

    title = forms.CharField(label=_("Name of the practice"), max_length=200)
    authorities = forms.ModelMultipleChoiceField(
        label=_("Authorities"),
        queryset=Authority.objects.order_by("name"),
        help_text=_("The city or region that runs it (choose several with Ctrl or Cmd)."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    summary = forms.CharField(
        label=_("In a nutshell"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what it is and for whom. Plain text."),
    )
    description = forms.CharField(
        label=_("How it works"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed: **bold**, *italic*, lists, [links](https://example.org)."),
    )
    user_centricity = forms.CharField(
        label=_("What makes it user-centric"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How users were involved, what changed for them. Markdown is allowed."),
    )
    impact = forms.CharField(
        label=_("Impact"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The results, with figures where you have them. Markdown is allowed."),
    )
    principles = forms.MultipleChoiceField(
        label=_("Tallinn Declaration principles it applies"),
        choices=Principle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sub_pillars = SubPillarChoiceField(
        label=_("Benchmark sub-pillars it addresses"),
        queryset=SubPillar.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_area = forms.ChoiceField(label=_("Service area"), choices=ServiceArea.choices)
    life_event = forms.ChoiceField(label=_("Life event"), choices=LifeEvent.choices, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=CaseStatus.choices, initial=CaseStatus.LIVE, widget=forms.RadioSelect
    )
    year_launched = forms.IntegerField(label=_("Year launched"), min_value=1990, max_value=2100)
    tags = TagsField(
        label=_("Tags"), help_text=_("Separate tags with commas, for example: co-design, parking.")
    )
    contact_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    contact_role = forms.CharField(label=_("Role"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.RegexField(
        label=_("Phone"),
        max_length=40,
        required=False,
        regex=r"^[0-9+()./ -]{5,40}$",
        error_messages={"invalid": _("Digits, spaces and + ( ) - . / only.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_pillars"].queryset = _sub_pillar_choices()
        for index in range(1, self.LINKS + 1):
            self.fields[f"link_{index}_title"] = forms.CharField(
                label=_("Link %(n)s: title") % {"n": index}, max_length=200, required=False
            )
            self.fields[f"link_{index}_url"] = forms.URLField(
                label=_("Link %(n)s: address") % {"n": index},
                required=False,
                assume_scheme="https",
                help_text=_("http or https only."),
            )

    def clean(self):
        cleaned = super().clean()
        for index in range(1, self.LINKS + 1):
            title, url = cleaned.get(f"link_{index}_title"), cleaned.get(f"link_{index}_url")
            if title and not url:
                self.add_error(f"link_{index}_url", _("Give the address of this link."))
            if url and not url.lower().startswith(("http://", "https://")):
                self.add_error(f"link_{index}_url", _("Only http and https addresses."))
        return cleaned

    def links(self) -> list[dict]:
        return [
            {
                "title": self.cleaned_data.get(f"link_{i}_title") or self.cleaned_data[f"link_{i}_url"],
                "url": self.cleaned_data[f"link_{i}_url"],
            }
            for i in range(1, self.LINKS + 1)
            if self.cleaned_data.get(f"link_{i}_url")
        ]

    @classmethod
    def initial_for(cls, case: PracticeCasePage) -> dict:
        """The form's values for revising a case: the Markdown the member wrote, the links, the tags."""
        from portal.sanitising import html_to_text

        initial = {
            "title": case.title,
            "authorities": list(case.authorities.all()),
            "summary": case.summary,
            "principles": list(case.principles),
            "sub_pillars": list(case.sub_pillars.all()),
            "service_area": case.service_area,
            "life_event": case.life_event,
            "status": case.status,
            "year_launched": case.year_launched,
            "tags": ", ".join(tag.name for tag in case.tags.all()),
            "contact_name": case.contact_name,
            "contact_role": case.contact_role,
            "contact_email": case.contact_email,
            "contact_phone": case.contact_phone,
        }
        source = case.submission_markdown or {}
        for name in cls.TEXT_FIELDS:
            initial[name] = source.get(name, html_to_text(getattr(case, name)))
        links = [block.value for block in case.resources if block.block_type == "link_block"]
        for index, link in enumerate(links[: cls.LINKS], start=1):
            initial[f"link_{index}_title"] = link["title"]
            initial[f"link_{index}_url"] = link["url"]
        return initial


class TagMergeForm(forms.Form):
    """Editors merge tags: every use of the merged tags moves to the kept one."""

    sources = forms.ModelMultipleChoiceField(
        label=_("Tags to merge"),
        queryset=Tag.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    target = forms.ModelChoiceField(label=_("Into this tag"), queryset=Tag.objects.order_by("name"))

    def clean(self):
        cleaned = super().clean()
        sources, target = cleaned.get("sources"), cleaned.get("target")
        if sources is not None and target is not None and list(sources) == [target]:
            raise ValidationError(_("Choose at least one tag other than the one you keep."))
        return cleaned
