"""The README and the schema stay honest about the commands and the columns."""

import re
from pathlib import Path

from claimmap.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    for name in [command.name for command in COMMANDS]:
        assert f"python -m claimmap {name}" in README, name
    assert "python -m geo" in README


def test_the_two_fresh_machine_commands_and_the_ci_test_command_agree():
    assert "scripts/run" in README and "scripts/test" in README
    assert "streamlit run serve.py" in (REPO / "scripts" / "run").read_text()
    assert re.search(r"^exec scripts/test\b", (REPO / ".ci" / "run").read_text(), re.M)


def test_every_path_contributing_names_exists():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:claimmap|geo|tests|scripts|data|\.ci)/[\w./-]*|[\w-]+\.(?:py|yaml|md))`", text))
    assert "claimmap/analysis/filters.py" in paths
    assert [p for p in sorted(paths) if not (REPO / p).exists()] == []
