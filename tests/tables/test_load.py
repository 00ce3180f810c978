"""Loading: per-row checks from the schema, hostile files, and the frame conventions."""

import csv
import io

import pandas as pd
import pytest

from claimmap.config import BUNDLED_DATA_DIR as REPO_DATA
from claimmap.tables.load import load_tables
from claimmap.tables.rowchecks import did_you_mean

C005 = "kremlin_anon,tass,reported,F,3,false,,Russian officials are in contact"
C012_REPORTED = "withdrawal,Russia is pulling its warships out of the port of Tartus.,2024-12-08,"
C013_HEDGE = "approximate,osint_observers,,reported,"
KHMEIMIM_COORDS = ",35.41167,35.945,"


def shown(tables):
    return [str(p) for p in tables.problems]


def ids(frame):
    return set(frame.iloc[:, 0])


@pytest.mark.parametrize(
    "name, old, new, row_id, expected",
    [
        ("actors.csv", "iran,Iran,", "iran,,", "iran", "actors.csv:3: name: value is required but empty"),
        # a source added by hand before `anchor` has no hash yet: the message says how to get one
        (
            "sources.csv",
            ",bc545f9d5dca45157a2ee41fbd3fe4d2b2b54f0e8315295417555324f6b6f867,",
            ",,",
            "src000",
            "sources.csv:2: sha256: value is required but empty; run `python -m claimmap anchor` to fill it",
        ),
        # a day that does not exist passes a naive YYYY-MM-DD shape check
        (
            "claims.csv",
            C012_REPORTED,
            C012_REPORTED.replace("2024-12-08", "2024-02-30"),
            "c012",
            "claims.csv:{c012}: reported_on: '2024-02-30' is not a calendar date; expected a real day as YYYY-MM-DD",
        ),
        (
            "sources.csv",
            ",2024-12-09,",
            ",9 Dec 2024,",
            "src000",
            "sources.csv:2: published: '9 Dec 2024' is not a date; expected YYYY-MM-DD",
        ),
        (
            "claims.csv",
            C013_HEDGE,
            C013_HEDGE.replace("reported", "reportd"),
            "c013",
            "claims.csv:{c013}: hedge: 'reportd' is not allowed; expected one of: stated, reported, alleged, "
            "presumed, rumored (did you mean 'reported'?)",
        ),
        # the enum hint is case-insensitive but suggests the value as the schema spells it
        (
            "claims.csv",
            C005,
            C005.replace(",F,", ",b,"),
            "c005",
            "claims.csv:{c005}: reliability: 'b' is not allowed; expected one of: A, B, C, D, E, F (did you mean 'B'?)",
        ),
        (
            "actors.csv",
            "#CC79A7",
            "CC79A7",
            "assad",
            "actors.csv:2: color: 'CC79A7' does not match the pattern #[0-9A-Fa-f]{{6}}",
        ),
        # a pattern must match the whole value, not just its start
        (
            "claims.csv",
            C005,
            C005.replace("kremlin_anon", "kremlin_anon!"),
            "c005",
            "claims.csv:{c005}: claimant: 'kremlin_anon!' does not match the pattern [a-z0-9_]+",
        ),
        (
            "places.csv",
            KHMEIMIM_COORDS,
            ",135,35.945,",
            "khmeimim",
            "places.csv:7: lat: lat 135 is outside [-90, 90]; are lat and lon swapped?",
        ),
        # no swap hint when the other value would not fit either
        ("places.csv", KHMEIMIM_COORDS, ",135,100,", "khmeimim", "places.csv:7: lat: lat 135 is outside [-90, 90]"),
        (
            "places.csv",
            KHMEIMIM_COORDS,
            ",35.41167,200,",
            "khmeimim",
            "places.csv:7: lon: lon 200 is outside [-180, 180]",
        ),
        # float() accepts these words, a coordinate must not
        (
            "places.csv",
            KHMEIMIM_COORDS,
            ",nan,35.945,",
            "khmeimim",
            "places.csv:7: lat: 'nan' is not a finite number; expected a decimal like 35.41",
        ),
        (
            "places.csv",
            KHMEIMIM_COORDS,
            ",35.41167,inf,",
            "khmeimim",
            "places.csv:7: lon: 'inf' is not a finite number; expected a decimal like 35.41",
        ),
        (
            "places.csv",
            KHMEIMIM_COORDS,
            ",-Infinity,35.945,",
            "khmeimim",
            "places.csv:7: lat: '-Infinity' is not a finite number; expected a decimal like 35.41",
        ),
        (
            "claims.csv",
            C005,
            C005.replace(",3,", ",7,"),
            "c005",
            "claims.csv:{c005}: credibility: credibility 7 is outside [1, 6]",
        ),
        # a number is not an integer even when pandas would read it as one
        (
            "claims.csv",
            C005,
            C005.replace(",3,", ",3.0,"),
            "c005",
            "claims.csv:{c005}: credibility: '3.0' is not an integer; expected a whole number like 3",
        ),
        (
            "claims.csv",
            C005,
            C005.replace("false", "yes"),
            "c005",
            "claims.csv:{c005}: against_interest: 'yes' is not a boolean; expected one of: true, false",
        ),
        (
            "actors.csv",
            "iran,Iran,government_ally",
            "iran,Iran,govt",
            "iran",
            "actors.csv:3: side: 'govt' is not allowed; expected one of: opposition, government, government_ally, "
            "other",
        ),
    ],
)
def test_bad_value_is_reported_and_only_its_row_is_dropped(data_dir, edit, line_of, name, old, new, row_id, expected):
    table = name.removesuffix(".csv")
    before = load_tables(data_dir).frame(table)
    edit(name, old, new)
    lines = {f"c{n:03d}": line_of("claims.csv", f"c{n:03d},") for n in (5, 12, 13)}
    tables = load_tables(data_dir)
    assert "data/" + expected.format(**lines) in shown(tables)
    assert ids(tables.frame(table)) == ids(before) - {row_id}
    assert tables.dropped[table].iloc[:, 0].tolist() == [row_id]


