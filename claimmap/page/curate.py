"""The Curate view: from a new article to claims on the map, without typing an id.

Pick a source or add one (a text file or a saved HTML page, as `add-source`); its drafts (the
file `suggest --out` wrote, drafts/<source_id>.csv beside data/) open in an editable table next
to the article. Places, actors, speakers and claim types are chosen from lists that say what each
one is; a quote is set by selecting it in the article. Every row is checked on each change by the
code `accept` uses, with `validate`'s messages. Save merges the valid rows as `accept` does (under
the data lock, each file atomically) and keeps the others in the drafts file; the last save can be
undone while nobody has changed its files since.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from claimmap.analysis.dataset import Dataset
from claimmap.problems import display_path, joined_columns, terminal_text
from claimmap.sources.saved_pages import UnreadableArticle, read_article
from claimmap.tables.csvio import LINE, read_raw
from claimmap.tables.intake import SourceRefused, add_source
from claimmap.tables.merge import (
    Base,
    Review,
    Saved,
    drafts_file,
    review_drafts,
    save_drafts,
    speakers_file_for,
    undo_save,
)
from claimmap.tables.schema import value_descriptions
from claimmap.tables.store import StoreError
from claimmap.views.curate import (
    QUOTE_PICKER_FRONTEND,
    described_labels,
    picker_payload,
    place_labels,
    selected_quote,
    value_labels,
)
from claimmap.views.panel import markdown_text

quote_picker = components.declare_component("quote_picker", path=str(QUOTE_PICKER_FRONTEND))

SOURCE_KEY = "curate_source"
LAST_SAVE_KEY = "curate_last_save"
MESSAGE_KEY = "curate_message"
DATE_COLUMNS = ("valid_from", "valid_to", "reported_on")
LIST_COLUMNS = {"via": ">", "contradicts": "|"}
# The columns a curator sets, in the order they are set; the rest are kept but not shown.
EDITED = [
    "quote",
    "place_id",
    "scope",
    "claim_type",
    "actor_id",
    "statement",
    "valid_from",
    "valid_to",
    "date_precision",
    "reported_on",
    "claimant",
    "via",
    "hedge",
    "reliability",
    "credibility",
    "against_interest",
    "contradicts",
    "claim_id",
]
SPEAKERS_EDITED = ["name", "aliases", "kind", "actor_id", "description", "speaker_id"]


def curate_view(dataset: Dataset, data_dir: Path) -> None:
    if message := st.session_state.pop(MESSAGE_KEY, None):
        st.success(message)
    source_id = _source_picker(dataset, data_dir)
    if source_id is None:
        return
    drafts = drafts_file(data_dir, source_id)
    work = _drafts_in_session(dataset, data_dir, source_id, drafts)
    text = dataset.source_texts.get(source_id)
    if text is None:
        st.error(f"The text of {source_id} cannot be read; see the problems listed above.")
        return
    base = Base.read(data_dir, dataset.tables)
    shown = (display_path(drafts), display_path(speakers_file_for(drafts)))
    review = review_drafts(base, work["claims"], work["speakers"], shown)

    published = dataset.tables.sources.set_index("source_id").at[source_id, "published"].date().isoformat()
    article_col, table_col = st.columns([2, 3], gap="medium")
    with article_col:
        st.markdown("**The article** — select words to use them as a quote")
        _article(text, review, source_id, published, work)
    with table_col:
        edited_claims, edited_speakers = _tables(dataset, data_dir, source_id, work, review)
    # What the editors hold now is what is checked and saved.
    claims, speakers = _from_editor(edited_claims, work["claims"], source_id), _speakers_from_editor(edited_speakers)
    review = review_drafts(base, claims, speakers, shown)
    with table_col:
        _checks(review, shown)
        _save_and_undo(data_dir, source_id, drafts, claims, speakers, review, work)


def _source_picker(dataset: Dataset, data_dir: Path) -> str | None:
    sources = dataset.tables.sources
    labels = {
        s: f"{s} · {t} · {o} · {p.date().isoformat()}"  # option labels are shown as plain text
        for s, t, o, p in zip(sources["source_id"], sources["title"], sources["outlet"], sources["published"])
    }
    options = list(labels)
    if st.session_state.get(SOURCE_KEY) not in options:
        st.session_state[SOURCE_KEY] = options[-1] if options else None
    with st.expander("Add a new article (a text file or a saved web page)", expanded=not options):
        _add_article(data_dir)
    if not options:
        st.info("No source yet: add an article above.")
        return None
    return st.selectbox("Source to curate", options, format_func=labels.__getitem__, key=SOURCE_KEY)


def _add_article(data_dir: Path) -> None:
    upload = st.file_uploader("Article", type=["txt", "html", "htm"], key="curate_upload")
    left, right = st.columns(2)
    published = left.date_input("Published (blank: the page's own date)", value=None, key="curate_published")
    outlet = right.text_input("Outlet (blank: the page's site name, else 'unknown')", key="curate_outlet")
    title = left.text_input("Title (blank: the page's title, else 'unknown')", key="curate_title")
    url = right.text_input("URL (blank: the page's address, else 'unknown')", key="curate_url")
    if not st.button("Add this article", disabled=upload is None, key="curate_add") or upload is None:
        return
    try:
        article = read_article(upload.name, upload.getvalue())
        added = add_source(
            data_dir, article, published=published, title=title or None, outlet=outlet or None, url=url or None
        )
    except (UnreadableArticle, SourceRefused, StoreError) as err:
        st.error(markdown_text(str(err)))
        return
    st.session_state[SOURCE_KEY] = added.source_id
    st.session_state[MESSAGE_KEY] = f"Added {added.source_id} ({display_path(added.seed)}). Draft its claims below."
    st.rerun()


def _drafts_in_session(dataset: Dataset, data_dir: Path, source_id: str, drafts: Path) -> dict[str, Any]:
    """The drafts being edited for a source: read from its drafts files on first use."""
    key = f"curate_drafts_{source_id}"
    if key not in st.session_state:
        package = dataset.tables.package
        raws = {
            "claims": read_raw(drafts, package.resource("claims")),
            "speakers": read_raw(speakers_file_for(drafts), package.resource("speakers")),
        }
        st.session_state[key] = {
            **{name: _lines(raw.frame if raw.readable else raw.frame.iloc[:0]) for name, raw in raws.items()},
            "expected": {drafts: raws["claims"].sha256, speakers_file_for(drafts): raws["speakers"].sha256},
            "problems": [p for raw in raws.values() if raw.sha256 is not None for p in raw.problems],
            "version": 0,
        }
    return st.session_state[key]


def _lines(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows renumbered as the drafts file will hold them (header = line 1)."""
    return frame.reset_index(drop=True).assign(**{LINE: range(2, len(frame) + 2)})


