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
from typing import Any, Iterator, NamedTuple

import pyarrow as pa

from . import _native, run_options

RECORD_SCHEMA = (
    "what string, person_id string, person_number string, file int, source long, "
    "row long, record binary, payload string"
)
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


def _arrow_type(ddl: str) -> pa.DataType:
    return {"string": pa.string(), "date": pa.date32(), "long": pa.int64(), "decimal(18,2)": pa.decimal128(18, 2)}[ddl]


# What a partition gives back: the three reports' rows in one schema (the columns they
# share have the same type), which report each is, and the partition's totals (JSON).
_UNION = {"report": pa.string()}
for _ddl in REPORTS.values():
    for _column in _ddl.split(", "):
        _name, _type = _column.split()
        _UNION.setdefault(_name, _arrow_type(_type))
_UNION["totals"] = pa.string()
_UNION_SCHEMA = pa.schema(list(_UNION.items()))
_UNION_DDL = ", ".join(
    f"{n} {'decimal(18,2)' if pa.types.is_decimal(t) else {pa.string(): 'string', pa.date32(): 'date', pa.int64(): 'long'}[t]}"
    for n, t in _UNION.items()
)


def _in_union(report: str, batch: pa.RecordBatch | None, totals: str | None = None) -> pa.RecordBatch:
    """A report's rows (or a partition's totals) as rows of the union schema."""
    rows = batch.num_rows if batch is not None else 1
    columns = []
    for field in _UNION_SCHEMA:
        if field.name == "report":
            columns.append(pa.array([report] * rows, pa.string()))
        elif field.name == "totals":
            columns.append(pa.array([totals] * rows, pa.string()))
        elif batch is not None and field.name in batch.schema.names:
            columns.append(batch.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(rows, field.type))
    return pa.RecordBatch.from_arrays(columns, schema=_UNION_SCHEMA)


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


def _read_datasets(spark, datasets, options):
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
                records, rejected, meta = _native.read_batch(batch, name, kind, file, row, options)
                yield _stage1_rows(records, rejected, meta, file, row)
                row += batch.num_rows

        parts.append(df.mapInArrow(read, RECORD_SCHEMA))
        if total == 0:  # an empty dataset still says what it is
            parts.append(spark.createDataFrame([], RECORD_SCHEMA))
    return parts


def _read_files(spark, files, named, options):
    """Stage 1 over files read whole by Spark's binaryFile source; ``named``: the
    absolute paths named by themselves."""
    number = {os.path.abspath(f): (i, f) for i, f in enumerate(files)}

    def read(batches: Iterator[pa.RecordBatch]):
        from urllib.parse import unquote, urlparse

        for batch in batches:
            for path, content in zip(batch.column("path").to_pylist(), batch.column("content").to_pylist()):
                file, name = number[os.path.abspath(unquote(urlparse(path).path))]
                absolute = os.path.abspath(name)
                records, rejected, meta = _native.read_file(name, content, file, absolute in named, options)
                yield _stage1_rows(records, rejected, meta, file, 0)

    df = spark.read.format("binaryFile").load([os.path.abspath(f) for f in files])
    return [df.mapInArrow(read, RECORD_SCHEMA)]


#: What the job writes under its output folder (and may replace there).
OUTPUTS = ("findings", "months", "persons", "rejected.parquet", "summary.json", "_work")


def _output_folder(out: str) -> str:
    """Makes ``out`` ready: absent, empty, or an earlier run's reports (replaced once this
    run is done) — never a folder of other files, as the CLI's ``-o`` (SPEC 2.3). Returns
    the work folder."""
    if os.path.exists(out):
        others = [n for n in os.listdir(out) if n not in OUTPUTS]
        if others:
            raise _native.YibaoReconError(
                _native.mask(
                    f"{out}: holds other files ({', '.join(sorted(others)[:3])}…): "
                    "give an empty or new folder, or an earlier run's output folder"
                )
            )
    work = os.path.join(out, "_work")
    shutil.rmtree(work, ignore_errors=True)  # a run that died
    os.makedirs(os.path.join(work, "new"))
    return work


