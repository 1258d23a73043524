"""Demo content of the benchmarks app: the 26 founding authorities and the dashboard page."""

import random
from typing import NamedTuple

from django.contrib.auth import get_user_model
from wagtail.models import Page

from portal.demo import ensure_child_page

from .factories import AuthorityFactory, DashboardPageFactory
from .models import Authority


class FoundingAuthority(NamedTuple):
    name: str
    country: str
    kind: str
    population: int
    website: str


CITY, REGION = Authority.Kind.CITY, Authority.Kind.REGION

# The 26 founding cities and regions of the UserCentriCities community. Populations are rounded recent
# official figures (city proper for cities, whole territory for regions).
FOUNDING_AUTHORITIES: tuple[FoundingAuthority, ...] = (
    FoundingAuthority("Espoo", "FI", CITY, 305_000, "https://www.espoo.fi"),
    FoundingAuthority("Milan", "IT", CITY, 1_371_000, "https://www.comune.milano.it"),
    FoundingAuthority("Murcia", "ES", CITY, 471_000, "https://www.murcia.es"),
    FoundingAuthority("Rotterdam", "NL", CITY, 664_000, "https://www.rotterdam.nl"),
    FoundingAuthority("Tallinn", "EE", CITY, 457_000, "https://www.tallinn.ee"),
    FoundingAuthority("Emilia-Romagna", "IT", REGION, 4_430_000, "https://www.regione.emilia-romagna.it"),
    FoundingAuthority("Arezzo", "IT", CITY, 97_000, "https://www.comune.arezzo.it"),
    FoundingAuthority("Barcelona", "ES", CITY, 1_660_000, "https://www.barcelona.cat"),
    FoundingAuthority("Catalonia", "ES", REGION, 8_000_000, "https://web.gencat.cat"),
    FoundingAuthority("Brussels-Capital Region", "BE", REGION, 1_240_000, "https://be.brussels"),
    FoundingAuthority("Ghent", "BE", CITY, 265_000, "https://stad.gent"),
    FoundingAuthority("Glasgow", "GB", CITY, 635_000, "https://www.glasgow.gov.uk"),
    FoundingAuthority("Gothenburg", "SE", CITY, 600_000, "https://goteborg.se"),
    FoundingAuthority("Helsinki", "FI", CITY, 674_000, "https://www.hel.fi"),
    FoundingAuthority("Kronoberg Region", "SE", REGION, 203_000, "https://www.regionkronoberg.se"),
    FoundingAuthority("Kyiv", "UA", CITY, 2_950_000, "https://kyivcity.gov.ua"),
    FoundingAuthority("Lisbon", "PT", CITY, 548_000, "https://www.lisboa.pt"),
    FoundingAuthority("Ljubljana", "SI", CITY, 295_000, "https://www.ljubljana.si"),
    FoundingAuthority("Madrid", "ES", CITY, 3_330_000, "https://www.madrid.es"),
    FoundingAuthority("Mataró", "ES", CITY, 129_000, "https://www.mataro.cat"),
    FoundingAuthority("Olesa de Montserrat", "ES", CITY, 24_000, "https://www.olesademontserrat.cat"),
    FoundingAuthority("Paris", "FR", CITY, 2_100_000, "https://www.paris.fr"),
    FoundingAuthority("Porto", "PT", CITY, 232_000, "https://www.porto.pt"),
    FoundingAuthority("Riga", "LV", CITY, 605_000, "https://www.riga.lv"),
    FoundingAuthority("Terrassa", "ES", CITY, 225_000, "https://www.terrassa.cat"),
    FoundingAuthority("Utrecht", "NL", CITY, 367_000, "https://www.utrecht.nl"),
)

DEMO_REPRESENTATIVES = {"representative@espoo.example.org": "Espoo"}


def load_authorities(*, rng: random.Random) -> list[Authority]:
    del rng  # the founding authorities are facts, not random
    authorities = []
    for founding in FOUNDING_AUTHORITIES:
        authority = AuthorityFactory(
            name=founding.name,
            country=founding.country,
            kind=founding.kind,
            population=founding.population,
            website=founding.website,
            email_domain=founding.website.split("//", 1)[1].removeprefix("www.").removeprefix("web."),
        )
        authorities.append(authority)
    User = get_user_model()
    for email, name in DEMO_REPRESENTATIVES.items():
        user = User.objects.filter(email=email).first()
        if user is not None:
            Authority.objects.get(name=name).representatives.add(user)
    return authorities


def load_pages(*, home: Page, rng: random.Random) -> Page:
    del rng
    return ensure_child_page(
        home,
        DashboardPageFactory,
        slug="dashboard",
        title="Benchmark dashboard",
        introduction="How user-centric are the digital public services of Europe's cities and regions? "
        "The ranking, pillar by pillar, from the answers authorities gave with evidence.",
    )
