"""Response schemas of the open data API (benchmarks.api); they make its OpenAPI description."""

from ninja import Field, Schema
from pydantic import BaseModel


class Licence(Schema):
    name: str = Field(examples=["CC BY 4.0"])
    url: str
    attribution: str


class Error(Schema):
    detail: str = Field(description="What was not found or is not allowed.")


class Licensed(Schema):
    licence: Licence


class Page(Licensed):
    count: int = Field(description="Number of results matching the filters, over all pages.")
    next: str | None = Field(description="URL of the next page, null on the last one.")
    previous: str | None = Field(description="URL of the previous page, null on the first one.")


# Frameworks and editions ----------------------------------------------------------------------------


class EditionSummary(Schema):
    revision: str
    title: str
    is_open: bool
    pillars: int
    subpillars: int
    indicators: int
    published: int = Field(description="Authorities with a published result.")


class FrameworkOut(Schema):
    key: str
    name: str
    description: str
    editions: list[EditionSummary]


class FrameworkPage(Page):
    results: list[FrameworkOut]


class IndicatorOut(Schema):
    code: str
    question: str
    guidance: str
    evidence_required: bool


class SubPillarOut(Schema):
    key: str
    name: str
    description: str
    indicators: list[IndicatorOut]


class PillarOut(Schema):
    key: str
    name: str
    description: str
    subpillars: list[SubPillarOut]


class EditionOut(Licensed):
    framework: str
    revision: str
    title: str
    is_open: bool
    pillars: list[PillarOut]


# Authorities ----------------------------------------------------------------------------------------


class AuthorityOut(Schema):
    slug: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, empty when unknown.")
    kind: str = Field(description="city or region")
    population: int | None
    website: str


class AuthorityDetail(Licensed, AuthorityOut):
    pass


class AuthorityPage(Page):
    results: list[AuthorityOut]


# Scores ---------------------------------------------------------------------------------------------


# Ranking rows are plain pydantic models: the API builds them as dicts, and ninja's Schema reads every
# field of every nested object through its Django attribute getter, which made most of the time of a
# 500-row page. The OpenAPI description is the same.


class SubPillarScore(BaseModel):
    key: str
    yes: int
    total: int
    value: str = Field(description='Share of Yes, 2 decimals, e.g. "0.75".', examples=["0.75"])
    band: str = Field(description="low, medium or high")


class RankingRow(BaseModel):
    rank: int = Field(description="Equal displayed percentages share the rank of the first of them.")
    authority: str = Field(description="The authority's slug.")
    name: str
    country: str
    kind: str
    overall: str = Field(description="Mean of the sub-pillar values, 3 decimals.", examples=["0.505"])
    percent: int = Field(description="The overall value as a whole percentage (0.505 -> 51).")
    band: str
    subpillars: list[SubPillarScore]


class RankingPage(Page):
    framework: str
    edition: str
    results: list[RankingRow]


class ScoreOut(Licensed, RankingRow):
    framework: str
    edition: str
    authorities: int = Field(description="Authorities ranked in the edition.")
    version: int = Field(description="Version of the authority's published submission.")


class AnswerOut(Schema):
    authority: str = Field(description="The authority's slug.")
    indicator: str = Field(description="The indicator's code.")
    subpillar: str
    value: str = Field(description="yes, no or na (not answered)")
    evidence: str
    evidence_url: str


class AnswerPage(Page):
    framework: str
    edition: str
    results: list[AnswerOut]


# Peers ----------------------------------------------------------------------------------------------


class PeerOut(Schema):
    authority: str = Field(description="The peer's slug.")
    name: str
    country: str
    kind: str
    percent: int | None
    distance: float = Field(description="0 = identical on every compared variable; 3 decimals.")
    similar: list[str] = Field(description="Variables that bring the two close, closest first.")
    different: list[str] = Field(description="Variables that set them apart, most different first.")
    missing: list[str] = Field(description="Variables left out because one side lacks the figure.")
    explanation: str


class PeerGroupOut(Licensed):
    framework: str
    edition: str
    authority: str
    mode: str
    k: int
    results: list[PeerOut]
