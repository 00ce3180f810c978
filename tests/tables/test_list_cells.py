"""List cells ('a|b', 'a>b') split into items, one per row, under their cell's label."""

import pandas as pd

from claimmap.tables.rowchecks import split_list_cells


def test_items_keep_their_cell_label_and_order():
    cells = pd.Series(["a|b|c", "", "d", "e|e"], index=[10, 11, 12, 13], dtype="str")
    items = split_list_cells(cells, "|")
    assert items.index.tolist() == [10, 10, 10, 11, 12, 13, 13]
    assert items.tolist() == ["a", "b", "c", "", "d", "e", "e"]
    assert items.dtype == cells.dtype
    expected = cells.str.split("|", regex=False).explode()
    assert items.tolist() == expected.tolist() and items.index.equals(expected.index)


def test_no_list_cell_gives_the_cells_back():
    cells = pd.Series(["x", "", "y"], dtype="str")
    assert split_list_cells(cells, ">").equals(cells)