def _commit(job: "_Job") -> None:
    """The new reports replace the earlier run's, each as a whole; the work folder goes."""
    for name in OUTPUTS[:-1]:
        old, new = os.path.join(job.out, name), os.path.join(job.new, name)
        if os.path.isdir(old):
            shutil.rmtree(old)
        elif os.path.exists(old):
            os.remove(old)
        os.replace(new, old)
    shutil.rmtree(job.work, ignore_errors=True)


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
    fresh = not os.path.exists(out)
    options = run_options(policy, as_of, lang, show_ids)
    job = _Job(spark, out, _output_folder(out), options, _Clock())
    try:
        read, skipped = _stage_read(job, contributions, statements, roster, inputs, input_format)
        plan, slim, keyed = _stage_plan(job, read, skipped)
        totals = _stage_reconcile(job, keyed, slim, partitions)
        summary = _write_run_parts(job, read, plan, totals)
    except BaseException:
        # A run that stops writes nothing: the earlier reports stay, its work folder goes,
        # and the output folder too when this run made it.
        shutil.rmtree(job.work, ignore_errors=True)
        if fresh:
            shutil.rmtree(out, ignore_errors=True)
        raise
    _commit(job)
    return summary


class _Job(NamedTuple):
    """What every stage needs to know of the run."""

    spark: Any
    out: str
    work: str
    options: Any  # _native.Options
    clock: "_Clock"

    @property
    def new(self) -> str:
        """Where this run's reports are written until they replace the earlier ones."""
        return os.path.join(self.work, "new")

    def lap(self, what: str) -> None:
        self.clock.lap(what)


def _stage_read(job: _Job, contributions, statements, roster, inputs, input_format):
    """Stage 1: every file of ``inputs`` and every batch of the datasets read into shipped
    records, rejected rows and metadata, kept as Parquet in the work folder. Returns it
    and the inputs skipped while looking for files (JSON)."""
    spark = job.spark
    parts, skipped, files = [], "[]", []
    if inputs:
        files, skipped = _native.discover(list(inputs))
        named = {os.path.abspath(i) for i in inputs if os.path.isfile(i)}
        if files:
            parts += _read_files(spark, files, named, job.options)
    given = [(p, k) for p, k in ((contributions, "contributions"), (statements, "statements"), (roster, "roster")) if p]
    datasets = []
    # Datasets come after the files, in their paths' order, as the CLI orders its inputs.
    for i, (path, kind) in enumerate(sorted(given)):
        fmt = input_format or ("csv" if path.lower().rstrip("/").endswith((".csv", ".txt", ".tsv")) else "parquet")
        reader = spark.read.option("header", True).option("inferSchema", False) if fmt == "csv" else spark.read
        # Named as given; loaded by absolute path (the JVM's working folder need not be
        # Python's: a notebook that changed folder).
        where = path if "://" in path else os.path.abspath(path)
        if "://" not in path and not os.path.exists(where):
            raise FileNotFoundError(_native.mask(f"{path}: no such file or folder"))
        datasets.append((len(files) + i, path, kind, reader.format(fmt).load(where)))
    parts += _read_datasets(spark, datasets, job.options)
    if not parts:
        raise _native.YibaoReconError("no input given: name datasets or --inputs")
    stage1 = parts[0]
    for p in parts[1:]:
        stage1 = stage1.unionByName(p)
    stage1.write.parquet(os.path.join(job.work, "read"))
    job.lap("read")
    return spark.read.parquet(os.path.join(job.work, "read")), skipped


