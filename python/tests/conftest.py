"""Shared helpers: the CLI run beside the package, and tables read as the CLI's CSVs."""

from __future__ import annotations

import csv
import datetime
import decimal
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
POLICY = SAMPLES / "policy.toml"


def cli_binary() -> str:
    """The CLI: YIBAO_RECON_BIN (set by .ci/run), else the cargo build beside the checkout."""
    given = os.environ.get("YIBAO_RECON_BIN")
    if given:
        return given
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("release", "debug"):
        candidate = target / profile / "yibao-recon"
        if candidate.exists():
            return str(candidate)
    pytest.skip("no yibao-recon binary: run `cargo build` or set YIBAO_RECON_BIN")


def run_cli(tmp_path: pathlib.Path, *args: str, cwd: pathlib.Path = ROOT) -> pathlib.Path:
    """`yibao-recon reconcile ARGS -o OUT --format csv,json` in `cwd`; the report folder."""
    out = tmp_path / "cli-out"
    done = subprocess.run(
        [cli_binary(), "reconcile", *args, "-o", str(out), "--format", "csv,json", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return out


def csv_rows(path: pathlib.Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def spreadsheet_safe(cell: str) -> str:
    """The CSVs' neutralising (SPEC 2.3): a cell a spreadsheet would run gets a `'`."""
    runs = cell[:1] in ("=", "+", "@", "\t", "\r") or (
        cell[:1] == "-" and not cell[1:2].isdigit()
    )
    return "'" + cell if runs else cell


def as_text(value) -> str:
    """A table's value as the CLI's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return spreadsheet_safe(str(value))


def table_rows(table) -> list[dict[str, str]]:
    """A pyarrow Table's rows as the CLI's CSV has them: every value as text."""
    return [{k: as_text(v) for k, v in row.items()} for row in table.to_pylist()]


def in_order(rows: list[dict[str, str]]) -> list[tuple]:
    """Rows in one order whatever the engine's partitioning (for the Spark job)."""
    return sorted(tuple(sorted(r.items())) for r in rows)


@pytest.fixture(scope="session")
def samples_cli(tmp_path_factory) -> pathlib.Path:
    return run_cli(tmp_path_factory.mktemp("samples"), "samples", "--policy", str(POLICY))
