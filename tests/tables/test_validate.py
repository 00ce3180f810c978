"""Cross-table validation: one test per kind of problem, each checking that valid rows still load."""

import shutil

import pytest

from claimmap.cli import main
from claimmap.tables.validate import data_fingerprint, load_and_validate
from fixture_data import MULTISOURCE

SEED = "seeds/000_ae3071192ac73a97.txt"
CLAIM_IDS = {f"c{n:03d}" for n in range(1, 38)}


def shown(tables):
    return [str(p) for p in tables.problems]


def claim_ids(tables):
    return set(tables.claims["claim_id"])


@pytest.fixture
def claim_line(line_of):
    return lambda claim_id: line_of("claims.csv", claim_id + ",")


def test_bundled_copy_has_no_problems(data_dir):
    tables = load_and_validate(data_dir)
    assert shown(tables) == []
    assert claim_ids(tables) == CLAIM_IDS


@pytest.mark.parametrize(
    "old, new, claim_id, expected",
    [
        # a schema foreign key
        (
            "c017,src000,jableh,",
            "c017,src000,jabaleh,",
            "c017",
            "place_id: no place_id 'jabaleh' in data/places.csv (did you mean 'jableh'?)",
        ),
        (
            "c035,src000,moscow,,assad,",
            "c035,src000,moscow,,asad,",
            "c035",
            "actor_id: no actor_id 'asad' in data/actors.csv (did you mean 'assad'?)",
        ),
        # an id inside the '>'-separated via list; the first one is fine
        (
            'day,opposition_command,syrian_state_tv,reported,C,2,false,,"On December 8',
            'day,opposition_command,syrian_state_tv>tas,reported,C,2,false,,"On December 8',
            "c031",
            "via: no speaker_id 'tas' in data/speakers.csv (did you mean 'tass'?)",
        ),
        # an id inside the '|'-separated contradicts list
        (
            "true,c010|c020,",
            "true,c010|c0200,",
            "c026",
            "contradicts: no claim_id 'c0200' in data/claims.csv (did you mean 'c020'?)",
        ),
        ("true,c010|c020,", "true,c010|c026,", "c026", "contradicts: claim lists itself in contradicts; remove 'c026'"),
        (
            "2024-12-08,2024-12-09,approximate,bssi",
            "2024-12-08,2024-12-01,approximate,bssi",
            "c024",
            "valid_to: valid_to 2024-12-01 is before valid_from 2024-12-08; swap them or fix one",
        ),
    ],
)
def test_bad_claim_reference_or_date_is_reported_and_only_that_claim_dropped(
    data_dir, edit, claim_line, old, new, claim_id, expected
):
    edit("claims.csv", old, new)
    tables = load_and_validate(data_dir)
    assert shown(tables) == [f"data/claims.csv:{claim_line(claim_id)}: {expected}"]
    assert claim_ids(tables) == CLAIM_IDS - {claim_id}


def test_dropped_row_takes_the_rows_referring_to_it_along(data_dir, edit, claim_line):
    edit("speakers.csv", "anonymous Kremlin source,anonymous,russia,", "anonymous Kremlin source,anonymous,rusia,")
    tables = load_and_validate(data_dir)
    assert shown(tables) == [
        "data/speakers.csv:4: actor_id: no actor_id 'rusia' in data/actors.csv (did you mean 'russia'?)",
        *(
            f"data/claims.csv:{claim_line(c)}: claimant: 'kremlin_anon' refers to data/speakers.csv:4, which has "
            "problems; fix that row first"
            for c in ("c002", "c003", "c004", "c005")
        ),
    ]
    assert claim_ids(tables) == CLAIM_IDS - {"c002", "c003", "c004", "c005"}
    assert "kremlin_anon" not in set(tables.speakers["speaker_id"])


def test_contradiction_with_a_dropped_claim_is_only_a_warning(data_dir, edit, claim_line):
    edit("claims.csv", "c010,src000,khmeimim,", "c010,src000,khmeimim_base,")
    tables = load_and_validate(data_dir)
    assert shown(tables) == [
        f"data/claims.csv:{claim_line('c010')}: place_id: no place_id 'khmeimim_base' in data/places.csv "
        "(did you mean 'khmeimim'?)",
        f"data/claims.csv:{claim_line('c026')}: contradicts: warning: 'c010' refers to "
        f"data/claims.csv:{claim_line('c010')}, which has problems and is not shown",
    ]
    assert claim_ids(tables) == CLAIM_IDS - {"c010"}


