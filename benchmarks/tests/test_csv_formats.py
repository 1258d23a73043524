"""Tests of the benchmark import file formats (benchmarks.csv_formats)."""

import pytest

from benchmarks.csv_formats import (
    AnswerRow,
    AnswersFile,
    CsvFormatError,
    EditionSpec,
    LineError,
    PointsFile,
    SubPillarSpec,
    decode_csv_bytes,
    parse_benchmark_csv,
)
from benchmarks.framework_data import read_framework_file
from benchmarks.scoring import Answer, score_points

# A small edition: 1.1 has 2 indicators, 1.2 has 3.
SMALL = EditionSpec(
    subpillars={
        "1.1": SubPillarSpec(key="1.1", name="Skills", indicator_codes=("sk_a", "sk_b")),
        "1.2": SubPillarSpec(key="1.2", name="Strategies", indicator_codes=("st_a", "st_b", "st_c")),
    }
)


def edition_from_framework(data: dict, revision: str) -> EditionSpec:
    """The spec of one edition of the framework file the portal ships (benchmarks/frameworks/ucc.yaml)."""
    [edition] = [e for e in data["editions"] if e["revision"] == revision]
    return EditionSpec(
        subpillars={
            sub["key"]: SubPillarSpec(
                key=sub["key"], name=sub["name"], indicator_codes=tuple(i["code"] for i in sub["indicators"])
            )
            for pillar in edition["pillars"]
            for sub in pillar["sub_pillars"]
        }
    )


@pytest.fixture(scope="module")
def edition_2023() -> EditionSpec:
    return edition_from_framework(read_framework_file("ucc"), "2023")


def parse_errors(text: str, edition: EditionSpec = SMALL) -> list[str]:
    with pytest.raises(CsvFormatError) as info:
        parse_benchmark_csv(text=text, edition=edition)
    return [str(error) for error in info.value.errors]


# --- EditionSpec -------------------------------------------------------------------------------------


def test_edition_spec_indicator_map():
    assert dict(SMALL.subpillar_by_indicator) == {
        "sk_a": "1.1",
        "sk_b": "1.1",
        "st_a": "1.2",
        "st_b": "1.2",
        "st_c": "1.2",
    }
    assert SMALL.subpillars["1.2"].label == "1.2 - Strategies"


def test_edition_spec_rejects_inconsistent_input():
    with pytest.raises(ValueError, match="no indicators"):
        EditionSpec(subpillars={"1.1": SubPillarSpec(key="1.1", name="Skills", indicator_codes=())})
    with pytest.raises(ValueError, match="has key"):
        EditionSpec(subpillars={"1.1": SubPillarSpec(key="1.2", name="Skills", indicator_codes=("a",))})
    with pytest.raises(ValueError, match="'a' appears in sub-pillars 1.1 and 1.2"):
        EditionSpec(
            subpillars={
                "1.1": SubPillarSpec(key="1.1", name="A", indicator_codes=("a",)),
                "1.2": SubPillarSpec(key="1.2", name="B", indicator_codes=("a",)),
            }
        )


def test_real_2023_edition(edition_2023):
    assert list(edition_2023.subpillars) == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3",
    ]  # fmt: skip
    assert len(edition_2023.subpillar_by_indicator) == 41
    assert [len(s.indicator_codes) for s in edition_2023.subpillars.values()] == [
        4,
        6,
        3,
        5,
        5,
        4,
        3,
        2,
        3,
        2,
        2,
        2,
    ]


# --- Format (a): answers -----------------------------------------------------------------------------


def test_answers_file_parses():
    text = (
        "authority,indicator,value,evidence\n"
        "Lisbon,sk_a,Yes,https://example.org/a\n"
        "Lisbon,st_b,no,\n"
        '"Ghent",ST_C,NA,"not, applicable"\n'
        "Lisbon,sk_b,YES,described in the annual report\n"
    )
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert isinstance(result, AnswersFile)
    assert result.rows == (
        AnswerRow(
            line=2, authority="Lisbon", indicator="sk_a", value=Answer.YES, evidence="https://example.org/a"
        ),
        AnswerRow(line=3, authority="Lisbon", indicator="st_b", value=Answer.NO, evidence=""),
        AnswerRow(line=4, authority="Ghent", indicator="st_c", value=Answer.NA, evidence="not, applicable"),
        AnswerRow(
            line=5,
            authority="Lisbon",
            indicator="sk_b",
            value=Answer.YES,
            evidence="described in the annual report",
        ),
    )
    assert result.authorities == ("Lisbon", "Ghent")


