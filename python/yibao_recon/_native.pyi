"""The engine, compiled (Rust, PyO3). Use :func:`yibao_recon.reconcile` and
:mod:`yibao_recon.spark`; these are the pieces they call."""

import pyarrow as pa

__version__: str

class YibaoReconError(Exception): ...
class PolicyError(YibaoReconError): ...
class NothingRecognisedError(YibaoReconError): ...
class InputError(YibaoReconError): ...
class PartError(YibaoReconError): ...

class Options:
    """A run's options, checked once; pickled to Spark's workers as what they were made of."""

    def __init__(
        self,
        policy_name: str | None = None,
        policy_text: str | None = None,
        policy_origin: str = "policy",
        as_of: str | None = None,
        lang: str = "zh",
        show_ids: bool = False,
    ) -> None: ...

def reconcile(
    paths: list[tuple[str, str | None]],
    tables: list[tuple[str, str | None, pa.Table]],
    options: Options,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, str]:
    """findings, months, persons, rejected, and summary.json's text."""

def read_batch(
    batch: pa.RecordBatch,
    name: str,
    kind: str | None,
    file: int,
    first_row: int,
    options: Options,
) -> tuple[pa.Table, pa.Table, str]:
    """Stage 1 over a record batch: shipped records, rejected rows, the part's metadata."""

def read_file(
    name: str, content: bytes, file: int, named: bool, options: Options
) -> tuple[pa.Table, pa.Table, str]:
    """Stage 1 over a whole file: shipped records, rejected rows, the part's metadata."""

def discover(paths: list[str]) -> tuple[list[str], str]:
    """The files the CLI would read, in its order, and the skipped inputs (JSON)."""

def plan(parts: list[str], skipped_inputs: str) -> tuple[str, str]:
    """Stage 2: the run's plan (JSON), whole and slim (for the partitions)."""

def reconcile_part(
    plan: str,
    records: pa.Table,
    options: Options,
) -> tuple[pa.Table, pa.Table, pa.Table, str]:
    """Stage 3: findings, months, persons of a partition's people, and its totals (JSON)."""

def summary(plan: str, totals: list[str], options: Options) -> str:
    """summary.json's text of a split run."""

def mask(text: str) -> str:
    """``text`` with every ID number masked."""