def test_duplicate_key_names_the_first_line_and_keeps_the_first_row(data_dir):
    with (data_dir / "actors.csv").open("a", encoding="utf-8") as f:
        f.write("iran,Iran again,government_ally,#E69F00,\n")
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/actors.csv:7: actor_id: duplicate actor_id 'iran' (first on line 3); give each row its own actor_id"
    ]
    assert tables.actors.set_index("actor_id").loc["iran", "name"] == "Iran"
    assert len(tables.actors) == 5


def test_duplicate_composite_key_lists_every_key_column(data_dir):
    with (data_dir / "geocode_cache.csv").open("a", encoding="utf-8") as f:
        f.write(
            'Jableh,SY,35.36,35.92,"Jableh, Syria",nominatim,2024-12-10\n'
            "Jableh,SY,35.4,35.9,other,nominatim,2024-12-11\n"
            "Jableh,SY,35.4,35.9,other,photon,2024-12-11\n"
        )
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/geocode_cache.csv:3: query, country_code, geocoder: duplicate (query, country_code, geocoder) "
        "'Jableh', 'SY', 'nominatim' (first on line 2); give each row its own (query, country_code, geocoder)"
    ]
    assert tables.geocode_cache["geocoder"].tolist() == ["nominatim", "photon"]


@pytest.mark.parametrize(
    "transform",
    [
        lambda b: b"\xef\xbb\xbf" + b,  # BOM from Windows editors
        lambda b: b.replace(b"\n", b"\r\n"),  # CRLF line ends
        lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),
        lambda b: b.rstrip(b"\n"),  # no newline at the end of the file
        lambda b: b.replace(b"\n", b"\n\n"),  # blank lines between rows are skipped; lines still count
    ],
    ids=["bom", "crlf", "bom+crlf", "no-final-newline", "blank-lines"],
)
def test_encoding_and_line_end_variants_load_the_same_rows(data_dir, transform):
    before = load_tables(data_dir)
    for name in ("places.csv", "sources.csv"):
        path = data_dir / name
        path.write_bytes(transform(path.read_bytes()))
    after = load_tables(data_dir)
    assert shown(after) == []
    for table in ("places", "sources"):
        pd.testing.assert_frame_equal(
            after.frame(table).drop(columns="_line"), before.frame(table).drop(columns="_line")
        )


