from pathlib import Path

from claimmap.views.assets import MAP_CSS, MAP_JS, STATIC_URL, install_map_assets


def test_assets_are_copied_once_and_repaired_when_changed(tmp_path: Path):
    written = install_map_assets(tmp_path)
    assert {p.name for p in written} >= {"leaflet.js", "leaflet.css", "jquery.min.js", "marker-icon.png"}
    assert install_map_assets(tmp_path) == []  # up to date: nothing rewritten on a restart
    leaflet = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    leaflet.write_text("corrupted")
    assert install_map_assets(tmp_path) == [leaflet]


def test_every_map_url_points_at_an_installed_file(tmp_path: Path):
    install_map_assets(tmp_path)
    for _, url in [*MAP_JS, *MAP_CSS]:
        assert url.startswith(STATIC_URL)
        assert (tmp_path / "vendor" / url.removeprefix(STATIC_URL + "/")).is_file()
