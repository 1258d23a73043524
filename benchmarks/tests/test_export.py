"""manage.py export_ranking: the open data of an edition as CSV or JSON (benchmarks.exports)."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmarks.factories import AuthorityFactory, ucc_edition
from benchmarks.importing import benchmark_import, edition_spec

pytestmark = pytest.mark.django_db

WORKED = "3/4,2/6,1/3,5/5,2/5,1/4,3/3,1/2,0/3,2/2,1/2,0/2"  # 0.505 -> 51 %
WORKED_PLUS = "3/4,2/6,1/3,5/5,2/5,1/4,3/3,1/2,1/3,2/2,1/2,0/2"  # 2.6 one more: 0.533 -> 53 %
FULL = "4/4,6/6,3/3,5/5,5/5,4/4,3/3,2/2,3/3,2/2,2/2,2/2"


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_ranking", *args, stdout=out)
    return out.getvalue()


def import_text(text: str, revision: str = "2023", name: str = "test.csv"):
    return benchmark_import(edition=ucc_edition(revision), data=text.encode(), filename=name)


@pytest.fixture
def ranking_2023():
    AuthorityFactory(name="Espoo", country="FI")
    AuthorityFactory(name="Catalonia", country="ES", kind="region")
    header = "name," + ",".join(
        s.label for s in edition_spec(edition=ucc_edition("2023")).subpillars.values()
    )
    import_text(f"{header}\nEspoo,{WORKED}\nCatalonia,{FULL}\nGhent,{WORKED_PLUS}\nLisbon,{WORKED}\n")


def test_ranking_csv(ranking_2023):
    text = export("--framework", "ucc", "--edition", "2023")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["rank", "authority", "percent", "country", "kind", "overall"]
    assert rows[0][6:] == [s.label for s in edition_spec(edition=ucc_edition("2023")).subpillars.values()]
    assert [row[:6] for row in rows[1:]] == [
        ["1", "Catalonia", "100", "ES", "region", "1.000"],
        ["2", "Ghent", "53", "", "city", "0.533"],
        ["3", "Espoo", "51", "FI", "city", "0.505"],
        ["3", "Lisbon", "51", "", "city", "0.505"],
    ]
    assert rows[3][6:] == WORKED.split(",")
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_ranking_json(ranking_2023):
    data = json.loads(export("--edition", "2023", "--format", "json"))
    assert (data["framework"], data["edition"], data["licence"]) == ("ucc", "2023", "CC BY 4.0")
    assert [(r["rank"], r["authority"], r["percent"], r["overall"]) for r in data["ranking"]] == [
        (1, "Catalonia", 100, "1.000"),
        (2, "Ghent", 53, "0.533"),
        (3, "Espoo", 51, "0.505"),
        (3, "Lisbon", 51, "0.505"),
    ]
    espoo = data["ranking"][2]
    assert espoo["slug"] == "espoo" and espoo["country"] == "FI"
    assert espoo["subpillars"][1] == {"key": "1.2", "yes": 2, "total": 6, "value": "0.33", "band": "low"}
    assert espoo["subpillars"][3] == {"key": "2.1", "yes": 5, "total": 5, "value": "1.00", "band": "high"}
    # Pillar averages by hand: pillar 1 = (6 + 13 + 6 + 6) / (4 x 13) = 31/52 = 0.596 -> 0.60;
    # pillar 2 = (12 + 22 + 13 + 12) / (4 x 22) = 59/88 = 0.670 -> 0.67;
    # pillar 3 = (3 + 6 + 3 + 3) / (4 x 6) = 15/24 = 0.625 -> 0.63 (half away from zero)
    assert [(a["pillar"], a["value"]) for a in data["pillar_averages"]] == [
        ("1", "0.60"),
        ("2", "0.67"),
        ("3", "0.63"),
    ]


def test_answers_csv_and_json():
    text = (
        "authority,indicator,value,evidence\n"
        "Lisbon,eco_api,Yes,https://dados.cm-lisboa.pt\n"
        "Lisbon,eco_eid,Yes,Uses the national eID (Chave Móvel Digital)\n"
        "Lisbon,sk_locauth_pos_serv_des,No,\n"
    )
    import_text(text)
    rows = list(csv.DictReader(io.StringIO(export("--edition", "2023", "--answers"))))
    assert len(rows) == 41
    assert list(rows[0]) == [
        "authority",
        "indicator",
        "value",
        "evidence",
        "evidence_url",
        "subpillar",
        "version",
    ]
    by_code = {row["indicator"]: row for row in rows}
    assert by_code["eco_api"] == {
        "authority": "Lisbon",
        "indicator": "eco_api",
        "value": "Yes",
        "evidence": "",
        "evidence_url": "https://dados.cm-lisboa.pt",
        "subpillar": "1.3",
        "version": "1",
    }
    assert by_code["eco_eid"]["evidence"] == "Uses the national eID (Chave Móvel Digital)"
    assert by_code["sk_locauth_pos_serv_des"]["value"] == "No"
    assert by_code["co_codesign"]["value"] == "NA"
    assert rows[0]["indicator"] == "sk_locauth_pos_serv_des"  # framework order

    data = json.loads(export("--edition", "2023", "--answers", "--format", "json"))
    assert data["edition"] == "2023" and len(data["answers"]) == 41
    api = next(a for a in data["answers"] if a["indicator"] == "eco_api")
    assert api == {
        "authority": "Lisbon",
        "indicator": "eco_api",
        "subpillar": "1.3",
        "value": "yes",
        "evidence": "",
        "evidence_url": "https://dados.cm-lisboa.pt",
    }


def test_only_published_results_are_exported(ranking_2023):
    header = "name," + ",".join(
        s.label for s in edition_spec(edition=ucc_edition("2023")).subpillars.values()
    )
    import_text(f"{header}\nEspoo,{FULL}\n")  # Espoo v2 supersedes v1
    rows = list(csv.DictReader(io.StringIO(export("--edition", "2023"))))
    assert [(r["rank"], r["authority"], r["percent"]) for r in rows] == [
        ("1", "Catalonia", "100"),
        ("1", "Espoo", "100"),
        ("3", "Ghent", "53"),
        ("4", "Lisbon", "51"),
    ]


def test_default_edition_and_errors(ranking_2023):
    assert export() == export("--edition", "2023")  # the newest edition with published results
    assert export("--edition", "2022") == (
        "rank,authority,percent,country,kind,overall,"
        + ",".join(s.label for s in edition_spec(edition=ucc_edition("2022")).subpillars.values())
        + "\n"
    )
    with pytest.raises(CommandError, match="has no edition '1999'"):
        export("--edition", "1999")
    with pytest.raises(CommandError, match="unknown framework 'x'"):
        export("--framework", "x", "--edition", "2023")
