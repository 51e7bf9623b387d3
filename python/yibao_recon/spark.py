"""The yibao-recon engine on Spark: a reconciliation too large for one machine.

    python -m yibao_recon.spark --contributions C --statements S [--roster R] \\
        --policy national --out DIR            # Parquet or CSV datasets (SPEC's fields)
    python -m yibao_recon.spark --inputs FOLDER --out DIR   # files as the CLI reads them

or :func:`run` from a notebook. Writes ``DIR/findings``, ``DIR/months``,
``DIR/persons`` (Parquet datasets), ``DIR/rejected.parquet`` and ``DIR/summary.json``.

How it gives the single run's answer — the engine's three stages (``yibao_recon``'s
Rust core, ``embed``):

1. **read** (``mapInArrow``): every record batch of a dataset, or every file of
   ``--inputs`` (read whole, by Spark's ``binaryFile`` source: GBK CSV, XLSX, title rows
   and all), is read by the engine's own rules into records, rejected rows and counts.
   A dataset's rows are numbered as the CLI numbers the lines of one file (header = row
   1), from per-partition counts, so rejected rows name the same rows.
2. **plan** (driver): the parts' counts and facts merged — sources numbered in the
   CLI's file order, the run's default as-of date, first month and whether there are
   contributions taken over all records, so that no person is judged by their
   partition's facts. A row carrying only a person number (个人编号) is keyed by the one
   ID that number stands beside elsewhere (a join), as the single run maps it.
3. **reconcile** (``repartition`` by person key, then ``mapInArrow``): each partition
   holds every record of its people; the engine puts them in the single run's order,
   checks them across files (repeated rows, conflicting months, names — all within a
   person) and reconciles them. People are independent given the run's facts, so their
   findings, months and persons rows are the single run's; the totals, notes and
   cross-file skips each partition reports are summed into summary.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import Iterator

import pyarrow as pa

from . import _native, policy_args

RECORD_SCHEMA = (
    "what string, person_id string, person_number string, file int, source long, "
    "row long, record binary, payload string"
)
OUT_SCHEMA = "what string, payload binary"
FINDINGS_SCHEMA = (
    "person_id string, name string, period string, period_to string, code string, "
    "severity string, expected decimal(18,2), actual decimal(18,2), difference decimal(18,2), "
    "message string"
)
MONTHS_SCHEMA = (
    "person_id string, name string, period string, insurance string, tier string, "
    "base decimal(18,2), employee_amount decimal(18,2), employer_amount decimal(18,2), "
    "expected_credit decimal(18,2), credited decimal(18,2), credited_on date, "
    "difference decimal(18,2), status string, codes string, expected_from string, part string"
)
PERSONS_SCHEMA = (
    "person_id string, name string, first_period string, last_period string, "
    "opening_balance decimal(18,2), credits decimal(18,2), spending decimal(18,2), "
    "family_sharing decimal(18,2), clearing_transfers decimal(18,2), "
    "interest_adjustments decimal(18,2), unclassified decimal(18,2), "
    "closing_balance decimal(18,2), expected_credits decimal(18,2), "
    "missing_credits decimal(18,2), errors long, warnings long, statement_balance decimal(18,2)"
)
REPORTS = {"findings": FINDINGS_SCHEMA, "months": MONTHS_SCHEMA, "persons": PERSONS_SCHEMA}


def _stage1_rows(records: pa.Table, rejected: pa.Table, meta: str, file: int, start: int) -> pa.RecordBatch:
    """A part read, as rows of RECORD_SCHEMA: its records, its rejected rows (JSON; in
    ``source`` the part's first row and in ``row`` their place in it, to put them in the
    CLI's order) and its metadata (JSON)."""
    n, r = records.num_rows, rejected.num_rows
    rejected_rows = [json.dumps(row, ensure_ascii=False, default=str) for row in rejected.to_pylist()]
    nulls = lambda k, t: pa.nulls(k, t)  # noqa: E731
    return pa.RecordBatch.from_pydict(
        {
            "what": pa.array(["record"] * n + ["rejected"] * r + ["meta"], pa.string()),
            "person_id": pa.concat_arrays([records["person_id"].combine_chunks(), nulls(r + 1, pa.string())]),
            "person_number": pa.concat_arrays(
                [records["person_number"].combine_chunks(), nulls(r + 1, pa.string())]
            ),
            "file": pa.array([file] * (n + r + 1), pa.int32()),
            "source": pa.concat_arrays(
                [records["source"].combine_chunks(), pa.array([start] * r + [None], pa.int64())]
            ),
            "row": pa.concat_arrays([records["row"].combine_chunks(), pa.array(list(range(r)) + [None], pa.int64())]),
            "record": pa.concat_arrays([records["record"].combine_chunks(), nulls(r + 1, pa.binary())]),
            "payload": pa.array([None] * n + rejected_rows + [meta], pa.string()),
        }
    )


def _read_datasets(spark, datasets, lang, show_ids):
    """Stage 1 over Parquet or CSV datasets: (file number, name, kind, DataFrame) each."""
    from pyspark import TaskContext
    from pyspark.sql import functions as F

    parts = []
    for file, name, kind, df in datasets:
        # The rows of each Spark partition, to number the rows as one file's lines.
        counts = dict(df.groupBy(F.spark_partition_id().alias("p")).count().collect())
        offsets, total = {}, 0
        for p in sorted(counts):
            offsets[p] = total
            total += counts[p]

        def read(batches: Iterator[pa.RecordBatch], file=file, name=name, kind=kind, offsets=offsets):
            row = 2 + offsets.get(TaskContext.get().partitionId(), 0)
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                records, rejected, meta = _native.read_batch(
                    batch, name, kind, file, row, lang=lang, show_ids=show_ids
                )
                yield _stage1_rows(records, rejected, meta, file, row)
                row += batch.num_rows

        parts.append(df.mapInArrow(read, RECORD_SCHEMA))
        if total == 0:  # an empty dataset still says what it is
            parts.append(spark.createDataFrame([], RECORD_SCHEMA))
    return parts


def _read_files(spark, files, named, lang, show_ids):
    """Stage 1 over files read whole by Spark's binaryFile source; ``named``: the
    absolute paths named by themselves."""
    number = {os.path.abspath(f): (i, f) for i, f in enumerate(files)}

    def read(batches: Iterator[pa.RecordBatch]):
        from urllib.parse import unquote, urlparse

        for batch in batches:
            for path, content in zip(batch.column("path").to_pylist(), batch.column("content").to_pylist()):
                file, name = number[os.path.abspath(unquote(urlparse(path).path))]
                absolute = os.path.abspath(name)
                records, rejected, meta = _native.read_file(
                    name, content, file, absolute in named, lang=lang, show_ids=show_ids
                )
                yield _stage1_rows(records, rejected, meta, file, 0)

    df = spark.read.format("binaryFile").load([os.path.abspath(f) for f in files])
    return [df.mapInArrow(read, RECORD_SCHEMA)]


def run(
    spark,
    out: str,
    contributions: str | None = None,
    statements: str | None = None,
    roster: str | None = None,
    inputs: list[str] | None = None,
    policy: str = "national",
    as_of: str | None = None,
    lang: str = "zh",
    show_ids: bool = False,
    input_format: str | None = None,
    partitions: int | None = None,
) -> dict:
    """Reconciles on Spark and writes the reports under ``out``; returns the summary.

    Datasets (``contributions``, ``statements``, ``roster``: Parquet, or CSV with a header
    — ``input_format`` or the extension decides) or files and folders as the CLI reads
    them (``inputs``). ``partitions``: how many groups of people (default Spark's
    ``spark.sql.shuffle.partitions``)."""
    from pyspark.sql import functions as F

    pargs = policy_args(policy)
    work = os.path.join(out, "_work")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    # Stage 1: read.
    parts, skipped, files = [], "[]", []
    if inputs:
        files, skipped = _native.discover(list(inputs))
        named = {os.path.abspath(i) for i in inputs if os.path.isfile(i)}
        if files:
            parts += _read_files(spark, files, named, lang, show_ids)
    given = [(p, k) for p, k in ((contributions, "contributions"), (statements, "statements"), (roster, "roster")) if p]
    datasets = []
    first = len(files)
    for i, (path, kind) in enumerate(sorted(given)):
        fmt = input_format or ("csv" if path.lower().rstrip("/").endswith((".csv", ".txt", ".tsv")) else "parquet")
        reader = spark.read.option("header", True).option("inferSchema", False) if fmt == "csv" else spark.read
        datasets.append((first + i, path, kind, reader.format(fmt).load(path)))
    parts += _read_datasets(spark, datasets, lang, show_ids)
    if not parts:
        raise _native.YibaoReconError("no input given: name datasets or --inputs")
    stage1 = parts[0]
    for p in parts[1:]:
        stage1 = stage1.unionByName(p)
    stage1.write.parquet(os.path.join(work, "read"))
    read = spark.read.parquet(os.path.join(work, "read"))

    # Stage 2: plan.
    metas = [r.payload for r in read.filter(F.col("what") == "meta").select("payload").collect()]
    plan, slim = _native.plan(metas, skipped)
    plan_obj = json.loads(plan)
    if not plan_obj["sources"]:
        raise _native.YibaoReconError(
            "nothing was recognised as contributions, a statement or a roster: "
            + "; ".join(f"{s['path']}: {s['reason']}" for s in plan_obj["skipped_inputs"])
        )
    records = read.filter(F.col("what") == "record")
    pairs = (
        records.filter(F.col("person_number").isNotNull() & (F.col("person_number") != F.col("person_id")))
        .select("person_number", "person_id")
        .distinct()
    )
    numbers = (
        pairs.groupBy("person_number")
        .agg(F.count("*").alias("ids"), F.first("person_id").alias("resolved"))
        .filter(F.col("ids") == 1)
        .select(F.col("person_number").alias("number"), "resolved")
    )
    keyed = records.join(F.broadcast(numbers), records.person_id == numbers.number, "left").withColumn(
        "key", F.coalesce(F.col("resolved"), F.col("person_id"))
    )

    # Stage 3: reconcile, every person's records in one partition.
    n = partitions or int(spark.conf.get("spark.sql.shuffle.partitions"))

    def reconcile(batches: Iterator[pa.RecordBatch]):
        held = [b.select(["file", "source", "record"]) for b in batches if b.num_rows]
        if not held:
            return
        findings, months, persons, totals = _native.reconcile_part(
            slim, pa.Table.from_batches(held), as_of=as_of, lang=lang, show_ids=show_ids, **pargs
        )
        out_rows = {"what": [], "payload": []}
        for what, table in (("findings", findings), ("months", months), ("persons", persons)):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as w:
                w.write_table(table)
            out_rows["what"].append(what)
            out_rows["payload"].append(sink.getvalue().to_pybytes())
        out_rows["what"].append("totals")
        out_rows["payload"].append(totals.encode())
        yield pa.RecordBatch.from_pydict(out_rows, schema=pa.schema([("what", pa.string()), ("payload", pa.binary())]))

    results = keyed.repartition(n, "key").select("file", "source", "record").mapInArrow(reconcile, OUT_SCHEMA)
    results.write.parquet(os.path.join(work, "reconciled"))
    reconciled = spark.read.parquet(os.path.join(work, "reconciled"))

    for what, schema in REPORTS.items():

        def decode(batches: Iterator[pa.RecordBatch]):
            for batch in batches:
                for payload in batch.column("payload").to_pylist():
                    for b in pa.ipc.open_stream(payload).read_all().to_batches():
                        yield b

        reconciled.filter(F.col("what") == what).mapInArrow(decode, schema).write.parquet(os.path.join(out, what))

    # The run's parts: rejected rows in the CLI's order, the summary.
    rejected = [
        ((r.file, r.source, r.row), json.loads(r.payload))
        for r in read.filter(F.col("what") == "rejected").select("file", "source", "row", "payload").collect()
    ]
    rejected.sort(key=lambda x: x[0])
    columns = ["file", "sheet", "row", "column", "value", "reason"]
    import pyarrow.parquet as pq

    table = pa.table(
        {c: pa.array([r[1].get(c) for r in rejected], pa.int64() if c == "row" else pa.string()) for c in columns}
    )
    pq.write_table(table, os.path.join(out, "rejected.parquet"))
    totals = [
        bytes(r.payload).decode() for r in reconciled.filter(F.col("what") == "totals").select("payload").collect()
    ]
    summary = json.loads(_native.summary(plan, totals, as_of=as_of, show_ids=show_ids, **pargs))
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
        f.write("\n")
    shutil.rmtree(work, ignore_errors=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m yibao_recon.spark", description=__doc__.split("\n\n")[0])
    p.add_argument("--contributions", help="contribution records: a Parquet or CSV dataset")
    p.add_argument("--statements", help="account statements: a Parquet or CSV dataset")
    p.add_argument("--roster", help="a roster: a Parquet or CSV dataset")
    p.add_argument("--inputs", nargs="*", help="files or folders read as the CLI reads them")
    p.add_argument("--input-format", choices=["parquet", "csv"], help="the datasets' format (default: by extension)")
    p.add_argument("--policy", default="national", help="a preset name or a policy file (default national)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: the latest statement date)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"])
    p.add_argument("--show-ids", action="store_true", help="full ID numbers in the outputs")
    p.add_argument("--partitions", type=int, help="groups of people (default spark.sql.shuffle.partitions)")
    p.add_argument("--master", help="Spark master (default: as spark-submit or local[*])")
    p.add_argument("--out", required=True, help="output folder")
    a = p.parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("yibao-recon")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    try:
        summary = run(
            spark, a.out, a.contributions, a.statements, a.roster, a.inputs, a.policy, a.as_of, a.lang,
            a.show_ids, a.input_format, a.partitions,
        )
    except (_native.YibaoReconError, FileNotFoundError) as e:
        print(f"yibao-recon: {e}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    sev = summary["findings"]["by_severity"]
    print(f"{summary['persons']} persons; {sev['error']} errors, {sev['warning']} warnings; reports in {a.out}")
    return 1 if sev["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
