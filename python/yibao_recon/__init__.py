"""yibao-recon for Python: reconcile employee medical-insurance personal accounts
(职工医保个人账户) — contribution records against account statements — with the same
engine, rules and results as the ``yibao-recon`` command line.

    >>> import yibao_recon
    >>> r = yibao_recon.reconcile("samples/", policy="samples/policy.toml")
    >>> r.findings.num_rows, r.summary["persons"]

Inputs are files and folders (any file the CLI reads: CSV in any encoding, XLSX, XLS,
ODS) or tables — pyarrow Tables, pandas or polars DataFrames, anything with
``__arrow_c_stream__`` — whose columns carry SPEC's field names (or any alias the CLI
knows). Results are pyarrow Tables with the CLI's CSV columns and values (amounts as
``decimal128(18, 2)``, counts as ``int64``, ``credited_on`` as ``date32``, empty cells
null) and the summary as a dict, as summary.json has it.

For runs beyond one machine, see :mod:`yibao_recon.spark`.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
import warnings as _warnings
from typing import Any, NamedTuple

import pyarrow as _pa

from . import _native
from ._native import (
    InputError,
    NothingRecognisedError,
    PartError,
    PolicyError,
    YibaoReconError,
)

__all__ = [
    "reconcile",
    "Reconciliation",
    "YibaoReconError",
    "PolicyError",
    "NothingRecognisedError",
    "InputError",
    "PartError",
    "KINDS",
    "__version__",
]
__version__: str = _native.__version__

#: The kinds an input may be forced to, as ``reconcile({"statements": table})``.
KINDS = ("contributions", "statements", "roster")


class Reconciliation(NamedTuple):
    """What a run found: the CLI's findings.csv, months.csv, persons.csv and
    rejected.csv as pyarrow Tables, and summary.json as a dict."""

    findings: _pa.Table
    months: _pa.Table
    persons: _pa.Table
    rejected: _pa.Table
    summary: dict


def reconcile(
    inputs: Any,
    policy: str | _os.PathLike = "national",
    as_of: str | _dt.date | None = None,
    lang: str = "zh",
    show_ids: bool = False,
) -> Reconciliation:
    """Reconcile contributions against statements, as ``yibao-recon reconcile`` does.

    ``inputs``: a path (file or folder), a table, a list of them, or a dict from kind
    (``contributions``, ``statements``, ``roster``) to a path, table or list — a dict
    forces the kind, as ``--contributions`` does; otherwise each table's header decides.
    ``policy``: a preset name (``national``, …) or a policy file's path. ``as_of``:
    ``YYYY-MM-DD`` or a date; default the latest statement date. ``lang``: ``zh`` or
    ``en`` for messages. ``show_ids``: full ID numbers instead of masked ones.

    Raises ``FileNotFoundError`` for a path that does not exist, ``ValueError`` for a bad
    option, :class:`PolicyError` for a policy that cannot be used (the message names the
    key), :class:`NothingRecognisedError` when nothing could be reconciled (the message
    gives ``check``'s reasons) and :class:`InputError` for a folder that cannot be
    searched — each a :class:`YibaoReconError`. An input that exists but cannot
    be read leaves the run incomplete: ``summary["complete"]`` is False and a warning
    names it, as the CLI's exit status 2 would.
    """
    paths: list[tuple[str, str | None]] = []
    tables: list[tuple[str, str | None, _pa.Table]] = []
    for kind, item in _flatten(inputs):
        if isinstance(item, (str, _os.PathLike)):
            paths.append((_os.fspath(item), kind))
        else:
            name = f"{kind or 'table'}[{sum(1 for t in tables if t[1] == kind)}]"
            tables.append((name, kind, as_table(item)))
    if not paths and not tables:
        raise ValueError("no input given: pass a path, a table, or a dict of them")
    options = run_options(policy, as_of, lang, show_ids)
    findings, months, persons, rejected, summary = _native.reconcile(paths, tables, options)
    summary = _json.loads(summary)
    if not summary.get("complete", True):
        unread = "; ".join(f"{u['path']}: {u['reason']}" for u in summary["unreadable_inputs"])
        _warnings.warn(f"yibao-recon: the run is incomplete: {unread}", stacklevel=2)
    return Reconciliation(findings, months, persons, rejected, summary)


def _flatten(inputs: Any, kind: str | None = None):
    """(kind, item) for every path or table in ``inputs``."""
    if isinstance(inputs, dict):
        for k, v in inputs.items():
            k = "statements" if k == "statement" else k
            if k not in KINDS:
                raise ValueError(f"unknown kind {k!r}: use one of {', '.join(KINDS)}")
            yield from _flatten(v, k)
    elif isinstance(inputs, (list, tuple)):
        for v in inputs:
            yield from _flatten(v, kind)
    else:
        yield kind, inputs


def as_table(data: Any) -> _pa.Table:
    """A pyarrow Table of a pyarrow Table or RecordBatch, a pandas or polars DataFrame, or
    anything with ``__arrow_c_stream__``."""
    if isinstance(data, _pa.Table):
        return data
    if isinstance(data, _pa.RecordBatch):
        return _pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return _pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars":
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return _pa.table(data)
    raise TypeError(
        f"not an input: {type(data).__name__} (give a path, a pyarrow Table, or a pandas or polars DataFrame)"
    )


def run_options(
    policy: str | _os.PathLike, as_of: str | _dt.date | None, lang: str, show_ids: bool
) -> _native.Options:
    """A run's options, checked once: the policy a preset's name or a file's text (read
    here, so that Spark executors need not see the file)."""
    text = _os.fspath(policy)
    if _os.path.isfile(text):
        with open(text, encoding="utf-8") as f:
            given = {"policy_text": f.read(), "policy_origin": text}
    else:
        given = {"policy_name": text}
    return _native.Options(**given, as_of=_date_text(as_of), lang=lang, show_ids=show_ids)


def _date_text(d: str | _dt.date | None) -> str | None:
    if d is None or isinstance(d, str):
        return d
    return d.strftime("%Y-%m-%d")
