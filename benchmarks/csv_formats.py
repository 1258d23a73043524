"""Parsing of benchmark import files (pure Python, no Django; the import command calls it).

Two CSV formats are accepted, told apart by their header row (line 1). Comma or semicolon delimited,
UTF-8 with or without a byte order mark.

(a) Answers, one row per answer::

        authority,indicator,value,evidence
        Lisbon,sk_locauth_pos_serv_des,Yes,https://example.org/design-team

    The header is exactly these four columns (case-insensitive, surrounding spaces ignored). ``value`` is
    Yes, No or NA (case-insensitive); every Yes needs an evidence text (URL or description). An authority
    need not answer every indicator of the edition: indicators it has no row for count as NA (0 points,
    still in the denominator).

(b) Points, the original dashboard's open-data CSV, one row per authority::

        name,1.1 - Skills,1.2 - Strategies,...
        Lisbon,3/4,2/6,...

    The first column is ``name``; then one column per sub-pillar of the edition, named by its key alone
    (``1.1``) or key, dash and name (``1.1 - Skills``, ``1.1 – Skills``, ``1.1-Skills``). The name after
    the key is informational and not checked (editors may rename sub-pillars). Every sub-pillar of the
    edition needs its column; any other column (``Overall``, ``rank``, ``country``...) is ignored with a
    warning. Cells are ``yes/n`` (``4/6``, spaces tolerated) with 0 <= yes <= n and n > 0.

    n is normally the number of indicators of that sub-pillar in the edition. A different n is accepted
    with a warning and kept as it is: the original dashboard's published files carry their own
    denominators, and the portal must reproduce their percentages exactly.

Every problem found is collected with its line number (line 1 is the header) and raised together as one
:class:`CsvFormatError`; nothing partial is ever returned. Problems that do not stop an import are
returned as ``warnings`` of the parsed file (points format only), with their line numbers too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from benchmarks.scoring import Answer

__all__ = [
    "ANSWERS_HEADER",
    "AnswerRow",
    "AnswersFile",
    "CsvFormatError",
    "EditionSpec",
    "LineError",
    "PointsFile",
    "PointsRow",
    "SubPillarSpec",
    "decode_csv_bytes",
    "parse_benchmark_csv",
]

ANSWERS_HEADER = ("authority", "indicator", "value", "evidence")
_POINTS_NAME_COLUMN = "name"
_DELIMITERS = (",", ";")
_BOM = "\ufeff"
_ANSWER_BY_TEXT = {answer.value: answer for answer in Answer}
# "1.1", "1.1 - Skills", "1.1 – Skills", "1.1-Skills", "1.1 Skills": the key, then an optional name.
_COLUMN_RE = re.compile(r"^(?P<key>\d+(?:\.\d+)*)(?:\s*[-\u2010-\u2015\u2212:]\s*|\s+|$)")
_CELL_RE = re.compile(r"^\s*(?P<yes>[-+]?\d+)\s*/\s*(?P<total>[-+]?\d+)\s*$")


# --- Edition specification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubPillarSpec:
    key: str
    name: str
    indicator_codes: tuple[str, ...]

    @property
    def label(self) -> str:
        """The column name the original dashboard exported, e.g. ``1.1 - Skills``."""
        return f"{self.key} - {self.name}"


@dataclass(frozen=True)
class EditionSpec:
    """The sub-pillars of one framework edition, keyed and ordered as in the framework."""

    subpillars: Mapping[str, SubPillarSpec]

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for key, spec in self.subpillars.items():
            if key != spec.key:
                raise ValueError(f"sub-pillar mapped under {key!r} has key {spec.key!r}")
            if not spec.indicator_codes:
                raise ValueError(f"sub-pillar {key} has no indicators")
            for code in spec.indicator_codes:
                if code in seen:
                    raise ValueError(f"indicator {code!r} appears in sub-pillars {seen[code]} and {key}")
                seen[code] = key
        object.__setattr__(self, "subpillars", MappingProxyType(dict(self.subpillars)))

    @cached_property
    def subpillar_by_indicator(self) -> Mapping[str, str]:
        """Indicator code -> sub-pillar key."""
        return MappingProxyType(
            {code: spec.key for spec in self.subpillars.values() for code in spec.indicator_codes}
        )

    @cached_property
    def _indicator_by_folded_code(self) -> Mapping[str, str]:
        return {code.casefold(): code for code in self.subpillar_by_indicator}


# --- Errors ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


class CsvFormatError(Exception):
    """Every problem found in an import file, each with its line number (line 1 is the header)."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


# --- Results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    line: int
    authority: str
    indicator: str
    value: Answer
    evidence: str


