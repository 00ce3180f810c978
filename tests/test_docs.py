"""The README and the schema stay honest about the commands and the columns."""

import json
import re
from pathlib import Path

from claimmap.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
PACKAGE = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_every_cli_command_is_in_the_readme():
    for name in [command.name for command in COMMANDS]:
        assert f"python -m claimmap {name}" in README, name
    assert "python -m geo" in README


def test_every_table_is_in_the_readme_and_every_column_has_a_description():
    for resource in PACKAGE["resources"]:
        assert f"`{resource['path']}`" in README, resource["path"]
        for field in resource["schema"]["fields"]:
            assert field.get("description", "").strip(), f"{resource['path']}: {field['name']} has no description"


def test_the_two_fresh_machine_commands_and_the_ci_test_command_agree():
    assert "scripts/run" in README and "scripts/test" in README
    assert "streamlit run dashboard.py" in (REPO / "scripts" / "run").read_text()
    assert re.search(r"^exec scripts/test\b", (REPO / ".ci" / "run").read_text(), re.M)


def categories_of(resource: str, field_name: str) -> list[dict]:
    (resource_spec,) = [r for r in PACKAGE["resources"] if r["name"] == resource]
    (field,) = [f for f in resource_spec["schema"]["fields"] if f["name"] == field_name]
    return field["categories"]


def test_every_claim_type_has_a_description_and_an_example():
    types = categories_of("claims", "claim_type")
    assert {"movement", "negotiation", "control", "facility_operating"} <= {t["value"] for t in types}
    for claim_type in types:
        assert claim_type["description"].strip() and claim_type["example"].strip(), claim_type["value"]


def test_every_speaker_kind_has_a_description():
    kinds = categories_of("speakers", "kind")
    assert {"anonymous", "unattributed", "narrator", "individual"} <= {k["value"] for k in kinds}
    assert all(kind["description"].strip() for kind in kinds)


def test_every_path_contributing_names_exists():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:claimmap|geo|tests|scripts|data|\.ci)/[\w./-]*|[\w-]+\.(?:py|yaml|md))`", text))
    assert "claimmap/analysis/filters.py" in paths
    assert [p for p in sorted(paths) if not (REPO / p).exists()] == []
