import re
from dataclasses import replace

import pandas as pd
import pytest

from claimmap.analysis.dataset import load_dataset
from claimmap.analysis.filters import ClaimFilter
from claimmap.views.panel import (
    PLACE_BOX_MAX,
    markdown_text,
    panel_data,
    place_box_options,
    place_dossier,
    place_search_labels,
    validity_text,
)


@pytest.fixture
def bundled(bundled_dataset):
    return bundled_dataset


@pytest.mark.parametrize(
    "raw",
    [
        "*bold* and _italic_",  # emphasis
        "[click](javascript:alert(1))",  # links
        "<img src=x onerror=alert(1)>",  # raw HTML
        "costs $5 and $6",  # Streamlit renders $...$ as LaTeX
        ":red[alarm] :smile:",  # Streamlit color directives and emoji codes
        "# heading",
        "back\\slash",
    ],
)
def test_markdown_text_escapes_every_markdown_special(raw):
    # once the backslash-escaped pairs are taken out, no markup character is left to act
    left = re.sub(r"\\.", "", markdown_text(raw))
    assert not set(left) & set("*_[]()<>$:#\\")


@pytest.mark.parametrize(
    "start, end, precision, words",
    [
        ("2024-12-08", None, "day", "from 2024-12-08, still holding"),
        ("2024-12-08", "2024-12-08", "day", "on 2024-12-08"),
        ("2024-11-21", "2024-11-30", "approximate", "about 2024-11-21 to 2024-11-30"),  # vague stays visibly vague
        ("2024-12-08", "2024-12-09", "night", "during the night"),
    ],
)
def test_validity_text(start, end, precision, words):
    assert words in validity_text(pd.Timestamp(start), pd.Timestamp(end) if end else pd.NaT, precision)


def test_khmeimim_dossier_shows_competing_claims_side_by_side(bundled):
    dossier = place_dossier(bundled, "khmeimim", "2024-12-09")
    statements = {c.claim_id: c for c in dossier.holding}
    isolated = next(c for c in dossier.holding if c.claim_type == "facility_isolated")
    assert isolated.quote == "the Khmeimim base is isolated" and isolated.against_interest
    pairs = {(a.claim_type, b.claim_type) for a, b, _ in dossier.competing}
    assert ("facility_operating", "facility_isolated") in pairs
    assert all(a.claim_id in statements or b.claim_id in statements for a, b, _ in dossier.competing)


def test_quote_is_highlighted_within_its_paragraph(bundled):
    card = next(
        c for c in place_dossier(bundled, "khmeimim", "2024-12-09").holding if c.claim_type == "facility_isolated"
    )
    paragraph = card.before + card.quote + card.after
    assert paragraph.startswith("The pro-Kremlin Telegram channel") and paragraph.endswith('bandits."')
    assert paragraph in bundled.source_texts["src000"]


def test_chain_names_every_link(bundled):
    dossier = place_dossier(bundled, "khmeimim", "2024-12-09")
    pledge = next(c for c in dossier.holding if c.claim_type == "pledge")
    assert pledge.chain.startswith("anonymous Kremlin source → TASS → unknown outlet")


def test_claims_after_the_day_are_listed_apart(bundled):
    dossier = place_dossier(bundled, "syria", "2024-11-25")
    assert {c.claim_type for c in dossier.holding} >= {"offensive"}
    assert "departure" in {c.claim_type for c in dossier.later}
    assert not {c.claim_id for c in dossier.holding} & {c.claim_id for c in dossier.later}


def test_detected_hedge_words_are_reported(bundled):
    card = next(
        c
        for c in place_dossier(bundled, "khmeimim", "2024-12-09").holding
        if c.claim_type == "arrival" and c.hedge == "alleged"
    )
    assert card.detected_hedge == "alleged" and "'allegedly'" in card.hedge_cues
    assert not card.words_doubt_more  # curated and detected agree


def test_card_groups_independent_support_by_origin_and_keeps_same_origin_apart(bundled):
    cards = {c.claim_id: c for c in place_dossier(bundled, "tartus_naval_base", "2024-12-09").holding}
    gur = cards["c012"]
    assert gur.origin == "Main Intelligence Directorate of Ukraine (GUR)" and gur.corroborated
    assert gur.independent == (("Rybar (Telegram channel)", ("c027",)), ("various OSINT observers", ("c013",)))
    assert gur.supporting == "corroborated on 2024-12-09 by 2 independent origin(s)"
    latakia = {c.claim_id: c for c in place_dossier(bundled, "latakia_gov", "2024-12-09").holding}["c007"]
    # Two anonymous sources heard only through TASS: the other claims repeat its own origin.
    assert (latakia.origin, latakia.independent, latakia.same_origin) == ("TASS", (), ("c014", "c015"))
    assert not latakia.corroborated
    assert ("Same origin (TASS), not counted", "c014, c015") in latakia.corroboration_lines


def test_support_counts_only_claims_holding_on_the_day(bundled):
    # On the 8th only GUR and the OSINT observers speak of the withdrawal; Rybar's claim is of the 9th.
    gur = next(c for c in place_dossier(bundled, "tartus_naval_base", "2024-12-08").holding if c.claim_id == "c012")
    assert gur.independent == (("various OSINT observers", ("c013",)),)
    # A card of a claim not holding on the day counts over its own dates.
    later = place_dossier(bundled, "tartus_naval_base", "2024-12-08").later
    assert {c.support_basis for c in later} == {"over its own dates"}