@dataclass(frozen=True)
class AnswersFile:
    rows: tuple[AnswerRow, ...]

    @property
    def authorities(self) -> tuple[str, ...]:
        """The authority names in order of first appearance."""
        return tuple(dict.fromkeys(row.authority for row in self.rows))


@dataclass(frozen=True)
class PointsRow:
    line: int
    authority: str
    points: Mapping[str, tuple[int, int]]  # sub-pillar key -> (yes, n), in edition order


@dataclass(frozen=True)
class PointsFile:
    rows: tuple[PointsRow, ...]
    warnings: tuple[LineError, ...] = ()

    @property
    def authorities(self) -> tuple[str, ...]:
        return tuple(row.authority for row in self.rows)


# --- Decoding ----------------------------------------------------------------------------------------


def decode_csv_bytes(*, data: bytes) -> str:
    """Decode an uploaded file as UTF-8 (a leading byte order mark is dropped); nothing else is accepted."""
    bom = b"\xef\xbb\xbf"
    skip = len(bom) if data.startswith(bom) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise CsvFormatError(
            [
                LineError(
                    line,
                    f"the file is not valid UTF-8 (byte 0x{data[offset]:02X} at byte offset {offset}). "
                    "The file must be UTF-8: save or export it as 'CSV UTF-8' and upload it again.",
                )
            ]
        ) from exc


# --- Parsing -----------------------------------------------------------------------------------------


def parse_benchmark_csv(*, text: str, edition: EditionSpec) -> AnswersFile | PointsFile:
    """Parse an import file in either format; raise :class:`CsvFormatError` listing every problem."""
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise CsvFormatError([LineError(None, "the file is empty")])
    errors: list[LineError] = []
    try:
        delimiter = _detect_delimiter(text)
        rows = list(_read_rows(text, delimiter))
    except csv.Error as exc:
        raise CsvFormatError([LineError(None, f"the file is not valid CSV: {exc}")]) from exc
    (header_line, header), data_rows = rows[0], rows[1:]
    normalised = [cell.strip().lower() for cell in header]
    if tuple(normalised) == ANSWERS_HEADER:
        result: AnswersFile | PointsFile = _parse_answers(data_rows, edition, errors)
    elif normalised and normalised[0] == _POINTS_NAME_COLUMN:
        result = _parse_points(header_line, header, data_rows, edition, errors)
    else:
        errors.append(LineError(header_line, _unrecognised_header_message(header, delimiter, edition)))
    if not errors and not data_rows:
        errors.append(LineError(None, "the file has a header but no data rows"))
    if errors:
        raise CsvFormatError(errors)
    return result


def _read_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) of each non-blank record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _first_row(text: str, delimiter: str) -> list[str]:
    return next(_read_rows(text, delimiter))[1]


def _detect_delimiter(text: str) -> str:
    """The delimiter whose header is recognised, else the one splitting the header into most cells."""
    headers = {delimiter: _first_row(text, delimiter) for delimiter in _DELIMITERS}
    for delimiter, header in headers.items():
        normalised = [cell.strip().lower() for cell in header]
        if tuple(normalised) == ANSWERS_HEADER or (
            len(normalised) > 1 and normalised[0] == _POINTS_NAME_COLUMN
        ):
            return delimiter
    return max(_DELIMITERS, key=lambda delimiter: len(headers[delimiter]))


def _unrecognised_header_message(header: list[str], delimiter: str, edition: EditionSpec) -> str:
    columns = ", ".join(spec.label for spec in edition.subpillars.values())
    return (
        f"unrecognised header {delimiter.join(header)!r}. Expected either "
        f"'{','.join(ANSWERS_HEADER)}' (one row per answer) or 'name' followed by one column per "
        f"sub-pillar of this edition ({columns}; the key alone, e.g. '1.1', is enough)"
    )


def _normalise_name(name: str) -> str:
    return " ".join(name.split())


