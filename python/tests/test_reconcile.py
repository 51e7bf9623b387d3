"""The package gives the CLI's answer: the same rows and values, on the samples and on
tables; errors are Python exceptions."""

from __future__ import annotations

import json
import os
import threading
import time

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import yibao_recon
from conftest import POLICY, ROOT, SAMPLES, csv_rows, run_cli, table_rows

REPORTS = ("findings", "months", "persons", "rejected")


@pytest.fixture(scope="module")
def samples_run():
    """The samples as the CLI is run on them: `samples` from the checkout's root, so that
    file names read the same."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return yibao_recon.reconcile("samples", policy=str(POLICY))
    finally:
        os.chdir(here)


@pytest.mark.parametrize("report", REPORTS)
def test_samples_give_the_clis_rows(samples_run, samples_cli, report):
    expected = csv_rows(samples_cli / f"{report}.csv")
    got = table_rows(getattr(samples_run, report))
    assert got == expected
    assert len(got) > 0


def test_columns_are_the_clis_and_typed(samples_run, samples_cli):
    for report in REPORTS:
        with open(samples_cli / f"{report}.csv", encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        assert getattr(samples_run, report).column_names == header
    schema = samples_run.months.schema
    assert schema.field("credited").type == pa.decimal128(18, 2)
    assert schema.field("credited_on").type == pa.date32()
    assert samples_run.persons.schema.field("errors").type == pa.int64()


def test_summary_is_the_clis(samples_run, samples_cli):
    cli = json.loads((samples_cli / "summary.json").read_text(encoding="utf-8"))
    assert samples_run.summary == cli
    assert samples_run.summary["persons"] == samples_run.persons.num_rows


def scenario_tables(name: str) -> dict:
    folder = SAMPLES / "scenarios" / name
    return {p.stem: p for p in folder.glob("*.csv")}


@pytest.mark.parametrize("reader", ["pyarrow", "pandas", "polars"])
def test_tables_give_the_answer_their_files_give(tmp_path, reader):
    files = scenario_tables("10_family_sharing")
    read = {
        # Types inferred: IDs as int64, dates as timestamps, amounts as doubles.
        "pyarrow": lambda p: pa.csv.read_csv(p),
        "pandas": lambda p: pd.read_csv(p, dtype=str, keep_default_na=False),
        "polars": lambda p: pl.read_csv(p, infer_schema=False),
    }[reader]
    import pyarrow.csv  # noqa: F401  (pa.csv above)

    tables = {
        "contributions": read(files["contributions"]),
        "statements": read(files["statement"]),
        "roster": read(files["roster"]),
    }
    got = yibao_recon.reconcile(tables, policy=str(POLICY))
    cli = run_cli(tmp_path, str(files["contributions"].parent), "--policy", str(POLICY))
    for report in ("findings", "months", "persons"):
        assert table_rows(getattr(got, report)) == csv_rows(cli / f"{report}.csv"), report
    assert got.findings.num_rows > 0


def test_typed_columns_are_read_as_cells():
    """Numbers, decimals and dates in Arrow types read as the same values as text."""
    text = pa.table(
        {
            "person_id": ["110101199003070079"] * 2,
            "period": ["2024-01", "2024-02"],
            "base": ["6000.00", "6000.00"],
            "employee_amount": ["120.00", "120.00"],
            "employer_amount": ["480.00", "480.00"],
        }
    )
    import datetime
    import decimal

    typed = pa.table(
        {
            "person_id": ["110101199003070079"] * 2,
            "period": pa.array([datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)], pa.date32()),
            "base": pa.array([6000, 6000], pa.int64()),
            "employee_amount": pa.array([decimal.Decimal("120.00")] * 2, pa.decimal128(10, 2)),
            "employer_amount": pa.array([480.0, 480.0], pa.float64()),
        }
    )
    a = yibao_recon.reconcile({"contributions": text}, as_of="2024-06-30")
    b = yibao_recon.reconcile({"contributions": typed}, as_of="2024-06-30")
    assert table_rows(a.months) == table_rows(b.months)
    assert a.months.num_rows == 2


def test_a_missing_path_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        yibao_recon.reconcile(str(tmp_path / "nowhere.csv"))


def test_nothing_recognised_says_why(tmp_path):
    f = tmp_path / "notes.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(yibao_recon.NothingRecognisedError, match="nothing was recognised") as e:
        yibao_recon.reconcile(str(f), lang="en")
    assert isinstance(e.value, yibao_recon.YibaoReconError)


def test_each_failure_has_its_own_exception_class(tmp_path):
    # A policy that cannot be used names its key, and is caught as a YibaoReconError too.
    bad = tmp_path / "policy.toml"
    bad.write_text("name = 1\n", encoding="utf-8")
    with pytest.raises(yibao_recon.PolicyError) as e:
        yibao_recon.reconcile(str(SAMPLES), policy=str(bad))
    assert isinstance(e.value, yibao_recon.YibaoReconError)
    with pytest.raises(yibao_recon.PolicyError):
        yibao_recon.reconcile(str(SAMPLES), policy="atlantis")
    for cls in (yibao_recon.InputError, yibao_recon.PartError):
        assert issubclass(cls, yibao_recon.YibaoReconError)


def test_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="unknown language"):
        yibao_recon.reconcile(str(SAMPLES), lang="fr")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        yibao_recon.reconcile(str(SAMPLES), as_of="30/09/2025")
    with pytest.raises(ValueError, match="unknown kind"):
        yibao_recon.reconcile({"payments": str(SAMPLES)})
    with pytest.raises(yibao_recon.YibaoReconError, match="no-such-preset"):
        yibao_recon.reconcile(str(SAMPLES), policy="no-such-preset")


def test_an_unreadable_input_leaves_the_run_incomplete(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.warns(UserWarning, match="incomplete"):
        r = yibao_recon.reconcile([str(SAMPLES / "scenarios" / "06_late_credit"), str(tmp_path / "broken.xlsx")])
    assert r.summary["complete"] is False
    assert r.findings.num_rows > 0


def test_ids_are_masked_unless_shown(samples_run):
    ids = samples_run.persons.column("person_id").to_pylist()
    assert all("*" in i for i in ids if len(i) == 18)
    shown = yibao_recon.reconcile(str(SAMPLES), policy=str(POLICY), show_ids=True)
    assert any(i.isdigit() and len(i) == 18 for i in shown.persons.column("person_id").to_pylist())


def test_the_gil_is_released_while_the_engine_runs():
    """A Python thread keeps running while another thread's reconcile is in the engine."""
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        start = time.perf_counter()
        for _ in range(5):
            yibao_recon.reconcile(str(SAMPLES), policy=str(POLICY))
        end = time.perf_counter()
    finally:
        stop.set()
        t.join()
    during = [x for x in ticks if start <= x <= end]
    # Held for the whole run, the ticker would stall for each call's length.
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert len(during) > 10 and max(gaps) < (end - start) / 5


