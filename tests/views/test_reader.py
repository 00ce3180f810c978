import pandas as pd

from claimmap.views.reader import READER_FRONTEND, article_paragraphs, reader_payload

TEXT = "First para says alpha beta gamma.\n\nSecond para, delta epsilon.\n"


def claims(*spans):
    return pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(1, len(spans) + 1)],
            "quote_start": [s for s, _ in spans],
            "quote_end": [e for _, e in spans],
        }
    )


def test_paragraphs_rebuild_the_text_exactly():
    paragraphs = article_paragraphs(TEXT, claims((16, 26)))
    assert ["".join(s.text for s in p.segments) for p in paragraphs] == [
        "First para says alpha beta gamma.",
        "Second para, delta epsilon.",
    ]


def test_overlapping_quotes_are_cut_into_segments():
    # c1 = "alpha beta", c2 = "beta gamma": "beta" is covered by both
    paragraphs = article_paragraphs(TEXT, claims((16, 26), (22, 32)))
    segments = [(s.text, s.claim_ids) for s in paragraphs[0].segments]
    assert ("beta", ("c1", "c2")) in segments and ("alpha ", ("c1",)) in segments
    assert paragraphs[0].claim_ids == ["c1", "c2"] and paragraphs[1].claim_ids == []


def test_payload_is_plain_json_the_component_draws_as_text():
    (first, second) = article_paragraphs(TEXT, claims((16, 26)))
    payload = reader_payload([first, second])
    assert payload[0] == [
        {"text": "First para says ", "ids": [], "ends": []},
        {"text": "alpha beta", "ids": ["c1"], "ends": ["c1"]},
        {"text": " gamma.", "ids": [], "ends": []},
    ]
    assert payload[1] == [{"text": "Second para, delta epsilon.", "ids": [], "ends": []}]


def test_component_sets_table_text_as_text_only():
    """The reader's page must never parse text from the tables as HTML."""
    page = (READER_FRONTEND / "index.html").read_text(encoding="utf-8")
    assert "innerHTML" not in page and "insertAdjacentHTML" not in page and "document.write" not in page
    assert "node.textContent = segment.text" in page
