"""Who speaks and who relays, read from attributions against a speakers table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from claimmap.drafting.actors import actor_index
from claimmap.drafting.speakers import Chain, Voices, speaker_keys

KINDS = ("state_news_agency", "government_body", "broadcaster", "anonymous", "unattributed", "narrator", "armed_group")
ACTORS = pd.DataFrame(
    {"actor_id": ["russia", "opposition"], "name": ["Russia", "Syrian armed opposition (HTS-led rebels)"]}
)
SPEAKERS = pd.DataFrame(
    {
        "speaker_id": ["tass", "ria", "kremlin_anon", "port_source", "mfa", "talk", "voice", "sahli"],
        "name": [
            "TASS",
            "RIA Novosti",
            "anonymous Kremlin source",
            "unnamed source in the port authority",
            "Russian Foreign Ministry",
            "unattributed rumors",
            "the source's own narration",
            "Marwan al-Sahli, opposition spokesman",
        ],
        "kind": [
            "state_news_agency",
            "state_news_agency",
            "anonymous",
            "anonymous",
            "government_body",
            "unattributed",
            "narrator",
            "armed_group",
        ],
        "actor_id": ["russia", "russia", "russia", "", "russia", "", "", "opposition"],
    }
)
MONDAY = dt.date(2024, 12, 9)


def voices(speakers: pd.DataFrame = SPEAKERS) -> Voices:
    return Voices(speakers, KINDS, actor_index(ACTORS), outlet="Example Wire")


def test_names_of_a_speaker():
    assert speaker_keys("Marwan al-Sahli, opposition spokesman") == [
        "Marwan al-Sahli, opposition spokesman",
        "Marwan al-Sahli",
        "al-Sahli",
        "Sahli",
    ]
    assert "GUR" in speaker_keys("Main Intelligence Directorate of Ukraine (GUR)")
    assert "channel" not in " ".join(speaker_keys("Rybar (Telegram channel)")[2:])


def test_a_cited_source_is_the_claimant_and_the_agency_its_relay():
    chain = voices().attribute("as reported by RIA Novosti on Monday, citing an anonymous Kremlin source", MONDAY)
    assert chain == Chain("kremlin_anon", ("ria",), MONDAY)


def test_a_description_is_the_speaker_whose_name_holds_its_words():
    assert voices().attribute("a source in the Kremlin told reporters", MONDAY).claimant == "kremlin_anon"
    assert voices().attribute("a source at the port authority said", MONDAY).claimant == "port_source"


def test_told_state_media_of_a_side_is_its_only_agency_only_if_it_has_one():
    assert voices().attribute("a source in the Kremlin told Russian state media", MONDAY).via == ()  # TASS or RIA
    one_agency = voices(SPEAKERS[SPEAKERS["speaker_id"] != "ria"])
    assert one_agency.attribute("a source in the Kremlin told Russian state media", MONDAY).via == ("tass",)


def test_the_agency_is_the_last_one_named_with_the_chain_it_carried():
    heard = voices()
    heard.attribute("a Kremlin source told TASS on Monday", MONDAY + dt.timedelta(days=1))
    heard.note_mentions("The Interfax news agency said nothing. RIA Novosti ran a photo. TASS repeated it.")
    assert heard.attribute("the agency said", None) == Chain("kremlin_anon", ("tass",), MONDAY)
    heard.note_mentions("The Interfax news agency carried the claim.")
    assert heard.attribute("according to the agency", None).claimant == ""  # Interfax is not in the table


def test_a_name_the_speaker_lacks_rules_it_out():
    assert voices().attribute("According to Russia's Foreign Ministry", None).claimant == "mfa"
    proposed = voices()
    chain = proposed.attribute("Russian Defence Ministry spokesman Oleg Petrov told reporters", None)
    assert chain.claimant == "russian_defence_ministry"
    assert proposed.proposed["russian_defence_ministry"]["kind"] == "government_body"


def test_he_is_the_last_speaker_and_keeps_the_day_said():
    heard = voices()
    heard.attribute("Marwan al-Sahli said on Monday", MONDAY + dt.timedelta(days=1))
    assert heard.attribute("he added", None) == Chain("sahli", (), MONDAY)


def test_unconfirmed_reports_are_the_unattributed_speaker():
    assert voices().attribute("according to unconfirmed reports on Telegram", None).claimant == "talk"


def test_an_aliases_column_is_used_when_the_table_has_one():
    with_aliases = SPEAKERS.assign(aliases=["ТАСС|TASS news agency", "", "", "", "", "", "", ""])
    assert voices(with_aliases).attribute("ТАСС reported", None).claimant == "tass"
    assert voices(SPEAKERS).attribute("ТАСС reported", None).claimant != "tass"


def test_a_voice_not_in_the_table_is_proposed_once_with_a_kind():
    heard = voices()
    first = heard.attribute("said Hanna Berg, a spokeswoman for the rebels", None)
    again = heard.attribute("Hanna Berg added", None)
    assert first.claimant == again.claimant == "hanna_berg"
    assert heard.proposed["hanna_berg"] == {
        "speaker_id": "hanna_berg",
        "name": "Hanna Berg",
        "kind": "armed_group",
        "actor_id": "opposition",
    }
    assert heard.attribute("a fisherman who saw it told Example Wire", None).claimant == "fisherman_unnamed"
    assert "example_wire" not in heard.proposed  # the source's own outlet relays nothing
