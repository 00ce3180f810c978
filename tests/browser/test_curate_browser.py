"""Curating in headless Chromium: a new article to a claim on the map, and a save killed midway.

The drafts file stands for what `suggest --out` writes; the test adds the article in the page,
sets the quote by selecting it in the article, saves, and finds the new place's marker on the map.
Then the app is killed with SIGKILL while it saves, and each table is either as it was or as it
should be.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from claimmap.cli import main
from claimmap.tables.merge import accept_drafts, speakers_file_for
from claimmap.tables.schema import read_package
from claimmap.testing.localserver import CHROMIUM, streamlit_server
from fixture_data import BUNDLED, BUNDLED_DATA, FIXTURES
from tests.browser.test_dashboard_browser import APP_IDLE, MARKER_TIMEOUT, date_slider, map_frame, open_app
from tests.browser.test_workflow_browser import switch_view

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

CLAIMS = read_package(BUNDLED_DATA / "datapackage.json").resource("claims")
PAGE = FIXTURES / "pages" / "aleppo_report.html"
QUOTE = "Opposition fighters now control all of Aleppo province"
DRAFT = {
    "source_id": "src001",
    "place_id": "aleppo_gov",
    "actor_id": "opposition",
    "claim_type": "control",
    "statement": "The opposition holds all of Aleppo Governorate.",
    "valid_from": "2024-12-11",
    "date_precision": "as_of_report",
    "claimant": "narrator",
    "hedge": "reported",
    "reliability": "F",
    "credibility": "3",
    "against_interest": "false",
}
TABLES = ("claims.csv", "speakers.csv", "sources.csv", "places.csv", "actors.csv")


def fixture_copy(tmp_path: Path) -> Path:
    shutil.copytree(BUNDLED, tmp_path, dirs_exist_ok=True)
    return tmp_path / "data"


def write_drafts(root: Path, quote: str = "") -> Path:
    drafts = root / "drafts" / "src001.csv"
    drafts.parent.mkdir(exist_ok=True)
    row = dict.fromkeys(CLAIMS.column_names, "") | DRAFT | {"quote": quote}
    pd.DataFrame([row], dtype=str).to_csv(drafts, index=False)
    return drafts


@contextlib.contextmanager
def app(data_dir: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with streamlit_server(data_dir=data_dir) as (url, process):
        yield url, process


def select_in_article(page, words: str) -> None:
    """Select `words` with a DOM range inside the article component, as a mouse drag would."""
    frame = page.frame_locator('iframe[title$="quote_picker"]')
    expect(frame.get_by_text(words, exact=False).first).to_be_visible()
    frame.locator("body").evaluate(
        """(body, words) => {
            const span = [...body.querySelectorAll('[data-start]')].find(s => s.textContent.includes(words));
            const node = span.firstChild, at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        words,
    )


def test_a_new_article_becomes_a_claim_on_the_map(page, tmp_path: Path):
    data_dir = fixture_copy(tmp_path)
    write_drafts(tmp_path)  # as suggest --out would leave them: the quote still to set
    with app(data_dir) as (url, _process):
        open_app(page, url, "?view=curate")
        page.get_by_text("Add a new article").click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(PAGE))
        expect(page.get_by_text(PAGE.name)).to_be_visible()
        expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)  # the upload's rerun is over
        page.get_by_role("button", name="Add this article").click()
        expect(page.get_by_text("Added src001")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("value is required but empty")).to_be_visible()  # the quote, not yet set

        select_in_article(page, QUOTE)
        expect(page.get_by_text(f"Selected: «{QUOTE}»")).to_be_visible()
        expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)
        target = page.locator("[data-testid='stSelectbox']").filter(has_text="or set it as the quote of")
        target.locator("input").click()
        page.keyboard.type("row 1")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Set quote").click()
        expect(page.get_by_text("1 of 1 row(s) ready to save")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Save 1 claim(s) to the tables").click()
        expect(page.get_by_text("Saved c038 to the tables")).to_be_visible(timeout=30_000)

        switch_view(page, "Map and sourcing")
        expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)
        date_slider(page).focus()  # the claim holds from 11 December, after the day the page opened on
        page.keyboard.press("End")
        expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-12-11")
        expect(map_frame(page).locator(".place-aleppo_gov")).to_be_visible(timeout=MARKER_TIMEOUT)
    claims = pd.read_csv(data_dir / "claims.csv", dtype=str, keep_default_na=False).set_index("claim_id")
    assert claims.at["c038", "quote"] == QUOTE and claims.at["c038", "source_id"] == "src001"


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_killing_the_app_mid_save_loses_and_half_writes_nothing(page, tmp_path: Path, delay: float):
    data_dir = fixture_copy(tmp_path / "live")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["add-source", "--data", str(data_dir), str(PAGE)]) == 0
    drafts = write_drafts(tmp_path / "live", QUOTE)
    watched = [*(data_dir / name for name in TABLES), drafts]
    before = {p: p.read_bytes() for p in watched}
    # What a complete save leaves, worked out on a copy.
    shutil.copytree(tmp_path / "live", tmp_path / "expected")
    accept_drafts(tmp_path / "expected" / "data", tmp_path / "expected" / "drafts" / "src001.csv")
    after = {p: (tmp_path / "expected" / p.relative_to(tmp_path / "live")).read_bytes() for p in watched}
    assert before[data_dir / "claims.csv"] != after[data_dir / "claims.csv"]

    with app(data_dir) as (url, process):
        open_app(page, url, "?view=curate")
        save = page.get_by_role("button", name="Save 1 claim(s) to the tables")
        expect(save).to_be_enabled(timeout=30_000)
        save.click()
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    for path in watched:
        assert path.read_bytes() in (before[path], after[path]), f"{path.name} is half-written"
    assert not speakers_file_for(drafts).exists()
    # Whatever the kill left, accept finishes the job.
    with contextlib.redirect_stdout(io.StringIO()):
        main(["accept", "--data", str(data_dir), str(drafts)])
    assert {p: p.read_bytes() for p in watched} == after