def test_answers_header_variants_semicolon_bom_and_crlf():
    text = "\ufeff Authority ; INDICATOR;Value ;Evidence\r\nTartu;sk_a;yes;https://x.ee, see page 2\r\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert isinstance(result, AnswersFile)
    assert result.rows[0].authority == "Tartu"
    assert result.rows[0].evidence == "https://x.ee, see page 2"
    assert result.rows[0].line == 2


def test_answers_multiline_evidence_keeps_first_line_number():
    text = 'authority,indicator,value,evidence\nEspoo,sk_a,Yes,"first line\nsecond line"\nEspoo,sk_b,maybe,\n'
    errors = parse_errors(text)
    assert errors == ["line 4: value 'maybe' must be Yes, No or NA"]


def test_answers_blank_lines_are_skipped_but_counted():
    text = "authority,indicator,value,evidence\n\nLisbon,sk_a,No,\n,,,\nLisbon,sk_b,No,\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert [row.line for row in result.rows] == [3, 5]


def test_answers_errors_are_all_collected_with_line_numbers():
    text = (
        "authority,indicator,value,evidence\n"
        "Lisbon,sk_a,Yes,https://example.org\n"  # 2 ok
        "Lisbon,nope,No,\n"  # 3 unknown indicator
        "Lisbon,sk_b,Perhaps,\n"  # 4 bad value
        "Lisbon,st_a,Yes,  \n"  # 5 yes without evidence
        "Lisbon,sk_a,No,\n"  # 6 duplicate pair
        " ,st_b,No,\n"  # 7 blank authority
        "Lisbon,st_c,No\n"  # 8 wrong number of cells
    )
    assert parse_errors(text) == [
        "line 3: unknown indicator 'nope' (not in this edition)",
        "line 4: value 'Perhaps' must be Yes, No or NA",
        "line 5: evidence is required for every Yes answer",
        "line 6: duplicate answer for 'Lisbon' / sk_a (first on line 2)",
        "line 7: blank authority name",
        "line 8: expected 4 cells (authority, indicator, value, evidence), found 3 "
        "(quote cells that contain the delimiter)",
    ]


def test_answers_duplicate_pair_detected_case_insensitively_on_code():
    text = "authority,indicator,value,evidence\nLisbon,sk_a,No,\nLisbon,SK_A,No,\n"
    assert parse_errors(text) == ["line 3: duplicate answer for 'Lisbon' / sk_a (first on line 2)"]


def test_answers_with_real_edition(edition_2023):
    text = (
        "authority,indicator,value,evidence\nLisbon,eco_api,Yes,https://api.lisboa.pt\nLisbon,env_co2,No,\n"
    )
    # env_co2 belonged to the 2022 revision only
    assert parse_errors(text, edition_2023) == ["line 3: unknown indicator 'env_co2' (not in this edition)"]


# --- Format (b): points ------------------------------------------------------------------------------


def test_points_file_parses_in_edition_order():
    text = "name,1.2 - Strategies,1.1 - Skills\nLisbon,2/3,1/2\nGhent, 0 / 3 ,2/2\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert isinstance(result, PointsFile)
    assert result.authorities == ("Lisbon", "Ghent")
    assert [row.line for row in result.rows] == [2, 3]
    assert list(result.rows[0].points.items()) == [("1.1", (1, 2)), ("1.2", (2, 3))]
    assert dict(result.rows[1].points) == {"1.1": (2, 2), "1.2": (0, 3)}


@pytest.mark.parametrize(
    "header",
    [
        "name,1.1,1.2",
        "Name,1.1 - Skills,1.2 - Strategies",
        "NAME , 1.1 – Skills , 1.2 — Strategies",
        "name,1.1-Skills,1.2-Strategies",
        "name,1.1 Skills,1.2:Strategies",
        "name,1.1 - Renamed in the CMS,1.2",
    ],
)
def test_points_header_variants(header):
    result = parse_benchmark_csv(text=f"{header}\nLisbon,1/2,3/3\n", edition=SMALL)
    assert isinstance(result, PointsFile)
    assert dict(result.rows[0].points) == {"1.1": (1, 2), "1.2": (3, 3)}