@pytest.mark.parametrize(
    "old, new, loops",
    [
        (
            "latakia_gov,Latakia Governorate,governorate,syria,",
            "latakia_gov,Latakia Governorate,governorate,khmeimim,",
            # spelled out once, on the first member; the others point there (a long loop stays short)
            {
                7: "parent chain loops: khmeimim > latakia_gov > khmeimim",
                8: "is in the parent loop reported on line 7",
            },
        ),
        # a place that is its own parent is the shortest loop
        ("syria,Syria,country,,", "syria,Syria,country,syria,", {11: "parent chain loops: syria > syria"}),
    ],
)
def test_parent_loop_is_reported_on_each_member_and_descendants_follow(data_dir, edit, old, new, loops):
    edit("places.csv", old, new)
    tables = load_and_validate(data_dir)
    problems = shown(tables)
    for line, text in loops.items():
        assert f"data/places.csv:{line}: parent_id: {text}; give one of them another parent_id" in problems
    members = {"khmeimim", "latakia_gov"} if 7 in loops else {"syria"}
    assert not members & set(tables.places["place_id"])
    if 7 in loops:  # jableh lies in latakia_gov
        assert (
            "data/places.csv:6: parent_id: 'latakia_gov' refers to data/places.csv:8, which has problems; "
            "fix that row first"
        ) in problems
        assert set(tables.places["place_id"]) == {
            "aleppo",
            "aleppo_gov",
            "damascus",
            "damascus_gov",
            "moscow",
            "russia",
            "syria",
            "tartus",
            "tartus_gov",
            "tartus_naval_base",
        }
    assert not set(tables.claims["place_id"]) & (members | {"jableh"} if 7 in loops else members)
    assert len(tables.claims) > 0


@pytest.mark.parametrize(
    "old, new, expected, dropped",
    [
        (
            ",35.41167,35.945,",
            ",35.41167,,",
            "data/places.csv:7: lon: lat is set but lon is blank; set both or neither",
            {"khmeimim"},
        ),
        (
            ",35.41167,35.945,",
            ",,35.945,",
            "data/places.csv:7: lat: lon is set but lat is blank; set both or neither",
            {"khmeimim"},
        ),
        # moscow lies in russia, so it goes too
        (
            ',60.0,100.0,"GeoNames country record 2017370 (Russian Federation), representative point 60°N 100°E"',
            ",60.0,100.0,",
            "data/places.csv:10: coord_source: lat/lon are set but coord_source is blank; "
            "say where the position comes from",
            {"russia", "moscow"},
        ),
    ],
)
def test_hand_set_coordinates_must_be_complete(data_dir, edit, old, new, expected, dropped):
    places_before = set(load_and_validate(data_dir).places["place_id"])
    edit("places.csv", old, new)
    tables = load_and_validate(data_dir)
    assert shown(tables)[0] == expected
    assert set(tables.places["place_id"]) == places_before - dropped
    assert not set(tables.claims["place_id"]) & dropped


def test_place_that_cannot_be_located_is_dropped_with_its_claims(data_dir, edit, claim_line):
    edit(
        "places.csv",
        "jableh,Jableh,city,latakia_gov,Jablah|Jebleh|Jabala|جبلة,",
        "jableh,Xyzzyville,city,latakia_gov,,",
    )
    tables = load_and_validate(data_dir)
    problems = shown(tables)
    assert problems[0].startswith("data/places.csv:6: place_id: 'jableh' (Xyzzyville) cannot be located: ")
    assert problems[1:] == [
        f"data/claims.csv:{claim_line('c017')}: place_id: 'jableh' refers to "
        "data/places.csv:6, which has problems; fix that row first"
    ]
    assert claim_ids(tables) == CLAIM_IDS - {"c017"}


def test_missing_source_file_drops_the_source_and_its_claims(data_dir):
    (data_dir.parent / SEED).unlink()
    tables = load_and_validate(data_dir)
    problems = shown(tables)
    assert problems[0] == (
        f"data/sources.csv:2: path: {SEED} not found in {data_dir.parent} (paths are relative "
        "to the folder holding the data directory); fix the path or restore the file"
    )
    assert len(problems) == 1 + 37
    assert all("'src000' refers to data/sources.csv:2, which has problems" in p for p in problems[1:])
    assert tables.claims.empty and tables.sources.empty and len(tables.places) == 13


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # the curated quote has a straight apostrophe where the source has a curly one
        (
            "they entered the country’s second",
            "they entered the country's second",
            f"quote not found verbatim in {SEED}; the source has: «Within days, they entered the country’s "
            "second-largest city, Aleppo» — paste that",
        ),
        (
            "they entered the country’s second",
            "they reached the country’s second",
            f"quote not found verbatim in {SEED}; copy the words from the source exactly",
        ),
    ],
)
def test_quote_not_in_source_says_what_to_paste(data_dir, edit, claim_line, old, new, expected):
    edit("claims.csv", old, new)
    tables = load_and_validate(data_dir)
    assert shown(tables) == [f"data/claims.csv:{claim_line('c029')}: quote: {expected}"]
    assert claim_ids(tables) == CLAIM_IDS - {"c029"}


