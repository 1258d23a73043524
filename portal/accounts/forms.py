"""Forms of membership. Each re-renders with errors tied to its fields (aria-invalid, aria-describedby)."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.forms import TagField

from benchmarks.models import Authority

from .models import AuthorityJoinRequest
from .services import PROFILE_FIELDS

User = get_user_model()

PHOTO_TYPES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DOMAIN_RE = re.compile(r"^(?=.{3,100}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class AccessibleFormMixin:
    """Help texts and errors are announced with their field (aria-describedby, aria-invalid)."""

    def _describe(self):
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and self.errors.get(name):
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        self._describe()


def country_choices(blank_label=None):
    return [("", blank_label or _("Any country")), *countries]


class SignUpForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Your work address: we send a link to it to confirm it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=Authority.objects.order_by("name"),
        required=False,
        empty_label=_("Not an authority on the portal"),
        help_text=_(
            "If your city or region is not listed, ask to add it once you have confirmed your address."
        ),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("If you do not work for a listed authority: your organisation."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices(_("Choose a country")), required=False
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that members see my name, job title and authority."
        ),
    )
    # Honeypot: hidden from people (the `hidden` attribute), filled in by naive bots.
    homepage = forms.CharField(label=_("Leave this empty"), required=False)

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendConfirmationForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ConfirmEmailForm(forms.Form):
    """The button on the confirmation page (a POST, so link scanners in mailboxes confirm nothing)."""


def validate_photo(photo) -> None:
    max_bytes = getattr(settings, "MEMBER_PHOTO_MAX_BYTES", 2 * 1024 * 1024)
    if photo.size > max_bytes:
        raise forms.ValidationError(
            _("The photo is too large: at most %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    image = getattr(photo, "image", None)
    if image is not None:
        if image.format not in PHOTO_TYPES:
            raise forms.ValidationError(_("Use a JPEG, PNG or WebP photo."))
        if max(image.size) > 5000:
            raise forms.ValidationError(_("The photo is too large: at most 5000 pixels on a side."))


class ProfileForm(AccessibleFormMixin, forms.ModelForm):
    interests = TagField(
        label=_("Interests"),
        required=False,
        help_text=_("Topics, separated by commas, e.g. digital identity, accessibility, one-stop shop."),
    )
    follow_interests = forms.BooleanField(
        label=_("Follow these topics (new content about them comes in my digest)"),
        required=False,
        initial=True,
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional. JPEG, PNG or WebP, at most 2 MB."),
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_photo],
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {"email_frequency": _("E-mail me about my notifications and what I follow")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["authority"].queryset = Authority.objects.order_by("name")
        self.fields["authority"].empty_label = _("Not an authority on the portal")
        self.fields["authority"].help_text = _("Not listed? Ask to join with your authority (link below).")
        self.fields["organisation"].help_text = _("If you do not work for a listed authority.")
        if self.instance.pk and not self.is_bound:
            self.initial["interests"] = list(self.instance.interests.all())
        self._describe()


class AuthorityRequestForm(AccessibleFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("Official website"), max_length=200, assume_scheme="https")

    class Meta:
        model = AuthorityJoinRequest
        fields = ["name", "country", "kind", "website", "email_domain", "message"]

    def clean_email_domain(self):
        domain = self.cleaned_data["email_domain"].strip().lower().lstrip("@")
        if not DOMAIN_RE.match(domain):
            raise forms.ValidationError(_("Enter a domain such as espoo.fi, without @ or https://."))
        return domain

    def clean_website(self):
        website = self.cleaned_data["website"]
        if not website.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(
                _("Enter the address of the official website, starting with https://.")
            )
        return website


class DeleteAccountForm(AccessibleFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    delete_content = forms.BooleanField(
        label=_('Also delete what I wrote in discussions (otherwise it stays, signed "former member")'),
        required=False,
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, job title or organisation"), required=False, max_length=100)
    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=Authority.objects.none(),
        required=False,
        empty_label=_("Any authority"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    interest = forms.ChoiceField(label=_("Interest"), required=False)

    def __init__(self, *args, authorities, interests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["authority"].to_field_name = "slug"
        self.fields["country"].choices = country_choices()
        self.fields["interest"].choices = [("", _("Any interest")), *((t.slug, t.name) for t in interests)]


class AppointRepresentativeForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=Authority.objects.order_by("name"),
        empty_label=_("Choose an authority"),
    )


class DeclineRequestForm(forms.Form):
    note = forms.CharField(label=_("Why (sent to the person)"), required=False, max_length=2000)
