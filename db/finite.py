"""The store's last guard on numbers: nothing infinite, NaN or absurdly large is ever written.

The readers already bound every number they read (``core.numbers``: magnitude below 10^15, never
inf or NaN); this check on every bulk insert makes sure no other path can store one, so that no
page, recap or export ever meets such a value (issue 15). Schema ``008_finite_numbers.sql``
cleared the values stored before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The same bound as core.numbers.MAX_MAGNITUDE (db imports nothing of ours).
LIMIT = 1e15


class NotFinite(ValueError):
    """Raised instead of storing a number that is inf, NaN or of magnitude 10^15 or more."""

    def __init__(self, table: str, column: str):
        super().__init__(
            f"Data tidak disimpan: kolom {column} (tabel {table}) memuat angka yang tidak wajar (tak "
            "terhingga atau lebih dari seribu triliun). Periksa angka pada berkas yang diunggah, lalu "
            "unggah kembali."
        )
        self.table = table
        self.column = column


def check_finite(table: str, data: pa.Table | pd.DataFrame) -> None:
    """Raise :class:`NotFinite` when a float column of ``data`` (rows about to be inserted into
    ``table``) holds inf, NaN (Arrow; in a DataFrame NaN is a missing value, stored as NULL) or a
    value of magnitude :data:`LIMIT` or more."""
    if isinstance(data, pa.Table):
        for name, column in zip(data.column_names, data.columns):
            if pa.types.is_floating(column.type) and column.null_count < len(column):
                # NaN < LIMIT is false, so NaN counts as out of range too
                if pc.any(pc.invert(pc.less(pc.abs(column), LIMIT))).as_py():
                    raise NotFinite(table, name)
        return
    for name in data.columns:
        column = data[name]
        if column.dtype.kind == "f":
            values = column.to_numpy()
            if np.any(np.abs(values[~np.isnan(values)]) >= LIMIT):
                raise NotFinite(table, str(name))
        elif column.dtype == object:
            floats = [v for v in column if isinstance(v, float) and v == v]
            if floats and not all(-LIMIT < v < LIMIT for v in floats):
                raise NotFinite(table, str(name))
