"""python -m geo [--data DIR] [--online]

Prints place_id,lat,lon,source,precision as CSV for every place located, and
one line on stderr for each place that is not. Exit status: 0 if every place
was located, 1 if some were not, 2 if the input could not be read.
"""

import argparse
import csv
import os
import sys
from pathlib import Path

from claimmap.config import DATA_ENV, data_dir_from
from geo.errors import GeoError
from geo.locate import Located, locate_places
from geo.online import default_geocoder
from geo.places import read_places_csv

PLACES_FILE = "places.csv"
OUTPUT_COLUMNS = ["place_id", "lat", "lon", "source", "precision"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    data_dir = data_dir_from(args.data, os.environ)
    places_path = data_dir / PLACES_FILE
    try:
        places = read_places_csv(places_path)
        located = locate_places(places, data_dir=data_dir, geocoder=default_geocoder() if args.online else None)
    except OSError as error:
        print(
            f"geo: cannot read or write {error.filename}: {error.strerror}; expected {PLACES_FILE} in {data_dir}; "
            f"pass --data DIR or set ${DATA_ENV} to the folder that holds it",
            file=sys.stderr,
        )
        return 2
    except GeoError as error:
        print(f"geo: {error}", file=sys.stderr)
        return 2
    _write_positions(located)
    lines = dict(zip(places["place_id"], places["_line"]))
    for place in located.unlocated:
        print(
            f"{PLACES_FILE}:{lines[place.place_id]}: name: cannot locate '{place.name}': {place.reason}",
            file=sys.stderr,
        )
    return 1 if located.unlocated else 0


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