def _parse_answers(
    data_rows: list[tuple[int, list[str]]], edition: EditionSpec, errors: list[LineError]
) -> AnswersFile:
    result: list[AnswerRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in data_rows:
        if len(cells) != len(ANSWERS_HEADER):
            errors.append(
                LineError(
                    line,
                    f"expected {len(ANSWERS_HEADER)} cells ({', '.join(ANSWERS_HEADER)}), found {len(cells)}"
                    " (quote cells that contain the delimiter)",
                )
            )
            continue
        authority = _normalise_name(cells[0])
        raw_code, raw_value, evidence = cells[1].strip(), cells[2].strip(), cells[3].strip()
        row_ok = True
        if not authority:
            errors.append(LineError(line, "blank authority name"))
            row_ok = False
        code = edition._indicator_by_folded_code.get(raw_code.casefold())
        if code is None:
            errors.append(LineError(line, f"unknown indicator {raw_code!r} (not in this edition)"))
            row_ok = False
        value = _ANSWER_BY_TEXT.get(raw_value.lower())
        if value is None:
            errors.append(LineError(line, f"value {raw_value!r} must be Yes, No or NA"))
            row_ok = False
        elif value is Answer.YES and not evidence:
            errors.append(LineError(line, "evidence is required for every Yes answer"))
            row_ok = False
        if authority and code is not None:
            pair = (authority, code)
            if pair in first_line:
                errors.append(
                    LineError(
                        line,
                        f"duplicate answer for {authority!r} / {code} (first on line {first_line[pair]})",
                    )
                )
                row_ok = False
            else:
                first_line[pair] = line
        if row_ok and code is not None and value is not None:
            result.append(
                AnswerRow(line=line, authority=authority, indicator=code, value=value, evidence=evidence)
            )
    return AnswersFile(rows=tuple(result))


def _points_columns(
    header_line: int,
    header: list[str],
    edition: EditionSpec,
    errors: list[LineError],
    warnings: list[LineError],
) -> dict[int, str]:
    """Map column index -> sub-pillar key; unknown columns are warnings, duplicate and missing ones errors."""
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, title in enumerate(header[1:], start=1):
        match = _COLUMN_RE.match(title.strip())
        key = match["key"] if match else None
        if key is None or key not in edition.subpillars:
            warnings.append(
                LineError(
                    header_line,
                    f"column {title.strip()!r} (column {index + 1}) ignored: not a sub-pillar "
                    "of this edition",
                )
            )
        elif key in seen:
            errors.append(
                LineError(
                    header_line,
                    f"duplicate column for sub-pillar {key}: columns {seen[key] + 1} and {index + 1}",
                )
            )
        else:
            seen[key] = index
            columns[index] = key
    missing = [spec.label for key, spec in edition.subpillars.items() if key not in seen]
    if missing:
        errors.append(LineError(header_line, f"missing sub-pillar columns: {', '.join(missing)}"))
    return columns


def _parse_points(
    header_line: int,
    header: list[str],
    data_rows: list[tuple[int, list[str]]],
    edition: EditionSpec,
    errors: list[LineError],
) -> PointsFile:
    warnings: list[LineError] = []
    columns = _points_columns(header_line, header, edition, errors, warnings)
    result: list[PointsRow] = []
    first_line: dict[str, int] = {}
    for line, cells in data_rows:
        row_ok = True
        authority = _normalise_name(cells[0])
        if not authority:
            errors.append(LineError(line, "blank authority name"))
            row_ok = False
        elif authority in first_line:
            errors.append(
                LineError(line, f"duplicate row for {authority!r} (first on line {first_line[authority]})")
            )
            row_ok = False
        else:
            first_line[authority] = line
        if len(cells) != len(header):
            errors.append(
                LineError(line, f"expected {len(header)} cells like the header, found {len(cells)}")
            )
            continue
        points: dict[str, tuple[int, int]] = {}
        for index, key in columns.items():
            spec = edition.subpillars[key]
            column = header[index].strip()
            parsed = _parse_cell(cells[index], spec)
            if isinstance(parsed, str):
                errors.append(LineError(line, f"column {column!r}: {parsed}"))
                row_ok = False
                continue
            points[key] = parsed
            expected = len(spec.indicator_codes)
            if parsed[1] != expected:
                warnings.append(
                    LineError(
                        line,
                        f"column {column!r}: {cells[index].strip()!r}: n is {parsed[1]} but sub-pillar "
                        f"{spec.key} ({spec.name}) has {expected} indicators in this edition; "
                        f"the file's n = {parsed[1]} is kept",
                    )
                )
        if row_ok:
            ordered = {key: points[key] for key in edition.subpillars if key in points}
            result.append(PointsRow(line=line, authority=authority, points=MappingProxyType(ordered)))
    return PointsFile(rows=tuple(result), warnings=tuple(warnings))


def _parse_cell(cell: str, spec: SubPillarSpec) -> tuple[int, int] | str:
    """(yes, n) from a ``yes/n`` cell, or the error message. n may differ from the edition's count."""
    match = _CELL_RE.match(cell)
    if match is None:
        return f"{cell.strip()!r} is not of the form yes/n (e.g. 2/{len(spec.indicator_codes)})"
    yes, total = int(match["yes"]), int(match["total"])
    if yes < 0 or total < 0:
        return f"{cell.strip()!r}: negative numbers are not allowed"
    if total == 0:
        return f"{cell.strip()!r}: n must be at least 1"
    if yes > total:
        return f"{cell.strip()!r}: yes ({yes}) is greater than n ({total})"
    return yes, total