def _article(text: str, review: Review, source_id: str, published: str, work: dict[str, Any]) -> None:
    key = f"curate_pick_{source_id}"

    def take_selection() -> None:
        picked = st.session_state.get(key) or {}
        span = selected_quote(text, int(picked.get("start", 0)), int(picked.get("end", 0)))
        st.session_state[f"{key}_span"] = span

    quote_picker(paragraphs=picker_payload(text, review.claims), key=key, default=None, on_change=take_selection)
    span = st.session_state.get(f"{key}_span")
    if not span:
        st.caption("No words selected yet. Or type a quote in the table: it must be the source's exact words.")
        return
    st.markdown("Selected: «" + markdown_text(text[span[0] : span[1]]) + "»")
    rows = [f"row {n}" for n in range(1, len(work["claims"]) + 1)]
    left, right = st.columns(2)
    if left.button("New claim with this quote", key="curate_new_claim", type="primary"):
        _change_drafts(work, _with_new_claim(work["claims"], text, span, source_id, published))
    target = right.selectbox("or set it as the quote of", rows, index=None, key="curate_target", placeholder="a row")
    if target and right.button("Set quote", key="curate_set_quote"):
        claims = work["claims"].copy()
        row = rows.index(target)
        claims.loc[claims.index[row], ["quote", "quote_start", "quote_end"]] = [
            text[span[0] : span[1]],
            str(span[0]),
            str(span[1]),
        ]
        _change_drafts(work, claims)


