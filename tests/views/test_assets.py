from pathlib import Path

from claimmap.views.assets import (
    APP_URL,
    BASEMAP_NAMES,
    BASEMAP_SOURCES,
    CLAIMMAP_CSS,
    CLAIMMAP_JS,
    MAP_CSS,
    MAP_JS,
    STATIC_URL,
    install_map_assets,
)


def test_assets_are_copied_once_and_repaired_when_changed(tmp_path: Path):
    written = install_map_assets(tmp_path)
    assert {p.name for p in written} >= {"leaflet.js", "leaflet.css", "jquery.min.js", "marker-icon.png"}
    assert {p.name for p in written} >= {"claimmap-map.js", "claimmap-map.css", *BASEMAP_NAMES}
    assert install_map_assets(tmp_path) == []  # up to date: nothing rewritten on a restart
    leaflet = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    leaflet.write_text("corrupted")
    assert install_map_assets(tmp_path) == [leaflet]
    assert not list(tmp_path.rglob("*.part"))  # each copy is renamed into place whole


def test_every_map_url_points_at_an_installed_file(tmp_path: Path):
    install_map_assets(tmp_path)
    for _, url in [*MAP_JS, *MAP_CSS]:
        assert url.startswith(STATIC_URL)
        assert (tmp_path / "vendor" / url.removeprefix(STATIC_URL + "/")).is_file()
    for _, url in [*CLAIMMAP_JS, *CLAIMMAP_CSS]:
        assert url.startswith(APP_URL)
        assert (tmp_path / "claimmap" / url.removeprefix(APP_URL + "/")).is_file()


def test_the_basemap_is_served_byte_for_byte_from_geo_data(tmp_path: Path):
    install_map_assets(tmp_path)
    for source in BASEMAP_SOURCES:
        assert (tmp_path / "claimmap" / "basemap" / source.name).read_bytes() == source.read_bytes()
