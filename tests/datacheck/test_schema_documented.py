"""The live schema documents itself: every table is in the README, every column, claim type and
speaker kind has a description. It reads data/datapackage.json on purpose (the schema is the
documentation), and asks only what holds for any correct curation."""

import json

from claimmap.config import BUNDLED_DATA_DIR

REPO = BUNDLED_DATA_DIR.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
PACKAGE = json.loads((BUNDLED_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def test_every_table_is_in_the_readme_and_every_column_has_a_description():
    for resource in PACKAGE["resources"]:
        assert f"`{resource['path']}`" in README, resource["path"]
        for field in resource["schema"]["fields"]:
            assert field.get("description", "").strip(), f"{resource['path']}: {field['name']} has no description"


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