def test_sources_disagree_only_when_both_sides_hold(bundled):
    assert place_dossier(bundled, "khmeimim", "2024-12-08").competing == []
    ninth = place_dossier(bundled, "khmeimim", "2024-12-09")
    # "Operating normally" (c010, c020) against isolated (c026) and the presumed evacuation (c023).
    assert {(a.claim_id, b.claim_id) for a, b, _ in ninth.competing} == {
        (operating, other) for operating in ("c010", "c020") for other in ("c023", "c026")
    }
    assert next(c for c in ninth.holding if c.claim_id == "c026").contradicted_by == ["c010", "c020"]


def test_a_facility_dossier_says_its_claimed_status(bundled):
    assert place_dossier(bundled, "tartus_naval_base", "2024-12-08").status == (
        "withdrawal or evacuation under way: Main Intelligence Directorate of Ukraine (GUR); various OSINT observers"
    )
    assert place_dossier(bundled, "tartus", "2024-12-09").status == ""  # a city has no facility status


def test_panel_data_shows_the_selected_claim_once_with_its_paragraph(bundled):
    dossier = place_dossier(bundled, "tartus_naval_base", "2024-12-09")
    data = panel_data(dossier, "2024-12-09", "c021")
    assert data["selected"]["id"] == "c021" and data["selected"]["selected"]
    assert "c021" not in [c["id"] for c in data["holding"]]
    assert data["holding_total"] == len(dossier.holding) == len(data["holding"]) + 1
    selected = data["selected"]
    assert selected["before"] + selected["quote"] + selected["after"] in bundled.source_texts["src000"]
    assert selected["before"] and all(c["before"] == c["after"] == "" for c in data["holding"])
    assert any(label.startswith("Grade of ") for label, _ in selected["lines"])
    assert [label for label, _ in data["holding"][0]["lines"]] == ["Chain", "Corroboration"]


def test_panel_data_badges_say_the_hedge_whom_the_grade_is_of_and_a_contest(bundled):
    cards = panel_data(place_dossier(bundled, "tartus_naval_base", "2024-12-09"), "2024-12-09", None)["holding"]
    c012 = next(c for c in cards if c["id"] == "c012")
    assert ["hedge: reported", "blue"] in c012["badges"]
    assert ["grade C3 of Main Intelligence Directorate of Ukraine (GUR)", "violet"] in c012["badges"]
    assert ["⚔ contested", "red"] in c012["badges"] and "c021" in c012["contradicted_by"]


def test_panel_data_keeps_no_reordering_controls(bundled):
    dossier = place_dossier(bundled, "tartus_naval_base", "2024-12-09")
    card = dossier.holding[0]
    hostile = replace(card, statement="\u202eevil\u2066 text", quote="a\u2067b")
    data = panel_data(replace(dossier, holding=[hostile]), "2024-12-09", None)
    shown = data["holding"][0]
    assert shown["statement"] == "<U+202E>evil<U+2066> text"  # a visible mark, not a reordering
    assert not set("\u202e\u2066\u2067") & set(shown["statement"] + shown["quote"])


def test_panel_data_folds_earlier_and_later_claims_as_lines_without_the_selected_one(bundled):
    dossier = place_dossier(bundled, "syria", "2024-11-25")
    chosen = dossier.later[0].claim_id
    (later,) = [f for f in panel_data(dossier, "2024-11-25", chosen)["folded"] if f["title"].startswith("Later")]
    assert later["title"] == f"Later claims ({len(dossier.later)})"
    assert [line["id"] for line in later["lines"]] == [c.claim_id for c in dossier.later[1:]]


def test_panel_filter_and_map_share_one_effective_hedge(data_dir, edit):
    # c022's quote says 'allegedly'; curated as plain fact, its effective hedge is the words' 'alleged'.
    edit("claims.csv", "night,flightradar24_tg,,alleged,", "night,flightradar24_tg,,stated,")
    dataset = load_dataset(data_dir)
    (card,) = [c for c in place_dossier(dataset, "khmeimim", "2024-12-08").holding if c.claim_id == "c022"]
    assert (card.hedge, card.effective_hedge, card.words_doubt_more) == ("stated", "alleged", True)
    assert "c022" in set(ClaimFilter({"hedge": ("alleged",)}).apply(dataset.claims)["claim_id"])
    assert "c022" not in set(ClaimFilter({"hedge": ("stated",)}).apply(dataset.claims)["claim_id"])


def test_the_place_box_labels_carry_every_other_name_once():
    places = pd.DataFrame(
        {
            "place_id": ["tartus", "jableh"],
            "name": ["Tartus", "Jableh"],
            "aliases": ["Tartous|tartus|طرطوس", ""],
        }
    )
    assert place_search_labels(places) == {"tartus": "Tartus · also Tartous, طرطوس", "jableh": "Jableh"}


def test_place_box_options_are_the_matches_of_a_query_or_the_places_on_screen_capped():
    labels = {f"p{i}": f"Town {i}" for i in range(1000)} | {"tartus": "Tartus · also Tartous, طرطوس"}
    candidates = [*labels]
    # A query: every place whose label holds it, in any case, the other names included.
    assert place_box_options(labels, candidates, "  TARTOUS ", [], None) == ["tartus"]
    assert place_box_options(labels, candidates, "طرطوس", ["p1"], None) == ["tartus"]
    found = place_box_options(labels, candidates, "town 1", [], "p5", cap=20)
    assert found[0] == "p5" and len(found) == 20 and all(labels[p].startswith("Town 1") for p in found[1:])
    # No query: the places on screen, the selected one first and once.
    assert place_box_options(labels, candidates, "", ["p7", "p3", "p9"], "p3") == ["p3", "p7", "p9"]
    assert len(place_box_options(labels, candidates, "", candidates, None)) == PLACE_BOX_MAX
    assert place_box_options(labels, candidates, "nowhere", candidates, None) == []
