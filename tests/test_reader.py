import pandas as pd

from claimmap.reader import article_paragraphs, paragraph_markdown

TEXT = "First para says alpha beta gamma.\n\nSecond para, delta epsilon.\n"


def claims(*spans):
    return pd.DataFrame({"claim_id": [f"c{i}" for i in range(1, len(spans) + 1)],
                         "quote_start": [s for s, _ in spans], "quote_end": [e for _, e in spans]})


def test_paragraphs_rebuild_the_text_exactly():
    paragraphs = article_paragraphs(TEXT, claims((16, 26)))
    assert ["".join(s.text for s in p.segments) for p in paragraphs] == ["First para says alpha beta gamma.",
                                                                          "Second para, delta epsilon."]


def test_overlapping_quotes_are_cut_into_segments():
    # c1 = "alpha beta", c2 = "beta gamma": "beta" is covered by both
    paragraphs = article_paragraphs(TEXT, claims((16, 26), (22, 32)))
    segments = [(s.text, s.claim_ids) for s in paragraphs[0].segments]
    assert ("beta", ("c1", "c2")) in segments and ("alpha ", ("c1",)) in segments
    assert paragraphs[0].claim_ids == ["c1", "c2"] and paragraphs[1].claim_ids == []


def test_selected_place_spans_are_emphasised_and_tagged():
    (first, _) = article_paragraphs(TEXT, claims((16, 26)))
    assert ":orange-background[**alpha beta**]" in paragraph_markdown(first, {"c1"})
    plain = paragraph_markdown(first, set())
    assert ":blue-background[alpha beta]" in plain and "c1" in plain


def test_markup_in_the_source_is_shown_literally():
    text = "A *starred* [link](x) and $5."
    (para,) = article_paragraphs(text, claims((2, 11)))
    out = paragraph_markdown(para, set())
    assert "\\*starred\\*" in out and "\\[link\\]" in out and "\\$5" in out
