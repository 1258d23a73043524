"""Install a benchmark framework from its data file (benchmarks/frameworks/<key>.yaml).

Used by the data migration (with historical models) and by tests. Idempotent: existing editions,
pillars, sub-pillars and indicators are matched by key/code; texts edited in the CMS are kept.
"""

from pathlib import Path

import yaml

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"


def read_framework_file(key: str) -> dict:
    with open(FRAMEWORKS_DIR / f"{key}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def install_framework(*, data: dict, models) -> None:
    """`models` is anything with attributes Framework, Edition, Pillar, SubPillar, Indicator."""
    framework, _ = models.Framework.objects.get_or_create(
        key=data["key"], defaults={"name": data["name"], "description": data.get("description", "")}
    )
    for edition_data in data["editions"]:
        edition, _ = models.Edition.objects.get_or_create(
            framework=framework, revision=edition_data["revision"], defaults={"title": edition_data["title"]}
        )
        for p_order, pillar_data in enumerate(edition_data["pillars"]):
            pillar, _ = models.Pillar.objects.get_or_create(
                edition=edition,
                key=pillar_data["key"],
                defaults={
                    "name": pillar_data["name"],
                    "description": pillar_data.get("description", ""),
                    "sort_order": p_order,
                },
            )
            for s_order, sub_data in enumerate(pillar_data["sub_pillars"]):
                subpillar, _ = models.SubPillar.objects.get_or_create(
                    edition=edition,
                    key=sub_data["key"],
                    defaults={
                        "pillar": pillar,
                        "name": sub_data["name"],
                        "description": sub_data.get("description", ""),
                        "sort_order": p_order * 100 + s_order,
                    },
                )
                for i_order, indicator_data in enumerate(sub_data["indicators"]):
                    models.Indicator.objects.get_or_create(
                        edition=edition,
                        code=indicator_data["code"],
                        defaults={
                            "subpillar": subpillar,
                            "question": indicator_data["question"],
                            "guidance": indicator_data.get("guidance", ""),
                            "sort_order": i_order,
                        },
                    )
