import pytest

from geo import gazetteer
from geo.gazetteer import find_city, normalize_name


@pytest.mark.parametrize(
    ("spelling", "plain"),
    [
        ("Ţarţūs", "tartus"),
        ("TARTÛS", "tartus"),
        ("Deir ez-Zor", "deir ez zor"),
        ("Dar‘ā", "dara"),
        ("Khan  Shaykhūn", "khan shaykhun"),
        ("Gölbaşı", "golbasi"),
        ("أدلب", "ادلب"),
        ("Хмеймим", "хмеимим"),
    ],
)
def test_normalize_ignores_case_diacritics_apostrophes_and_hyphens(spelling, plain):
    assert normalize_name(spelling) == plain


def test_latin_spelling_finds_the_geonames_name_with_diacritics():
    match = find_city(["Tartus"], "SY")
    # GeoNames 163345 Ţarţūs, 34.88902 N 35.88659 E.
    assert (match.city.geonameid, match.city.name) == (163345, "Ţarţūs")
    assert match.others == ()


def test_arabic_and_alternate_spellings_find_the_city():
    assert find_city(["طرطوس"], "SY").city.geonameid == 163345
    assert find_city(["Lattakia"], "SY").city.geonameid == 173576
    assert find_city(["اللاذقية"], "SY").city.geonameid == 173576


def test_the_country_decides_between_namesakes():
    # "Al Qunaytirah" is Quneitra in Syria (pop. 36,143) and, as an alternate name,
    # Kenitra in Morocco (pop. 470,949): the larger one must not win outside its country.
    assert find_city(["Al Qunaytirah"], "SY").city.geonameid == 173334
    assert find_city(["Al Qunaytirah"], "MA").city.geonameid == 2544571


def test_several_cities_give_the_most_populous_and_list_the_rest():
    # Turkey has two Ereğli: Konya province (156,253) and Zonguldak province (88,848).
    match = find_city(["Eregli"], "TR")
    assert match.city.population == 156253
    assert [other.population for other in match.others] == [88848]


def test_every_name_is_tried():
    assert find_city(["Nowhere-on-Sea", "Halab"], "SY").city.name == "Aleppo"


def test_unknown_name_or_country_finds_nothing():
    assert find_city(["Atlantis"], "SY") is None
    assert find_city(["Damascus"], "ZZ") is None
    assert find_city([], "SY") is None


def test_name_index_is_built_once_per_country():
    assert gazetteer._name_index("SY") is gazetteer._name_index("SY")
