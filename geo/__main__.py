"""python -m geo [--data DIR] [--online]

Prints place_id,lat,lon,source,precision as CSV for every place located, and
one line on stderr for each place that is not (a row the loader or the places
checks reject is reported as they report it). Exit status: 0 if every place was
located, 1 if some were not, 2 if places.csv could not be read.

An entry point: it reads places.csv through claimmap's loader, which checks it
against data/datapackage.json, so geo itself only locates.
"""

import argparse
import contextlib
import csv
import os
import sys
from pathlib import Path

from claimmap.config import DATA_ENV, data_dir_from
from claimmap.files import FileRefused
from claimmap.problems import display_path, has_errors, sort_problems, terminal_text
from claimmap.tables.load import load_tables
from claimmap.tables.store import data_lock
from claimmap.tables.validate import check_places
from geo.errors import GeoError
from geo.locate import Located, locate_places
from geo.online import default_geocoder

OUTPUT_COLUMNS = ["place_id", "lat", "lon", "source", "precision"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    data_dir = data_dir_from(args.data, os.environ)
    tables = check_places(load_tables(data_dir))
    places_file = display_path(data_dir / tables.package.resource("places").path)
    problems = sort_problems(p for p in tables.problems if p.file == places_file)
    if any(p.row is None and p.is_error for p in problems):
        for problem in problems:
            print(f"geo: {terminal_text(str(problem))}", file=sys.stderr)
        print(f"geo: pass --data DIR or set ${DATA_ENV} to the folder that holds places.csv", file=sys.stderr)
        return 2
    try:
        with data_lock(data_dir) if args.online else contextlib.nullcontext():  # writers queue
            located = locate_places(
                tables.places, data_dir=data_dir, geocoder=default_geocoder() if args.online else None
            )
    except FileRefused as error:  # the cache changed meanwhile, or the lock is held too long
        print(f"geo: {terminal_text(str(error))}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"geo: cannot read or write {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    except GeoError as error:
        print(f"geo: {error}", file=sys.stderr)
        return 2
    if located.cache_problem is not None:
        print(f"geo: warning: {terminal_text(str(located.cache_problem))}; the cache was not used", file=sys.stderr)
    _write_positions(located)
    for problem in problems:
        print(terminal_text(str(problem)), file=sys.stderr)
    lines = dict(zip(tables.places["place_id"], tables.places["_line"]))
    for place in located.unlocated:
        print(
            terminal_text(f"{places_file}:{lines[place.place_id]}: name: cannot locate '{place.name}': {place.reason}"),
            file=sys.stderr,
        )
    return 1 if located.unlocated or has_errors(problems) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Print a position for every place.")
    parser.add_argument(
        "--data",
        type=Path,
        help=f"directory holding places.csv and geocode_cache.csv (default: ${DATA_ENV}, else the repo's data/)",
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="ask Nominatim (1 request/s) for places the offline sources miss; answers go to geocode_cache.csv",
    )
    return parser


def _write_positions(located: Located) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row in located.positions[OUTPUT_COLUMNS].itertuples(index=False):
        writer.writerow(row)


if __name__ == "__main__":
    sys.exit(main())
