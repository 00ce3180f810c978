"""A new article as claimmap keeps it: plain UTF-8 text, and what the page itself says about it.

A plain-text file is kept byte for byte. A saved HTML page is turned into text by trafilatura
(its main content, one paragraph per blank-line-separated block, as the reader and the anchors
expect). Title, outlet, publication day and URL are read only from the page's declared metadata
(`<meta>` tags, the canonical link, JSON-LD): trafilatura's own metadata falls back on the host
name for the outlet and on dates found in the body, which would be guesses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")
_URL = re.compile(r"https?://\S+")
MAX_JSON_LD_CHARS = 1_000_000  # a page's metadata block, not its body

# Where pages declare each item, most specific first. Each entry: (attribute, value) of a <meta>.
_TITLE_META = (("property", "og:title"), ("name", "twitter:title"), ("name", "dc.title"))
_OUTLET_META = (("property", "og:site_name"), ("name", "application-name"), ("name", "publisher"))
_DATE_META = (
    ("property", "article:published_time"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "dc.date"),
    ("name", "dcterms.date"),
    ("name", "dc.date.issued"),
)
_URL_META = (("property", "og:url"),)


class UnreadableArticle(ValueError):
    """The file cannot be used as an article; the message says why and what to do."""


@dataclass(frozen=True)
class Article:
    """The text to keep, and the metadata the file declares (None where it declares nothing)."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    from_html: bool = False


def is_html(name: str, data: bytes) -> bool:
    return name.lower().endswith(HTML_SUFFIXES) or bool(_HTML_START.match(data[:4096]))


def read_article(name: str, data: bytes) -> Article:
    """The article in the file called `name` holding `data`: HTML is extracted, text kept as it is."""
    if is_html(name, data):
        return _from_html(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnreadableArticle(
            f"{name} is not UTF-8 text (byte {err.start}); re-save it as UTF-8, or save the page as HTML"
        ) from None
    if not text.strip():
        raise UnreadableArticle(f"{name} is empty; save the article's text into it")
    return Article(text)


def _from_html(data: bytes) -> Article:
    import lxml.html
    import trafilatura  # heavy, and only needed for HTML

    try:
        tree = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError) as err:
        raise UnreadableArticle(f"the page cannot be parsed as HTML ({err}); save it again from the browser") from None
    extracted = trafilatura.extract(tree, output_format="txt", include_comments=False, include_tables=False) or ""
    paragraphs = [line.strip() for line in extracted.splitlines() if line.strip()]
    if not paragraphs:
        raise UnreadableArticle(
            "no article text was found in the page; save the article's text as a .txt file and add that instead"
        )
    ld = list(_json_ld_objects(tree))
    return Article(
        text="\n\n".join(paragraphs) + "\n",
        title=_first(_meta(tree, _TITLE_META), _ld_values(ld, "headline"), _title_element(tree)),
        outlet=_first(_meta(tree, _OUTLET_META), _ld_values(ld, "publisher", "name")),
        published=_first_day(_first(_meta(tree, _DATE_META), _ld_values(ld, "datePublished"))),
        url=_first_url(
            _canonical_link(tree), *_meta(tree, _URL_META), *_ld_values(ld, "url"), *_ld_values(ld, "mainEntityOfPage")
        ),
        from_html=True,
    )


def _meta(tree: HtmlElement, wanted: tuple[tuple[str, str], ...]) -> list[str]:
    found = []
    for attribute, value in wanted:
        for element in tree.iter("meta"):
            if (element.get(attribute) or "").strip().lower() == value.lower():
                found.append((element.get("content") or "").strip())
    return [v for v in found if v]


def _title_element(tree: HtmlElement) -> list[str]:
    element = tree.find(".//title")
    return [" ".join(element.text_content().split())] if element is not None else []


def _canonical_link(tree: HtmlElement) -> str:
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split():
            return (element.get("href") or "").strip()
    return ""


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        body = script.text or ""
        if len(body) > MAX_JSON_LD_CHARS:
            continue
        try:
            parsed = json.loads(body)
        except ValueError:
            continue
        stack = deque([parsed])
        while stack:  # the objects, including those of an @graph or a list
            item = stack.popleft()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k == "@graph")


def _ld_values(objects: list[dict], key: str, inner: str | None = None) -> list[str]:
    values = []
    for obj in objects:
        value = obj.get(key)
        if inner is not None and isinstance(value, dict):
            value = value.get(inner)
        elif isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip():
            values.append(value.strip())
    return values


def _first(*candidates: list[str]) -> str | None:
    return next((" ".join(value.split()) for values in candidates for value in values), None)


def _first_day(value: str | None) -> dt.date | None:
    match = _ISO_DAY.match(value or "")
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _first_url(*values: str) -> str | None:
    return next((v for v in values if _URL.fullmatch(v)), None)
