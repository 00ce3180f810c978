"""Text on the map stays readable: every text colour of claimmap-map.css against what it is drawn
on (the basemap's fills, the sea, white boxes) has a contrast of at least 4.5:1 (WCAG AA)."""

import re

import pytest

from claimmap.views.assets import FRONTEND_DIR

CSS = (FRONTEND_DIR / "claimmap-map.css").read_text(encoding="utf-8")
JS = (FRONTEND_DIR / "claimmap-map.js").read_text(encoding="utf-8")


def luminance(color: str) -> float:
    digits = color.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_color(selector: str) -> str:
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert rule, selector
    return re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", rule.group(1)).group(1)


def fill(name: str) -> str:
    """A fill colour the basemap script uses, by the layer variable it is drawn in."""
    return re.search(r"L\.geoJSON\(data\." + name + r",[^;]*?fillColor: \"(#[0-9a-f]{6})\"", JS, re.S).group(1)


LAND, SYRIA = fill("levant_land"), fill("syria_outline")
SEA = re.search(r"\.leaflet-container \{ background: (#[0-9a-f]{6})", CSS).group(1)
WHITE = "#ffffff"


def test_contrast_formula_matches_wcag():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    "selector, grounds",
    [
        (".basemap-label span", [LAND, SYRIA]),
        (".basemap-label.kind-country span", [LAND, SYRIA]),
        (".basemap-label.kind-governorate span", [SYRIA]),
        (".basemap-label.kind-sea span", [SEA]),
        (".claim-marker .place-label", [LAND, SYRIA, SEA]),
        (".claim-tooltip", [WHITE]),
        (".claimmap-legend", [WHITE]),
        (".claimmap-elsewhere", [WHITE]),
        (".claimmap-elsewhere button", [WHITE]),
    ],
)
def test_map_text_has_at_least_4_5_to_1_contrast(selector, grounds):
    color = text_color(selector)
    for ground in grounds:
        assert contrast(color, ground) >= 4.5, f"{selector} {color} on {ground}: {contrast(color, ground):.2f}"