def _with_new_claim(
    claims: pd.DataFrame, text: str, span: tuple[int, int], source_id: str, published: str
) -> pd.DataFrame:
    """A new row for the selected words, with the neutral defaults: the publication day, 'as of
    the report', the source's own voice, stated, and grades that say 'cannot be judged'."""
    row = dict.fromkeys(claims.columns, "") | {
        "source_id": source_id,
        "quote": text[span[0] : span[1]],
        "quote_start": str(span[0]),
        "quote_end": str(span[1]),
        "valid_from": published,
        "date_precision": "as_of_report",
        "claimant": "narrator",
        "hedge": "stated",
        "reliability": "F",
        "credibility": "6",
        "against_interest": "false",
    }
    return _lines(pd.concat([claims, pd.DataFrame([row], dtype=str)], ignore_index=True))


def _change_drafts(work: dict[str, Any], claims: pd.DataFrame) -> None:
    """Replace the rows being edited; a new editor key makes the table start from them."""
    work["claims"] = _lines(claims)
    work["version"] += 1
    st.rerun()


def _tables(
    dataset: Dataset, data_dir: Path, source_id: str, work: dict[str, Any], review: Review
) -> tuple[pd.DataFrame, pd.DataFrame]:
    tables, package = dataset.tables, dataset.tables.package
    speakers = pd.concat([tables.speakers, work["speakers"]], ignore_index=True).drop_duplicates("speaker_id")
    claims_spec = package.resource("claims")

    def enum(name: str) -> list[str]:
        return list(claims_spec.field(name).enum or ())

    labels = {
        "place_id": place_labels(tables.places, dataset.names["places"]),
        "actor_id": described_labels(tables.actors, "actor_id", "side"),
        "claimant": described_labels(speakers.fillna(""), "speaker_id", "kind"),
        "claim_type": value_labels(tuple(enum("claim_type")), value_descriptions(data_dir, "claims", "claim_type")),
        "contradicts": {c: f"{c}: {s}" for c, s in zip(tables.claims["claim_id"], tables.claims["statement"])},
    }
    labels["via"] = labels["claimant"]

    def select(name: str, label: str, help_text: str, width: Literal["small", "medium", "large"] = "medium") -> Any:
        options = labels.get(name) or {v: v for v in enum(name)}
        return st.column_config.SelectboxColumn(
            label, options=list(options), format_func=lambda v: options.get(str(v), str(v)), help=help_text, width=width
        )

    def multi(name: str, label: str, help_text: str) -> Any:
        options = labels[name]
        return st.column_config.MultiselectColumn(
            label, options=list(options), format_func=lambda v: options.get(str(v), str(v)), help=help_text
        )

    config = {
        "quote": st.column_config.TextColumn(
            "Quote", help="The source's exact words: select them in the article", width="medium"
        ),
        "place_id": select("place_id", "Place", "Where the claim is about"),
        "scope": select("scope", "Scope", "part: unnamed parts of the place; blank or whole: all of it", "small"),
        "claim_type": select("claim_type", "Claim type", "What is claimed"),
        "actor_id": select("actor_id", "Actor", "Who controls, moves or acts (blank: none named)"),
        "statement": st.column_config.TextColumn("Statement", help="A neutral paraphrase in your own words"),
        "valid_from": st.column_config.DateColumn("From", help="First day the situation holds", format="YYYY-MM-DD"),
        "valid_to": st.column_config.DateColumn("To", help="Last day (blank: still holds)", format="YYYY-MM-DD"),
        "date_precision": select("date_precision", "Date precision", "How exact the dates are", "small"),
        "reported_on": st.column_config.DateColumn("Reported on", help="When the claim was made, if said"),
        "claimant": select("claimant", "Claimant", "Who made the claim (add new voices below)", "large"),
        "via": multi("via", "Via", "Who carried it, from the claimant outwards"),
        "hedge": select("hedge", "Hedge", "How firmly the source puts it", "small"),
        "reliability": select("reliability", "Reliability", "A (reliable) to F (cannot be judged)", "small"),
        "credibility": st.column_config.SelectboxColumn(
            "Credibility", options=[str(n) for n in range(1, 7)], help="1 (confirmed) to 6 (cannot be judged)"
        ),
        "against_interest": st.column_config.CheckboxColumn("Against interest"),
        "contradicts": multi("contradicts", "Contradicts", "Claims this one contradicts"),
        "claim_id": st.column_config.TextColumn("Id", disabled=True, help="Given on save"),
    }
    st.markdown(f"**Draft claims** ({len(work['claims'])}) — one row per claim and place")
    edited = st.data_editor(
        _to_editor(work["claims"]),
        column_order=EDITED,
        column_config=config,
        num_rows="dynamic",
        hide_index=False,
        key=f"curate_editor_{source_id}_{work['version']}",
        width="stretch",
    )
    kinds = value_labels(
        tuple(package.resource("speakers").field("kind").enum or ()), value_descriptions(data_dir, "speakers", "kind")
    )
    with st.expander(f"New voices proposed for this article ({len(work['speakers'])})"):
        st.caption("A speaker not in the lists above: name and kind; its id is made from the name.")
        edited_speakers = st.data_editor(
            work["speakers"][[c for c in SPEAKERS_EDITED if c in work["speakers"]]].fillna(""),
            column_config={
                "name": st.column_config.TextColumn("Name", help="As the source describes them"),
                "aliases": st.column_config.TextColumn(
                    "Other names", help="Other names the sources use, separated by '|'"
                ),
                "kind": st.column_config.SelectboxColumn(
                    "Kind", options=list(kinds), format_func=lambda v: kinds.get(str(v), str(v)), width="medium"
                ),
                "actor_id": select("actor_id", "Speaks for", "The actor it belongs to, if any"),
                "description": st.column_config.TextColumn("Description", help="Who this is, in your words"),
                "speaker_id": st.column_config.TextColumn("Id", disabled=True),
            },
            num_rows="dynamic",
            hide_index=True,
            key=f"curate_speakers_{source_id}_{work['version']}",
            width="stretch",
        )
    return edited, edited_speakers


