"""Which data directory to use: a --data option, else $CLAIMMAP_DATA, else the bundled data/."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

DATA_ENV = "CLAIMMAP_DATA"
CACHE_ENV = "CLAIMMAP_CACHE"  # where validated datasets are stored between starts; 'off' for nowhere
DATA_OPTION = "--data"
CACHE_FOLDER = ".claimmap-cache"  # beside the data folder, when $CLAIMMAP_CACHE is not set
CACHE_DISABLED = "off"
BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_dir_from(option: str | None, environ: Mapping[str, str]) -> Path:
    """The directory given by the option value, else by the environment, else the bundled one."""
    if option:
        return Path(option)
    if environ.get(DATA_ENV):
        return Path(environ[DATA_ENV])
    return BUNDLED_DATA_DIR


def resolve_data_dir(argv: list[str], environ: Mapping[str, str]) -> Path:
    """The data directory for a command line that may hold `--data DIR` or `--data=DIR`.

    Other arguments are ignored, so this works on argv meant for another program (streamlit).
    """
    return data_dir_from(_option_value(argv, DATA_OPTION), environ)


def _option_value(argv: list[str], option: str) -> str | None:
    # The last occurrence wins, as with argparse.
    value = None
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(option + "="):
            value = arg[len(option) + 1 :]
    return value


def cache_dir_for(data_dir: Path, environ: Mapping[str, str]) -> Path | None:
    """Where what is kept between starts for `data_dir` goes; None when caching is switched off."""
    chosen = environ.get(CACHE_ENV, "")
    if chosen == CACHE_DISABLED:
        return None
    return Path(chosen) if chosen else data_dir.resolve().parent / CACHE_FOLDER
