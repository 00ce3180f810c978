"""A plainly written CSV read by pyarrow's parser, several times faster than the csv module.

"Plainly written" is checked first, by one RE2 match over the whole text (linear): every line is
one record (none is blank); a field is either unquoted, without quotes, commas or line breaks, or quoted, with
its quotes doubled and no line break inside; lines end in LF or CRLF; there is no NUL. On such a
text the csv module and pyarrow read the same cells, and a record's line is its position. Anything
else (a cell over lines, a blank line, a stray quote, a row of another width, a cell longer than
the csv module accepts) returns None, and the caller reads the file with the csv module, which
knows where every record starts and says what is wrong.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

_FIELD = r'(?:[^",\r\n\x00]*|"(?:[^"\r\n\x00]|"")*")'
_RECORD = rf"{_FIELD}(?:,{_FIELD})*"
_PLAIN = rf"^(?:{_RECORD}\r?\n)*(?:{_RECORD})?$"


def read_plain(text: str, max_cell_chars: int) -> tuple[list[str], pd.DataFrame] | None:
    """The header of `text` and its records after it, as a frame of str columns; None when `text`
    is not plainly written, or its header has fewer than two names or repeats one."""
    blank_line = text.startswith(("\n", "\r\n")) or "\n\n" in text or "\n\r\n" in text  # the csv module skips these
    if not text or blank_line or not pc.match_substring_regex(pa.array([text], pa.large_string()), _PLAIN)[0].as_py():
        return None
    header = next(csv.reader([text.partition("\n")[0].removesuffix("\r")]))
    if len(header) < 2 or len(set(header)) != len(header):  # one column: a blank line would be a blank cell
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    options = pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    read = pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True, block_size=16 << 20)
    try:
        table = pacsv.read_csv(io.BytesIO(text.encode("utf-8")), read, options, convert)
    except pa.ArrowInvalid:  # a row of another width, above all
        return None
    if table.num_rows != lines - 1:
        return None
    longest = max((pc.max(pc.utf8_length(column)).as_py() or 0 for column in table.columns), default=0)
    if longest > max_cell_chars:
        return None
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(len(frame))
    return header, frame


def record_lines(n_records: int) -> np.ndarray:
    """(first, last) line of each record after the header, for a plainly written text."""
    lines = np.arange(2, n_records + 2, dtype=np.int64)
    return np.column_stack([lines, lines])