def test_blank_lines_do_not_shift_line_numbers(data_dir):
    path = data_dir / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\n"))
    assert load_tables(data_dir).actors["_line"].tolist() == [3, 5, 7, 9, 11]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n"], ids=["empty", "bom-only", "blank-lines"])
def test_empty_file_is_a_file_problem_and_an_empty_typed_table(data_dir, content):
    (data_dir / "claims.csv").write_bytes(content)
    tables = load_tables(data_dir)
    assert shown(tables) == ["data/claims.csv: -: file is empty; expected the header " + HEADERS["claims"]]
    assert_empty_with_schema_columns(tables.claims, "claims")
    assert len(tables.places) == 13


def test_missing_file_is_a_file_problem_and_an_empty_table(data_dir):
    (data_dir / "speakers.csv").unlink()
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/speakers.csv: -: file not found; expected a CSV with the header " + HEADERS["speakers"]
    ]
    assert_empty_with_schema_columns(tables.speakers, "speakers")
    assert len(tables.claims) == 37


def test_missing_column_names_it_and_loads_no_rows_of_that_file(data_dir):
    rewrite_columns(data_dir / "actors.csv", lambda header: [c for c in header if c != "color"])
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/actors.csv: color: missing from the header; expected the columns "
        + HEADERS["actors"]
        + "; no rows were loaded"
    ]
    assert_empty_with_schema_columns(tables.actors, "actors")


def test_missing_optional_column_is_a_warning_and_reads_as_blank(data_dir):
    rewrite_columns(data_dir / "actors.csv", lambda header: [c for c in header if c != "description"])
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/actors.csv: description: warning: missing from the header; read as blank (add the column, or run "
        "`python -m claimmap anchor`)"
    ]
    assert len(tables.actors) == 5 and set(tables.actors["description"]) == {""}


def test_unknown_column_is_a_warning_and_loads_as_text(data_dir):
    rewrite_columns(data_dir / "actors.csv", lambda header: [*header, "notes"], fill="x")
    tables = load_tables(data_dir)
    assert shown(tables) == [
        "data/actors.csv: notes: warning: column is not in datapackage.json; it is loaded "
        "as text and not checked (declare it there or remove it)"
    ]
    assert tables.actors.columns[-2:].tolist() == ["notes", "_line"]
    assert tables.actors["notes"].tolist() == ["x"] * 5


def test_columns_follow_the_file_order(data_dir):
    rewrite_columns(data_dir / "actors.csv", lambda header: header[::-1])
    actors = load_tables(data_dir).actors
    assert actors.columns.tolist() == [*HEADERS["actors"].split(",")[::-1], "_line"]
    assert actors.set_index("actor_id").loc["iran", "color"] == "#E69F00"