def _to_editor(claims: pd.DataFrame) -> pd.DataFrame:
    """Text cells as the editor's columns want them: dates, lists, a checkbox; rows from 1."""
    shown = claims[EDITED].copy()
    for column in DATE_COLUMNS:
        shown[column] = pd.to_datetime(shown[column], format="%Y-%m-%d", errors="coerce").dt.date
    for column, separator in LIST_COLUMNS.items():
        shown[column] = shown[column].map(lambda cell, sep=separator: [v for v in cell.split(sep) if v])
    shown["against_interest"] = shown["against_interest"] == "true"
    shown.index = pd.RangeIndex(1, len(shown) + 1, name="row")
    return shown


def _from_editor(edited: pd.DataFrame, claims: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """The editor's rows as text cells, with the columns it does not show taken from `claims`
    (matched by row), so new rows get the current source and no selectors."""
    rows = edited.reset_index(drop=True)
    text = pd.DataFrame(index=rows.index)
    for column in EDITED:
        values = rows[column]
        if column in DATE_COLUMNS:
            text[column] = [v.isoformat() if isinstance(v, dt.date) and not pd.isna(v) else "" for v in values]
        elif column in LIST_COLUMNS:
            text[column] = [LIST_COLUMNS[column].join(v) if isinstance(v, list | tuple) else "" for v in values]
        elif column == "against_interest":
            text[column] = ["true" if v is True else "false" for v in values]
        else:
            text[column] = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in values]
    kept = claims.drop(columns=[*EDITED, LINE]).reset_index(drop=True)
    original = edited.index.to_series().reset_index(drop=True) - 1  # the row each came from
    rest = kept.reindex(original.where(original < len(kept)).astype("float").to_numpy()).reset_index(drop=True)
    rest = rest.fillna("").assign(source_id=lambda f: f["source_id"].where(f["source_id"] != "", source_id))
    return _lines(pd.concat([text, rest], axis=1)[claims.columns.drop(LINE)].astype(str))


