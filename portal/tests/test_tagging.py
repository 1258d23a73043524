import pytest
from taggit.models import Tag

from portal.tagging import clean_tag_name, normalise_tag_names, parse_tags, tag_slug


class TestTagNormaliser:
    @pytest.mark.parametrize(
        "name", ["Co-design", "co design", "co-design", "  CO   DESIGN ", "co_design", "#co-design"]
    )
    def test_spellings_share_one_slug(self, name):
        assert tag_slug(name) == "co-design"

    def test_clean_collapses_spaces_and_strips_punctuation(self):
        assert clean_tag_name("  open \t data, ") == "open data"

    @pytest.mark.django_db
    def test_existing_spelling_wins(self):
        Tag.objects.create(name="Co-design")
        assert normalise_tag_names(["co design", "CO-DESIGN", "GDPR", "gdpr"]) == ["Co-design", "GDPR"]

    @pytest.mark.django_db
    def test_legacy_tag_with_other_slug_is_found_by_name(self):
        Tag.objects.create(name="Open data", slug="open-data-legacy")
        assert normalise_tag_names(["open data"]) == ["Open data"]

    @pytest.mark.django_db
    def test_parse_tags_splits_on_commas_only_and_honours_quotes(self):
        assert parse_tags("co design, parking ,, !!") == ["co design", "parking"]
        assert parse_tags('"co design" parking') == ["co design", "parking"]

    @pytest.mark.django_db
    def test_admin_tag_field_uses_the_normaliser(self, settings):
        from wagtail.admin.forms.tags import TagField

        Tag.objects.create(name="Co-design")
        assert TagField().clean('"co design", "Co-Design"') == ["Co-design"]