def test_undecodable_bytes_name_their_line_and_drop_only_that_row(data_dir):
    path = data_dir / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"iran,Iran,", b"iran,Ir\xe1n,"))
    tables = load_tables(data_dir)
    assert shown(tables) == ["data/actors.csv:3: -: bytes b'\\xe1' are not UTF-8; re-save the file as UTF-8"]
    assert ids(tables.actors) == {"assad", "opposition", "russia", "syrian_government"}


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # text after a closing quote
        (
            "iran,Iran,",
            'iran,"Iran"x,',
            "data/actors.csv:3: -: malformed CSV (',' expected after '\"'); check the quotes on this line",
        ),
        # an unquoted comma adds a field
        (
            "Iranian state and its aircraft.",
            "Iranian state, and its aircraft.",
            "data/actors.csv:3: -: row has 6 fields but the header has 5: the row has 1 field too many; "
            "quote values that contain commas",
        ),
        # a cell left out, comma and all: the row is short, and commas are not to blame
        (
            "iran,Iran,government_ally,#E69F00,",
            "iran,Iran,#E69F00,",
            "data/actors.csv:3: -: row has 4 fields but the header has 5: the row is short by 1 field; "
            "add the missing cells (a blank cell still takes its comma)",
        ),
    ],
)
def test_malformed_row_is_reported_and_the_others_load(data_dir, edit, old, new, expected):
    edit("actors.csv", old, new)
    tables = load_tables(data_dir)
    assert shown(tables) == [expected]
    assert ids(tables.actors) == {"assad", "opposition", "russia", "syrian_government"}


@pytest.mark.parametrize(
    "old, new, expected, loaded",
    [
        # the last row: the quoted cell runs to the end of the file
        (
            "syrian_government,Assad",
            'syrian_government,"Assad',
            "malformed CSV (unexpected end of data)",
            {"assad", "iran", "opposition", "russia"},
        ),
        # a middle row: the cell runs on to the next quote, a line down; the lines it ran over are
        # read again, so the next row loads too
        (
            "iran,Iran,",
            'iran,"Iran,',
            "malformed CSV (',' expected after '\"')",
            {"assad", "opposition", "russia", "syrian_government"},
        ),
    ],
)
def test_unclosed_quote_is_reported_where_it_starts(data_dir, edit, old, new, expected, loaded):
    edit("actors.csv", old, new)
    tables = load_tables(data_dir)
    line = 6 if old.startswith("syrian") else 3
    assert shown(tables) == [f"data/actors.csv:{line}: -: {expected}; check the quotes on this line"]
    assert ids(tables.actors) == loaded


def test_frame_conventions(data_dir):
    tables = load_tables(data_dir)
    claims = tables.claims
    assert isinstance(claims.index, pd.RangeIndex)
    assert claims.columns.tolist() == [*HEADERS["claims"].split(","), "_line"]
    assert claims["via"].isna().sum() == 0 and (claims["via"] == "").any()  # blank text is "", never NaN
    assert claims["valid_to"].dtype.kind == "M" and claims["valid_to"].isna().any()
    assert (claims["valid_from"] == claims["valid_from"].dt.normalize()).all()
    assert claims["credibility"].dtype == "Int64"
    assert claims["against_interest"].dtype == bool and claims["against_interest"].any()
    assert tables.places["lat"].dtype == "float64" and tables.places["lat"].isna().any()
    assert claims["_line"].dtype == "int64"


def test_line_numbers_count_lines_inside_quoted_cells(data_dir, edit, line_of):
    # a curator's statement with a line break makes its record span two lines of the file
    edit("claims.csv", "The Russian bases work as usual (Khmeimim).", '"The Russian bases\nwork as usual (Khmeimim)."')
    claims = load_tables(data_dir).claims.set_index("claim_id")
    assert claims.loc["c029", "_line"] == line_of("claims.csv", "c029,")
    assert claims.loc["c037", "_line"] == line_of("claims.csv", "c037,") == 39


HEADERS = {
    "actors": "actor_id,name,side,color,description",
    "speakers": "speaker_id,name,kind,actor_id,description",
    "claims": "claim_id,source_id,place_id,scope,actor_id,claim_type,statement,reported_on,valid_from,valid_to,"
    "date_precision,claimant,via,hedge,reliability,credibility,against_interest,contradicts,quote,"
    "quote_prefix,quote_suffix,quote_start,quote_end",
}


