"""The Spark job, in local mode, gives the single run's answer: findings, months and
persons row for row (order normalised), rejected rows and the summary's counts."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest

from conftest import POLICY, ROOT, SAMPLES, csv_rows, in_order, run_cli, table_rows

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from yibao_recon import spark as job  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("yibao-recon-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    yield session
    session.stop()


def spark_rows(out: pathlib.Path, report: str) -> list[dict[str, str]]:
    if report == "rejected":
        return table_rows(pq.read_table(out / "rejected.parquet"))
    return table_rows(pq.read_table(out / report))


def the_summarys_counts(summary: dict) -> dict:
    """What a split run must say as the single run does (the hash and the size of a file
    Spark read as a dataset are not taken)."""
    inputs = [{k: v for k, v in i.items() if k not in ("sha256", "size")} for i in summary["inputs"]]
    keep = ("as_of", "findings", "persons", "credits_outside_span", "complete", "warnings", "skipped_inputs")
    return {"inputs": inputs, **{k: summary[k] for k in keep}}


def assert_same_as_cli(out: pathlib.Path, cli: pathlib.Path, sha: bool = True):
    for report in ("findings", "months", "persons"):
        got, expected = spark_rows(out, report), csv_rows(cli / f"{report}.csv")
        assert len(got) == len(expected), report
        assert in_order(got) == in_order(expected), report
    assert spark_rows(out, "rejected") == csv_rows(cli / "rejected.csv")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    single = json.loads((cli / "summary.json").read_text(encoding="utf-8"))
    assert the_summarys_counts(summary) == the_summarys_counts(single)
    if sha:
        assert summary == single


def test_the_samples_read_as_the_cli_reads_them(spark, tmp_path, samples_cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "spark-out"
    job.run(spark, str(out), inputs=["samples"], policy=str(POLICY))
    assert_same_as_cli(out, samples_cli)


def test_csv_datasets_as_spark_reads_them(spark, tmp_path, monkeypatch):
    """SPEC-field CSV datasets read by Spark itself (no file read whole): one scenario's
    three files, against the CLI on the same files."""
    monkeypatch.chdir(ROOT)
    folder = "samples/scenarios/10_family_sharing"
    cli = run_cli(tmp_path, folder, "--policy", str(POLICY))
    out = tmp_path / "spark-out"
    job.run(
        spark,
        str(out),
        contributions=f"{folder}/contributions.csv",
        statements=f"{folder}/statement.csv",
        roster=f"{folder}/roster.csv",
        policy=str(POLICY),
    )
    assert_same_as_cli(out, cli, sha=False)
    # Run again into the same folder: the earlier reports are replaced, not added to.
    job.run(spark, str(out), contributions=f"{folder}/contributions.csv",
            statements=f"{folder}/statement.csv", roster=f"{folder}/roster.csv", policy=str(POLICY))
    assert_same_as_cli(out, cli, sha=False)
    assert sorted(os.listdir(out)) == sorted(job.OUTPUTS[:-1])


def test_parquet_dataset_in_many_batches(spark, tmp_path, monkeypatch):
    """A Parquet dataset read in record batches of 7 rows over several partitions: rows
    numbered as one file's, the header counted once, people split across batches."""
    import pyarrow.csv as pcsv

    monkeypatch.chdir(ROOT)
    folder = ROOT / "samples/scenarios/16_missing_short_pending"
    data = tmp_path / "data"
    data.mkdir()
    for f in folder.glob("*.csv"):
        pq.write_table(pcsv.read_csv(f, convert_options=pcsv.ConvertOptions(column_types={"身份证号": "string"})), data / f"{f.stem}.parquet", row_group_size=5)
        shutil.copy(f, data / f.name)
    cli = run_cli(tmp_path, str(data / "contributions.csv"), str(data / "statement.csv"), "--policy", str(POLICY))
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
    try:
        out = tmp_path / "spark-out"
        job.run(
            spark,
            str(out),
            contributions=str(data / "contributions.parquet"),
            statements=str(data / "statement.parquet"),
            policy=str(POLICY),
        )
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    for report in ("findings", "months", "persons"):
        assert in_order(spark_rows(out, report)) == in_order(csv_rows(cli / f"{report}.csv")), report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    single = json.loads((cli / "summary.json").read_text(encoding="utf-8"))
    for got, expected in zip(summary["inputs"], single["inputs"]):
        for k in ("rows_read", "rows_accepted", "rows_rejected", "rows_skipped"):
            assert got[k] == expected[k], k
    assert summary["findings"] == single["findings"]


def test_a_generated_set_of_20k_people(spark, tmp_path, monkeypatch):
    """20,000 people × 36 months in UTF-8 CSV, GBK CSV and XLSX files, as a bureau's
    export folder: the job against the CLI."""
    data = pathlib.Path(os.environ.get("YIBAO_RECON_20K", tmp_path / "gen20k"))
    if not (data / ".complete").exists():
        gen = os.environ.get("YIBAO_RECON_GEN_BENCH")
        if not gen:
            pytest.skip("set YIBAO_RECON_GEN_BENCH to the gen_bench example (see .ci/run)")
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run([gen, "20000", "36", str(data)], check=True, capture_output=True)
        (data / ".complete").write_text("")
    monkeypatch.chdir(data.parent)
    cli = run_cli(tmp_path, data.name, "--as-of", "2025-09-30", cwd=data.parent)
    out = tmp_path / "spark-out"
    summary = job.run(spark, str(out), inputs=[data.name], as_of="2025-09-30")
    assert summary["persons"] == 20000
    assert_same_as_cli(out, cli)


def test_an_output_folder_of_other_files_is_refused(tmp_path):
    """As the CLI's -o (SPEC 2.3): the job never deletes a folder it did not write."""
    (tmp_path / "工资表.xlsx").write_bytes(b"not ours")
    with pytest.raises(job._native.YibaoReconError, match="holds other files"):
        job.run(None, str(tmp_path), inputs=[str(SAMPLES)])
    assert (tmp_path / "工资表.xlsx").read_bytes() == b"not ours"


def test_a_dataset_that_vanished_is_named(spark, tmp_path):
    """A cron job whose input went away: the path is named, nothing is written."""
    out = tmp_path / "out"
    with pytest.raises(FileNotFoundError, match="no such file"):
        job.run(spark, str(out), contributions=str(tmp_path / "gone.parquet"))
    assert not out.exists()
