#!/usr/bin/env python3
"""The DuckDB peer of the scale benchmark: runs bench/peer.sql on a folder of UTF-8 CSVs.

    python3 bench/peer.py DATA_DIR OUT_DIR AS_OF_MONTH THREADS
    python3 bench/peer.py --convert SRC_DIR DST_DIR   # GBK and XLSX to UTF-8 CSV

DuckDB reads UTF-8 CSV only without its `encodings` and `excel` extensions, which it
downloads at run time from extensions.duckdb.org — out of reach on a closed network. So the
GBK files and workbooks are converted first (--convert, timed separately by bench/scale.sh).
"""

import csv
import os
import sys
from pathlib import Path


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def convert(src: Path, dst: Path) -> None:
    """UTF-8 files are linked, GBK files decoded, workbooks' first sheets written as CSV
    (their title row dropped: the header is the row that starts with 身份证号)."""
    from python_calamine import CalamineWorkbook

    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.iterdir()):
        target = dst / (path.stem + ".csv")
        if target.exists():
            target.unlink()
        if path.suffix == ".xlsx":
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            start = next(i for i, r in enumerate(rows) if r and r[0] == "身份证号")
            with open(target, "w", newline="", encoding="utf-8") as out:
                csv.writer(out, lineterminator="\n").writerows(rows[start:])
            continue
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            os.link(path, target)
        except UnicodeDecodeError:
            target.write_bytes(data.decode("gb18030").encode("utf-8"))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--convert":
        convert(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    import duckdb

    data, out, as_of_month, threads = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    out.mkdir(parents=True, exist_ok=True)
    sql = (Path(__file__).parent / "peer.sql").read_text(encoding="utf-8")
    for key, value in {
        "contributions": quote(str(data / "contributions_*.csv")),
        "statements": quote(str(data / "statement_*.csv")),
        "as_of_month": quote(as_of_month),
        "months_out": quote(str(out / "months.csv")),
        "findings_out": quote(str(out / "findings.csv")),
    }.items():
        sql = sql.replace("{" + key + "}", value)
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    head, rest = sql.split("-- @round")
    round_sql, tail = rest.split("-- @end")
    con.execute(head)
    rounds = 0
    while rounds < 20:
        rounds += 1
        paired = con.execute(round_sql.split("\n", 1)[1]).fetchone()[0]
        if paired == 0:
            break
    con.execute(tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