def test_points_semicolon_delimiter_and_bom():
    text = "\ufeffname;1.1 - Skills;1.2 - Strategies\nSan Sebastián;0/2;1/3\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert result.authorities == ("San Sebastián",)
    assert dict(result.rows[0].points) == {"1.1": (0, 2), "1.2": (1, 3)}


def test_points_header_errors():
    errors = parse_errors("name,1.1 - Skills,9.9 - Unknown,Remarks,1.1\nLisbon,1/2,1/1,x,2/2\n")
    assert errors == [
        "line 1: duplicate column for sub-pillar 1.1: columns 2 and 5",
        "line 1: missing sub-pillar columns: 1.2 - Strategies",
    ]


def test_points_unknown_columns_are_ignored_with_a_warning():
    text = "name,Overall,1.1 - Skills,rank,1.2,country,9.9 - Unknown\nLisbon,0.505,1/2,3,2/3,PT,1/1\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert isinstance(result, PointsFile)
    assert dict(result.rows[0].points) == {"1.1": (1, 2), "1.2": (2, 3)}
    assert [str(w) for w in result.warnings] == [
        "line 1: column 'Overall' (column 2) ignored: not a sub-pillar of this edition",
        "line 1: column 'rank' (column 4) ignored: not a sub-pillar of this edition",
        "line 1: column 'country' (column 6) ignored: not a sub-pillar of this edition",
        "line 1: column '9.9 - Unknown' (column 7) ignored: not a sub-pillar of this edition",
    ]


def test_points_file_without_problems_has_no_warnings():
    result = parse_benchmark_csv(text="name,1.1,1.2\nLisbon,1/2,3/3\n", edition=SMALL)
    assert result.warnings == ()


@pytest.mark.parametrize(
    "header",
    ["authority,1.1,1.2", "rank,name,1.1,1.2", "city,1.1 - Skills,1.2 - Strategies", ",1.1,1.2"],
)
def test_points_header_must_start_with_name(header):
    (error,) = parse_errors(f"{header}\nLisbon,1/2,3/3\n")
    assert error.startswith("line 1: unrecognised header")


def test_points_n_differing_from_the_edition_is_a_warning_and_kept():
    text = "name,1.1,1.2\nLisbon,1/2,3/3\nTartu,1/3,1/4\nGhent,2/2,0/2\n"
    result = parse_benchmark_csv(text=text, edition=SMALL)
    assert [dict(row.points) for row in result.rows] == [
        {"1.1": (1, 2), "1.2": (3, 3)},
        {"1.1": (1, 3), "1.2": (1, 4)},
        {"1.1": (2, 2), "1.2": (0, 2)},
    ]
    assert [str(w) for w in result.warnings] == [
        "line 3: column '1.1': '1/3': n is 3 but sub-pillar 1.1 (Skills) has 2 indicators in this edition; "
        "the file's n = 3 is kept",
        "line 3: column '1.2': '1/4': n is 4 but sub-pillar 1.2 (Strategies) has 3 indicators in this "
        "edition; the file's n = 4 is kept",
        "line 4: column '1.2': '0/2': n is 2 but sub-pillar 1.2 (Strategies) has 3 indicators in this "
        "edition; the file's n = 2 is kept",
    ]


def test_points_row_errors_are_all_collected_with_line_numbers():
    text = (
        "name,1.1,1.2\n"
        "Lisbon,1/2,3/3\n"  # 2 ok
        "Ghent,3/2,1/3\n"  # 3 yes > n
        "Tartu,1/0,0/0\n"  # 4 n = 0 (twice)
        "Espoo,one/2,\n"  # 5 not a/b (twice)
        "Turin,-1/2,1/-3\n"  # 6 negative numbers
        " ,1/2,1/3\n"  # 7 blank name
        "lisbon ,1/2,1/3\n"  # 8 not a duplicate (case differs)
        " Lisbon,0/2,0/3\n"  # 9 duplicate
        "Porto,1/2\n"  # 10 wrong number of cells
    )
    assert parse_errors(text) == [
        "line 3: column '1.1': '3/2': yes (3) is greater than n (2)",
        "line 4: column '1.1': '1/0': n must be at least 1",
        "line 4: column '1.2': '0/0': n must be at least 1",
        "line 5: column '1.1': 'one/2' is not of the form yes/n (e.g. 2/2)",
        "line 5: column '1.2': '' is not of the form yes/n (e.g. 2/3)",
        "line 6: column '1.1': '-1/2': negative numbers are not allowed",
        "line 6: column '1.2': '1/-3': negative numbers are not allowed",
        "line 7: blank authority name",
        "line 9: duplicate row for 'Lisbon' (first on line 2)",
        "line 10: expected 3 cells like the header, found 2",
    ]


