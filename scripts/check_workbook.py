#!/usr/bin/python3
"""Reads a budgetlens report.xlsx as an analyst would, with pandas, and
prints what would get in the way, one problem per line (nothing when the
workbook is tidy); exits 1 when there is a problem.

Checked on every sheet:
  - pandas.read_excel gives no all-empty row and no "Unnamed" column;
  - the sheet holds one Excel table starting at A1, and pandas reads exactly
    its rows (nothing under or beside it);
  - a column written as whole numbers (number format #,##0 on every value)
    loads as integers (int64), or, when some cells are empty, holds only
    whole numbers.

Usage: scripts/check_workbook.py report.xlsx [--show]
Needs Debian's python3-pandas and python3-openpyxl.
"""
import sys

import openpyxl
import pandas as pd
from openpyxl.utils.cell import range_boundaries

INT_FORMAT = "#,##0"


def check(path, show=False):
    problems = []
    wb = openpyxl.load_workbook(path)
    sheets = pd.read_excel(path, sheet_name=None)
    for name, df in sheets.items():
        ws = wb[name]
        where = f"sheet {name!r}"
        empty = df.index[df.isna().all(axis=1)].tolist()
        if empty:
            problems.append(f"{where}: all-empty rows at {[i + 2 for i in empty]}")
        unnamed = [c for c in df.columns if str(c).startswith("Unnamed")]
        if unnamed:
            problems.append(f"{where}: columns without a header: {unnamed}")
        tables = list(ws.tables.values())
        if len(tables) != 1:
            problems.append(f"{where}: {len(tables)} Excel tables, want 1")
            continue
        min_col, min_row, max_col, max_row = range_boundaries(tables[0].ref)
        data_rows = max_row - 1
        if min_col != 1 or min_row != 1 or max_col != df.shape[1]:
            problems.append(f"{where}: table {tables[0].ref} is not the header and the columns pandas reads ({df.shape[1]})")
        if len(df) not in (data_rows, 0):
            problems.append(f"{where}: pandas reads {len(df)} rows, the table has {data_rows}: something lies under it")
        for j, col in enumerate(df.columns, start=1):
            cells = [ws.cell(row=r, column=j) for r in range(2, ws.max_row + 1)]
            numbers = [c for c in cells if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
            if not numbers or any(c.number_format != INT_FORMAT for c in numbers):
                continue
            s = df[col]
            if s.isna().any():
                bad = [v for v in s.dropna() if float(v) != int(v)]
                if bad:
                    problems.append(f"{where}, column {col!r}: whole-number column holds {bad[:3]}")
            elif not pd.api.types.is_integer_dtype(s):
                problems.append(f"{where}, column {col!r}: whole numbers load as {s.dtype}, not integers")
        if show:
            print(f"== {name}: {df.shape[0]} rows")
            print(df.dtypes.to_string())
    return problems


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    problems = check(sys.argv[1], "--show" in sys.argv[2:])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