@pytest.mark.parametrize(
    "old, new, column",
    [
        (",227,311\n", ",228,312\n", "quote_start/quote_end"),
        # a prefix that no longer matches the text before the quote
        (
            '"of the armed Syrian opposition, ",","" said',
            '"of the armed Syrian opposition; ",","" said',
            "quote_prefix",
        ),
    ],
)
def test_stored_selectors_that_disagree_are_reported_and_the_true_offsets_used(
    data_dir, edit, claim_line, old, new, column
):
    edit("claims.csv", old, new)
    claim_id = "c005" if column.startswith("quote_start") else "c002"
    tables = load_and_validate(data_dir)
    true = {"c005": "227-311", "c002": "313-427"}[claim_id]
    stored = {"c005": "228-312", "c002": "313-427"}[claim_id]
    assert shown(tables) == [
        f"data/claims.csv:{claim_line(claim_id)}: {column.split('/')[0]}: warning: stored {column} disagree with "
        f"{SEED}: the quote is now at {true} (stored {stored}) and is shown there; run `python -m claimmap anchor`"
    ]
    # nothing is lost: the claim stays, highlighted where its quote really is
    claim = tables.claims.set_index("claim_id").loc[claim_id]
    assert claim_ids(tables) == CLAIM_IDS
    assert f"{claim['quote_start']}-{claim['quote_end']}" == true


def test_changed_source_is_detected_by_hash_and_fixed_by_anchoring(data_dir, capsys):
    seed = data_dir.parent / SEED
    preface = "Updated at 10:00.\n\n"
    seed.write_bytes(preface.encode("utf-8") + seed.read_bytes())
    problems = shown(load_and_validate(data_dir))
    assert problems[0].startswith(
        f"data/sources.csv:2: sha256: warning: '{SEED}' has changed since its quotes were anchored (sha256 "
    )
    assert problems[0].endswith("; run `python -m claimmap anchor`")
    assert all("the quote is now at" in p for p in problems[1:]) and len(problems) == 38
    assert claim_ids(load_and_validate(data_dir)) == CLAIM_IDS  # every quote was found again

    assert main(["anchor", "--data", str(data_dir)]) == 0
    tables = load_and_validate(data_dir)
    assert shown(tables) == []
    c001 = tables.claims.set_index("claim_id").loc["c001"]
    assert (c001["quote_start"], c001["quote_prefix"]) == (len(preface), "")  # context stops at the break


def test_quote_found_more_than_once_is_a_warning_after_anchoring(data_dir, edit, claim_line):
    # shortened in place: re-anchoring keeps the occurrence at the stored offset, not the first one
    edit("claims.csv", ",TASS reported that he and his family are currently in Moscow,", ",TASS,")
    assert main(["anchor", "--data", str(data_dir)]) == 0
    tables = load_and_validate(data_dir)
    assert shown(tables) == [
        f"data/claims.csv:{claim_line('c035')}: quote: warning: quote occurs 4 times in {SEED} (at 183, 465, "
        "1129, 2692); it is anchored at 2692; lengthen it if that is the wrong one"
    ]
    assert claim_ids(tables) == CLAIM_IDS


def test_every_problem_is_reported_in_one_run(data_dir, edit, claim_line):
    edit("actors.csv", "#CC79A7", "pink")
    edit("places.csv", ",35.41167,35.945,", ",35.41167,,")
    edit("claims.csv", "2024-12-08,2024-12-09,approximate,bssi", "2024-12-08,2024-12-01,approximate,bssi")
    problems = shown(load_and_validate(data_dir))
    assert "data/actors.csv:2: color: 'pink' does not match the pattern #[0-9A-Fa-f]{6}" in problems
    assert "data/places.csv:7: lon: lat is set but lon is blank; set both or neither" in problems
    assert (
        f"data/claims.csv:{claim_line('c024')}: valid_to: valid_to 2024-12-01 is before valid_from "
        "2024-12-08; swap them or fix one"
    ) in problems


@pytest.mark.parametrize("path", ["datapackage.json", "claims.csv", "geocode_cache.csv", f"../{SEED}"])
def test_fingerprint_changes_with_any_file_it_covers(data_dir, path):
    before = data_fingerprint(data_dir)
    assert data_fingerprint(data_dir) == before
    target = data_dir / path
    target.write_bytes(target.read_bytes() + b"\n")
    assert data_fingerprint(data_dir) != before