def test_zoned_timestamps_read_on_their_zones_clock():
    """A statement time held as an instant (Spark's and pandas' timestamps carry a zone)
    is read as the date its zone's clock showed: 00:30 in Shanghai on 1 March is
    16:30 UTC on 29 February."""
    import datetime
    import zoneinfo

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    when = [datetime.datetime(2024, m, 1, 0, 30, tzinfo=shanghai) for m in (2, 3, 4)]
    common = {
        "person_id": ["110101199003070079"] * 3,
        "kind": ["划入"] * 3,
        "amount": ["120.00"] * 3,
    }
    text = pa.table({**common, "date": [w.strftime("%Y-%m-%d %H:%M:%S") for w in when]})
    zoned = pa.table({**common, "date": pa.array(when, pa.timestamp("us", tz="Asia/Shanghai"))})
    a = yibao_recon.reconcile({"statements": text}, as_of="2024-06-30")
    b = yibao_recon.reconcile({"statements": zoned}, as_of="2024-06-30")
    assert table_rows(a.findings) == table_rows(b.findings)
    assert table_rows(a.persons) == table_rows(b.persons)
    assert a.summary["inputs"][0]["rows_accepted"] == 3


def test_run_options_travel_to_workers_by_pickle():
    """Spark sends a run's options to its workers pickled: they come back the same run."""
    import pickle

    options = yibao_recon.run_options(POLICY, "2025-09-30", "en", False)
    again = pickle.loads(pickle.dumps(options))
    a = yibao_recon._native.reconcile([(str(SAMPLES / "scenarios" / "06_late_credit"), None)], [], options)
    b = yibao_recon._native.reconcile([(str(SAMPLES / "scenarios" / "06_late_credit"), None)], [], again)
    assert a[4] == b[4] and a[0].equals(b[0])


def test_a_timestamp_beyond_any_calendar_is_rejected_not_wrapped():
    """SPEC issue 28: a timestamp in seconds past what microseconds hold wrapped around to
    another date (2024-03-05) and was read as that day; now its row is rejected."""
    common = {
        "person_id": ["110101199003070079"] * 2,
        "kind": ["划入"] * 2,
        "amount": ["120.00"] * 2,
    }
    far = pa.array([1_709_251_200, 2**62], pa.timestamp("s"))
    r = yibao_recon.reconcile({"statements": pa.table({**common, "date": far})}, as_of="2024-06-30")
    assert r.summary["inputs"][0]["rows_accepted"] == 1
    assert r.summary["inputs"][0]["rows_rejected"] == 1
    assert r.rejected.num_rows == 1