def _stage_plan(job: _Job, read, skipped: str):
    """Stage 2: the parts' metadata into the run's plan (whole, and slim for the
    partitions), and every record keyed by its person: its ID, or the one ID its person
    number stands beside elsewhere in the run."""
    from pyspark.sql import functions as F

    metas = [r.payload for r in read.filter(F.col("what") == "meta").select("payload").collect()]
    plan, slim = _native.plan(metas, skipped)
    plan_obj = json.loads(plan)
    if not plan_obj["sources"]:
        raise _native.YibaoReconError(
            _native.mask(
                "nothing was recognised as contributions, a statement or a roster: "
                + "; ".join(f"{s['path']}: {s['reason']}" for s in plan_obj["skipped_inputs"])
            )
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
    return plan, slim, keyed


def _stage_reconcile(job: _Job, keyed, slim: str, partitions: int | None) -> list[str]:
    """Stage 3: every person's records in one partition, reconciled there; the reports
    written as Parquet datasets. Returns the partitions' totals (JSON each)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    n = partitions or int(job.spark.conf.get("spark.sql.shuffle.partitions"))
    options = job.options

    def reconcile(batches: Iterator[pa.RecordBatch]):
        held = [b.select(["file", "source", "record"]) for b in batches if b.num_rows]
        if not held:
            return
        findings, months, persons, totals = _native.reconcile_part(slim, pa.Table.from_batches(held), options)
        for what, table in (("findings", findings), ("months", months), ("persons", persons)):
            for batch in table.to_batches(max_chunksize=65536):
                yield _in_union(what, batch)
        yield _in_union("totals", None, totals)

    results = (
        keyed.repartition(n, "key")
        .select("file", "source", "record")
        .mapInArrow(reconcile, _UNION_DDL)
        .persist(StorageLevel.DISK_ONLY)
    )
    totals = [r.totals for r in results.filter(F.col("report") == "totals").select("totals").collect()]
    job.lap("plan, key, repartition and reconcile")
    for what, ddl in REPORTS.items():
        columns = [c.split()[0] for c in ddl.split(", ")]
        results.filter(F.col("report") == what).select(*columns).write.parquet(os.path.join(job.new, what))
    results.unpersist()
    job.lap("reports written")
    return totals


def _write_run_parts(job: _Job, read, plan: str, totals: list[str]) -> dict:
    """The run's own parts: rejected rows in the CLI's order (file, then the part's
    first row, then their place in it) and summary.json. Returns the summary."""
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F

    rejected = [
        ((r.file, r.source, r.row), json.loads(r.payload))
        for r in read.filter(F.col("what") == "rejected").select("file", "source", "row", "payload").collect()
    ]
    rejected.sort(key=lambda x: x[0])
    columns = ["file", "sheet", "row", "column", "value", "reason"]
    table = pa.table(
        {c: pa.array([r[1].get(c) for r in rejected], pa.int64() if c == "row" else pa.string()) for c in columns}
    )
    pq.write_table(table, os.path.join(job.new, "rejected.parquet"))
    summary = json.loads(_native.summary(plan, totals, job.options))
    with open(os.path.join(job.new, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
        f.write("\n")
    job.lap("rejected and summary")
    return summary


class _Clock:
    """Stage times on stderr when YIBAO_RECON_TIMINGS is set (as the CLI's --timings)."""

    def __init__(self):
        import time

        self.on = bool(os.environ.get("YIBAO_RECON_TIMINGS"))
        self.time = time.perf_counter
        self.last = self.time()

    def lap(self, what: str) -> None:
        now = self.time()
        if self.on:
            print(f"yibao-recon spark: {what}: {now - self.last:.1f} s", file=sys.stderr)
        self.last = now


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
    p.add_argument("--driver-memory", help="spark.driver.memory (in local mode, the executor's too)")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting; repeatable")
    p.add_argument("--out", required=True, help="output folder")
    a = p.parse_args(argv)
    from pyspark.errors import AnalysisException
    from pyspark.sql import SparkSession

    # Python workers run this interpreter, which has the package, unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("yibao-recon")
    if a.master:
        builder = builder.master(a.master)
    if a.driver_memory:
        builder = builder.config("spark.driver.memory", a.driver_memory)
    for setting in a.conf:
        key, _, value = setting.partition("=")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        summary = run(
            spark, a.out, a.contributions, a.statements, a.roster, a.inputs, a.policy, a.as_of, a.lang,
            a.show_ids, a.input_format, a.partitions,
        )
    except (_native.YibaoReconError, FileNotFoundError) as e:
        print(f"yibao-recon: {e}", file=sys.stderr)
        return 2
    except AnalysisException as e:  # a dataset Spark cannot find or read
        print(f"yibao-recon: {_native.mask(str(e).splitlines()[0])}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    sev = summary["findings"]["by_severity"]
    rejected = sum(i["rows_rejected"] for i in summary["inputs"])
    print(
        f"{summary['persons']} persons; {sev['error']} errors, {sev['warning']} warnings, "
        f"{rejected} rows rejected; reports in {a.out}"
    )
    for u in summary["unreadable_inputs"]:
        print(f"yibao-recon: not read: {u['path']}: {u['reason']}", file=sys.stderr)
    # As the CLI: 2 for an incomplete run, 1 for errors or rejected rows.
    if not summary["complete"]:
        return 2
    return 1 if sev["error"] or rejected else 0


if __name__ == "__main__":
    sys.exit(main())