def test_fingerprint_survives_missing_files(data_dir):
    (data_dir / "sources.csv").unlink()
    (data_dir / "datapackage.json").unlink()
    assert len(data_fingerprint(data_dir)) == 64


# --- warnings for curation mistakes that would silently change provenance ------------------------


def warnings_of(tables) -> list[str]:
    return [str(p) for p in tables.problems if not p.is_error]


def test_a_second_speaker_for_the_same_voice_is_warned_about(data_dir, line_of):
    with (data_dir / "speakers.csv").open("a", encoding="utf-8") as f:
        f.write("tass_agency,TASS (news agency),state_news_agency,russia,The same agency again.\n")
    tables = load_and_validate(data_dir)
    assert warnings_of(tables) == [
        f"data/speakers.csv:{line_of('speakers.csv', 'tass_agency,')}: name: warning: 'TASS (news agency)' is also "
        f"a name or alias of speaker 'tass' (line {line_of('speakers.csv', 'tass,')}); use that speaker in claims "
        "and remove this one, or tell them apart"
    ]
    assert "tass_agency" in set(tables.speakers["speaker_id"])  # a warning drops nothing


def test_an_alias_shared_by_two_speakers_is_warned_about(tmp_path):
    shutil.copytree(MULTISOURCE, tmp_path, dirs_exist_ok=True)
    speakers = tmp_path / "data" / "speakers.csv"
    text = speakers.read_text(encoding="utf-8")
    speakers.write_text(text + "hur,Ukrainian intelligence,HUR|Ukraine's HUR,intelligence_service,,Again.\n", "utf-8")
    lines = text.count("\n")
    found = warnings_of(load_and_validate(tmp_path / "data"))
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path}/data/speakers.csv:{lines + 1}: aliases: warning: 'HUR' is also a name ")
    assert "of speaker 'ukraine_gur'" in found[0]


@pytest.mark.parametrize(
    "old, new, claim_id, expected",
    [
        (
            "c026,src000,khmeimim,",
            "c026,src000,latakia_gov,",
            "c026",
            "place_id: warning: 'facility_isolated' is about a facility but 'latakia_gov' is a governorate; put the "
            "claim on the facility (a place of kind airbase, facility, naval_base, port)",
        ),
        (
            "c012,src000,tartus_naval_base,",
            "c012,src000,tartus,",
            "c012",
            "place_id: warning: the quote names 'port of Tartus', the facility 'tartus_naval_base' in 'tartus'; if "
            "the claim is about the facility, put it on 'tartus_naval_base'",
        ),
        (
            "2024-12-08,2024-12-08,,day,ukraine_gur,",
            "2024-12-10,2024-12-08,,day,ukraine_gur,",
            "c012",
            "reported_on: warning: reported_on 2024-12-10 is after src000's publication on 2024-12-09; count relative "
            "dates back from the publication day",
        ),
        (
            "2024-12-08,2024-12-08,,day,ukraine_gur,",
            "2024-12-08,2024-12-11,,day,ukraine_gur,",
            "c012",
            "valid_from: warning: valid_from 2024-12-11 is after src000's publication on 2024-12-09; count relative "
            "dates back from the publication day (or, for a forecast, set date_precision approximate)",
        ),
        (
            ",as_of_report,tass,,reported,B,2,",
            ",as_of_report,narrator,,reported,B,2,",
            "c035",
            "claimant: warning: the quote names 'TASS' (speaker 'tass') but the claimant is the narrator; if these "
            "are that speaker's words, set claimant (and via) to 'tass'",
        ),
    ],
)
def test_curation_slips_that_change_provenance_are_warned_about(
    data_dir, edit, claim_line, old, new, claim_id, expected
):
    edit("claims.csv", old, new)
    tables = load_and_validate(data_dir)
    assert warnings_of(tables) == [f"data/claims.csv:{claim_line(claim_id)}: {expected}"]
    assert claim_ids(tables) == CLAIM_IDS


def test_a_forecast_after_publication_with_approximate_dates_passes(data_dir, edit):
    edit(
        "claims.csv",
        "2024-12-08,2024-12-08,,day,ukraine_gur,",
        "2024-12-08,2024-12-11,2024-12-16,approximate,ukraine_gur,",
    )
    assert warnings_of(load_and_validate(data_dir)) == []


def test_a_multisource_narrator_quote_without_names_and_its_forecasts_pass(tmp_path):
    # The invented articles' narrator claims name no speaker, and their forecasts start on publication.
    shutil.copytree(MULTISOURCE, tmp_path, dirs_exist_ok=True)
    assert [str(p) for p in load_and_validate(tmp_path / "data").problems] == []
