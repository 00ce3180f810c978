"""`python -m claimmap suggest SOURCE --out FILE`: draft claims.csv rows and proposed speakers for
a new article, as a curator runs it against the (fixture) data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from claimmap.cli import main
from claimmap.drafting.suggest import draft_claims, speakers_file_for
from claimmap.tables.load import load_tables
from fixture_data import BUNDLED_DATA, MULTISOURCE_DATA

PUBLISHED = "2024-12-14"  # a Saturday
# Made-up sentences, each testing one rule; none is copied from the test articles.
ARTICLE = (
    "Rebels say Tartous harbour is empty\n"
    "DAMASCUS, 14 December 2024 (Example Wire)\n\n"
    "Two frigates left Tartus on Thursday evening, TASS said.\n\n"
    "“Every warship has sailed from the harbour of Tartous,” Hanna Berg, an imagery analyst with the "
    "research group Sea Lens, said on Friday, speaking in Damascus.\n\n"
    "Russia has not commented on the reports about Jableh.\n\n"
    "Russia is pulling its aircraft out of Hmeimim, according to the agency. "
    "The claim could not be verified.\n\n"
    "Rebels are believed to control Jablah, and more fighters are likely to arrive there in the coming days.\n"
)


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "new.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


@pytest.fixture
def suggested(data_dir: Path, article: Path, tmp_path: Path) -> tuple[list[dict[str, str]], Path]:
    """The drafts written for ARTICLE, checking that data/ is left byte for byte as it was."""
    before = {path: path.read_bytes() for path in sorted(data_dir.rglob("*"))}
    out = tmp_path / "drafts" / "new.csv"
    out.parent.mkdir()
    status = main(["suggest", str(article), "--data", str(data_dir), "--published", PUBLISHED, "--out", str(out)])
    assert status == 0
    assert {path: path.read_bytes() for path in sorted(data_dir.rglob("*"))} == before
    return rows_of(out), out


def drafted(rows: list[dict[str, str]], quote_start: str) -> dict[str, str]:
    found = [row for row in rows if row["quote"].startswith(quote_start)]
    assert len(found) == 1, (quote_start, [(r["place_id"], r["quote"]) for r in rows])
    return found[0]


def test_drafts_have_the_claims_header_and_ids_after_the_highest(suggested, data_dir: Path):
    rows, out = suggested
    header = (data_dir / "claims.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert out.read_text(encoding="utf-8").split("\n", 1)[0] == header
    assert [row["claim_id"] for row in rows] == [f"c{n:03d}" for n in range(38, 38 + len(rows))]


def test_quotes_are_clauses_found_at_their_offsets(suggested):
    rows, _ = suggested
    for row in rows:
        assert ARTICLE[int(row["quote_start"]) : int(row["quote_end"])] == row["quote"]
    assert drafted(rows, "Two frigates")["quote"] == "Two frigates left Tartus on Thursday evening"
    assert drafted(rows, "Every warship")["quote"] == "Every warship has sailed from the harbour of Tartous"


def test_ships_and_the_harbour_go_to_the_naval_facility_not_the_city(suggested):
    rows, _ = suggested
    assert not [row for row in rows if row["place_id"] == "tartus"]
    for start in ("Two frigates", "Every warship"):
        facility = drafted(rows, start)
        assert (facility["place_id"], facility["claim_type"], facility["actor_id"]) == (
            "tartus_naval_base",
            "withdrawal",
            "",
        )


def test_weekday_and_evening_are_resolved_against_the_publication_day(suggested):
    facility = drafted(suggested[0], "Two frigates")
    assert (facility["valid_from"], facility["valid_to"], facility["date_precision"]) == ("2024-12-12", "", "night")


def test_an_agency_said_is_reported_through_it(suggested):
    facility = drafted(suggested[0], "Two frigates")
    assert (facility["claimant"], facility["via"], facility["hedge"]) == ("tass", "", "reported")


def test_a_new_speaker_is_proposed_and_used_as_claimant(suggested):
    rows, out = suggested
    proposed = rows_of(speakers_file_for(out))
    assert [(p["speaker_id"], p["name"], p["kind"]) for p in proposed] == [
        ("hanna_berg", "Hanna Berg", "osint_aggregator")
    ]
    quoted = drafted(rows, "Every warship")
    assert (quoted["claimant"], quoted["reported_on"], quoted["hedge"]) == ("hanna_berg", "2024-12-13", "reported")


def test_speaker_location_actor_and_no_comment_are_not_claims(suggested):
    rows, _ = suggested
    places = {row["place_id"] for row in rows}
    assert "damascus" not in places  # 'speaking in Damascus', and the dateline
    assert "russia" not in places  # 'Russia is pulling ...' names the actor
    assert not [row for row in rows if "not commented" in row["quote"]]


def test_according_to_the_agency_refers_back_to_the_last_agency_named(suggested):
    hmeimim = drafted(suggested[0], "Russia is pulling")
    assert hmeimim["place_id"] == "khmeimim"
    assert (hmeimim["claimant"], hmeimim["actor_id"], hmeimim["claim_type"]) == ("tass", "russia", "withdrawal")
    assert hmeimim["hedge"] == "alleged"  # 'The claim could not be verified.' follows it


def test_hedges_and_a_future_window_in_the_source_s_own_voice(suggested):
    rows, _ = suggested
    jableh = [row for row in rows if row["place_id"] == "jableh"]
    assert [(r["claim_type"], r["claimant"], r["hedge"], r["date_precision"]) for r in jableh] == [
        ("control", "narrator", "presumed", "as_of_report"),
        ("arrival", "narrator", "presumed", "approximate"),
    ]
    assert (jableh[1]["valid_from"], jableh[1]["valid_to"]) == ("2024-12-15", "2024-12-21")
    assert jableh[1]["quote"] == "more fighters are likely to arrive there in the coming days"


def test_an_existing_drafts_file_is_kept_unless_forced(data_dir: Path, article: Path, tmp_path: Path, capsys):
    out = tmp_path / "new.csv"
    out.write_text("my edits\n", encoding="utf-8")
    command = ["suggest", str(article), "--data", str(data_dir), "--published", PUBLISHED, "--out", str(out)]
    assert main(command) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "my edits\n"
    assert main([*command, "--force"]) == 0
    assert rows_of(out)[0]["claim_id"] == "c038"


def test_drafts_are_never_written_into_the_data_directory(data_dir: Path, article: Path, capsys):
    out = data_dir / "drafts.csv"
    assert main(["suggest", str(article), "--data", str(data_dir), "--out", str(out)]) == 1
    assert "data directory" in capsys.readouterr().err
    assert not out.exists()


def test_a_registered_source_gives_its_id_and_publication_day(data_dir: Path, tmp_path: Path, capsys):
    seed = data_dir.parent / "seeds" / "000_ae3071192ac73a97.txt"
    out = tmp_path / "bundled.csv"
    assert main(["suggest", str(seed), "--data", str(data_dir), "--out", str(out)]) == 0
    rows = rows_of(out)
    assert {row["source_id"] for row in rows} == {"src000"}
    assert min(row["valid_from"] for row in rows) >= "2024-11-01"


def test_an_unregistered_source_says_to_add_it_first(data_dir: Path, article: Path, capsys):
    assert main(["suggest", str(article), "--data", str(data_dir), "--published", PUBLISHED]) == 0
    captured = capsys.readouterr()
    assert "add-source" in captured.err
    assert {row["source_id"] for row in csv.DictReader(io.StringIO(captured.out))} == {""}


def test_without_attribution_or_place_nothing_is_drafted():
    tables = load_tables(BUNDLED_DATA)
    drafts = draft_claims("Nobody could say how many people had left. It was cold.\n", tables, dt.date(2024, 12, 9))
    assert drafts.claims.empty
    assert list(drafts.claims.columns) == tables.package.resource("claims").column_names


def test_still_operating_from_a_base_is_a_facility_claim_that_a_following_disclaimer_hedges():
    text = (
        "TASS, citing a source in the Kremlin, reported that Russian aircraft were still operating from Hmeimim. "
        "The claim could not be independently verified.\n\n"
        "Rebels took control of Jableh, a resident said.\n\nThis could not be verified.\n"
    )
    claims = draft_claims(text, load_tables(BUNDLED_DATA), dt.date(2024, 12, 12)).claims.set_index("place_id")
    base = claims.loc["khmeimim"]
    assert (base["claim_type"], base["claimant"], base["via"]) == ("facility_operating", "kremlin_anon", "tass")
    assert base["hedge"] == "alleged"
    assert claims.at["jableh", "hedge"] == "reported"  # a disclaimer in another paragraph is about something else


@pytest.mark.parametrize("verb", ["no longer operating from", "stopped operating from"])
def test_no_longer_operating_from_a_base_is_not_drafted_as_operating(verb: str):
    text = f"Russian aircraft were {verb} Hmeimim, TASS reported.\n"
    claims = draft_claims(text, load_tables(BUNDLED_DATA), dt.date(2024, 12, 12)).claims
    assert "facility_operating" not in claims["claim_type"].tolist()


def drafts_of(text: str, published: dt.date = dt.date(2024, 12, 11)):
    return draft_claims(text, load_tables(MULTISOURCE_DATA), published)  # today's schema (movement, aliases)


def test_a_speaker_with_an_aside_before_said_is_the_claimant_and_no_place_becomes_a_voice():
    drafts = drafts_of(
        "Syrian state television, which now broadcasts under the new authorities, said government forces had "
        "withdrawn from Aleppo without a fight.\n\n"
        "A doctor in Jableh, who asked not to be named, said the rebels controlled Tartus.\n"
    )
    rows = drafts.claims.set_index("place_id")
    assert (rows.at["aleppo", "claim_type"], rows.at["aleppo", "claimant"]) == ("withdrawal", "syrian_state_tv")
    assert rows.at["aleppo", "quote"] == "government forces had withdrawn from Aleppo without a fight"
    assert rows.at["tartus", "claimant"] == "doctor_unnamed"
    assert drafts.speakers["name"].tolist() == ["doctor (unnamed)"]  # not 'Jableh', where he is


def test_an_aside_that_claims_something_keeps_its_claim():
    rows = drafts_of("Rebels, who entered Jableh on Monday, said they would push on.\n").claims
    assert rows[["place_id", "claim_type"]].values.tolist() == [["jableh", "entered"]]


def test_forces_on_the_move_and_the_naval_base_of_the_place_named_last():
    rows = drafts_of(
        "A Russian military convoy was seen driving towards Tartus on Tuesday, according to Rybar. "
        "The channel said the vehicles were probably heading for the naval base.\n"
    ).claims
    assert rows[["place_id", "claim_type", "claimant", "hedge"]].values.tolist() == [
        ["tartus", "movement", "rybar", "reported"],
        ["tartus_naval_base", "movement", "rybar", "presumed"],
    ]


def test_the_harbour_of_a_place_without_one_is_not_another_town_s():
    rows = drafts_of(
        "Frigates left Tartus on Monday, TASS said. Rebels entered Jableh on Tuesday, TASS said. "
        "Fishermen said warships had left the harbour.\n"
    ).claims
    assert rows["place_id"].tolist() == ["tartus_naval_base", "jableh"]


def test_an_unknown_voice_quoted_by_an_agency_is_the_claimant_and_the_agency_relays():
    drafts = drafts_of(
        "Interfax, quoting an unnamed official in Moscow, said Russian personnel were being evacuated from Tartus.\n"
    )
    (row,) = drafts.claims[["claimant", "via", "claim_type"]].values.tolist()
    assert row == ["official_unnamed", "interfax", "evacuation"]
    kinds = dict(drafts.speakers[["speaker_id", "kind"]].values.tolist())
    assert kinds == {"interfax": "", "official_unnamed": "anonymous"}  # the official's kind is not the agency's


def test_local_activists_are_a_voice_and_a_surrounded_base_is_isolated():
    drafts = drafts_of("Local activists said rebel units had surrounded the Khmeimim base.\n")
    assert drafts.claims[["place_id", "claim_type", "claimant"]].values.tolist() == [
        ["khmeimim", "facility_isolated", "activists_unnamed"]
    ]
