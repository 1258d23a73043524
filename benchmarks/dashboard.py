"""The ranking table's state in the query string: filters, sort column and direction, page.

Filtering, sorting and paging happen in the database (selectors.ranking_page), so the table works without
JavaScript (every column header is a link) and stays fast with many authorities. Text columns (rank,
authority) sort ascending first, score columns descending first.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .selectors import POPULATION_BANDS

TEXT_SORTS = ("rank", "authority")
SCORE_SORTS = ("percent",)


def natural_descending(sort: str) -> bool:
    return sort not in TEXT_SORTS


@dataclass(frozen=True)
class TableState:
    """What the visitor asked for in the query string, validated."""

    country: str = ""
    kind: str = ""
    population: str = ""
    sort: str = "rank"
    descending: bool = False
    page: int = 1

    def query(self, **changes: str) -> dict[str, str]:
        """Query parameters of this state with some changed, omitting defaults (short shareable URLs)."""
        values = {
            "country": self.country,
            "kind": self.kind,
            "population": self.population,
            "sort": self.sort,
        }
        values["dir"] = "desc" if self.descending else "asc"
        values["page"] = str(self.page) if self.page > 1 else ""
        values.update(changes)
        if values["dir"] == ("desc" if natural_descending(values["sort"]) else "asc"):
            values.pop("dir")
        if values["sort"] == "rank":
            values.pop("sort")
        return {key: value for key, value in values.items() if value}

    def sort_query(self, column: str) -> dict[str, str]:
        """The query for a column header link: toggles the direction if already sorted by it."""
        if self.sort == column:
            return self.query(sort=column, dir="asc" if self.descending else "desc", page="")
        return self.query(sort=column, dir="desc" if natural_descending(column) else "asc", page="")

    def aria_sort(self, column: str) -> str | None:
        if self.sort != column:
            return None
        return "descending" if self.descending else "ascending"


def read_state(
    params: Mapping[str, str], *, subpillar_keys: Sequence[str], kinds: Sequence[str]
) -> TableState:
    """Unknown values are dropped rather than refused: a shared link with a stale filter still works."""
    sort = params.get("sort", "rank")
    if sort not in TEXT_SORTS + SCORE_SORTS and sort not in subpillar_keys:
        sort = "rank"
    direction = params.get("dir")
    descending = direction == "desc" if direction in ("asc", "desc") else natural_descending(sort)
    population = params.get("population", "")
    kind = params.get("kind", "")
    country = params.get("country", "").strip().upper()
    page = params.get("page", "1")
    return TableState(
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        country=country if len(country) == 2 and country.isalpha() else "",
        kind=kind if kind in kinds else "",
        population=population if population in {key for key, *_ in POPULATION_BANDS} else "",
        sort=sort,
        descending=descending,
    )