def assert_empty_with_schema_columns(frame, table):
    assert frame.empty
    assert frame.columns.tolist() == [*HEADERS[table].split(","), "_line"]
    assert frame["_line"].dtype == "int64"


def rewrite_columns(path, reorder, fill=""):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = reorder(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows[1:]:
        cells = dict(zip(rows[0], row))
        writer.writerow([cells.get(c, fill) for c in header])
    path.write_text(out.getvalue(), encoding="utf-8")


def test_checks_follow_the_schema_of_the_data_directory(data_dir, edit):
    # widen an enum and tighten a pattern in the copy's own datapackage.json
    edit("datapackage.json", '"government_ally",\n', '"government_ally",\n                "militia",\n')
    edit("datapackage.json", '"pattern": "#[0-9A-Fa-f]{6}"', '"pattern": "#[0-9A-F]{6}"')
    edit("actors.csv", "iran,Iran,government_ally,#E69F00", "iran,Iran,militia,#e69f00")
    tables = load_tables(data_dir)
    assert shown(tables) == ["data/actors.csv:3: color: '#e69f00' does not match the pattern #[0-9A-F]{6}"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "file not found"),
        (b"{not json", "cannot be read (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        (b'{"resources": [{"name": "claims"}]}', "is not a valid data package (missing or malformed 'schema')"),
    ],
)
def test_unusable_datapackage_falls_back_to_the_bundled_schema(data_dir, content, reason):
    path = data_dir / "datapackage.json"
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    tables = load_tables(data_dir)
    assert [str(p) for p in tables.problems] == [
        f"data/datapackage.json: -: {reason}; using the bundled schema instead "
        f"(copy {REPO_DATA / 'datapackage.json'} here)",
        # The fixture's tables predate the optional `aliases` column: read as blank, nothing dropped.
        "data/speakers.csv: aliases: warning: missing from the header; read as blank (add the column, or run "
        "`python -m claimmap anchor`)",
    ]
    assert len(tables.claims) == 37 and len(tables.speakers) == 14
    assert set(tables.speakers["aliases"]) == {""}


def test_categories_constrain_a_field_like_an_enum():
    from claimmap.tables.schema import parse_package

    descriptor = {
        "resources": [
            {
                "name": "speakers",
                "path": "speakers.csv",
                "schema": {"fields": [{"name": "kind", "categories": [{"value": "anonymous"}, "narrator"]}]},
            }
        ]
    }
    assert parse_package(descriptor).resource("speakers").field("kind").enum == ("anonymous", "narrator")


def test_names_map_each_id_to_its_name_and_leave_out_dropped_rows(data_dir, edit):
    edit("actors.csv", "iran,Iran,", "iran,,")  # a required name left blank: the row is dropped
    tables = load_tables(data_dir)
    assert tables.names("actors")["russia"] == "Russia"
    assert "iran" not in tables.names("actors")
    assert tables.names("places")["khmeimim"] == "Khmeimim Air Base"
    assert tables.names("speakers")["tass"] == "TASS"


@pytest.mark.parametrize(
    "value, suggested",
    [
        ("reportd", "reported"),  # a letter left out
        ("contorl", "control"),  # two letters swapped
        ("Withdrawl", "withdrawal"),
        ("facility_operatin", "facility_operating"),
        ("tartus_naval", "tartus_naval_base"),  # words left off at the end
        ("khmeimim_base", "khmeimim"),  # a word added
        ("movement", None),  # shares 'overnment' with government_fall, but is another word
        ("negotiation", None),
        ("x", None),
    ],
)
def test_a_suggestion_is_made_only_for_a_close_value(value, suggested):
    choices = ("control", "government_fall", "withdrawal", "facility_operating", "reported", "tartus_naval_base")
    expected = f" (did you mean '{suggested}'?)" if suggested else ""
    assert did_you_mean(value, (*choices, "khmeimim")) == expected
