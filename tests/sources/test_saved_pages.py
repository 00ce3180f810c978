"""A new article read as claimmap keeps it: plain text untouched, HTML turned into paragraphs,
metadata taken only from what the page declares."""

from __future__ import annotations

import datetime as dt

import pytest

from claimmap.sources.anchors import paragraph_spans
from claimmap.sources.saved_pages import UnreadableArticle, read_article
from fixture_data import FIXTURES

PAGES = FIXTURES / "pages"


def test_a_saved_page_gives_its_paragraphs_and_declared_metadata():
    article = read_article("coast_wire.html", (PAGES / "coast_wire.html").read_bytes())
    assert article.from_html
    assert (article.title, article.outlet, article.published, article.url) == (
        "Frigates leave Tartous",
        "Coast Wire",
        dt.date(2024, 12, 11),
        "https://coastwire.example/2024/12/11/frigates-leave-tartous",
    )
    paragraphs = [article.text[a:b] for a, b in paragraph_spans(article.text)]
    assert paragraphs[0] == "Frigates leave Tartous"
    assert paragraphs[1].startswith("Two Russian frigates left the harbour of Tartous on the evening of December 10")
    assert len(paragraphs) == 4
    assert "Subscribe" not in article.text and "All rights reserved" not in article.text  # navigation and footer


def test_nothing_is_guessed_from_the_body_or_the_host():
    article = read_article("no_metadata.html", (PAGES / "no_metadata.html").read_bytes())
    assert (article.title, article.outlet, article.published, article.url) == (None, None, None, None)
    assert "Residents of Jableh said on 10 December 2024" in article.text


def test_json_ld_metadata_is_read():
    page = (
        b'<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "Calm in'
        b' Jableh", "datePublished": "2024-12-12T09:00:00Z", "publisher": {"name": "Levant Daily"}, "url":'
        b' "https://levant.example/jableh"}]}</script></head><body><article><p>Residents of Jableh said the shops'
        b" had reopened and that the streets of the old town were calm again.</p></article></body></html>"
    )
    article = read_article("page", page)  # recognised as HTML by its content
    assert (article.title, article.outlet, article.published, article.url) == (
        "Calm in Jableh",
        "Levant Daily",
        dt.date(2024, 12, 12),
        "https://levant.example/jableh",
    )


def test_plain_text_is_kept_as_it_is():
    data = "Line one,\r\nwith “curly” quotes.\n\n".encode()
    article = read_article("a.txt", data)
    assert article.text.encode("utf-8") == data and not article.from_html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caf\xe9", r"a\.txt is not UTF-8 text \(byte 3\); re-save it as UTF-8"),
        (b"  \n", r"a\.txt is empty"),
    ],
)
def test_unusable_text_is_refused_with_the_fix(data, message):
    with pytest.raises(UnreadableArticle, match=message):
        read_article("a.txt", data)


def test_a_page_without_article_text_is_refused():
    with pytest.raises(UnreadableArticle, match="no article text was found in the page; save the article's text"):
        read_article("empty.html", b"<html><head><title>T</title></head><body></body></html>")
