"""The map at scale: what is on screen is sent, crowded cells as bubbles, and never more than a
bounded number of features whatever the number of places."""

import numpy as np
import pandas as pd
import pytest

from claimmap.analysis.viewport import CLUSTER_MIN, MAX_CELLS, MAX_MARKERS, Viewport, on_screen, world_pixels

SYRIA = Viewport(32.3, 35.6, 37.35, 42.4, 7)
BOUND = MAX_CELLS * CLUSTER_MIN + 1  # bubbles + the few places of uncrowded cells + the selected one


def places(n: int, seed: int = 0, box=(32.4, 35.8, 37.2, 42.2)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(n)],
            "lat": rng.uniform(box[0], box[2], n),
            "lon": rng.uniform(box[1], box[3], n),
            "contested": rng.random(n) < 0.1,
        }
    )


def sent(shown) -> int:
    return len(shown.markers) + len(shown.clusters)


def accounted(shown) -> int:
    return len(shown.markers) + int(shown.clusters["n_places"].sum())


@pytest.mark.parametrize("n", [MAX_MARKERS + 1, 20_000, 300_000])
def test_features_are_bounded_whatever_the_number_of_places(n):
    markers = places(n)
    shown = on_screen(markers, SYRIA, selected="p7")
    assert sent(shown) <= BOUND
    assert accounted(shown) == n  # every place is a marker or counted in a bubble, once
    assert "p7" in set(shown.markers["place_id"])
    assert shown.clusters["n_places"].min() >= CLUSTER_MIN
    assert shown.clusters["n_contested"].sum() + shown.markers["contested"].sum() == markers["contested"].sum()


def test_few_places_on_screen_are_all_sent_as_themselves():
    markers = places(MAX_MARKERS)
    shown = on_screen(markers, SYRIA)
    assert len(shown.clusters) == 0
    assert sorted(shown.markers["place_id"]) == sorted(markers["place_id"])


def test_places_off_screen_are_left_out_except_the_selected_one():
    north, south = (
        places(5000, seed=1, box=(36.0, 36.0, 37.0, 37.0)),
        places(5000, seed=2, box=(32.5, 36.0, 33.0, 37.0)),
    )
    south["place_id"] = "s" + south["place_id"]
    markers = pd.concat([north, south], ignore_index=True)
    shown = on_screen(markers, Viewport(35.9, 35.9, 37.1, 37.1, 9), selected="sp3")
    assert accounted(shown) == 5001
    assert set(shown.markers["place_id"]) & set(south["place_id"]) == {"sp3"}


def test_zoomed_in_far_enough_every_place_is_itself():
    markers = places(100_000)
    first = markers.iloc[0]
    view = Viewport(first["lat"] - 0.01, first["lon"] - 0.01, first["lat"] + 0.01, first["lon"] + 0.01, 15)
    shown = on_screen(markers, view)
    assert len(shown.clusters) == 0 and "p0" in set(shown.markers["place_id"])


def test_a_whole_world_view_at_the_deepest_zoom_is_still_bounded():
    markers = places(200_000, box=(-60, -170, 70, 170))
    shown = on_screen(markers, Viewport(-85, -180, 85, 180, 22))
    assert sent(shown) <= BOUND and accounted(shown) == 200_000


def test_crowded_cells_follow_the_pixel_grid():
    # Ten places a few metres apart are one bubble at a country's zoom and themselves at street level.
    markers = places(MAX_MARKERS + 10)
    markers.loc[:9, ["lat", "lon"]] = [[35.0 + k * 1e-5, 38.0] for k in range(10)]
    far = on_screen(markers, SYRIA)
    assert not {f"p{k}" for k in range(10)} & set(far.markers["place_id"])
    near = on_screen(markers, Viewport(34.999, 37.999, 35.001, 38.001, 22))
    assert {f"p{k}" for k in range(10)} <= set(near.markers["place_id"])


def test_world_pixels_are_leaflets():
    x, y = world_pixels(pd.Series([0.0, 85.05112878, -85.05112878]), pd.Series([-180.0, 0.0, 180.0]), 1)
    assert np.allclose(x, [0, 256, 512]) and np.allclose(y, [256, 0, 512])


@pytest.mark.parametrize(
    "value",
    [
        None,
        {},
        {"zoom": 7},
        {"bounds": {"_southWest": {"lat": None, "lng": 1}, "_northEast": {"lat": 2, "lng": 3}}, "zoom": 7},
        {"bounds": {"_southWest": {"lat": 3, "lng": 1}, "_northEast": {"lat": 2, "lng": 3}}, "zoom": 7},
        {"bounds": {"_southWest": {"lat": 1, "lng": 1}, "_northEast": {"lat": 2, "lng": 3}}, "zoom": "nan"},
        {"bounds": {"_southWest": {"lat": 1, "lng": 1}, "_northEast": {"lat": 2, "lng": 3}}, "zoom": 99},
        {"bounds": "everything", "zoom": 7},
    ],
)
def test_a_missing_or_malformed_map_value_means_the_default_view(value):
    assert Viewport.from_map_value(value, SYRIA) == SYRIA


def test_the_map_value_gives_the_view():
    value = {"bounds": {"_southWest": {"lat": 35, "lng": 36}, "_northEast": {"lat": 36, "lng": 37.5}}, "zoom": 9.5}
    assert Viewport.from_map_value(value, SYRIA) == Viewport(35.0, 36.0, 36.0, 37.5, 9.5)
