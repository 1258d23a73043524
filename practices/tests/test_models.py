import pytest
from django.core.exceptions import ValidationError

from benchmarks.factories import AuthorityFactory, ucc_edition
from practices.factories import PracticeCasePageFactory
from practices.models import PracticeCasePage, validate_principles
from practices.selectors import cases_for_sub_pillar


class TestPrinciples:
    def test_known_codes_pass(self):
        validate_principles(["accessibility", "privacy"])

    @pytest.mark.parametrize("value", [["nope"], "privacy", ["privacy", "privacy"]])
    def test_bad_values_fail(self, value):
        with pytest.raises(ValidationError):
            validate_principles(value)

    def test_page_clean_checks_principles(self, library):
        case = PracticeCasePageFactory(parent=library)
        case.principles = ["not-a-principle"]
        with pytest.raises(ValidationError):
            case.full_clean()


class TestCasesForSubPillar:
    def test_live_cases_of_the_sub_pillar_key_in_any_edition(self, library):
        edition_2023 = ucc_edition("2023")
        edition_2022 = ucc_edition("2022")
        sp23 = edition_2023.subpillars.get(key="2.3")
        sp22 = edition_2022.subpillars.get(key="2.3")
        other = edition_2023.subpillars.get(key="1.1")
        ghent, milan = AuthorityFactory(name="Ghent"), AuthorityFactory(name="Milan")
        a = PracticeCasePageFactory(parent=library, authorities=[ghent], sub_pillars=[sp23])
        b = PracticeCasePageFactory(parent=library, authorities=[milan], sub_pillars=[sp22])
        PracticeCasePageFactory(parent=library, authorities=[milan], sub_pillars=[other])
        draft = PracticeCasePageFactory(parent=library, authorities=[ghent], sub_pillars=[sp23])
        draft.unpublish()
        assert set(cases_for_sub_pillar(sp23)) == {a, b}
        assert list(cases_for_sub_pillar(sp23, authorities=[ghent])) == [a]
        assert isinstance(next(iter(cases_for_sub_pillar(sp23))), PracticeCasePage)
