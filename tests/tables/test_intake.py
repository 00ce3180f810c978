"""`python -m claimmap add-source`: the article kept under seeds/, its row appended, duplicates refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import claimmap.tables.intake
from claimmap.cli import main
from claimmap.tables.csvio import read_raw
from claimmap.tables.schema import read_package
from fixture_data import BUNDLED_DATA, FIXTURES

SOURCES_SPEC = read_package(BUNDLED_DATA / "datapackage.json").resource("sources")
ARTICLE = "Residents of Jableh said on Tuesday that the shops had reopened.\n"


def sources(data_dir: Path):
    return read_raw(data_dir / "sources.csv", SOURCES_SPEC).frame


def add_source(*args: str) -> int:
    return main(["add-source", "--data", "data", *args])


def write_article(tmp_path: Path, text: str = ARTICLE, name: str = "jableh.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_text_is_copied_under_seeds_with_the_next_id_and_its_hash(data_dir: Path, tmp_path: Path, capsys):
    article = write_article(tmp_path)
    assert add_source(str(article), "--published", "2024-12-11", "--outlet", "Levant Daily") == 0
    sha = hashlib.sha256(ARTICLE.encode()).hexdigest()
    seed = tmp_path / "seeds" / f"001_{sha[:16]}.txt"
    assert seed.read_bytes() == article.read_bytes()
    row = sources(data_dir).iloc[-1]
    assert row[["source_id", "path", "title", "outlet", "published", "language", "url", "sha256"]].tolist() == [
        "src001",
        f"seeds/001_{sha[:16]}.txt",
        "unknown",
        "Levant Daily",
        "2024-12-11",
        "en",
        "unknown",
        sha,
    ]
    out = capsys.readouterr().out
    assert out.startswith(f"src001: seeds/001_{sha[:16]}.txt (copied as it is); title: unknown; outlet: Levant Daily")
    assert "--out drafts/src001.csv" in out
    assert main(["validate", "--data", "data"]) == 0  # the new row is valid as it stands, sha256 included


def test_the_same_text_twice_is_refused_and_nothing_written(data_dir: Path, tmp_path: Path, capsys):
    article = write_article(tmp_path)
    add_source(str(article), "--published", "2024-12-11")
    before = (data_dir / "sources.csv").read_bytes()
    capsys.readouterr()
    assert add_source(str(article), "--published", "2024-12-12") == 1
    seed = f"seeds/001_{hashlib.sha256(ARTICLE.encode()).hexdigest()[:16]}.txt"
    assert capsys.readouterr().out == (
        f"data/sources.csv: this text is already source src001 ({seed}); nothing was added — "
        "draft its claims with that source\n"
    )
    assert (data_dir / "sources.csv").read_bytes() == before
    bundled = FIXTURES / "bundled" / "seeds" / "000_ae3071192ac73a97.txt"
    assert add_source(str(bundled), "--published", "2024-12-09") == 1  # the bundled article itself
    assert "already source src000" in capsys.readouterr().out


def test_a_saved_page_fills_metadata_and_options_win(data_dir: Path, capsys):
    page = FIXTURES / "pages" / "coast_wire.html"
    assert add_source(str(page), "--title", "Russian frigates leave Tartous") == 0
    row = sources(data_dir).iloc[-1]
    assert row[["title", "outlet", "published", "url"]].tolist() == [
        "Russian frigates leave Tartous",
        "Coast Wire",
        "2024-12-11",
        "https://coastwire.example/2024/12/11/frigates-leave-tartous",
    ]
    text = (data_dir.parent / row["path"]).read_text(encoding="utf-8")
    assert text.startswith("Frigates leave Tartous\n\nTwo Russian frigates left the harbour of Tartous")
    assert "(text extracted from the page)" in capsys.readouterr().out


def test_a_page_declaring_nothing_needs_a_date_and_gets_unknowns(data_dir: Path, capsys):
    page = FIXTURES / "pages" / "no_metadata.html"
    assert add_source(str(page)) == 1
    assert capsys.readouterr().out == (
        "no publication day: the file declares none; give it as --published YYYY-MM-DD\n"
    )
    assert add_source(str(page), "--published", "2024-12-12") == 0
    row = sources(data_dir).iloc[-1]
    assert row[["title", "outlet", "published", "url"]].tolist() == ["unknown", "unknown", "2024-12-12", "unknown"]


def test_a_bad_option_is_reported_as_validate_would_and_nothing_written(data_dir: Path, tmp_path: Path, capsys):
    before = (data_dir / "sources.csv").read_bytes()
    assert add_source(str(write_article(tmp_path)), "--published", "2024-12-11", "--url", "coastwire") == 1
    assert capsys.readouterr().out == (
        "data/sources.csv:3: url: 'coastwire' does not match the pattern (https?://\\S+|unknown)\n"
        "not adding: fix the values above\n"
    )
    assert (data_dir / "sources.csv").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "seeds").iterdir()) == ["000_ae3071192ac73a97.txt"]


def test_a_run_killed_after_the_copy_is_finished_by_the_next(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    article = write_article(tmp_path)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands for a kill between the copy and the row

    with monkeypatch.context() as patch:
        patch.setattr(claimmap.tables.intake, "write_canonical", killed)
        with pytest.raises(KeyboardInterrupt):
            add_source(str(article), "--published", "2024-12-11")
    assert len(sources(data_dir)) == 1 and len(list((tmp_path / "seeds").iterdir())) == 2
    assert add_source(str(article), "--published", "2024-12-11") == 0
    assert sources(data_dir)["source_id"].tolist() == ["src000", "src001"]


def test_missing_and_non_utf8_files_are_reported(data_dir: Path, tmp_path: Path, capsys):
    assert add_source(str(tmp_path / "nope.txt"), "--published", "2024-12-11") == 1
    assert "nope.txt: file not found; give the path of the saved article" in capsys.readouterr().out
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café".encode("latin-1"))
    assert add_source(str(latin), "--published", "2024-12-11") == 1
    assert "latin.txt is not UTF-8 text (byte 3); re-save it as UTF-8" in capsys.readouterr().out