def test_points_7_of_6_in_real_edition(edition_2023):
    header = "name," + ",".join(spec.label for spec in edition_2023.subpillars.values())
    worked = "3/4,2/6,1/3,5/5,2/5,1/4,3/3,1/2,0/3,2/2,1/2,0/2"
    result = parse_benchmark_csv(text=f"{header}\nLisbon,{worked}\n", edition=edition_2023)
    assert score_points(points=result.rows[0].points).percent == 51
    assert result.warnings == ()
    bad = worked.replace("2/6", "7/6", 1).replace("1/3", "1/4", 1)
    # 1.3's 1/4 alone would only be a warning; 7/6 is an error and nothing is returned.
    assert parse_errors(f"{header}\nLisbon,{bad}\n", edition_2023) == [
        "line 2: column '1.2 - Strategies': '7/6': yes (7) is greater than n (6)",
    ]


def test_points_2022_file_against_2023_edition(edition_2023):
    # The 2022 revision had no 2.6 and an extra 3.4.
    keys = [k for k in edition_2023.subpillars if k != "2.6"] + ["3.4"]
    errors = parse_errors("name," + ",".join(keys) + "\nLisbon" + ",1/2" * len(keys) + "\n", edition_2023)
    assert errors == ["line 1: missing sub-pillar columns: 2.6 - Interoperability"]


# --- Whole file --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff", "\r\n"])
def test_empty_file(text):
    with pytest.raises(CsvFormatError) as info:
        parse_benchmark_csv(text=text, edition=SMALL)
    assert info.value.errors == [LineError(None, "the file is empty")]
    assert str(info.value) == "the file is empty"


@pytest.mark.parametrize("header", ["authority,indicator,value,evidence", "name,1.1,1.2"])
def test_header_only(header):
    assert parse_errors(header + "\n") == ["the file has a header but no data rows"]


def test_unrecognised_header_lists_expected_columns():
    (error,) = parse_errors("city,score\nLisbon,51\n")
    assert error.startswith("line 1: unrecognised header 'city,score'")
    assert "'authority,indicator,value,evidence'" in error
    assert "1.1 - Skills, 1.2 - Strategies" in error


def test_unrecognised_header_answers_with_extra_column():
    (error,) = parse_errors("authority;indicator;value;evidence;comment\nLisbon;sk_a;No;;\n")
    assert error.startswith("line 1: unrecognised header 'authority;indicator;value;evidence;comment'")


def test_error_str_joins_lines():
    error = CsvFormatError([LineError(3, "bad"), LineError(None, "worse")])
    assert str(error) == "line 3: bad\nworse"


# --- Decoding ----------------------------------------------------------------------------------------


def test_decode_utf8_with_and_without_bom():
    text = "name,1.1,1.2\nMálaga,1/2,1/3\n"
    assert decode_csv_bytes(data=text.encode("utf-8")) == text
    assert decode_csv_bytes(data=b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_decode_rejects_latin1_with_line_and_offset():
    data = "name,1.1,1.2\nLisbon,1/2,1/3\nMálaga,1/2,1/3\n".encode("latin-1")
    with pytest.raises(CsvFormatError) as info:
        decode_csv_bytes(data=data)
    (error,) = info.value.errors
    offset = data.index(b"\xe1")
    assert error.line == 3
    assert f"byte offset {offset}" in error.message
    assert "0xE1" in error.message
    assert "must be UTF-8" in error.message


def test_decode_offset_counts_the_bom():
    data = b"\xef\xbb\xbfname\n\xff"
    with pytest.raises(CsvFormatError) as info:
        decode_csv_bytes(data=data)
    (error,) = info.value.errors
    assert error.line == 2
    assert "byte offset 8" in error.message