def _speakers_from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """Proposed speakers as text cells; a new one's id is its name in lower case with `_`."""
    rows = edited.reset_index(drop=True).fillna("").astype(str)
    for column in SPEAKERS_EDITED:
        if column not in rows:
            rows[column] = ""
    made = rows["name"].str.lower().map(lambda name: re.sub(r"[^a-z0-9]+", "_", name).strip("_"))
    rows["speaker_id"] = rows["speaker_id"].where(rows["speaker_id"] != "", made)
    return _lines(rows[SPEAKERS_EDITED])


def _checks(review: Review, shown: tuple[str, str]) -> None:
    ready = int(review.claims_ok.sum())
    problems = joined_columns(review.problems)
    errors = [p for p in problems if p.is_error]
    st.markdown(
        f"**Checks** — {ready} of {len(review.claims)} row(s) ready to save"
        + (f"; {len(errors)} problem(s) to fix first" if errors else "")
    )
    lines = []
    for problem in problems:
        row = f"row {problem.row - 1}" if problem.file == shown[0] and problem.row else "new voices"
        lines.append(terminal_text(f"{row}: {problem}"))
    if lines:
        st.code("\n".join(lines), language=None, wrap_lines=True)


def _save_and_undo(
    data_dir: Path,
    source_id: str,
    drafts: Path,
    claims: pd.DataFrame,
    speakers: pd.DataFrame,
    review: Review,
    work: dict[str, Any],
) -> None:
    claims_ready, voices_ready = int(review.claims_ok.sum()), int(review.speakers_ok.sum())
    label = f"Save {claims_ready} claim(s)" + (f" and {voices_ready} new voice(s)" if voices_ready else "")
    ready = claims_ready + voices_ready
    # One under the other, full width: side by side, the label with its counts was cut short.
    if st.button(label + " to the tables", disabled=not ready, type="primary", key="curate_save", width="stretch"):
        try:
            saved = save_drafts(data_dir, claims, speakers, drafts, work["expected"])
        except StoreError as err:
            st.error(markdown_text(str(err)))
            return
        st.session_state[LAST_SAVE_KEY] = saved
        _reload(source_id, _saved_text(saved))
    last: Saved | None = st.session_state.get(LAST_SAVE_KEY)
    if last is not None and last.before and st.button("Undo the last save", key="curate_undo"):
        try:
            undo_save(last)
        except StoreError as err:
            st.error(markdown_text(str(err)))
            return
        del st.session_state[LAST_SAVE_KEY]
        _reload(source_id, "The last save was undone: the tables and the drafts are as they were before it.")


def _saved_text(saved: Saved) -> str:
    added = ", ".join(saved.added_claims) or "no claim"
    left = len(saved.review.left_claims)
    return f"Saved {added} to the tables; the map shows them now." + (
        f" {left} row(s) with problems stay in the drafts." if left else ""
    )


def _reload(source_id: str, message: str) -> None:
    """Drop the rows being edited so they are read again from the drafts file, and rerun."""
    st.session_state.pop(f"curate_drafts_{source_id}", None)
    st.session_state.pop(f"curate_pick_{source_id}_span", None)
    st.session_state[MESSAGE_KEY] = message
    st.rerun()
