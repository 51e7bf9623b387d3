import datetime
import os
from typing import Any, NamedTuple

import pyarrow as pa

__version__: str
KINDS: tuple[str, str, str]

class YibaoReconError(Exception):
    """A run that cannot give an answer; the message says why, as ``check`` would."""

class PolicyError(YibaoReconError):
    """The policy (a preset's name or a TOML text) cannot be used; the message names the key."""

class NothingRecognisedError(YibaoReconError):
    """Nothing in the inputs was recognised; the message gives ``check``'s reasons."""

class InputError(YibaoReconError):
    """An input that exists could not be searched (a folder that cannot be listed)."""

class PartError(YibaoReconError):
    """A part of a split run could not be read back or put together."""

class Reconciliation(NamedTuple):
    findings: pa.Table
    months: pa.Table
    persons: pa.Table
    rejected: pa.Table
    summary: dict[str, Any]

def reconcile(
    inputs: Any,
    policy: str | os.PathLike[str] = "national",
    as_of: str | datetime.date | None = None,
    lang: str = "zh",
    show_ids: bool = False,
) -> Reconciliation: ...
def as_table(data: Any) -> pa.Table: ...
def run_options(
    policy: str | os.PathLike[str], as_of: str | datetime.date | None, lang: str, show_ids: bool
) -> Any: ...
