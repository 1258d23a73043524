"""Filtering and sorting of the ranking table (pure functions over selectors.RankingRow).

Sorting happens on the server, so the table sorts without JavaScript: every column header is a link.
Text columns (rank, authority) sort ascending first, score columns descending first.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .selectors import POPULATION_BANDS, RankingRow

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

    def query(self, **changes: str) -> dict[str, str]:
        """Query parameters of this state with some changed, omitting defaults (short shareable URLs)."""
        values = {
            "country": self.country,
            "kind": self.kind,
            "population": self.population,
            "sort": self.sort,
        }
        values["dir"] = "desc" if self.descending else "asc"
        values.update(changes)
        if values["dir"] == ("desc" if natural_descending(values["sort"]) else "asc"):
            values.pop("dir")
        if values["sort"] == "rank":
            values.pop("sort")
        return {key: value for key, value in values.items() if value}

    def sort_query(self, column: str) -> dict[str, str]:
        """The query for a column header link: toggles the direction if already sorted by it."""
        if self.sort == column:
            return self.query(sort=column, dir="asc" if self.descending else "desc")
        return self.query(sort=column, dir="desc" if natural_descending(column) else "asc")

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
    return TableState(
        country=country if len(country) == 2 and country.isalpha() else "",
        kind=kind if kind in kinds else "",
        population=population if population in {key for key, *_ in POPULATION_BANDS} else "",
        sort=sort,
        descending=descending,
    )


def apply(rows: Sequence[RankingRow], state: TableState) -> list[RankingRow]:
    selected = [
        row
        for row in rows
        if (not state.country or row.authority.country == state.country)
        and (not state.kind or row.authority.kind == state.kind)
        and (not state.population or row.population_band == state.population)
    ]
    if state.sort == "rank":
        # Shared ranks keep the published order: higher overall value first, then by name.
        return sorted(
            selected, key=lambda row: (row.rank, -row.overall, row.authority.name), reverse=state.descending
        )
    if state.sort == "authority":
        return sorted(selected, key=lambda row: row.authority.name.casefold(), reverse=state.descending)
    if state.sort == "percent":
        ordered = sorted(selected, key=lambda row: row.authority.name)
        return sorted(ordered, key=lambda row: row.overall, reverse=state.descending)
    ordered = sorted(selected, key=lambda row: row.authority.name)
    return sorted(ordered, key=lambda row: _cell_value(row, state.sort), reverse=state.descending)


def _cell_value(row: RankingRow, subpillar_key: str):
    for cell in row.cells:
        if cell.subpillar.key == subpillar_key:
            return cell.value
    return -1
